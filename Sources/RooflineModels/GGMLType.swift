import RooflineCore

/// A ggml tensor type as GGUF files store it (`enum ggml_type`, ggml/include/ggml.h): its id, and how many bytes a
/// row of it takes. Sizes are ggml's own: weights come in blocks of `blockSize` elements stored in `bytesPerBlock`
/// bytes (ggml/src/ggml.c `type_traits[]` `.blck_size` / `.type_size`, the block structs in ggml/src/ggml-common.h
/// whose `static_assert`s fix their sizes). ggml_half is 2 bytes, QK_K is 256, K_SCALE_SIZE is 12.
public enum GGMLType: UInt32, Sendable, CaseIterable, Codable, Comparable {
    /// ggml.c `type_traits[GGML_TYPE_F32]`: 1 element, `sizeof(float)` = 4 bytes.
    case f32 = 0
    /// ggml.c `type_traits[GGML_TYPE_F16]`: 1 element, `sizeof(ggml_fp16_t)` = 2 bytes.
    case f16 = 1
    /// ggml-common.h `block_q4_0`: QK4_0 = 32 elements, ggml_half d + 16 bytes of nibbles = 18 bytes.
    case q4_0 = 2
    /// ggml-common.h `block_q4_1`: QK4_1 = 32 elements, ggml_half d, m + 16 bytes of nibbles = 20 bytes.
    case q4_1 = 3
    /// ggml-common.h `block_q5_0`: QK5_0 = 32 elements, ggml_half d + uint32 qh + 16 bytes = 22 bytes.
    case q5_0 = 6
    /// ggml-common.h `block_q5_1`: QK5_1 = 32 elements, ggml_half d, m + uint32 qh + 16 bytes = 24 bytes.
    case q5_1 = 7
    /// ggml-common.h `block_q8_0`: QK8_0 = 32 elements, ggml_half d + 32 int8 = 34 bytes.
    case q8_0 = 8
    /// ggml-common.h `block_q8_1`: QK8_1 = 32 elements, ggml_half d, s + 32 int8 = 36 bytes.
    case q8_1 = 9
    /// ggml-common.h `block_q2_K`: QK_K = 256 elements, scales[16] + qs[64] + ggml_half d, dmin = 84 bytes.
    case q2_K = 10
    /// ggml-common.h `block_q3_K`: QK_K = 256 elements, hmask[32] + qs[64] + scales[12] + ggml_half d = 110 bytes.
    case q3_K = 11
    /// ggml-common.h `block_q4_K`: QK_K = 256 elements, ggml_half d, dmin + scales[12] + qs[128] = 144 bytes.
    case q4_K = 12
    /// ggml-common.h `block_q5_K`: QK_K = 256 elements, ggml_half d, dmin + scales[12] + qh[32] + qs[128] = 176 bytes.
    case q5_K = 13
    /// ggml-common.h `block_q6_K`: QK_K = 256 elements, ql[128] + qh[64] + int8 scales[16] + ggml_half d = 210 bytes.
    case q6_K = 14
    /// ggml-common.h `block_q8_K`: QK_K = 256 elements, float d + int8 qs[256] + int16 bsums[16] = 292 bytes.
    case q8_K = 15
    /// ggml-common.h `block_iq2_xxs`: QK_K = 256 elements, ggml_half d + uint16 qs[32] = 66 bytes.
    case iq2_xxs = 16
    /// ggml-common.h `block_iq2_xs`: QK_K = 256 elements, ggml_half d + uint16 qs[32] + scales[8] = 74 bytes.
    case iq2_xs = 17
    /// ggml-common.h `block_iq3_xxs`: QK_K = 256 elements, ggml_half d + qs[96] = 98 bytes.
    case iq3_xxs = 18
    /// ggml-common.h `block_iq1_s`: QK_K = 256 elements, ggml_half d + qs[32] + uint16 qh[8] = 50 bytes.
    case iq1_s = 19
    /// ggml-common.h `block_iq4_nl`: QK4_NL = 32 elements, ggml_half d + qs[16] = 18 bytes.
    case iq4_nl = 20
    /// ggml-common.h `block_iq3_s`: QK_K = 256 elements, ggml_half d + qs[64] + qh[8] + signs[32] + scales[4] = 110 bytes.
    case iq3_s = 21
    /// ggml-common.h `block_iq2_s`: QK_K = 256 elements, ggml_half d + qs[64] + qh[8] + scales[8] = 82 bytes.
    case iq2_s = 22
    /// ggml-common.h `block_iq4_xs`: QK_K = 256 elements, ggml_half d + uint16 scales_h + scales_l[4] + qs[128] = 136 bytes.
    case iq4_xs = 23
    /// ggml.c `type_traits[GGML_TYPE_I8]`: 1 element, 1 byte.
    case i8 = 24
    /// ggml.c `type_traits[GGML_TYPE_I16]`: 1 element, 2 bytes.
    case i16 = 25
    /// ggml.c `type_traits[GGML_TYPE_I32]`: 1 element, 4 bytes.
    case i32 = 26
    /// ggml.c `type_traits[GGML_TYPE_I64]`: 1 element, 8 bytes.
    case i64 = 27
    /// ggml.c `type_traits[GGML_TYPE_F64]`: 1 element, 8 bytes.
    case f64 = 28
    /// ggml-common.h `block_iq1_m`: QK_K = 256 elements, qs[32] + qh[16] + scales[8] = 56 bytes.
    case iq1_m = 29
    /// ggml.c `type_traits[GGML_TYPE_BF16]`: 1 element, `sizeof(ggml_bf16_t)` = 2 bytes.
    case bf16 = 30
    /// ggml-common.h `block_tq1_0`: QK_K = 256 elements, qs[48] + qh[4] + ggml_half d = 54 bytes.
    case tq1_0 = 34
    /// ggml-common.h `block_tq2_0`: QK_K = 256 elements, qs[64] + ggml_half d = 66 bytes.
    case tq2_0 = 35
    /// ggml-common.h `block_mxfp4`: QK_MXFP4 = 32 elements, uint8 e + qs[16] = 17 bytes.
    case mxfp4 = 39
    /// ggml-common.h `block_nvfp4`: QK_NVFP4 = 64 elements, 4 E4M3 scales + qs[32] = 36 bytes.
    case nvfp4 = 40
    /// ggml-common.h `block_q1_0`: QK1_0 = 128 elements, ggml_half d + qs[16] = 18 bytes.
    case q1_0 = 41
    /// ggml-common.h `block_q2_0`: QK2_0 = 64 elements, ggml_half d + qs[16] = 18 bytes.
    case q2_0 = 42

