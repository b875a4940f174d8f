import CRooflineSupport

/// A multiply path besides the fp64/fp32 FMA probe: an instruction sequence that inference kernels run for int8,
/// bf16 or fp16 operands, the CPU flags it needs, and what one of its instructions counts. Kernels are data: adding
/// a path is one entry here and one C kernel in `roofline_compute_paths.h`.
///
/// Operations count like FLOPs: one multiply-add is 2, so an int8 path's rate is comparable with a FLOP rate.
/// Operations per call = iterations × instructionsPerIteration × operationsPerInstruction.
public struct ComputePath: Sendable {
    /// Short stable name, saved in profiles: `avx512-vnni`.
    public var id: String
    public var dataType: DataType
    /// The instruction sequence and its extension: "vpdpbusd zmm (AVX512-VNNI)".
    public var instruction: String
    /// /proc/cpuinfo flags that must all be present.
    public var requiredFlags: [String]
    /// Operations (2 per multiply-add) that one counted instruction performs.
    public var operationsPerInstruction: Double
    /// Counted instructions per loop trip of the kernel.
    public var instructionsPerIteration: Int
    /// A published per-core rate (operations per cycle) with its source, used as the theoretical peak where the
    /// instruction's throughput is far below one per cycle and cannot be rounded to whole units (AMX).
    public var publishedOperationsPerCycle: (value: Double, source: String)?
    /// Linux must grant the AMX tile state (arch_prctl) before the kernel runs.
    public var needsAMXPermission: Bool
    /// Runs `iterations` loop trips on the calling thread; returns a value depending on every instruction.
    let kernel: @Sendable (Int) -> Double

    /// Operations one call of `run(iterations:)` performs: iterations × instructions per trip × operations each.
    public func operations(iterations: Int) -> Double {
        Double(iterations) * Double(instructionsPerIteration) * operationsPerInstruction
    }

    public func run(iterations: Int) -> Double { kernel(iterations) }

    /// The flags of `requiredFlags` missing from `flags`.
    public func missingFlags(in flags: Set<String>) -> [String] { requiredFlags.filter { !flags.contains($0) } }

