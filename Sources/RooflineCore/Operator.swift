/// What an operator does, which decides how it is drawn and grouped.
public enum OperatorKind: String, Codable, CaseIterable, Sendable {
    case matmul
    case attentionScores = "attention-scores"
    case softmax
    case attentionValues = "attention-values"
    /// Fused attention (scores, softmax and AV in one pass, FlashAttention-style).
    case attention
    case kvRead = "kv-read"
    case kvWrite = "kv-write"
    case norm
    case elementwise
    case embedding
    case router
    case collective

    /// The kinds that make up attention: scores, softmax and values, or all three fused.
    public static let attentionKinds: Set<OperatorKind> = [.attentionScores, .softmax, .attentionValues, .attention]
}

/// Bytes an operator moves, split by what they are. All in bytes.
public struct ByteCounts: Codable, Sendable, Equatable {
    public var weights: Double
    public var activations: Double
    public var kvCache: Double

    public init(weights: Double = 0, activations: Double = 0, kvCache: Double = 0) {
        self.weights = weights
        self.activations = activations
        self.kvCache = kvCache
    }

    /// weights + activations + kvCache.
    public var total: Double { weights + activations + kvCache }

    public static func + (lhs: ByteCounts, rhs: ByteCounts) -> ByteCounts {
        ByteCounts(weights: lhs.weights + rhs.weights, activations: lhs.activations + rhs.activations,
                   kvCache: lhs.kvCache + rhs.kvCache)
    }

    public static func * (lhs: ByteCounts, factor: Double) -> ByteCounts {
        ByteCounts(weights: lhs.weights * factor, activations: lhs.activations * factor, kvCache: lhs.kvCache * factor)
    }
}

/// Work an operator does besides its main `flops`, on another compute ceiling: a quantized matmul's fp32 block
/// scales and the quantization of its activations (`GGMLMatmulKernel` in RooflineModels says what is counted).
/// Operations count as FLOPs do: a multiply-add is 2.
public struct SideWork: Codable, Sendable, Equatable {
    /// What the work is, for people: `block scales`, `activation quantization to Q8_0`.
    public var name: String
    /// Operations for the whole step (all `count` instances).
    public var operations: Double
    /// The data type whose ceiling the work runs on.
    public var dataType: DataType

    public init(name: String, operations: Double, dataType: DataType) {
        self.name = name
        self.operations = operations
        self.dataType = dataType
    }

    /// This work with its operations multiplied by `factor` (a device's share of the operator).
    public func scaled(by factor: Double) -> SideWork {
        SideWork(name: name, operations: operations * factor, dataType: dataType)
    }
}

/// One operator of an inference step: data only. Intensity, bound and time are derived by a `Roofline`.
///
/// `flops` and `bytes` are totals for the whole step: the cost of one instance times `count`
/// (for example one projection repeated in each of `count` layers).
public struct Operator: Codable, Sendable, Equatable {
    public var name: String
    public var kind: OperatorKind
    /// Floating-point (or integer) operations for the step; a multiply-add counts 2.
    public var flops: Double
    public var bytes: ByteCounts
    /// The data type whose compute ceiling applies.
    public var computeType: DataType
    /// How many instances (usually layers) the totals cover.
    public var count: Int
    /// Independent work units of one instance, the thread blocks a GPU kernel spreads over its SMs: 128×128 output
    /// tiles of a matmul (`Counting.matmulTiles`), 128-row query tiles per head of a prefill attention
    /// (`Counting.attentionQueryTiles`), sequences × KV heads of a decode attention
    /// (`Counting.decodeAttentionBlocks`). Nil when
    /// not counted (the calibrated time model then uses its size-only curves).
    public var parallelUnits: Double?

    /// Work besides `flops` that runs on other ceilings and adds to the compute time (`Roofline.place`); nil when
    /// there is none (every operator but a quantized GGUF matmul), and then absent from JSON.
    public var sideWork: [SideWork]?

    public init(name: String, kind: OperatorKind, flops: Double, bytes: ByteCounts, computeType: DataType, count: Int = 1,
                parallelUnits: Double? = nil, sideWork: [SideWork]? = nil) {
        self.name = name
        self.kind = kind
        self.flops = flops
        self.bytes = bytes
        self.computeType = computeType
        self.count = count
        self.parallelUnits = parallelUnits
        self.sideWork = sideWork.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Arithmetic intensity in FLOP per byte: flops / bytes.total (0 when nothing is computed,
    /// +∞ when nothing is moved).
    public var flopsPerByte: Double {
        if flops == 0 { return 0 }
        return bytes.total == 0 ? .infinity : flops / bytes.total
    }
}
