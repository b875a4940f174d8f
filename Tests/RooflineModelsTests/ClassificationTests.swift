import Testing
@testable import RooflineModels

/// The minimal H200: 4.8 TB/s HBM, 989.4 dense bf16 TFLOP/s, 1978.9 fp8, and 67 fp32 (vector) TFLOP/s.
let h200 = Roofline(
    name: "NVIDIA H200 (test)",
    computeCeilings: [
        ComputeCeiling(dataType: .fp32, flopsPerSecond: 67e12, source: "datasheet"),
        ComputeCeiling(dataType: .bf16, flopsPerSecond: 989.4e12, source: "datasheet, dense"),
        ComputeCeiling(dataType: .fp8, flopsPerSecond: 1978.9e12, source: "datasheet, dense"),
    ],
    bandwidthCeilings: [BandwidthCeiling(level: "HBM", bytesPerSecond: 4.8e12, source: "datasheet")],
    mainMemoryLevel: "HBM")

@Suite struct ClassificationTests {
    @Test(arguments: ModelConfig.presetNames)
    func decodeMatmulsAtBatchOneAreMemoryBound(preset: String) throws {
        let analysis = try h200.analyze(workload(preset, .decode(context: longest(preset, 4096))).operators())
        let matmuls = analysis.placements.filter { $0.operator.kind == .matmul || $0.operator.kind == .router }
        #expect(!matmuls.isEmpty)
        for p in matmuls {
            #expect(p.bound == .memory, "\(p.operator.name) at \(p.arithmeticIntensity) FLOP/B")
            // A GEMV does 2 FLOPs per weight of 2 bytes: about 1 FLOP/B, far below the ridge of 206.
            #expect(p.arithmeticIntensity < 2)
        }
    }

    @Test(arguments: ["llama-2-7b", "llama-3.1-405b", "llama-3.1-70b", "qwen2.5-72b-instruct"])
    func prefillMatmulsAt4096TokensAreComputeBound(preset: String) throws {
        let analysis = try h200.analyze(workload(preset, .prefill(tokens: 4096), lmHeadAllPositions: true).operators())
        for p in analysis.placements where p.operator.kind == .matmul {
            #expect(p.bound == .compute, "\(p.operator.name) at \(p.arithmeticIntensity) FLOP/B")
        }
        // With the default last-position head, lm_head is a GEMV again.
        let lastOnly = try h200.analyze(workload(preset, .prefill(tokens: 4096)).operators())
        #expect(lastOnly.placements.first { $0.operator.name == "lm_head" }?.bound == .memory)
    }

    @Test func materializedSoftmaxIsMemoryBoundAtEverySize() throws {
        let phases: [Phase] = [.prefill(tokens: 1), .prefill(tokens: 128), .prefill(tokens: 4096), .prefill(tokens: 131_072),
                               .prefill(tokens: 10_000_000), .decode(context: 1), .decode(context: 4096),
                               .decode(context: 10_000_000), .decode(context: 1_000_000_000)]
        for preset in ["llama-2-7b", "llama-3.1-405b", "gemma-2-27b", "deepseek-v3"] {
            for phase in phases {
                for batch in [1, 64] {
                    let analysis = try h200.analyze(
                        workload(preset, phase, batch: batch, attention: .materialized).operators())
                    let softmaxes = analysis.placements.filter { $0.operator.kind == .softmax }
                    #expect(!softmaxes.isEmpty)
                    for p in softmaxes {
                        // 5 (or 8) FLOPs per score over 4 bytes moved: 1.25–2 FLOP/B against a fp32 ridge of 14.
                        #expect(p.bound == .memory, "\(preset) \(phase) \(p.operator.name)")
                    }
                }
            }
        }
    }

