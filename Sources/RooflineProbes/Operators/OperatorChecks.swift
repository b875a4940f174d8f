/// Each kernel against its straightforward reference (in Double) on small random inputs, never zeros, with
/// lengths that are not multiples of the vector width so the tails run too.
public enum OperatorChecks {
    /// Bound on the relative error of the fp32 kernels: the exp's 4e-7 plus fp32 rounding of sums over
    /// ≤ 1,000 terms (≤ 1,000 × 2⁻²⁴ ≈ 6e-5 worst case, far less in practice with several accumulators).
    public static let fp32RelativeBound = 2e-5

    /// Every non-GEMM check (GEMM checks need OpenBLAS loaded: `GEMMKernel.checks()`).
    public static func all() throws -> [KernelCheck] {
        var checks = [exp(), softmaxExp()]
        for variant in OperatorCounts.SoftmaxVariant.allCases {
            checks.append(try softmax(variant, rows: 5, length: 1000))
            checks.append(try softmax(variant, rows: 3, length: 37))
            checks.append(try softmax(variant, rows: 6, length: 256, mainMemory: true))
        }
        checks.append(try rmsNorm(rows: 3, hidden: 1000))
        checks.append(try rmsNorm(rows: 4, hidden: 77))
        checks.append(try rmsNorm(rows: 5, hidden: 4096, mainMemory: true))
        checks.append(try decodeAttention(Float.self, heads: 8, kvHeads: 2, headDim: 64, context: 100))
        checks.append(try decodeAttention(BFloat16.self, heads: 8, kvHeads: 2, headDim: 64, context: 37))
        checks.append(try decodeAttention(Float.self, heads: 4, kvHeads: 4, headDim: 128, context: 16))
        checks.append(try decodeAttention(BFloat16.self, heads: 32, kvHeads: 8, headDim: 128, context: 40, mainMemory: true))
        return checks
    }

    /// `FastExp` against the exact exp over the range softmax feeds it, x − max ∈ [−87.3, 0], and up to 88.3:
    /// max relative error on 200,001 evenly spaced points.
    public static func exp() -> KernelCheck {
        var worst = 0.0
        let (low, high, steps) = (-87.3, 88.3, 200_000)
        var i = 0
        while i <= steps {
            var lanes = SIMD16<Float>()
            for lane in 0..<16 { lanes[lane] = Float(low + (high - low) * Double(min(i + lane, steps)) / Double(steps)) }
            let y = FastExp.exp(lanes)
            for lane in 0..<16 {
                let exact = exactExp(Double(lanes[lane]))
                worst = max(worst, abs(Double(y[lane]) - exact) / exact)
            }
            i += 16
        }
        return KernelCheck(kernel: "fast exp", shape: "x ∈ [−87.3, 88.3]", measure: "max |e − exp| ÷ exp",
                           error: worst, bound: FastExp.relativeErrorBound)
    }

    /// The base-2 exp the softmax kernels use, exp(x) = 2^(x·log₂e) (`SoftmaxKernel.expShifted` with m = 0), over
    /// the range softmax feeds it, x − max ∈ [−87.3, 0], on 200,001 evenly spaced points: max relative error.
    /// Bound 4.5e-6: the rounding of x·log₂e (≤ 87.3·log₂e·2⁻²⁴·ln 2 ≈ 4.5e-6 relative in the result) dominates
    /// at the far end; near 0 it is below 1e-6.
    public static func softmaxExp() -> KernelCheck {
        var worst = 0.0
        let (low, high, steps) = (-87.3, 0.0, 200_000)
        var i = 0
        while i <= steps {
            var lanes = SIMD16<Float>()
            for lane in 0..<16 { lanes[lane] = Float(low + (high - low) * Double(min(i + lane, steps)) / Double(steps)) }
            let y = SoftmaxKernel.expShifted(lanes, SIMD16())
            for lane in 0..<16 {
                let exact = exactExp(Double(lanes[lane]))
                worst = max(worst, abs(Double(y[lane]) - exact) / exact)
            }
            i += 16
        }
        return KernelCheck(kernel: "softmax exp (base 2)", shape: "x ∈ [−87.3, 0]", measure: "max |e − exp| ÷ exp",
                           error: worst, bound: 4.5e-6)
    }

