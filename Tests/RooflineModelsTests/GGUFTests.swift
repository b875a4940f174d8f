import Foundation
import Testing
import RooflineCore
@testable import RooflineModels

/// Writes GGUF headers (and zero data) in the tests, byte by byte, as ggml/src/gguf.cpp lays them out.
struct GGUFWriter {
    enum Value {
        case u8(UInt8), i8(Int8), u16(UInt16), i16(Int16), u32(UInt32), i32(Int32), f32(Float), bool(Bool)
        case string(String), u64(UInt64), i64(Int64), f64(Double)
        case array(UInt32, [Value])

        var typeID: UInt32 {
            switch self {
            case .u8: 0
            case .i8: 1
            case .u16: 2
            case .i16: 3
            case .u32: 4
            case .i32: 5
            case .f32: 6
            case .bool: 7
            case .string: 8
            case .array: 9
            case .u64: 10
            case .i64: 11
            case .f64: 12
            }
        }
    }

    var version: UInt32 = 3
    var metadata: [(String, Value)] = []
    var tensors: [(name: String, dims: [Int], type: GGMLType)] = []
    /// Overrides of the counts the header claims (to write a header that claims more than it holds).
    var claimedTensorCount: UInt64?
    var claimedKeyCount: UInt64?

    var bytes = Data()

    mutating func put<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func put(_ string: String) {
        put(UInt64(string.utf8.count))
        bytes.append(contentsOf: Array(string.utf8))
    }

    mutating func put(_ value: Value) {
        switch value {
        case .u8(let v): put(v)
        case .i8(let v): put(v)
        case .u16(let v): put(v)
        case .i16(let v): put(v)
        case .u32(let v): put(v)
        case .i32(let v): put(v)
        case .f32(let v): put(v.bitPattern)
        case .bool(let v): put(UInt8(v ? 1 : 0))
        case .string(let v): put(v)
        case .u64(let v): put(v)
        case .i64(let v): put(v)
        case .f64(let v): put(v.bitPattern)
        case .array(let type, let values):
            put(type)
            put(UInt64(values.count))
            for element in values { put(element) }
        }
    }

    /// The whole file: header, padding to 32, then each tensor's data (zeros) at 32-byte aligned offsets.
    func file(withData: Bool = true) -> Data {
        var w = self
        w.bytes = Data()
        w.bytes.append(contentsOf: Array("GGUF".utf8))
        w.put(version)
        w.put(claimedTensorCount ?? UInt64(tensors.count))
        w.put(claimedKeyCount ?? UInt64(metadata.count))
        for (key, value) in metadata {
            w.put(key)
            w.put(value.typeID)
            w.put(value)
        }
        var offset = 0
        var sizes: [Int] = []
        for tensor in tensors {
            w.put(tensor.name)
            w.put(UInt32(tensor.dims.count))
            for d in tensor.dims { w.put(UInt64(d)) }
            w.put(tensor.type.rawValue)
            w.put(UInt64(offset))
            let size = tensor.type.rowBytes(elements: tensor.dims[0])! * tensor.dims.dropFirst().reduce(1, *)
            sizes.append(size)
            offset += (size + 31) / 32 * 32
        }
        guard withData else { return w.bytes }
        w.bytes.append(Data(count: (32 - w.bytes.count % 32) % 32))
        w.bytes.append(Data(count: offset))
        return w.bytes
    }

    /// A Llama-shaped model: `layers` layers, hidden 256, 4 heads of 64, 2 KV heads, FFN 512, vocabulary 64, with
    /// `type(role, layer)` the type of each matrix.
    static func llama(layers: Int = 2, type: (String, Int?) -> GGMLType) -> GGUFWriter {
        var w = GGUFWriter()
        w.metadata = [
            ("general.architecture", .string("llama")),
            ("general.name", .string("writer-llama")),
            ("llama.block_count", .u32(UInt32(layers))),
            ("llama.embedding_length", .u32(256)),
            ("llama.feed_forward_length", .u32(512)),
            ("llama.attention.head_count", .u32(4)),
            ("llama.attention.head_count_kv", .u32(2)),
            ("llama.context_length", .u64(8192)),
            ("llama.rope.freq_base", .f32(500_000)),
            ("llama.attention.layer_norm_rms_epsilon", .f32(1e-5)),
            ("general.file_type", .u32(15)),
            ("tokenizer.ggml.tokens", .array(8, (0..<64).map { .string("t\($0)") })),
            ("tokenizer.ggml.scores", .array(6, (0..<64).map { .f32(Float(-$0)) })),
            ("tokenizer.ggml.add_bos_token", .bool(true)),
            ("general.test.i8", .i8(-1)), ("general.test.u8", .u8(7)), ("general.test.i16", .i16(-300)),
            ("general.test.u16", .u16(60_000)), ("general.test.i32", .i32(-70_000)), ("general.test.i64", .i64(-1 << 40)),
            ("general.test.f64", .f64(0.25)),
        ]
        w.tensors = [("token_embd.weight", [256, 64], type("token_embd", nil))]
        for layer in 0..<layers {
            let p = "blk.\(layer)."
            w.tensors += [
                (p + "attn_norm.weight", [256], .f32),
                (p + "attn_q.weight", [256, 256], type("attn_q", layer)),
                (p + "attn_k.weight", [256, 128], type("attn_k", layer)),
                (p + "attn_v.weight", [256, 128], type("attn_v", layer)),
                (p + "attn_output.weight", [256, 256], type("attn_output", layer)),
                (p + "ffn_norm.weight", [256], .f32),
                (p + "ffn_gate.weight", [256, 512], type("ffn_gate", layer)),
                (p + "ffn_up.weight", [256, 512], type("ffn_up", layer)),
                (p + "ffn_down.weight", [512, 256], type("ffn_down", layer)),
            ]
        }
        w.tensors += [("output_norm.weight", [256], .f32), ("output.weight", [256, 64], type("output", nil))]
        return w
    }
}

