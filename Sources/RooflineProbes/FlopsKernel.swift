/// FMA throughput kernels: many independent chains of x = x × m + a on the widest vectors, so the FMA latency
/// is hidden and the units stay busy. Registers only; the result is returned so the work cannot be dropped.
///
/// FLOPs per call = iterations × accumulators × lanes × 2.
public struct FlopsKernel: Sendable {
    public var dataType: DataType
    /// Independent accumulator vectors (enough to cover FMA latency × FMA units, few enough to stay in registers).
    public var accumulators: Int
    /// Lanes per vector (8 doubles or 16 floats: 512 bits; smaller hardware splits them into several registers).
    public var lanes: Int

    /// The kernel for `dataType` on this build: 12 accumulators where the compiler has 32 vector registers of
    /// 512 bits (AVX-512), 6 where each 512-bit value takes two of 16 registers (AVX2), 3 otherwise.
    public static func forBuild(_ dataType: DataType) throws -> FlopsKernel {
        let bits = Int(roofline_compiled_vector_bits())
        let accumulators = bits >= 512 ? 12 : (bits >= 256 ? 6 : 3)
        switch dataType {
        case .fp64: return FlopsKernel(dataType: .fp64, accumulators: accumulators, lanes: 8)
        case .fp32: return FlopsKernel(dataType: .fp32, accumulators: accumulators, lanes: 16)
        default:
            throw RooflineError.usage("the FLOP probe measures fp64 and fp32 only, not \(dataType.rawValue)")
        }
    }

    /// FLOPs one call of `run(iterations:)` performs: iterations × accumulators × lanes × 2.
    public func flops(iterations: Int) -> Double {
        Double(iterations) * Double(accumulators) * Double(lanes) * 2
    }

    /// Runs the chains; returns a value that depends on every FMA.
    public func run(iterations: Int) -> Double {
        switch (dataType, accumulators) {
        case (.fp64, 12): return fmaF64x12(iterations)
        case (.fp64, 6): return fmaF64x6(iterations)
        case (.fp64, _): return fmaF64x3(iterations)
        case (_, 12): return fmaF32x12(iterations)
        case (_, 6): return fmaF32x6(iterations)
        default: return fmaF32x3(iterations)
        }
    }
}

// x ← x × m + a converges towards a / (1 − m) and stays finite for any number of iterations.
private let f64m = SIMD8<Double>(repeating: 0.999_999), f64a = SIMD8<Double>(repeating: 1e-7)
private let f32m = SIMD16<Float>(repeating: 0.999_99), f32a = SIMD16<Float>(repeating: 1e-6)

@inline(never)
func fmaF64x12(_ n: Int) -> Double {
    let m = f64m, a = f64a
    var x0 = SIMD8<Double>(repeating: 0.1), x1 = x0 + 0.01, x2 = x0 + 0.02, x3 = x0 + 0.03, x4 = x0 + 0.04
    var x5 = x0 + 0.05, x6 = x0 + 0.06, x7 = x0 + 0.07, x8 = x0 + 0.08, x9 = x0 + 0.09, x10 = x0 + 0.1, x11 = x0 + 0.11
    for _ in 0..<n {
        x0 = roofline_fma_f64x8(x0, m, a); x1 = roofline_fma_f64x8(x1, m, a); x2 = roofline_fma_f64x8(x2, m, a)
        x3 = roofline_fma_f64x8(x3, m, a); x4 = roofline_fma_f64x8(x4, m, a); x5 = roofline_fma_f64x8(x5, m, a)
        x6 = roofline_fma_f64x8(x6, m, a); x7 = roofline_fma_f64x8(x7, m, a); x8 = roofline_fma_f64x8(x8, m, a)
        x9 = roofline_fma_f64x8(x9, m, a); x10 = roofline_fma_f64x8(x10, m, a); x11 = roofline_fma_f64x8(x11, m, a)
    }
    return (x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11).sum()
}