    /// Softmax of random scores in [−8, 8]: max over elements of |p − ref| ÷ ref. `mainMemory` runs the
    /// main-memory path (prefetching, non-temporal stores).
    public static func softmax(_ variant: OperatorCounts.SoftmaxVariant, rows: Int, length: Int,
                               mainMemory: Bool = false) throws -> KernelCheck {
        let s = try OperatorBuffer<Float>(count: rows * length), p = try OperatorBuffer<Float>(count: rows * length)
        let rowMax = try OperatorBuffer<Float>(count: rows), rowSum = try OperatorBuffer<Float>(count: rows)
        s.fillRandom(-8, 8, seed: UInt64(rows * 7919 + length))
        SoftmaxKernel.run(variant, s: s.pointer, p: p.pointer, rows: rows, length: length, rowMax: rowMax.pointer,
                          rowSum: rowSum.pointer, threads: min(2, rows), mainMemory: mainMemory)
        var worst = 0.0
        for r in 0..<rows {
            let reference = SoftmaxKernel.reference(Array(UnsafeBufferPointer(start: s.pointer + r * length, count: length)))
            for i in 0..<length { worst = max(worst, relative(Double(p.pointer[r * length + i]), reference[i])) }
        }
        return KernelCheck(kernel: "softmax (\(variant.rawValue)\(mainMemory ? ", main-memory path" : ""))", shape: "\(rows)×\(length)",
                           measure: "max |p − ref| ÷ ref", error: worst, bound: fp32RelativeBound)
    }

    /// RMSNorm of random values in [−2, 2] with random scales in [0.5, 1.5]: max |y − ref| ÷ max |ref|.
    public static func rmsNorm(rows: Int, hidden: Int, mainMemory: Bool = false) throws -> KernelCheck {
        let x = try OperatorBuffer<Float>(count: rows * hidden), y = try OperatorBuffer<Float>(count: rows * hidden)
        let w = try OperatorBuffer<Float>(count: hidden)
        x.fillRandom(-2, 2, seed: UInt64(rows * 31 + hidden))
        w.fillRandom(0.5, 1.5, seed: UInt64(hidden))
        RMSNormKernel.run(x: x.pointer, w: w.pointer, y: y.pointer, rows: rows, hidden: hidden, epsilon: 1e-5,
                          threads: min(2, rows), mainMemory: mainMemory)
        let weights = Array(UnsafeBufferPointer(start: w.pointer, count: hidden))
        var worst = 0.0
        for r in 0..<rows {
            let reference = RMSNormKernel.reference(Array(UnsafeBufferPointer(start: x.pointer + r * hidden, count: hidden)),
                                                    weights: weights, epsilon: 1e-5)
            worst = max(worst, normwise(UnsafeBufferPointer(start: y.pointer + r * hidden, count: hidden).map(Double.init),
                                        reference))
        }
        return KernelCheck(kernel: mainMemory ? "rmsnorm (main-memory path)" : "rmsnorm", shape: "\(rows)×\(hidden)", measure: "max |y − ref| ÷ max |ref|",
                           error: worst, bound: fp32RelativeBound)
    }

    /// Decode attention with random q, K, V in [−1, 1] (K and V stored as `E`; the reference sees the same stored
    /// values widened to fp32): max |out − ref| ÷ max |ref| over all heads.
    public static func decodeAttention<E: KVElement>(_ type: E.Type, heads: Int, kvHeads: Int, headDim: Int,
                                                     context: Int, mainMemory: Bool = false) throws -> KernelCheck {
        let kvCount = kvHeads * context * headDim
        var random = OperatorRandom(seed: UInt64(heads * 131 + context))
        let q = (0..<(heads * headDim)).map { _ in random.nonZero(-1, 1) }
        let k = (0..<kvCount).map { _ in E(random.nonZero(-1, 1)) }
        let v = (0..<kvCount).map { _ in E(random.nonZero(-1, 1)) }
        var out = [Float](repeating: .nan, count: heads * headDim)
        let tiles = DecodeAttentionKernel.keyTiles(k, kvHeads: kvHeads, context: context, headDim: headDim)
        try DecodeAttentionKernel.run(q: q, k: tiles, v: v, out: &out, heads: heads, kvHeads: kvHeads, headDim: headDim,
                                      context: context, threads: min(2, kvHeads), mainMemory: mainMemory)
        let reference = DecodeAttentionKernel.reference(q: q, k: k.map(\.float), v: v.map(\.float), heads: heads,
                                                        kvHeads: kvHeads, headDim: headDim, context: context)
        return KernelCheck(
            kernel: "decode attention (\(E.dataType.rawValue) KV\(mainMemory ? ", main-memory path" : ""))",
            shape: "H=\(heads) KV=\(kvHeads) d=\(headDim) C=\(context)", measure: "max |o − ref| ÷ max |ref|",
            error: normwise(out.map(Double.init), reference), bound: fp32RelativeBound)
    }

    /// |a − b| ÷ |b|; infinite for a NaN.
    static func relative(_ a: Double, _ b: Double) -> Double {
        a.isNaN ? .infinity : abs(a - b) / abs(b)
    }

    /// max |a − b| ÷ max |b|; infinite when a holds a NaN.
    static func normwise(_ a: [Double], _ b: [Double]) -> Double {
        var difference = 0.0, magnitude = 0.0
        for (x, y) in zip(a, b) {
            if x.isNaN { return .infinity }
            difference = max(difference, abs(x - y))
            magnitude = max(magnitude, abs(y))
        }
        return difference / magnitude
    }
}

/// The platform's double-precision exp (outside `OperatorChecks`, whose `exp()` would shadow it).
private func exactExp(_ x: Double) -> Double { exp(x) }
