/// Softmax over the rows of a score matrix, vectorised (SIMD16), in the two schedules that
/// `OperatorCounts.SoftmaxVariant` counts. Exponentials are taken in base 2, exp(x − m) = 2^(x·log₂e − m·log₂e)
/// with the scaling folded into one FMA (`roofline_exp2_f32x16`), which saves the ln 2 range reduction.
///
/// Each pass sweeps every row of the worker's slice before the next pass starts (as separate framework kernels
/// do), so each pass streams the matrix from the memory level that holds it and the bytes moved are the bytes
/// counted. Rows may have any length; the tail of a row that is not a multiple of 16 is padded in registers.
public enum SoftmaxKernel {
    /// P = softmax(S) row by row. `s` and `p` are rows×length, row-major; `rowMax` and `rowSum` hold `rows`
    /// scratch values. Rows are split over `threads` workers. `mainMemory` (for matrices larger than the last-level
    /// cache) prefetches the rows being read `prefetchDistanceBytes` ahead into L2 and writes P with non-temporal
    /// stores (honoured when `p` is 64-byte aligned and `length` a multiple of 16).
    public static func run(_ variant: OperatorCounts.SoftmaxVariant, s: UnsafePointer<Float>, p: UnsafeMutablePointer<Float>,
                           rows: Int, length: Int, rowMax: UnsafeMutablePointer<Float>, rowSum: UnsafeMutablePointer<Float>,
                           threads: Int, team: ThreadTeam? = nil, repetitions: Int = 1, mainMemory: Bool = false) {
        let streaming = mainMemory && length % 16 == 0 && Int(bitPattern: p) % 64 == 0
        OperatorThreads.run(threads, team: team) { worker in
            let mine = OperatorThreads.slice(rows, worker: worker, of: threads)
            for _ in 0..<repetitions {
                switch (variant, streaming) {
                case (.materialized, false):
                    materialized(s: s, p: p, rows: mine, length: length, rowMax: rowMax, rowSum: rowSum, streaming: false)
                case (.materialized, true):
                    materialized(s: s, p: p, rows: mine, length: length, rowMax: rowMax, rowSum: rowSum, streaming: true)
                case (.online, false):
                    online(s: s, p: p, rows: mine, length: length, rowMax: rowMax, rowSum: rowSum, streaming: false)
                case (.online, true):
                    online(s: s, p: p, rows: mine, length: length, rowMax: rowMax, rowSum: rowSum, streaming: true)
                }
            }
            if streaming { roofline_store_fence() }
        }
    }

    /// How far ahead of the reads main-memory kernels prefetch into L2 (see `roofline_prefetch_l2`).
    static var prefetchDistanceBytes: Int { 64 * 1024 }

    /// When `streaming`, prefetches into L2 the lines of [p + distance, p + distance + bytes), and again those of
    /// [p + distance/2, …): every line is asked for twice, the second time after the kernel has advanced half the
    /// distance. Measured here with one thread (`validate --threads 1`, against the load kernel's 30 GB/s): the
    /// second request took decode attention on an fp32 cache from 20 to 23–24 GB/s and RMSNorm from 30 to 34 GB/s,
    /// softmax and bf16 attention unchanged; prefetches that find the miss queues full seem to be dropped.
    @inline(__always)
    static func prefetchAhead(_ p: UnsafeRawPointer, bytes: Int, streaming: Bool) {
        guard streaming else { return }
        var offset = 0
        while offset < bytes {
            roofline_prefetch_l2(p + prefetchDistanceBytes + offset)
            roofline_prefetch_l2(p + prefetchDistanceBytes / 2 + offset)
            offset += 64
        }
    }

    /// A normal store, or a non-temporal one (`p` 64-byte aligned) when `streaming`.
    @inline(__always)
    static func put(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, streaming: Bool) {
        if streaming { roofline_stream_f32x16(p, v) } else { store(v, p) }
    }

    static var log2e: Float { 1.442_695_04 }

    /// exp(x − m) for 16 scores, given mScaled = −m·log₂e.
    @inline(__always)
    static func expShifted(_ x: SIMD16<Float>, _ mScaled: SIMD16<Float>) -> SIMD16<Float> {
        roofline_exp2_f32x16(roofline_fma_f32x16(x, SIMD16(repeating: log2e), mScaled))
    }

    @inline(__always)
    static func loadPartial(_ x: UnsafePointer<Float>, _ count: Int, padding: Float) -> SIMD16<Float> {
        var v = SIMD16<Float>(repeating: padding)
        for i in 0..<count { v[i] = x[i] }
        return v
    }