    @Test func fusedPrefillAttentionAt4096TokensIsComputeBound() throws {
        for preset in ["llama-2-7b", "llama-3.1-405b"] {
            let analysis = try h200.analyze(workload(preset, .prefill(tokens: 4096)).operators())
            let attention = try #require(analysis.placements.first { $0.operator.kind == .attention })
            #expect(attention.bound == .compute)
        }
        // Llama 2 7B per layer: 32·(4096·4097/2)·517 FLOPs over 4 × 4096·4096 × 2 B ≈ 1034 FLOP/B.
        let llama = try h200.analyze(workload("llama-2-7b", .prefill(tokens: 4096)).operators())
        let p = try #require(llama.placements.first { $0.operator.kind == .attention })
        let layerFlops: Double = 32 * (4096.0 * 4097 / 2) * 517
        let layerBytes: Double = 4 * 4096 * 4096 * 2
        #expect(close(p.arithmeticIntensity, layerFlops / layerBytes))
        // Decode attention is memory-bound: 32 heads over 32 KV heads do 517 FLOPs per 512 bytes.
        let decode = try h200.analyze(workload("llama-2-7b", .decode(context: 4096)).operators())
        #expect(decode.placements.first { $0.operator.kind == .attention }?.bound == .memory)
    }

    @Test func anOperatorExactlyAtTheRidgeIsComputeBound() throws {
        // 989.4e12 FLOPs over 4.8e12 bytes: one second of compute and one second of memory.
        let ridge = Operator(name: "at-ridge", kind: .matmul, flops: 989.4e12, bytes: ByteCounts(weights: 4.8e12),
                             computeType: .bf16)
        let p = try h200.place(ridge)
        #expect(p.bound == .compute)
        #expect(p.arithmeticIntensity == h200.ridgeFlopsPerByte(dataType: .bf16))
        #expect(p.seconds == 1)
        #expect(p.attainableFlopsPerSecond == 989.4e12)
        #expect(close(try #require(h200.ridgeFlopsPerByte(dataType: .bf16)), 206.125))
        let below = Operator(name: "below", kind: .matmul, flops: 989.4e12 * 0.999, bytes: ByteCounts(weights: 4.8e12),
                             computeType: .bf16)
        #expect(try h200.place(below).bound == .memory)
    }

    @Test func zeroFlopOperatorsAreMemoryBoundWithoutNaN() throws {
        let analysis = try h200.analyze(workload("llama-3.1-405b", .decode(context: 10_000_000)).operators())
        let write = try #require(analysis.placements.first { $0.operator.kind == .kvWrite })
        #expect(write.operator.flops == 0)
        #expect(write.bound == .memory)
        #expect(write.arithmeticIntensity == 0)
        #expect(write.attainableFlopsPerSecond == 0)
        #expect(close(write.seconds, 126 * 2048 * 2 * 2 / 4.8e12))
        #expect(!analysis.share(of: write).isNaN)
    }

    @Test func decodeAtTenMillionIsDominatedByTheCache() throws {
        // Llama 3.1 405B at 10M: 5.16 TB of cache + 0.81 TB of weights per token at 4.8 TB/s ≈ 1.24 s per token
        // on one (hypothetical) GPU; the guide's 48-GPU layout divides this.
        let analysis = try h200.analyze(workload("llama-3.1-405b", .decode(context: 10_000_000)).operators())
        let bytes = analysis.totalBytes
        #expect(close(bytes.kvCache, 5_160_960_000_000 + 126 * 2048 * 2))
        #expect(analysis.placements.allSatisfy { $0.bound == .memory })
        #expect(close(analysis.totalSeconds, bytes.total / 4.8e12, 1e-3))
    }

    @Test func missingCeilingsFallBackToWiderTypes() throws {
        let int4 = Precision(weights: .int4, activations: .int8, kvCache: .int8)
        let analysis = try h200.analyze(workload("llama-2-7b", .decode(context: 4096), precision: int4).operators())
        // int8 matmuls run on the fp8 ceiling (the H200 test spec has no int8 entry).
        #expect(analysis.fallbacks.map(\.requested) == [.int8])
        #expect(analysis.fallbacks.map(\.used) == [.fp8])
    }
}
