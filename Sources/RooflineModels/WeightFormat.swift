/// How one group of weights is stored: the values at `valueBits` each, plus the scale and zero-point bytes a
/// quantized format adds. The one place where a weight matrix turns into bytes.
public struct WeightFormat: Codable, Sendable, Equatable {
    /// Where the scales (and zero points) sit.
    public enum Scales: Codable, Sendable, Equatable {
        /// No scales: a plain floating-point type.
        case none
        /// One scale for the whole matrix (fp8 per-tensor).
        case perTensor(scaleBytes: Double)
        /// One scale per output row (bitsandbytes int8's fp32 row scale, fbgemm fp8).
        case perChannel(scaleBytes: Double)
        /// One scale (and zero point) per `size` consecutive input weights of each output row (AWQ, GPTQ, MXFP4,
        /// bitsandbytes 4-bit blocks, compressed-tensors group strategy).
        case group(size: Int, scaleBytes: Double, zeroPointBytes: Double)
        /// One scale per `rows` × `columns` tile of the matrix (DeepSeek-V3 fp8 `weight_block_size` [128, 128]).
        case block(rows: Int, columns: Int, scaleBytes: Double)
    }

    /// The type the values load as, which decides the compute ceiling (int4 for 3- and 4-bit integers).
    public var type: DataType
    /// Bits of one stored value (4 for AWQ/GPTQ 4-bit and MXFP4, 8 for fp8/int8, 16 for bf16).
    public var valueBits: Double
    public var scales: Scales
    /// The quantization method that wrote it (`awq`, `gptq`, `fp8`, …), nil for a plain type.
    public var method: String?

    public init(type: DataType, valueBits: Double? = nil, scales: Scales = .none, method: String? = nil) {
        self.type = type
        self.valueBits = valueBits ?? type.bytesPerElement * 8
        self.scales = scales
        self.method = method
    }

    /// A plain floating-point or integer type without scales.
    public static func plain(_ type: DataType) -> WeightFormat { WeightFormat(type: type) }

    /// Bytes of one k × n weight matrix (k inputs, n outputs): the values k·n·bits/8, plus
    /// per-tensor: s; per-channel: n·s; group g: n·⌈k/g⌉·(s + z); block r × c: ⌈n/r⌉·⌈k/c⌉·s
    /// (s scale bytes, z zero-point bytes).
    public func matrixBytes(input k: Double, output n: Double) -> Double {
        let values = k * n * valueBits / 8
        switch scales {
        case .none:
            return values
        case .perTensor(let scale):
            return values + scale
        case .perChannel(let scale):
            return values + n * scale
        case .group(let size, let scale, let zeroPoint):
            return values + n * (k / Double(size)).rounded(.up) * (scale + zeroPoint)
        case .block(let rows, let columns, let scale):
            return values + (n / Double(rows)).rounded(.up) * (k / Double(columns)).rounded(.up) * scale
        }
    }

    /// Bytes per weight of a square matrix of side k (`matrixBytes(k, k) / k²`): the values' bits / 8 plus their
    /// share of the scales. Group and block scales do not depend on the shape when k divides evenly; per-channel
    /// scales do (s/k), and per-tensor ones vanish (s/k²).
    public func bytesPerWeight(input k: Double) -> Double {
        matrixBytes(input: k, output: k) / (k * k)
    }

    /// For messages: `int4 (awq, group 128, fp16 scales, zero points)`, `fp8 (block 128×128)`, `bf16`.
    public var summary: String {
        var parts: [String] = []
        if let method { parts.append(method) }
        if valueBits != type.bytesPerElement * 8 { parts.append("\(Int(valueBits))-bit") }
        switch scales {
        case .none: break
        case .perTensor: parts.append("per-tensor scale")
        case .perChannel: parts.append("per-channel scales")
        case .group(let size, _, let zeroPoint): parts.append("group \(size)" + (zeroPoint > 0 ? " with zero points" : ""))
        case .block(let rows, let columns, _): parts.append("block \(rows)×\(columns) scales")
        }
        return type.rawValue + (parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")")
    }
}

/// The groups of weights a checkpoint may store at different types.
public enum WeightGroup: String, Codable, Sendable, CaseIterable, Comparable {
    case embedding
    case lmHead = "lm_head"
    case attention
    case mlp
    case experts
    case sharedExperts = "shared_experts"
    case router
    /// Norm weights, biases and other vectors: always at the checkpoint's base type.
    case vectors

    /// The groups made of linear layers, which quantization methods convert.
    public static let linear: Set<WeightGroup> = [.attention, .mlp, .experts, .sharedExperts]