    @inline(__always)
    static func load(_ x: UnsafePointer<Float>) -> SIMD16<Float> {
        UnsafeRawPointer(x).loadUnaligned(as: SIMD16<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ x: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(x).storeBytes(of: v, as: SIMD16<Float>.self)
    }

    /// Row maximum (4 independent accumulators).
    @inline(__always)
    static func rowMaximum(_ x: UnsafePointer<Float>, _ length: Int, streaming: Bool) -> Float {
        let lowest = SIMD16<Float>(repeating: -.greatestFiniteMagnitude)
        var m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest
        var i = 0
        while i + 64 <= length {
            prefetchAhead(x + i, bytes: 256, streaming: streaming)
            m0 = roofline_max_f32x16(m0, load(x + i))
            m1 = roofline_max_f32x16(m1, load(x + i + 16))
            m2 = roofline_max_f32x16(m2, load(x + i + 32))
            m3 = roofline_max_f32x16(m3, load(x + i + 48))
            i += 64
        }
        while i + 16 <= length {
            m0 = roofline_max_f32x16(m0, load(x + i))
            i += 16
        }
        if i < length { m1 = roofline_max_f32x16(m1, loadPartial(x + i, length - i, padding: -.greatestFiniteMagnitude)) }
        return roofline_hmax_f32x16(roofline_max_f32x16(roofline_max_f32x16(m0, m1), roofline_max_f32x16(m2, m3)))
    }

    /// y = exp(x − m)·scale for a whole row; returns Σ exp(x − m) (before scaling).
    @inline(__always)
    static func expRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ length: Int, max m: Float,
                       scale: Float, streaming: Bool) -> Float {
        let mv = SIMD16<Float>(repeating: -m * log2e), sv = SIMD16<Float>(repeating: scale)
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>()
        var i = 0
        while i + 32 <= length {
            prefetchAhead(x + i, bytes: 128, streaming: streaming)
            let e0 = expShifted(load(x + i), mv), e1 = expShifted(load(x + i + 16), mv)
            s0 += e0
            s1 += e1
            put(e0 * sv, y + i, streaming: streaming)
            put(e1 * sv, y + i + 16, streaming: streaming)
            i += 32
        }
        while i + 16 <= length {
            let e = expShifted(load(x + i), mv)
            s0 += e
            put(e * sv, y + i, streaming: streaming)
            i += 16
        }
        if i < length {
            let e = expShifted(loadPartial(x + i, length - i, padding: -.infinity), mv)
            s1 += e
            for j in 0..<(length - i) { y[i + j] = e[j] * scale }
        }
        return roofline_sum_f32x16(s0 + s1)
    }

    /// Pass 1 max, pass 2 exp and sums (writes P), pass 3 normalise P in place.
    @inline(__always)
    static func materialized(s: UnsafePointer<Float>, p: UnsafeMutablePointer<Float>, rows: Range<Int>, length: Int,
                             rowMax: UnsafeMutablePointer<Float>, rowSum: UnsafeMutablePointer<Float>, streaming: Bool) {
        for r in rows { rowMax[r] = rowMaximum(s + r * length, length, streaming: streaming) }
        for r in rows { rowSum[r] = expRow(s + r * length, p + r * length, length, max: rowMax[r], scale: 1, streaming: streaming) }
        for r in rows {
            let y = p + r * length
            let inverse = 1 / rowSum[r]
            let iv = SIMD16<Float>(repeating: inverse)
            var i = 0
            while i + 16 <= length {
                prefetchAhead(y + i, bytes: 64, streaming: streaming)
                put(load(y + i) * iv, y + i, streaming: streaming)
                i += 16
            }
            while i < length {
                y[i] *= inverse
                i += 1
            }
        }
    }

    /// Pass 1: per-lane running max M and running sum Σ exp(x − M), rescaled by exp(M_old − M_new) once per block of
    /// 8 vectors (1.125 exps per score); lanes combined at the end of the row. Pass 2: P = exp(S − max) ÷ sum.
    @inline(__always)
    static func online(s: UnsafePointer<Float>, p: UnsafeMutablePointer<Float>, rows: Range<Int>, length: Int,
                       rowMax: UnsafeMutablePointer<Float>, rowSum: UnsafeMutablePointer<Float>, streaming: Bool) {
        let lowest: Float = -.greatestFiniteMagnitude
        for r in rows {
            let x = s + r * length
            var m = SIMD16<Float>(repeating: lowest)
            var sum = SIMD16<Float>()
            var i = 0
            while i + 128 <= length {
                prefetchAhead(x + i, bytes: 512, streaming: streaming)
                let x0 = load(x + i), x1 = load(x + i + 16), x2 = load(x + i + 32), x3 = load(x + i + 48)
                let x4 = load(x + i + 64), x5 = load(x + i + 80), x6 = load(x + i + 96), x7 = load(x + i + 112)
                let blockMax = roofline_max_f32x16(
                    roofline_max_f32x16(roofline_max_f32x16(x0, x1), roofline_max_f32x16(x2, x3)),
                    roofline_max_f32x16(roofline_max_f32x16(x4, x5), roofline_max_f32x16(x6, x7)))
                let newM = roofline_max_f32x16(m, blockMax)
                let ms = newM * SIMD16(repeating: -log2e)
                sum *= expShifted(m, ms)
                sum += ((expShifted(x0, ms) + expShifted(x1, ms)) + (expShifted(x2, ms) + expShifted(x3, ms)))
                    + ((expShifted(x4, ms) + expShifted(x5, ms)) + (expShifted(x6, ms) + expShifted(x7, ms)))
                m = newM
                i += 128
            }
            while i < length {
                let xv = i + 16 <= length ? load(x + i) : loadPartial(x + i, length - i, padding: -.infinity)
                let newM = roofline_max_f32x16(m, xv)
                let ms = newM * SIMD16(repeating: -log2e)
                sum = sum * expShifted(m, ms) + expShifted(xv, ms)
                m = newM
                i += 16
            }
            let rowM = roofline_hmax_f32x16(m)
            rowMax[r] = rowM
            rowSum[r] = roofline_sum_f32x16(sum * expShifted(m, SIMD16(repeating: -rowM * log2e)))
        }
        for r in rows {
            _ = expRow(s + r * length, p + r * length, length, max: rowMax[r], scale: 1 / rowSum[r], streaming: streaming)
        }
    }

    /// Straightforward reference in Double: p = exp(x − max) ÷ Σ exp(x − max), one row.
    public static func reference(_ x: [Float]) -> [Double] {
        let m = Double(x.max()!)
        let e = x.map { exp(Double($0) - m) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }
}