    /// Elements per block (1 for the plain types).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16, .i8, .i16, .i32, .i64, .f64: 1
        case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q8_1, .iq4_nl, .mxfp4: 32
        case .nvfp4, .q2_0: 64
        case .q1_0: 128
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .q8_K, .iq2_xxs, .iq2_xs, .iq3_xxs, .iq1_s, .iq3_s, .iq2_s, .iq4_xs,
             .iq1_m, .tq1_0, .tq2_0: 256
        }
    }

    /// Bytes of one block (see each case for the struct it comes from).
    public var bytesPerBlock: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .i8: 1
        case .i16: 2
        case .i32: 4
        case .i64, .f64: 8
        case .q4_0: 18
        case .q4_1: 20
        case .q5_0: 22
        case .q5_1: 24
        case .q8_0: 34
        case .q8_1: 36
        case .q2_K: 84
        case .q3_K: 110
        case .q4_K: 144
        case .q5_K: 176
        case .q6_K: 210
        case .q8_K: 292
        case .iq2_xxs: 66
        case .iq2_xs: 74
        case .iq3_xxs: 98
        case .iq1_s: 50
        case .iq4_nl: 18
        case .iq3_s: 110
        case .iq2_s: 82
        case .iq4_xs: 136
        case .iq1_m: 56
        case .tq1_0: 54
        case .tq2_0: 66
        case .mxfp4: 17
        case .nvfp4: 36
        case .q1_0, .q2_0: 18
        }
    }

    /// Stored bits per element: bytesPerBlock · 8 ÷ blockSize (Q4_K: 144 · 8 / 256 = 4.5).
    public var bitsPerElement: Double { Double(bytesPerBlock * 8) / Double(blockSize) }

    /// ggml's name (`ggml_type_name`): F32, Q4_K, IQ4_XS, …
    public var name: String { String(describing: self).uppercased() }

    public static func < (lhs: GGMLType, rhs: GGMLType) -> Bool { lhs.rawValue < rhs.rawValue }

    /// JSON carries ggml's name (`Q4_K`), not the numeric id.
    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let type = GGMLType.allCases.first(where: { $0.name == name }) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown ggml type \(name)"))
        }
        self = type
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }

    /// Bytes of a row of `elements` elements: elements ÷ blockSize · bytesPerBlock (ggml.c `ggml_row_size`); nil
    /// when the row is not a whole number of blocks (ggml refuses such a tensor).
    public func rowBytes(elements: Int) -> Int? {
        guard elements >= 0, elements % blockSize == 0 else { return nil }
        let (product, overflow) = (elements / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : product
    }

    /// The storage type that stands for this one where a single `DataType` is asked for (the weights' headline
    /// type): F32 → fp32, F16 → fp16, BF16 → bf16, F64 → fp64; formats of at most 4.5 bits → int4; other integer
    /// block formats → int8.
    public var storageType: DataType {
        switch self {
        case .f32: .fp32
        case .f16: .fp16
        case .bf16: .bf16
        case .f64: .fp64
        default: bitsPerElement <= 4.5 ? .int4 : .int8
        }
    }
}