@inline(never)
func fmaF64x6(_ n: Int) -> Double {
    let m = f64m, a = f64a
    var x0 = SIMD8<Double>(repeating: 0.1), x1 = x0 + 0.01, x2 = x0 + 0.02, x3 = x0 + 0.03, x4 = x0 + 0.04, x5 = x0 + 0.05
    for _ in 0..<n {
        x0 = roofline_fma_f64x8(x0, m, a); x1 = roofline_fma_f64x8(x1, m, a); x2 = roofline_fma_f64x8(x2, m, a)
        x3 = roofline_fma_f64x8(x3, m, a); x4 = roofline_fma_f64x8(x4, m, a); x5 = roofline_fma_f64x8(x5, m, a)
    }
    return (x0 + x1 + x2 + x3 + x4 + x5).sum()
}

@inline(never)
func fmaF64x3(_ n: Int) -> Double {
    let m = f64m, a = f64a
    var x0 = SIMD8<Double>(repeating: 0.1), x1 = x0 + 0.01, x2 = x0 + 0.02
    for _ in 0..<n {
        x0 = roofline_fma_f64x8(x0, m, a); x1 = roofline_fma_f64x8(x1, m, a); x2 = roofline_fma_f64x8(x2, m, a)
    }
    return (x0 + x1 + x2).sum()
}

@inline(never)
func fmaF32x12(_ n: Int) -> Double {
    let m = f32m, a = f32a
    var x0 = SIMD16<Float>(repeating: 0.1), x1 = x0 + 0.01, x2 = x0 + 0.02, x3 = x0 + 0.03, x4 = x0 + 0.04
    var x5 = x0 + 0.05, x6 = x0 + 0.06, x7 = x0 + 0.07, x8 = x0 + 0.08, x9 = x0 + 0.09, x10 = x0 + 0.1, x11 = x0 + 0.11
    for _ in 0..<n {
        x0 = roofline_fma_f32x16(x0, m, a); x1 = roofline_fma_f32x16(x1, m, a); x2 = roofline_fma_f32x16(x2, m, a)
        x3 = roofline_fma_f32x16(x3, m, a); x4 = roofline_fma_f32x16(x4, m, a); x5 = roofline_fma_f32x16(x5, m, a)
        x6 = roofline_fma_f32x16(x6, m, a); x7 = roofline_fma_f32x16(x7, m, a); x8 = roofline_fma_f32x16(x8, m, a)
        x9 = roofline_fma_f32x16(x9, m, a); x10 = roofline_fma_f32x16(x10, m, a); x11 = roofline_fma_f32x16(x11, m, a)
    }
    return Double((x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10 + x11).sum())
}

@inline(never)
func fmaF32x6(_ n: Int) -> Double {
    let m = f32m, a = f32a
    var x0 = SIMD16<Float>(repeating: 0.1), x1 = x0 + 0.01, x2 = x0 + 0.02, x3 = x0 + 0.03, x4 = x0 + 0.04, x5 = x0 + 0.05
    for _ in 0..<n {
        x0 = roofline_fma_f32x16(x0, m, a); x1 = roofline_fma_f32x16(x1, m, a); x2 = roofline_fma_f32x16(x2, m, a)
        x3 = roofline_fma_f32x16(x3, m, a); x4 = roofline_fma_f32x16(x4, m, a); x5 = roofline_fma_f32x16(x5, m, a)
    }
    return Double((x0 + x1 + x2 + x3 + x4 + x5).sum())
}

@inline(never)
func fmaF32x3(_ n: Int) -> Double {
    let m = f32m, a = f32a
    var x0 = SIMD16<Float>(repeating: 0.1), x1 = x0 + 0.01, x2 = x0 + 0.02
    for _ in 0..<n {
        x0 = roofline_fma_f32x16(x0, m, a); x1 = roofline_fma_f32x16(x1, m, a); x2 = roofline_fma_f32x16(x2, m, a)
    }
    return Double((x0 + x1 + x2).sum())
}

/// The core clock, measured with a chain of dependent register adds (one per cycle on every current core).
public enum CoreClock {
    /// Cycles per second: adds executed ÷ seconds, best of `samples` runs of ≥ `minimumSeconds` each.
    public static func measureHertz(sampler: Sampler) -> Double {
        let seconds = sampler.secondsPerRepetition { repetitions in
            sink = roofline_dependent_add_chain(UInt64(repetitions) * 1000)
        }
        let addsPerRepetition = 1000.0 * Double(ROOFLINE_ADDS_PER_ITERATION)
        return addsPerRepetition / seconds.min()!
    }

    nonisolated(unsafe) static var sink: UInt64 = 0
}