    public static func < (lhs: WeightGroup, rhs: WeightGroup) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a model's weights are stored, group by group: the checkpoint's base type (`torch_dtype`), and the quantized
/// format of the groups its `quantization_config` converts.
public struct WeightScheme: Codable, Sendable, Equatable {
    /// The type of every weight not quantized (`torch_dtype` / `dtype`; bf16 when the config names none).
    public var base: DataType
    /// The format of the quantized groups; nil when nothing is quantized.
    public var quantized: WeightFormat?
    /// The groups stored in `quantized`.
    public var quantizedGroups: Set<WeightGroup>
    /// Modules the checkpoint keeps unquantized that name single layers (`model.layers.0.mlp`): counted at the
    /// quantized type, since the count is per group.
    public var unmodelledExclusions: [String]
    /// A GGUF checkpoint's tensor table: every tensor's own ggml type and exact bytes, which then replace the
    /// group formats for matmuls, the embedding and the weight total; nil for every other source.
    public var gguf: GGUFTensorTable?

    public init(base: DataType, quantized: WeightFormat? = nil, quantizedGroups: Set<WeightGroup> = [],
                unmodelledExclusions: [String] = []) {
        self.base = base
        self.quantized = quantized
        self.quantizedGroups = quantized == nil ? [] : quantizedGroups
        self.unmodelledExclusions = unmodelledExclusions
    }

    /// A GGUF checkpoint's weights: vectors (norms, biases) at fp32, as GGUF stores them; the matrices at the
    /// table's headline type (`GGMLType.storageType`, with its bits per weight), which stands for them where one
    /// type is asked for; the exact bytes and kernels come from `table`.
    public static func gguf(_ table: GGUFTensorTable) -> WeightScheme {
        let headline = table.headlineType
        var scheme = WeightScheme(
            base: .fp32,
            quantized: WeightFormat(type: headline.storageType, valueBits: headline.bitsPerElement, method: "GGUF \(headline.name)"),
            quantizedGroups: Set(WeightGroup.allCases).subtracting([.vectors]))
        scheme.gguf = table
        return scheme
    }

    /// Every weight at `type`, no scales.
    public static func uniform(_ type: DataType) -> WeightScheme { WeightScheme(base: type) }

    /// The format of `group`.
    public func format(_ group: WeightGroup) -> WeightFormat {
        if let quantized, quantizedGroups.contains(group) { return quantized }
        return .plain(base)
    }

    /// The type of the bulk of the weights: the quantized format's when there is one, else the base type.
    public var headlineType: DataType { quantized?.type ?? base }

    /// What `--weights TYPE` means: 16- and 32-bit types store every weight at TYPE (no scales); narrower types
    /// quantize the linear layers and keep embeddings, lm_head, router and vectors at `base` (the checkpoint's own
    /// type), with the scales a serving engine stores: fp8 one fp32 scale per tensor, int8 one fp16 scale per
    /// output channel, int4 one fp16 scale per group of 128 (GPTQ/AWQ's default group, symmetric), fp4 MXFP4
    /// (one E8M0 byte per 32, OCP Microscaling spec v1.0).
    public static func override(_ type: DataType, base: DataType) -> WeightScheme {
        let format: WeightFormat
        switch type {
        case .fp8:
            format = WeightFormat(type: .fp8, scales: .perTensor(scaleBytes: 4))
        case .int8:
            format = WeightFormat(type: .int8, scales: .perChannel(scaleBytes: 2))
        case .int4:
            format = WeightFormat(type: .int4, scales: .group(size: 128, scaleBytes: 2, zeroPointBytes: 0))
        case .fp4:
            format = WeightFormat(type: .fp4, scales: .group(size: 32, scaleBytes: 1, zeroPointBytes: 0))
        case .fp64, .fp32, .tf32, .bf16, .fp16:
            return .uniform(type)
        }
        return WeightScheme(base: base.bytesPerElement < 2 ? .bf16 : base, quantized: format,
                            quantizedGroups: WeightGroup.linear)
    }

    /// For messages: `int4 (awq, group 128 with zero points) for attention, mlp; bf16 elsewhere`, or `bf16`.
    public var summary: String { summary(groups: Set(WeightGroup.allCases)) }

    /// `summary`, naming only the quantized groups among `groups` (the ones a model has).
    public func summary(groups: Set<WeightGroup>) -> String {
        if let gguf { return gguf.summary }
        let named = quantizedGroups.intersection(groups)
        guard let quantized, !named.isEmpty else { return base.rawValue }
        return "\(quantized.summary) for \(named.sorted().map(\.rawValue).joined(separator: ", ")); \(base.rawValue) elsewhere"
    }
}
