/// A numeric format for weights, activations, KV cache or arithmetic.
public enum DataType: String, Codable, CaseIterable, Sendable, Comparable {
    case fp64, fp32, tf32, bf16, fp16, fp8, int8, int4, fp4

    /// Storage size of one element in bytes (4-bit formats pack two elements per byte: 0.5).
    public var bytesPerElement: Double {
        switch self {
        case .fp64: 8
        case .fp32, .tf32: 4
        case .bf16, .fp16: 2
        case .fp8, .int8: 1
        case .int4, .fp4: 0.5
        }
    }

    /// Storage size in bits.
    public var bits: Int { Int(bytesPerElement * 8) }

    /// Ordered from narrowest to widest: when a device has no compute ceiling for a type,
    /// the nearest wider type that it has is used instead.
    public var widerTypes: [DataType] {
        switch self {
        case .fp4: [.fp8, .fp16, .bf16, .fp32, .fp64]
        case .int4: [.int8, .fp8, .fp16, .bf16, .fp32, .fp64]
        case .int8: [.fp8, .fp16, .bf16, .fp32, .fp64]
        case .fp8: [.fp16, .bf16, .fp32, .fp64]
        case .fp16: [.bf16, .fp32, .fp64]
        case .bf16: [.fp16, .fp32, .fp64]
        case .tf32: [.fp32, .fp64]
        case .fp32: [.fp64]
        case .fp64: []
        }
    }

    private var order: Int { DataType.allCases.firstIndex(of: self)! }
    public static func < (lhs: DataType, rhs: DataType) -> Bool { lhs.order < rhs.order }

    /// Parses a data type name as users write it (`bf16`, `BF16`, `float32`, `fp8_e4m3`…).
    public init(parsing text: String) throws {
        let key = text.lowercased().replacingOccurrences(of: "_", with: "").replacingOccurrences(of: "-", with: "")
        let aliases: [String: DataType] = [
            "fp64": .fp64, "float64": .fp64, "double": .fp64, "f64": .fp64,
            "fp32": .fp32, "float32": .fp32, "float": .fp32, "f32": .fp32,
            "tf32": .tf32,
            "bf16": .bf16, "bfloat16": .bf16,
            "fp16": .fp16, "float16": .fp16, "half": .fp16, "f16": .fp16,
            "fp8": .fp8, "fp8e4m3": .fp8, "fp8e5m2": .fp8, "e4m3": .fp8,
            "int8": .int8, "i8": .int8,
            "int4": .int4, "i4": .int4,
            "fp4": .fp4, "nvfp4": .fp4, "mxfp4": .fp4,
        ]
        guard let value = aliases[key] else {
            throw RooflineError.usage(
                "unknown data type '\(text)': use one of \(DataType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}