@Suite struct GGUFTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/gguf")

    /// The matmul types the issue lists, one per tensor role below.
    static let matmulTypes: [GGMLType] = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K,
                                          .q5_K, .q6_K, .iq4_nl, .iq4_xs]

    @Test func blockSizesAreGGMLs() {
        // (type, elements per block, bytes per block) from ggml-common.h's static_asserts.
        let expected: [(GGMLType, Int, Int)] = [
            (.f32, 1, 4), (.f16, 1, 2), (.bf16, 1, 2), (.q4_0, 32, 18), (.q4_1, 32, 20), (.q5_0, 32, 22), (.q5_1, 32, 24),
            (.q8_0, 32, 34), (.q2_K, 256, 84), (.q3_K, 256, 110), (.q4_K, 256, 144), (.q5_K, 256, 176), (.q6_K, 256, 210),
            (.q8_K, 256, 292), (.iq4_nl, 32, 18), (.iq4_xs, 256, 136),
        ]
        for (type, block, bytes) in expected {
            #expect(type.blockSize == block && type.bytesPerBlock == bytes, "\(type.name)")
        }
        #expect(GGMLType.q4_K.bitsPerElement == 4.5)
        #expect(GGMLType.q6_K.bitsPerElement == 6.5625)
        #expect(GGMLType.q4_K.rowBytes(elements: 4096) == 2304)  // 16 blocks × 144
        #expect(GGMLType.q4_K.rowBytes(elements: 100) == nil)
    }

    @Test func parsesEveryMetadataKindAndEveryListedTensorType() throws {
        var w = GGUFWriter()
        w.metadata = [("general.architecture", .string("llama")), ("a.u8", .u8(200)), ("a.i8", .i8(-5)),
                      ("a.u16", .u16(65_535)), ("a.i16", .i16(-2)), ("a.u32", .u32(4_000_000_000)), ("a.i32", .i32(-7)),
                      ("a.f32", .f32(0.5)), ("a.bool", .bool(true)), ("a.u64", .u64(1 << 40)), ("a.i64", .i64(-9)),
                      ("a.f64", .f64(-0.125)), ("a.strings", .array(8, [.string("x"), .string("yz")])),
                      ("a.ints", .array(5, [.i32(1), .i32(-2), .i32(3)]))]
        let types = GGMLType.allCases
        w.tensors = types.map { ("t.\($0.name)", [512, 3], $0) }
        let file = try GGUFFile(data: w.file(), source: "written")
        #expect(file.version == 3)
        #expect(file.metadata["a.u8"] == .unsigned(200))
        #expect(file.metadata["a.i8"] == .signed(-5))
        #expect(file.metadata["a.u16"] == .unsigned(65_535))
        #expect(file.metadata["a.i16"] == .signed(-2))
        #expect(file.metadata["a.u32"] == .unsigned(4_000_000_000))
        #expect(file.metadata["a.i32"] == .signed(-7))
        #expect(file.metadata["a.f32"] == .float(0.5))
        #expect(file.metadata["a.bool"] == .bool(true))
        #expect(file.metadata["a.u64"] == .unsigned(1 << 40))
        #expect(file.metadata["a.i64"] == .signed(-9))
        #expect(file.metadata["a.f64"] == .float(-0.125))
        #expect(file.metadata["a.strings"] == .array(elementType: 8, count: 2, values: [.string("x"), .string("yz")]))
        #expect(file.metadata["a.ints"] == .array(elementType: 5, count: 3, values: [.signed(1), .signed(-2), .signed(3)]))
        #expect(file.keys.first == "general.architecture" && file.keys.count == 14)
        #expect(file.tensors.count == types.count)
        for type in types {
            let tensor = try #require(file.tensor("t.\(type.name)"))
            #expect(tensor.type == type)
            // 512 elements per row = 512 / block blocks, 3 rows.
            #expect(tensor.bytes == 512 / type.blockSize * type.bytesPerBlock * 3, "\(type.name)")
        }
        // By hand: Q4_K 2 blocks × 144 × 3 = 864; Q8_0 16 × 34 × 3 = 1632; IQ4_XS 2 × 136 × 3 = 816.
        #expect(file.tensor("t.Q4_K")?.bytes == 864 && file.tensor("t.Q8_0")?.bytes == 1632 && file.tensor("t.IQ4_XS")?.bytes == 816)
        #expect(file.dataOffset % 32 == 0)
    }

    @Test func theTensorTableRoundTripsThroughJSONByTypeName() throws {
        let file = try GGUFFile(data: GGUFWriter.llama(layers: 1) { _, _ in .q4_K }.file(), source: "rt")
        let table = GGUFTensorTable(tensors: file.tensors)
        let json = try JSONEncoder().encode(table)
        #expect(String(decoding: json, as: UTF8.self).contains("\"type\":\"Q4_K\""))
        let decoded = try JSONDecoder().decode(GGUFTensorTable.self, from: json)
        #expect(decoded == table && decoded.tensor("blk.0.attn_q.weight")?.bytes == 256 * 144)
    }

    @Test func version2ReadsAndVersion1IsRefused() throws {
        var w = GGUFWriter.llama { _, _ in .f16 }
        w.version = 2
        #expect(try GGUFFile(data: w.file(), source: "v2").version == 2)
        w.version = 1
        #expect(throws: RooflineError.self) { try GGUFFile(data: w.file(), source: "v1") }
    }

    /// Each broken header: a one-line bad-data error naming the problem.
    @Test(arguments: [
        ("truncated", "truncated"),
        ("moreTensors", "claims 1000000 tensors"),
        ("moreKeys", "claims 4294967296 metadata pairs"),
        ("longString", "more than the"),
        ("notGGUF", "not a GGUF file"),
        ("dataPastEnd", "the file is truncated: tensor"),
        ("badType", "ggml type 99"),
        ("hugeTensor", "the file is truncated: tensor"),
    ])
    func brokenHeadersAreBadData(_ kind: String, _ message: String) throws {
        var w = GGUFWriter.llama { _, _ in .q8_0 }
        var data: Data
        switch kind {
        case "truncated": data = w.file(withData: false).prefix(300)
        case "moreTensors": w.claimedTensorCount = 1_000_000; data = w.file()
        case "moreKeys": w.claimedKeyCount = 1 << 32; data = w.file()
        case "longString":
            data = w.file()
            // The first key's length (after magic, version and the two counts) claims 2^40 bytes.
            data.replaceSubrange(24..<32, with: withUnsafeBytes(of: UInt64(1 << 40).littleEndian) { Data($0) })
        case "notGGUF": data = Data("{\"model_type\": \"llama\"}".utf8)
        case "dataPastEnd": data = w.file().dropLast(100)
        case "hugeTensor":
            // 2^45 × 64 F64 elements: 2^54 bytes, which the header may claim but the file does not hold.
            w.tensors = [("huge", [1 << 45, 64], .f64)]
            data = w.file(withData: false)
        default: w.tensors[0].type = .f32; data = w.file(); data = Self.replacingType(of: "token_embd.weight", in: data, with: 99)
        }
        do {
            _ = try GGUFFile(data: data, source: "bad.gguf")
            Issue.record("\(kind) parsed")
        } catch let error as RooflineError {
            #expect(error.category == .badData, "\(kind): \(error.message)")
            #expect(error.message.contains(message), "\(kind): \(error.message)")
            #expect(!error.message.contains("\n"))
        }
    }

    /// `data` with the ggml type id of tensor `name` replaced by `type`.
    static func replacingType(of name: String, in data: Data, with type: UInt32) -> Data {
        var copy = data
        let needle = Data(name.utf8)
        guard let range = copy.range(of: needle) else { return copy }
        let dims = Int(copy[range.upperBound]) // n_dims (little-endian u32, small)
        let typeOffset = range.upperBound + 4 + 8 * dims
        copy.replaceSubrange(typeOffset..<(typeOffset + 4), with: withUnsafeBytes(of: type.littleEndian) { Data($0) })
        return copy
    }

    @Test func everyPrefixOfAHeaderFailsCleanly() throws {
        let data = GGUFWriter.llama { _, _ in .q4_K }.file(withData: false)
        for length in stride(from: 0, to: data.count, by: 7) {
            #expect(throws: RooflineError.self) { try GGUFFile(data: data.prefix(length), source: "cut") }
        }
    }

    @Test func aModelFromTheHeaderHasExactBytesPerTensor() throws {
        // Every listed matmul type appears: one per (role, layer).
        let roles = ["attn_q", "attn_k", "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down"]
        var assigned: [String: GGMLType] = [:]
        var index = 0
        let w = GGUFWriter.llama(layers: 3) { role, layer in
            let key = "\(role).\(layer ?? -1)"
            if let type = assigned[key] { return type }
            let type = Self.matmulTypes[index % Self.matmulTypes.count]
            index += 1
            assigned[key] = type
            return type
        }
        #expect(Set(assigned.values) == Set(Self.matmulTypes))
        _ = roles
        let file = try GGUFFile(data: w.file(), source: "writer.gguf")
        let model = try ModelConfig(gguf: file, name: "writer", source: "writer.gguf")
        #expect(model.family == .llama && model.layerCount == 3 && model.hiddenSize == 256)
        #expect(model.headCount == 4 && model.kvHeadCount == 2 && model.headDim == 64 && model.intermediateSize == 512)
        #expect(model.vocabularySize == 64 && !model.tiedEmbeddings && model.maxPositionEmbeddings == 8192)
        let total = file.tensors.reduce(0) { $0 + $1.bytes }
        #expect(model.checkpointWeightBytes == Double(total))
        let workload = try Workload(model: model, phase: .decode(context: 100), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp16),
                                    attention: .fused)
        let ops = workload.operators()
        func bytes(_ roles: [String]) -> Double {
            (0..<3).reduce(0) { sum, layer in
                sum + roles.reduce(0) { $0 + Double(file.tensor("blk.\(layer).\($1).weight")!.bytes) }
            }
        }
        #expect(ops.first { $0.name == "qkv_proj" }?.bytes.weights == bytes(["attn_q", "attn_k", "attn_v"]))
        #expect(ops.first { $0.name == "o_proj" }?.bytes.weights == bytes(["attn_output"]))
        #expect(ops.first { $0.name == "gate_up_proj" }?.bytes.weights == bytes(["ffn_gate", "ffn_up"]))
        #expect(ops.first { $0.name == "down_proj" }?.bytes.weights == bytes(["ffn_down"]))
        #expect(ops.first { $0.name == "lm_head" }?.bytes.weights == Double(file.tensor("output.weight")!.bytes))
        // One distinct embedding row at decode: the token_embd row's bytes.
        let embedding = file.tensor("token_embd.weight")!
        // (expected distinct rows of one token: 1 up to rounding)
        let gathered = try #require(ops.first { $0.name == "embedding" }?.bytes.weights)
        #expect(abs(gathered - Double(embedding.bytes) / 64) < 1e-9)
    }

    @Test func quantizedMatmulsRunOnInt8WithScaleWork() throws {
        // Llama, every matmul Q8_0: decode of one token.
        let w = GGUFWriter.llama(layers: 1) { _, _ in .q8_0 }
        let model = try ModelConfig(gguf: try GGUFFile(data: w.file(), source: "q8"), name: "q8", source: "q8")
        let workload = try Workload(model: model, phase: .decode(context: 10), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp32),
                                    attention: .fused)
        let down = try #require(workload.operators().first { $0.name == "down_proj" })
        #expect(down.computeType == .int8)
        #expect(down.flops == 2 * 512 * 256)  // one row × 512 × 256
        // 512 × 256 Q8_0: 16 blocks per row × 256 rows × 34 B = 139,264 B.
        #expect(down.bytes.weights == 139_264)
        let side = try #require(down.sideWork)
        // Block scales: 1 row · 256 outputs · 512/32 blocks · 4 = 16,384 fp32 ops.
        #expect(side.first { $0.name == "Q8_0 block scales" } == SideWork(name: "Q8_0 block scales", operations: 16_384, dataType: .fp32))
        // Activation quantization: 512 elements · 4 + 16 blocks · 2 = 2,080 fp32 ops.
        #expect(side.first { $0.name == "activation quantization to Q8_0" }?.operations == 2_080)
        #expect(side.count == 2)
    }

    /// down_proj of a Q8_0 Llama (512 → 256) placed on a roofline with int8 200 GOP/s, fp32 50 GFLOP/s and DRAM
    /// 20 GB/s, activations fp32.
    @Test func aQuantizedMatmulIsPlacedOnTheInt8CeilingWithItsScaleWork() throws {
        let w = GGUFWriter.llama(layers: 1) { _, _ in .q8_0 }
        let model = try ModelConfig(gguf: try GGUFFile(data: w.file(), source: "q8"), name: "q8", source: "q8")
        let roofline = Roofline(name: "host", computeCeilings: [ComputeCeiling(dataType: .fp32, flopsPerSecond: 50e9, source: "fixed"),
                                                                ComputeCeiling(dataType: .int8, flopsPerSecond: 200e9, source: "fixed")],
                                bandwidthCeilings: [BandwidthCeiling(level: "DRAM", bytesPerSecond: 20e9, source: "fixed")],
                                mainMemoryLevel: "DRAM")
        func downProj(_ phase: Phase) throws -> Placement {
            let workload = try Workload(model: model, phase: phase, batch: 1,
                                        precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp32),
                                        attention: .fused)
            return try roofline.place(try #require(workload.operators().first { $0.name == "down_proj" }))
        }
        // Decode: int8 2·512·256 = 262,144 op / 200e9 = 1.31072 µs; fp32 side work 16,384 + 2,080 = 18,464 / 50e9 =
        // 0.36928 µs; compute 1.68 µs. Memory: 139,264 B of weights + (512 + 256) · 4 B = 142,336 B / 20e9 = 7.1168 µs.
        let decode = try downProj(.decode(context: 16))
        #expect(abs(decode.computeSeconds - 1.68e-6) < 1e-15 && abs(decode.memorySeconds - 7.1168e-6) < 1e-15)
        #expect(decode.bound == .memory && decode.seconds == decode.memorySeconds && decode.ceilingDataType == .int8)
        // Prefill of 64: int8 16,777,216 / 200e9 = 83.88608 µs; side work 64 · (256 · 16 · 4) + 64 · 2,080 = 1,181,696
        // / 50e9 = 23.63392 µs; compute 107.52 µs ≥ memory (139,264 + 64 · 768 · 4 = 335,872 B) / 20e9 = 16.7936 µs.
        let prefill = try downProj(.prefill(tokens: 64))
        #expect(abs(prefill.computeSeconds - 107.52e-6) < 1e-13 && abs(prefill.memorySeconds - 16.7936e-6) < 1e-13)
        #expect(prefill.bound == .compute)
        // Attainable: 16,777,216 / 107.52 µs = 156.04 GOP/s, below the int8 peak by the scale work.
        #expect(abs(prefill.attainableFlopsPerSecond - 16_777_216 / 107.52e-6) < 1e3)
    }

    @Test func kQuantSideWorkCountsSubBlockScalesAndMins() {
        let kernel = GGMLMatmulKernel(weights: .q4_K)!
        #expect(kernel.computeType == .int8 && kernel.activationType == .q8_K)
        // 2 rows × 4096 inputs × 1024 outputs: 2 · 1024 · 16 = 32,768 blocks.
        let work = kernel.sideWork(rows: 2, input: 4096, output: 1024)
        #expect(work.first { $0.name == "Q4_K sub-block scales" }?.operations == Double(32_768 * 48))
        #expect(work.first { $0.name == "Q4_K block scales" }?.operations == Double(32_768 * 8))
        // Activations: 2 · 4096 · 4 + 2 · 16 blocks · 2 = 32,832 fp32; 2 · 4096 · 2 = 16,384 integer.
        #expect(work.first { $0.name == "activation quantization to Q8_K" }?.operations == 32_832)
        #expect(work.first { $0.name == "activation quantization to Q8_K (integer)" }?.operations == 16_384)
        #expect(GGMLMatmulKernel(weights: .f16)?.computeType == .fp16)
        #expect(GGMLMatmulKernel(weights: .bf16)?.computeType == .bf16)
        #expect(GGMLMatmulKernel(weights: .f32)?.computeType == .fp32)
        #expect(GGMLMatmulKernel(weights: .f32)?.sideWork(rows: 3, input: 64, output: 64) == [])
        #expect(GGMLMatmulKernel(weights: .f16)?.sideWork(rows: 3, input: 64, output: 64)
            == [SideWork(name: "activation conversion to F16", operations: 192, dataType: .fp32)])
        #expect(GGMLMatmulKernel(weights: .q8_K) == nil && GGMLMatmulKernel(weights: .iq2_xxs) == nil)
        for type in Self.matmulTypes { #expect(GGMLMatmulKernel(weights: type) != nil, "\(type.name)") }
    }

    @Test func aWeightTypeWithoutAModelledKernelIsBadData() throws {
        let w = GGUFWriter.llama(layers: 1) { role, _ in role == "ffn_down" ? .iq2_xxs : .q8_0 }
        #expect {
            _ = try ModelConfig(gguf: try GGUFFile(data: w.file(), source: "iq2"), name: "iq2", source: "iq2")
        } throws: { error in
            (error as? RooflineError)?.category == .badData && "\(error)".contains("IQ2_XXS")
        }
    }

    @Test func anUnknownArchitectureNamesTheSupportedOnes() throws {
        var w = GGUFWriter.llama(layers: 1) { _, _ in .f16 }
        w.metadata[0] = ("general.architecture", .string("mamba"))
        #expect {
            _ = try ModelConfig(gguf: try GGUFFile(data: w.file(), source: "m"), name: "m", source: "m")
        } throws: { error in
            let text = "\(error)"
            return (error as? RooflineError)?.category == .badData && text.contains("'mamba'") && text.contains("qwen3moe")
        }
    }

    @Test func aMixtureOfExpertsReadsItsStackedExperts() throws {
        var w = GGUFWriter()
        w.metadata = [("general.architecture", .string("qwen3moe")), ("qwen3moe.block_count", .u32(1)),
                      ("qwen3moe.embedding_length", .u32(256)), ("qwen3moe.attention.head_count", .u32(4)),
                      ("qwen3moe.attention.head_count_kv", .u32(2)), ("qwen3moe.attention.key_length", .u32(64)),
                      ("qwen3moe.attention.value_length", .u32(64)), ("qwen3moe.expert_count", .u32(8)),
                      ("qwen3moe.expert_used_count", .u32(2)), ("qwen3moe.expert_feed_forward_length", .u32(256))]
        w.tensors = [("token_embd.weight", [256, 64], .q8_0), ("blk.0.attn_q.weight", [256, 256], .q4_K),
                     ("blk.0.attn_k.weight", [256, 128], .q4_K), ("blk.0.attn_v.weight", [256, 128], .q6_K),
                     ("blk.0.attn_output.weight", [256, 256], .q4_K), ("blk.0.ffn_gate_inp.weight", [256, 8], .f32),
                     ("blk.0.ffn_gate_exps.weight", [256, 256, 8], .q4_K), ("blk.0.ffn_up_exps.weight", [256, 256, 8], .q4_K),
                     ("blk.0.ffn_down_exps.weight", [256, 256, 8], .q6_K), ("output.weight", [256, 64], .q6_K)]
        let model = try ModelConfig(gguf: try GGUFFile(data: w.file(), source: "moe"), name: "moe", source: "moe")
        #expect(model.family == .qwen3Moe && model.moe?.expertCount == 8 && model.moe?.expertsPerToken == 2)
        #expect(model.moe?.expertIntermediateSize == 256 && model.qkNorm)
        let workload = try Workload(model: model, phase: .decode(context: 10), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp32),
                                    attention: .fused)
        let ops = workload.operators()
        // Decode, one token: 2 experts touched of 8, so 2/8 of the stacked tensors' bytes.
        // Q6_K down: 256 × 256 × 8 = 8 × 256 rows × 210 B = 430,080 B; two experts: 107,520 B.
        let down = try #require(ops.first { $0.name == "experts_down" })
        #expect(abs(down.bytes.weights - 107_520) < 1e-6)
        let router = try #require(ops.first { $0.name == "router" })
        #expect(router.computeType == .fp32 && router.bytes.weights == 256 * 8 * 4 && router.sideWork == nil)
    }

    /// A header of `architecture` with `sizes` (keys under the architecture) and `tensors`, all Q8_0 unless given.
    static func model(_ architecture: String, _ sizes: [String: UInt32], _ tensors: [(String, [Int], GGMLType)]) throws -> ModelConfig {
        var w = GGUFWriter()
        w.metadata = [("general.architecture", .string(architecture))]
            + sizes.sorted { $0.key < $1.key }.map { ("\(architecture).\($0.key)", .u32($0.value)) }
        w.tensors = tensors.map { (name: $0.0, dims: $0.1, type: $0.2) }
        return try ModelConfig(gguf: try GGUFFile(data: w.file(), source: architecture), name: architecture, source: architecture)
    }

    @Test func phi3ReadsItsFusedQKVAndGateUp() throws {
        // Phi-3: one attn_qkv (h → (nh + 2·nkv)·d) and one ffn_up (h → 2·I) per layer.
        let model = try Self.model("phi3", ["block_count": 1, "embedding_length": 256, "feed_forward_length": 512,
                                            "attention.head_count": 4, "attention.head_count_kv": 4,
                                            "attention.sliding_window": 2047, "rope.dimension_count": 64, "expert_count": 0],
                                   [("token_embd.weight", [256, 32], .q8_0), ("blk.0.attn_qkv.weight", [256, 768], .q4_K),
                                    ("blk.0.attn_output.weight", [256, 256], .q4_K), ("blk.0.ffn_up.weight", [256, 1024], .q5_K),
                                    ("blk.0.ffn_down.weight", [512, 256], .q6_K), ("output.weight", [256, 32], .q6_K)])
        #expect(model.family == .phi3 && model.slidingWindow == 2047 && model.intermediateSize == 512 && !model.tiedEmbeddings)
        #expect(model.moe == nil)  // phi3.expert_count 0 is no experts
        let workload = try Workload(model: model, phase: .decode(context: 10), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp32),
                                    attention: .fused)
        // Q5_K 256 → 1024: 1024 rows × 1 block × 176 B = 180,224 B.
        #expect(workload.operators().first { $0.name == "gate_up_proj" }?.bytes.weights == 180_224)
        // Q4_K 256 → 768: 768 × 144 = 110,592 B.
        #expect(workload.operators().first { $0.name == "qkv_proj" }?.bytes.weights == 110_592)
    }

    @Test func qwen2CountsItsBiasTensorsExactly() throws {
        var tensors: [(String, [Int], GGMLType)] = [("token_embd.weight", [64, 32], .q8_0)]
        for role in ["attn_q", "attn_k", "attn_v"] {
            tensors.append(("blk.0.\(role).weight", [64, role == "attn_q" ? 64 : 32], .q8_0))
            tensors.append(("blk.0.\(role).bias", [role == "attn_q" ? 64 : 32], .f32))
        }
        tensors += [("blk.0.attn_output.weight", [64, 64], .q8_0), ("blk.0.ffn_gate.weight", [64, 96], .q8_0),
                    ("blk.0.ffn_up.weight", [64, 96], .q8_0), ("blk.0.ffn_down.weight", [96, 64], .q8_0)]
        let model = try Self.model("qwen2", ["block_count": 1, "embedding_length": 64, "feed_forward_length": 96,
                                             "attention.head_count": 4, "attention.head_count_kv": 2], tensors)
        #expect(model.family == .qwen2 && model.qkvBias && model.tiedEmbeddings)
        let workload = try Workload(model: model, phase: .decode(context: 10), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp32),
                                    attention: .fused)
        let ops = workload.operators()
        // Q8_0 64 → 128 rows (64 + 32 + 32) × 2 blocks × 34 B = 8,704 B, biases 128 × 4 = 512 B.
        #expect(ops.first { $0.name == "qkv_proj" }?.bytes.weights == Double(8_704 + 512))
        // Tied: lm_head reads token_embd (32 rows × 2 × 34 = 2,176 B) on the Q8_0 kernel.
        let head = try #require(ops.first { $0.name == "lm_head" })
        #expect(head.bytes.weights == 2_176 && head.computeType == .int8)
    }

    @Test func gemma3AndQwen2MoEReadTheirFamilyKeys() throws {
        let gemma = try Self.model("gemma3", ["block_count": 6, "embedding_length": 64, "feed_forward_length": 128,
                                             "attention.head_count": 2, "attention.head_count_kv": 1,
                                             "attention.key_length": 32, "attention.value_length": 32,
                                             "attention.sliding_window": 512],
                                   [("token_embd.weight", [64, 32], .q8_0)] + (0..<6).flatMap { (i: Int) -> [(String, [Int], GGMLType)] in
                                       [("blk.\(i).attn_q.weight", [64, 64], .f16), ("blk.\(i).attn_k.weight", [64, 32], .f16),
                                        ("blk.\(i).attn_v.weight", [64, 32], .f16), ("blk.\(i).attn_output.weight", [64, 64], .f16),
                                        ("blk.\(i).ffn_gate.weight", [64, 128], .bf16), ("blk.\(i).ffn_up.weight", [64, 128], .bf16),
                                        ("blk.\(i).ffn_down.weight", [128, 64], .bf16)]
                                   })
        #expect(gemma.family == .gemma3 && gemma.tiedEmbeddings && gemma.slidingWindow == 512)
        #expect(gemma.slidingWindowLayers == [0, 1, 2, 3, 4] && gemma.headDim == 32)
        // Gemma 1: the gemma2 family with two norms per layer, no soft-caps and no window.
        let gemma1 = try Self.model("gemma", ["block_count": 1, "embedding_length": 64, "feed_forward_length": 128,
                                              "attention.head_count": 2, "attention.head_count_kv": 1,
                                              "attention.key_length": 32],
                                    [("token_embd.weight", [64, 32], .q8_0), ("blk.0.attn_q.weight", [64, 64], .q8_0),
                                     ("blk.0.attn_k.weight", [64, 32], .q8_0), ("blk.0.attn_v.weight", [64, 32], .q8_0),
                                     ("blk.0.attn_output.weight", [64, 64], .q8_0), ("blk.0.ffn_gate.weight", [64, 128], .q8_0),
                                     ("blk.0.ffn_up.weight", [64, 128], .q8_0), ("blk.0.ffn_down.weight", [128, 64], .q8_0)])
        #expect(gemma1.family == .gemma2 && gemma1.normsPerLayer == 2 && gemma1.scalesEmbeddings && gemma1.tiedEmbeddings)
        #expect(gemma1.attentionLogitSoftcap == nil && gemma1.finalLogitSoftcap == nil && gemma1.slidingWindow == nil)
        #expect(gemma1.notes.contains { $0.contains("Gemma 1") })
        let moe = try Self.model("qwen2moe", ["block_count": 1, "embedding_length": 64, "attention.head_count": 4,
                                              "attention.head_count_kv": 4, "expert_count": 4, "expert_used_count": 2,
                                              "expert_feed_forward_length": 32, "expert_shared_feed_forward_length": 64],
                                 [("token_embd.weight", [64, 32], .q8_0), ("blk.0.attn_q.weight", [64, 64], .q8_0),
                                  ("blk.0.attn_k.weight", [64, 64], .q8_0), ("blk.0.attn_v.weight", [64, 64], .q8_0),
                                  ("blk.0.attn_output.weight", [64, 64], .q8_0), ("blk.0.ffn_gate_inp.weight", [64, 4], .f32),
                                  ("blk.0.ffn_gate_inp_shexp.weight", [64], .f32),
                                  ("blk.0.ffn_gate_exps.weight", [64, 32, 4], .q8_0), ("blk.0.ffn_up_exps.weight", [64, 32, 4], .q8_0),
                                  ("blk.0.ffn_down_exps.weight", [32, 64, 4], .q8_0), ("blk.0.ffn_gate_shexp.weight", [64, 64], .q8_0),
                                  ("blk.0.ffn_up_shexp.weight", [64, 64], .q8_0), ("blk.0.ffn_down_shexp.weight", [64, 64], .q8_0)])
        #expect(moe.family == .qwen2Moe && moe.moe?.sharedIntermediateSize == 64 && moe.moe?.sharedExpertGate == true)
        let workload = try Workload(model: moe, phase: .decode(context: 10), batch: 1,
                                    precision: Precision(weightScheme: moe.weights, activations: .fp32, kvCache: .fp32),
                                    attention: .fused)
        // The router reads ffn_gate_inp (64 × 4 × 4 B) and the shared expert's gate (64 × 4 B).
        #expect(workload.operators().first { $0.name == "router" }?.bytes.weights == Double(1_024 + 256))
    }

    @Test func tensorsThatDisagreeWithTheMetadataAreBadData() throws {
        // attn_k gives 16 outputs where 2 KV heads of 16 need 32.
        #expect {
            _ = try Self.model("llama", ["block_count": 1, "embedding_length": 64, "feed_forward_length": 64,
                                         "attention.head_count": 4, "attention.head_count_kv": 2],
                               [("token_embd.weight", [64, 32], .q8_0), ("blk.0.attn_q.weight", [64, 64], .q8_0),
                                ("blk.0.attn_k.weight", [64, 16], .q8_0), ("blk.0.attn_v.weight", [64, 32], .q8_0),
                                ("blk.0.attn_output.weight", [64, 64], .q8_0), ("blk.0.ffn_gate.weight", [64, 64], .q8_0),
                                ("blk.0.ffn_up.weight", [64, 64], .q8_0), ("blk.0.ffn_down.weight", [64, 64], .q8_0)])
        } throws: { error in
            (error as? RooflineError)?.category == .badData && "\(error)".contains("give 112 outputs but qkv_proj has 128")
        }
        // A missing tensor names what it looked for.
        #expect {
            _ = try Self.model("llama", ["block_count": 1, "embedding_length": 64, "feed_forward_length": 64,
                                         "attention.head_count": 4], [("token_embd.weight", [64, 32], .q8_0)])
        } throws: { error in
            "\(error)".contains("lacks the weights of qkv_proj (blk.0.attn_q.weight + blk.0.attn_k.weight + blk.0.attn_v.weight or blk.0.attn_qkv.weight)")
        }
    }

    /// A file gguf-py wrote (scripts/make-gguf-fixtures.py): our tensor table equals GGUFReader's.
    @Test(arguments: ["tiny-llama-mixed", "tiny-llama-f16"])
    func matchesGGUFPyOnItsOwnFiles(_ name: String) throws {
        let url = Self.fixtures.appendingPathComponent("\(name).gguf")
        let file = try GGUFFile(contentsOf: url)
        let expected = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).tensors.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t").map(String.init) }
        #expect(file.tensors.count == expected.count)
        for (tensor, row) in zip(file.tensors, expected) {
            #expect(tensor.name == row[0])
            #expect(tensor.type.name == row[1])
            #expect(tensor.dimensions.map(String.init).joined(separator: ",") == row[2])
            #expect(tensor.bytes == Int(row[3]), "\(tensor.name)")
        }
        // The metadata: every key, its gguf type and its value as GGUFReader reads them.
        let metadata = try String(contentsOf: Self.fixtures.appendingPathComponent("\(name).metadata.tsv"), encoding: .utf8)
            .split(separator: "\n").filter { !$0.hasPrefix("#") }.map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(file.keys == metadata.map { $0[0] })
        func text(_ value: GGUFValue) -> String {
            switch value {
            case .unsigned(let v): String(v)
            case .signed(let v): String(v)
            case .float(let v): String(v)
            case .bool(let v): String(v)
            case .string(let v): v
            case .array(_, let count, let values): "\(count)\t" + (count <= 8 ? values.map(text).joined(separator: "|") : "")
            }
        }
        for row in metadata {
            let value = try #require(file.metadata[row[0]])
            #expect(file.valueTypes[row[0]].map(String.init) == row[1], "\(row[0])")
            if case .array(let elementType, _, _) = value { #expect(String(elementType) == row[2], "\(row[0])") }
            #expect(text(value) == row.dropFirst(3).joined(separator: "\t"), "\(row[0])")
        }
        let model = try ModelConfig.load(url.path)
        #expect(model.name == name && model.family == .llama && model.layerCount == 2 && model.hiddenSize == 64)
        #expect(model.headCount == 4 && model.kvHeadCount == 2 && model.headDim == 16 && model.vocabularySize == 48)
        #expect(model.intermediateSize == (name == "tiny-llama-mixed" ? 256 : 64))
        #expect(model.tiedEmbeddings == (name == "tiny-llama-f16"))
        #expect(model.maxPositionEmbeddings == 2048)
        #expect(model.checkpointWeightBytes == Double(expected.reduce(0) { $0 + Int($1[3])! }))
    }

    @Test func theMixedFixtureSplitsAMixedOperatorByKernel() throws {
        let model = try ModelConfig.load(Self.fixtures.appendingPathComponent("tiny-llama-mixed.gguf").path)
        let workload = try Workload(model: model, phase: .decode(context: 8), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp32),
                                    attention: .fused)
        // o_proj: layer 0 F16, layer 1 BF16, both 64 × 64: one type is the operator's, the other's dot products,
        // 2 · 64 · 64 = 8,192, are side work on its own ceiling; together the two layers' 16,384.
        let o = try #require(workload.operators().first { $0.name == "o_proj" })
        #expect(o.bytes.weights == 8192 + 8192)
        #expect(o.flops + (o.sideWork?.filter { $0.name.hasSuffix("dot products") }.reduce(0) { $0 + $1.operations } ?? 0)
            == 2 * 2 * 64 * 64)
        #expect(Set([o.computeType, o.sideWork?.first { $0.name.hasSuffix("dot products") }?.dataType]) == Set([.fp16, .bf16]))
    }
}