    /// Every path, widest first within each data type: in quick mode the probe measures the first one available per
    /// data type, which is the one giving that type's ceiling. Operation counts from the instruction definitions in
    /// Intel's Software Developer's Manual vol. 2 (VPDPBUSD, VPMADDUBSW, VPMADDWD, VDPBF16PS, VFMADD231PH,
    /// VCVTPH2PS, TDPBUSD, TDPBF16PS).
    public static let all: [ComputePath] = [
        // TDPBUSD: 16 × 16 int32 accumulators += (16 × 64 u8) · (64 × 16 s8) = 16·16·64 multiply-adds.
        ComputePath(id: "amx-int8", dataType: .int8, instruction: "tdpbusd tiles (AMX-INT8)",
                    requiredFlags: ["amx_tile", "amx_int8"], operationsPerInstruction: 2 * 16 * 16 * 64,
                    instructionsPerIteration: Int(ROOFLINE_PATH_AMX_PER_ITERATION),
                    publishedOperationsPerCycle: (2048, "Intel: AMX-INT8 does 2,048 int8 operations per cycle per core (Intel Architecture Day 2021, Sapphire Rapids)"),
                    needsAMXPermission: true, kernel: { roofline_path_int8_amx(UInt64($0)) }),
        // VPDPBUSD zmm: 64 u8×s8 products summed by fours into 16 int32 lanes = 64 multiply-adds.
        ComputePath(id: "avx512-vnni", dataType: .int8, instruction: "vpdpbusd zmm (AVX512-VNNI)",
                    requiredFlags: ["avx512f", "avx512bw", "avx512_vnni"], operationsPerInstruction: 2 * 64,
                    instructionsPerIteration: Int(ROOFLINE_PATH_VNNI512_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_int8_avx512_vnni(UInt64($0)) }),
        // The 256-bit forms: what ggml's x86 int8 dot products (mul_sum_i8_pairs_float) emit.
        ComputePath(id: "avx-vnni", dataType: .int8, instruction: "vpdpbusd ymm (AVX-VNNI)",
                    requiredFlags: ["avx2", "avx_vnni"], operationsPerInstruction: 2 * 32,
                    instructionsPerIteration: Int(ROOFLINE_PATH_VNNI256_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_int8_avx_vnni(UInt64($0)) }),
        ComputePath(id: "avx512vl-vnni", dataType: .int8, instruction: "vpdpbusd ymm (AVX512-VNNI, AVX512-VL)",
                    requiredFlags: ["avx512f", "avx512vl", "avx512bw", "avx512_vnni"], operationsPerInstruction: 2 * 32,
                    instructionsPerIteration: Int(ROOFLINE_PATH_VNNI256_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_int8_avx512_vnni_ymm(UInt64($0)) }),
        // VPMADDUBSW ymm: 32 u8×s8 products summed in pairs (32 multiply-adds); VPMADDWD by ones then widens the
        // pairs. Both are multiplies, so each is a counted instruction credited with half the 64 operations.
        ComputePath(id: "avx2-maddubs", dataType: .int8, instruction: "vpmaddubsw + vpmaddwd ymm (AVX2)",
                    requiredFlags: ["avx2"], operationsPerInstruction: 2 * 32 / 2,
                    instructionsPerIteration: Int(ROOFLINE_PATH_AVX2_INT8_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_int8_avx2(UInt64($0)) }),
        // TDPBF16PS: 16 × 16 fp32 accumulators += (16 × 32 bf16) · (32 × 16 bf16) = 16·16·32 multiply-adds.
        ComputePath(id: "amx-bf16", dataType: .bf16, instruction: "tdpbf16ps tiles (AMX-BF16)",
                    requiredFlags: ["amx_tile", "amx_bf16"], operationsPerInstruction: 2 * 16 * 16 * 32,
                    instructionsPerIteration: Int(ROOFLINE_PATH_AMX_PER_ITERATION),
                    publishedOperationsPerCycle: (1024, "Intel: AMX-BF16 does 1,024 bf16 FLOPs per cycle per core (Intel Architecture Day 2021, Sapphire Rapids)"),
                    needsAMXPermission: true, kernel: { roofline_path_bf16_amx(UInt64($0)) }),
        // VDPBF16PS zmm: 32 bf16 products summed by twos into 16 fp32 lanes = 32 multiply-adds.
        ComputePath(id: "avx512-bf16", dataType: .bf16, instruction: "vdpbf16ps zmm (AVX512-BF16)",
                    requiredFlags: ["avx512f", "avx512_bf16"], operationsPerInstruction: 2 * 32,
                    instructionsPerIteration: Int(ROOFLINE_PATH_BF16_512_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_bf16_avx512(UInt64($0)) }),
        // VFMADD231PH zmm: 32 fp16 multiply-adds.
        ComputePath(id: "avx512-fp16", dataType: .fp16, instruction: "vfmadd231ph zmm (AVX512-FP16)",
                    requiredFlags: ["avx512f", "avx512bw", "avx512vl", "avx512_fp16"], operationsPerInstruction: 2 * 32,
                    instructionsPerIteration: Int(ROOFLINE_PATH_FP16_512_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_fp16_avx512(UInt64($0)) }),
        // No native fp16 arithmetic: each fp16 operand widened by VCVTPH2PS (F16C), then an fp32 FMA.
        ComputePath(id: "f16c-fma-512", dataType: .fp16, instruction: "vcvtph2ps + vfmadd231ps zmm (F16C convert, fp32 FMA)",
                    requiredFlags: ["avx512f", "f16c", "fma"], operationsPerInstruction: 2 * 16,
                    instructionsPerIteration: Int(ROOFLINE_PATH_F16C_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_fp16_f16c(UInt64($0), 1) }),
        ComputePath(id: "f16c-fma-256", dataType: .fp16, instruction: "vcvtph2ps + vfmadd231ps ymm (F16C convert, fp32 FMA)",
                    requiredFlags: ["avx", "f16c", "fma"], operationsPerInstruction: 2 * 8,
                    instructionsPerIteration: Int(ROOFLINE_PATH_F16C_PER_ITERATION), publishedOperationsPerCycle: nil,
                    needsAMXPermission: false, kernel: { roofline_path_fp16_f16c(UInt64($0), 0) }),
    ]

    /// Every flag some path needs: the host detection keeps these from /proc/cpuinfo.
    public static var flagsOfInterest: [String] { all.flatMap(\.requiredFlags).uniqued() }
}
