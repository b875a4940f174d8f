import RooflineCore

/// How llama.cpp's CPU backend multiplies activations by a weight matrix of one ggml type, as counts.
///
/// The kernel: ggml-cpu/ggml-cpu.c `ggml_compute_forward_mul_mat` converts each activation row to the weight
/// type's `vec_dot_type` (ggml-cpu.c `type_traits_cpu[]`) and calls its `vec_dot` for every (weight row, activation
/// row) pair: Q4_0, Q5_0, Q8_0, IQ4_NL × Q8_0; Q4_1, Q5_1 × Q8_1; the K-quants and IQ4_XS × Q8_K; F16 × F16;
/// BF16 × BF16; F32 × F32. The quantized dot products multiply 8-bit integers (on x86: AVX2 `vpmaddubsw` +
/// `vpmaddwd`, or AVX-VNNI / AVX512-VNNI `vpdpbusd`, ggml-cpu/arch/x86/quants.c), so they run on the int8 ceiling;
/// F16 on the fp16 ceiling (x86 without AVX512-FP16 converts with F16C and multiplies in fp32: the host probe
/// reports that path as fp16); BF16 on bf16; F32 on fp32.
///
/// What is counted, per activation row and per weight matrix of k inputs × n outputs, from the scalar reference
/// kernels `ggml_vec_dot_*_generic` (ggml-cpu/quants.c) and `quantize_row_*_ref` (ggml/src/ggml-quants.c):
/// - the dot products: 2 operations per weight (multiply and accumulate), the matmul's own `flops`, on
///   `computeType`;
/// - `integerOpsPerBlock` per weight block per output: integer work besides the dot products (the K-quants scale
///   each sub-block's integer sum, and Q2_K/Q4_K/Q5_K subtract their mins with the activations' block sums), on
///   int8;
/// - `fp32OpsPerBlock` per weight block per output: the fp32 arithmetic that turns a block's integer sum into the
///   float result (scale products, int → fp32 conversions, accumulation), on fp32;
/// - `activationOpsPerElement` per input element and `activationOpsPerBlock` per block of the activation type:
///   converting the activation row to `vec_dot_type`, on fp32; `activationIntegerOpsPerElement` its integer part
///   (Q8_K's clamp and 16-element block sums).
///
/// Each multiply, add, comparison, rounding and int → fp32 conversion of the reference counts 1 (a multiply-add
/// 2); fp16 → fp32 conversions of stored scales are table loads there and are not counted. The generic K-quant code
/// applies a sub-block scale lane by lane (its 8-wide `aux32` emulates a SIMD register); counted here is the scalar
/// form, one multiply-add per sub-block sum, which is what the x86 kernels do (they fold the scale into the
/// `vpmaddwd` that sums pairs anyway). Not counted: the bit unpacking (masks, shifts, sign fixes, the IQ4 table
/// look-ups) that precedes the dot products, and llama.cpp's repacked (`Q4_0x8`, `Q4_Kx8`) and llamafile-sgemm
/// prefill paths, which amortise some of it; a measured calibration absorbs both.
public struct GGMLMatmulKernel: Sendable, Equatable {
    /// The weights' type.
    public var weightType: GGMLType
    /// The type the activations are converted to (`vec_dot_type`).
    public var activationType: GGMLType
    /// The ceiling the dot products run on.
    public var computeType: DataType
    public var integerOpsPerBlock: Double
    public var fp32OpsPerBlock: Double
    public var activationOpsPerElement: Double
    public var activationOpsPerBlock: Double
    public var activationIntegerOpsPerElement: Double

