/// RMSNorm over a batch of rows, vectorised: y = x·w ÷ √(mean(x²) + ε), as `OperatorCounts.rmsNorm` counts it.
///
/// Each row is read twice (sum of squares, then scale); a row of a model's hidden size fits in L1, so the second
/// read hits the cache and the matrix is streamed once in, once out. When the hidden size is a multiple of 64 the
/// rows are software-pipelined: the squares of row r + 1 are summed in the loop that scales and writes row r, so
/// the read stream and the write stream overlap instead of taking turns.
public enum RMSNormKernel {
    /// `x` and `y` are rows×hidden, row-major; `w` holds `hidden` scales. Rows are split over `threads` workers.
    /// `mainMemory` (for matrices larger than the last-level cache) prefetches x into L2 64 and 32 KiB ahead and writes y
    /// with non-temporal stores (honoured when `y` is 64-byte aligned and `hidden` a multiple of 64).
    public static func run(x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>, rows: Int,
                           hidden: Int, epsilon: Float, threads: Int, team: ThreadTeam? = nil, repetitions: Int = 1, mainMemory: Bool = false) {
        let streaming = mainMemory && hidden % 64 == 0 && Int(bitPattern: y) % 64 == 0
        OperatorThreads.run(threads, team: team) { worker in
            let mine = OperatorThreads.slice(rows, worker: worker, of: threads)
            for _ in 0..<repetitions {
                if hidden % 64 != 0 {
                    for r in mine { row(x + r * hidden, w, y + r * hidden, hidden, epsilon, streaming: false) }
                } else if streaming {
                    pipelined(x, w, y, rows: mine, hidden: hidden, epsilon: epsilon, streaming: true)
                } else {
                    pipelined(x, w, y, rows: mine, hidden: hidden, epsilon: epsilon, streaming: false)
                }
            }
            if streaming { roofline_store_fence() }
        }
    }

    /// Σ x² over a row of any length: 4 accumulators over 64-element chunks, then 16-element and scalar tails.
    @inline(__always)
    static func sumSquares(_ x: UnsafePointer<Float>, _ hidden: Int) -> Float {
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
        return squares
    }

    /// Rows of a length that is a multiple of 64, the squares of the next row summed while this one is written.
    @inline(__always)
    static func pipelined(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                          rows: Range<Int>, hidden: Int, epsilon: Float, streaming: Bool) {
        guard let first = rows.first else { return }
        let load = SoftmaxKernel.load
        var squares = sumSquares(x + first * hidden, hidden)
        for r in rows {
            let sv = SIMD16<Float>(repeating: 1 / (squares / Float(hidden) + epsilon).squareRoot())
            let xr = x + r * hidden, yr = y + r * hidden
            var i = 0
            if r + 1 < rows.upperBound {
                let xn = xr + hidden
                var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
                while i < hidden {
                    SoftmaxKernel.prefetchAhead(xn + i, bytes: 256, streaming: streaming)
                    SoftmaxKernel.put(load(xr + i) * sv * load(w + i), yr + i, streaming: streaming)
                    SoftmaxKernel.put(load(xr + i + 16) * sv * load(w + i + 16), yr + i + 16, streaming: streaming)
                    SoftmaxKernel.put(load(xr + i + 32) * sv * load(w + i + 32), yr + i + 32, streaming: streaming)
                    SoftmaxKernel.put(load(xr + i + 48) * sv * load(w + i + 48), yr + i + 48, streaming: streaming)
                    let v0 = load(xn + i), v1 = load(xn + i + 16), v2 = load(xn + i + 32), v3 = load(xn + i + 48)
                    a0 = roofline_fma_f32x16(v0, v0, a0)
                    a1 = roofline_fma_f32x16(v1, v1, a1)
                    a2 = roofline_fma_f32x16(v2, v2, a2)
                    a3 = roofline_fma_f32x16(v3, v3, a3)
                    i += 64
                }
                squares = roofline_sum_f32x16((a0 + a1) + (a2 + a3))
            } else {
                while i < hidden {
                    SoftmaxKernel.put(load(xr + i) * sv * load(w + i), yr + i, streaming: streaming)
                    i += 16
                }
            }
        }
    }

    @inline(__always)
    static func row(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
                    _ hidden: Int, _ epsilon: Float, streaming: Bool) {
        let squares = sumSquares(x, hidden)
        let scale = 1 / (squares / Float(hidden) + epsilon).squareRoot()
        let sv = SIMD16<Float>(repeating: scale)
        var i = 0
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
