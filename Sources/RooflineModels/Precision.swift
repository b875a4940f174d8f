/// Data types of the three things an inference step stores.
public struct Precision: Codable, Sendable, Equatable {
    public var weights: DataType
    public var activations: DataType
    public var kvCache: DataType

    public init(weights: DataType, activations: DataType, kvCache: DataType) {
        self.weights = weights
        self.activations = activations
        self.kvCache = kvCache
    }

    /// The type a matmul computes in: the wider of the weight and activation types (the narrower one is converted
    /// on load), so fp8 weights × bf16 activations run at the bf16 ceiling and fp8 × fp8 at the fp8 ceiling.
    public var matmulType: DataType {
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