    /// The kernel for `weights`, nil for a type llama.cpp's CPU backend has no matmul for in this model (Q8_K is
    /// only an activation type; the IQ1/IQ2/IQ3, ternary and FP4 formats are not modelled).
    ///
    /// Weight blocks (per block of `blockSize` weights, per output, per activation row):
    /// - Q8_0, Q4_0, Q5_0 × Q8_0 (`ggml_vec_dot_q8_0_q8_0_generic` …): `sumf += sumi·(d_x·d_y)`: convert 1,
    ///   2 multiplies, 1 add = 4 fp32.
    /// - IQ4_NL × Q8_0 (`ggml_vec_dot_iq4_nl_q8_0_generic`): `d = d_y·d_x`, `sumf += d·sumi` = 4 fp32.
    /// - Q4_1, Q5_1 × Q8_1 (`ggml_vec_dot_q4_1_q8_1_generic`): `sumf += (d_x·d_y)·sumi + m_x·s_y`: 3 multiplies,
    ///   1 convert, 2 adds = 6 fp32.
    /// - Q2_K × Q8_K (`ggml_vec_dot_q2_K_q8_K_generic`), per 256: 16 sub-block scale multiply-adds and 16 mins ×
    ///   bsums multiply-adds = 64 integer; `dall`, `dmin`, `sumf += dall·isum − dmin·summs` = 8 fp32.
    /// - Q3_K × Q8_K: 16 sub-block scale multiply-adds = 32 integer; `d`, `sumf += d·isum` = 4 fp32.
    /// - Q4_K, Q5_K × Q8_K (`ggml_vec_dot_q4_K_q8_K_generic`): 8 sub-block scale multiply-adds (16) and 16 mins ×
    ///   bsums multiply-adds (32) = 48 integer; `d`, `dmin`, `sumf += d·isum`, `sumf −= dmin·sumi` = 8 fp32.
    /// - Q6_K × Q8_K (`ggml_vec_dot_q6_K_q8_K_generic`): 16 sub-block scale multiply-adds = 32 integer; `d`,
    ///   `sumf += d·isum` = 4 fp32.
    /// - IQ4_XS × Q8_K (`ggml_vec_dot_iq4_xs_q8_K_generic`): `d4d8` (1), per 32-weight sub-block `d1 = d4d8·(ls −
    ///   32)` (convert, multiply) and `sumf += d1·sumi` (convert, multiply, add): 1 + 8 · 5 = 41 fp32.
    /// - F16, BF16, F32: no blocks, no side work on the weights.
    ///
    /// Activations (per input element; per activation block):
    /// - Q8_0 (`quantize_row_q8_0_ref`): |x|, max, x·(1/d), round = 4 per element; d = amax/127, 1/d = 2 per 32.
    /// - Q8_1 (`quantize_row_q8_1_ref`): as Q8_0 and the block sum (1 integer add per element); per 32 also
    ///   s = sum·d (convert, multiply) = 4.
    /// - Q8_K (`quantize_row_q8_K_ref`): |x|, compare, iscale·x, round = 4 per element, clamp and bsums add = 2
    ///   integer; iscale = −127/max, d = 1/iscale = 2 per 256.
    /// - F16 / BF16 (`ggml_cpu_fp32_to_fp16` / `_bf16`): 1 conversion per element. F32: none.
    public init?(weights: GGMLType) {
        weightType = weights
        integerOpsPerBlock = 0
        activationIntegerOpsPerElement = 0
        switch weights {
        case .f32:
            (activationType, computeType, fp32OpsPerBlock, activationOpsPerElement, activationOpsPerBlock) = (.f32, .fp32, 0, 0, 0)
        case .f16:
            (activationType, computeType, fp32OpsPerBlock, activationOpsPerElement, activationOpsPerBlock) = (.f16, .fp16, 0, 1, 0)
        case .bf16:
            (activationType, computeType, fp32OpsPerBlock, activationOpsPerElement, activationOpsPerBlock) = (.bf16, .bf16, 0, 1, 0)
        case .q8_0, .q4_0, .q5_0, .iq4_nl:
            (activationType, computeType, fp32OpsPerBlock, activationOpsPerElement, activationOpsPerBlock) = (.q8_0, .int8, 4, 4, 2)
        case .q4_1, .q5_1:
            (activationType, computeType, fp32OpsPerBlock, activationOpsPerElement, activationOpsPerBlock) = (.q8_1, .int8, 6, 4, 4)
            activationIntegerOpsPerElement = 1
        case .q2_K, .q3_K, .q4_K, .q5_K, .q6_K, .iq4_xs:
            (activationType, computeType, activationOpsPerElement, activationOpsPerBlock) = (.q8_K, .int8, 4, 2)
            activationIntegerOpsPerElement = 2
            switch weights {
            case .q2_K: (integerOpsPerBlock, fp32OpsPerBlock) = (64, 8)
            case .q3_K: (integerOpsPerBlock, fp32OpsPerBlock) = (32, 4)
            case .q4_K, .q5_K: (integerOpsPerBlock, fp32OpsPerBlock) = (48, 8)
            case .q6_K: (integerOpsPerBlock, fp32OpsPerBlock) = (32, 4)
            default: (integerOpsPerBlock, fp32OpsPerBlock) = (0, 41)
            }
        default:
            return nil
        }
    }

    /// The weight types whose matmul is modelled, for messages.
    public static let supportedWeightTypes: [GGMLType] = GGMLType.allCases.filter { GGMLMatmulKernel(weights: $0) != nil }

    /// The side work of `rows` activation rows times a k × n matrix of this kernel's weights, per the counts above:
    /// weight blocks B = rows · n · k / blockSize: B · integerOpsPerBlock on int8 and B · fp32OpsPerBlock on fp32;
    /// activation conversion rows · (k · activationOpsPerElement + k / activation blockSize · activationOpsPerBlock)
    /// on fp32 and rows · k · activationIntegerOpsPerElement on int8. Entries with no operations are left out.
    public func sideWork(rows: Double, input k: Double, output n: Double) -> [SideWork] {
        let blocks = rows * n * k / Double(weightType.blockSize)
        let activationBlocks = rows * k / Double(activationType.blockSize)
        let conversion = activationType == .f16 || activationType == .bf16
            ? "activation conversion to \(activationType.name)" : "activation quantization to \(activationType.name)"
        let work = [
            SideWork(name: "\(weightType.name) sub-block scales", operations: blocks * integerOpsPerBlock, dataType: .int8),
            SideWork(name: "\(weightType.name) block scales", operations: blocks * fp32OpsPerBlock, dataType: .fp32),
            SideWork(name: conversion, operations: rows * k * activationOpsPerElement
                + activationBlocks * activationOpsPerBlock, dataType: .fp32),
            SideWork(name: conversion + " (integer)", operations: rows * k * activationIntegerOpsPerElement, dataType: .int8),
        ]
        return work.filter { $0.operations > 0 }
    }
}
