/// RMSNorm over a batch of rows, vectorised: y = x·w ÷ √(mean(x²) + ε), as `OperatorCounts.rmsNorm` counts it.
///
/// Each row is read twice (sum of squares, then scale); a row of a model's hidden size fits in L1, so the second
/// read hits the cache and the matrix is streamed once in, once out.
public enum RMSNormKernel {
    /// `x` and `y` are rows×hidden, row-major; `w` holds `hidden` scales. Rows are split over `threads` workers.
    /// `streamingStores` writes y with non-temporal stores (for a y larger than the last-level cache; honoured when
    /// `y` is 64-byte aligned and `hidden` a multiple of 16).
    public static func run(x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int,
                           hidden: Int, epsilon: Float, threads: Int, team: ThreadTeam? = nil, repetitions: Int = 1, streamingStores: Bool = false) {
        let streaming = streamingStores && hidden % 16 == 0 && Int(bitPattern: y) % 64 == 0
        OperatorThreads.run(threads, team: team) { worker in
            let mine = OperatorThreads.slice(rows, worker: worker, of: threads)
            for _ in 0..<repetitions {
                if streaming {
                    for r in mine { row(x + r * hidden, w, y + r * hidden, hidden, epsilon, streaming: true) }
                } else {
                    for r in mine { row(x + r * hidden, w, y + r * hidden, hidden, epsilon, streaming: false) }
                }
            }
            if streaming { roofline_store_fence() }
        }
    }

    @inline(__always)
    static func row(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    _ hidden: Int, _ epsilon: Float, streaming: Bool) {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        var i = 0
        while i + 64 <= hidden {
            let v0 = SoftmaxKernel.load(x + i), v1 = SoftmaxKernel.load(x + i + 16)
            let v2 = SoftmaxKernel.load(x + i + 32), v3 = SoftmaxKernel.load(x + i + 48)
            a0 = roofline_fma_f32x16(v0, v0, a0)
            a1 = roofline_fma_f32x16(v1, v1, a1)
            a2 = roofline_fma_f32x16(v2, v2, a2)
            a3 = roofline_fma_f32x16(v3, v3, a3)
            i += 64
        }
        while i + 16 <= hidden {
            let v = SoftmaxKernel.load(x + i)
            a0 = roofline_fma_f32x16(v, v, a0)
            i += 16
        }
        var squares = roofline_sum_f32x16((a0 + a1) + (a2 + a3))
        while i < hidden {
            squares += x[i] * x[i]
            i += 1
        }
        let scale = 1 / (squares / Float(hidden) + epsilon).squareRoot()
        let sv = SIMD16<Float>(repeating: scale)
        i = 0
        while i + 16 <= hidden {
            SoftmaxKernel.put(SoftmaxKernel.load(x + i) * sv * SoftmaxKernel.load(w + i), y + i, streaming: streaming)
            i += 16
        }
        while i < hidden {
            y[i] = x[i] * scale * w[i]
            i += 1
        }
    }

    /// Straightforward reference in Double for one row.
    public static func reference(_ x: [Float], weights: [Float], epsilon: Float) -> [Double] {
        let meanSquare = x.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(x.count)
        let scale = 1 / (meanSquare + Double(epsilon)).squareRoot()
        return zip(x, weights).map { Double($0) * scale * Double($1) }
    }
}
