/// Data types of the three things an inference step stores.
public struct Precision: Codable, Sendable, Equatable {
    /// The type of the bulk of the weights (the linear layers'): `weightScheme.headlineType`.
    public var weights: DataType
    public var activations: DataType
    public var kvCache: DataType
    /// How each group of weights is stored, scales included: every weight at `weights` unless a checkpoint's
    /// `quantization_config` or a narrow `--weights` type says otherwise.
    public var weightScheme: WeightScheme

    public init(weights: DataType, activations: DataType, kvCache: DataType) {
        self.init(weightScheme: .uniform(weights), activations: activations, kvCache: kvCache)
    }

    public init(weightScheme: WeightScheme, activations: DataType, kvCache: DataType) {
        self.weights = weightScheme.headlineType
        self.activations = activations
        self.kvCache = kvCache
        self.weightScheme = weightScheme
    }

    /// JSON carries the three types; the scheme is described in the output's notes.
    private enum CodingKeys: String, CodingKey { case weights, activations, kvCache }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(weights: try container.decode(DataType.self, forKey: .weights),
                  activations: try container.decode(DataType.self, forKey: .activations),
                  kvCache: try container.decode(DataType.self, forKey: .kvCache))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(weights, forKey: .weights)
        try container.encode(activations, forKey: .activations)
        try container.encode(kvCache, forKey: .kvCache)
    }

    /// The type a matmul computes in: the wider of the weight and activation types (the narrower one is converted
    /// on load), so fp8 weights × bf16 activations run at the bf16 ceiling and fp8 × fp8 at the fp8 ceiling.
    public var matmulType: DataType { matmulType(weights: weights) }

    /// The type a matmul whose weights are `weights` computes in: the wider of it and the activation type.
    public func matmulType(weights: DataType) -> DataType {
        weights.bytesPerElement > activations.bytesPerElement ? weights : activations
    }

    /// Everything in bf16.
    public static let bf16 = Precision(weights: .bf16, activations: .bf16, kvCache: .bf16)

    /// Storage formats a workload accepts for weights, activations and KV cache.
    public static let storageTypes: [DataType] = [.fp32, .bf16, .fp16, .fp8, .int8, .int4, .fp4]

    /// `type`, when it is one of `storageTypes`; else a usage error naming `role` and the formats that are.
    public static func storage(_ type: DataType, for role: String) throws -> DataType {
        guard storageTypes.contains(type) else {
            throw RooflineError.usage("\(type.rawValue) is not a storage format for \(role): use one of "
                + storageTypes.map(\.rawValue).joined(separator: ", "))
        }
        return type
    }
}
