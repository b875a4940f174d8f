/// A bfloat16 value stored as its 16 bits (the upper half of an IEEE fp32).
public struct BFloat16: Sendable, Equatable {
    public var bitPattern: UInt16

    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// Rounds to nearest, ties to even (finite inputs).
    public init(_ value: Float) {
        let bits = value.bitPattern
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        bitPattern = UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }

    /// The exact fp32 value.
    public var float: Float { Float(bitPattern: UInt32(bitPattern) << 16) }
}

/// A storage type for the KV cache: fp32 as is, bf16 widened to fp32 on load.
///
/// Each type reads 32 consecutive values into two fp32 vectors in its own *register order*: fp32 in memory order,
/// bf16 as the even-indexed then the odd-indexed values (two cheap bit operations on one load, no shuffle). The
/// kernel lays q out in the same order per 32 values, so dot products are unchanged, and puts its accumulators back
/// in memory order at the end.
public protocol KVElement: Sendable {
    static var dataType: DataType { get }
    init(_ value: Float)
    var float: Float { get }
    /// 32 fp32 values in this type's register order (two vectors) → the same values in memory order.
    static func toMemoryOrder(_ values: (SIMD16<Float>, SIMD16<Float>)) -> (SIMD16<Float>, SIMD16<Float>)
    /// Writes `count` values (a multiple of 32) starting at `source` to `scratch` as fp32 in register order and
    /// returns it; fp32 returns `source` itself.
    static func fp32(_ source: UnsafePointer<Self>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    /// 32 values starting at `source` as two fp32 vectors, in register order.
    static func load32(_ source: UnsafePointer<Self>) -> (SIMD16<Float>, SIMD16<Float>)
    /// Where K[t][c] of a 16-token block lives in the block's key tile: `load32` at offset 32·(c ÷ 2) returns
    /// dimension c of the 16 tokens, then dimension c + 1.
    static func tileOffset(token t: Int, dimension c: Int) -> Int
}

extension Float: KVElement {
    public static var dataType: DataType { .fp32 }
    public var float: Float { self }
    @inline(__always)
    public static func toMemoryOrder(_ values: (SIMD16<Float>, SIMD16<Float>)) -> (SIMD16<Float>, SIMD16<Float>) { values }
    @inline(__always)
    public static func fp32(_ source: UnsafePointer<Float>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        source
    }
    @inline(__always)
    public static func load32(_ source: UnsafePointer<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
        (SoftmaxKernel.load(source), SoftmaxKernel.load(source + 16))
    }
    /// Row-major [c][t]: 16·c + t.
    public static func tileOffset(token t: Int, dimension c: Int) -> Int { 16 * c + t }
}

extension BFloat16: KVElement {
    public static var dataType: DataType { .bf16 }
    /// Even-indexed values first, then odd-indexed: position p < 16 holds value 2p, position p ≥ 16 value 2(p − 16) + 1.
    @inline(__always)
    public static func toMemoryOrder(_ values: (SIMD16<Float>, SIMD16<Float>)) -> (SIMD16<Float>, SIMD16<Float>) {
        (roofline_interleave_low_f32x16(values.0, values.1), roofline_interleave_high_f32x16(values.0, values.1))
    }

    /// One 64-byte load, then `w << 16` gives the even values and `w & 0xFFFF0000` the odd ones (vpslld, vpandd).
    @inline(__always)
    public static func load32(_ source: UnsafePointer<BFloat16>) -> (SIMD16<Float>, SIMD16<Float>) {
        let raw = UnsafeRawPointer(source).assumingMemoryBound(to: UInt16.self)
        return (roofline_load_bf16x32_even(raw), roofline_load_bf16x32_odd(raw))
    }

    /// Dimension pairs interleaved, [c ÷ 2][t][c mod 2]: 32·(c ÷ 2) + 2t + c mod 2.
    public static func tileOffset(token t: Int, dimension c: Int) -> Int { 32 * (c / 2) + 2 * t + c % 2 }

    @inline(__always)
    public static func fp32(_ source: UnsafePointer<BFloat16>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        precondition(count % 32 == 0, "bf16 widening works on whole chunks of 32 values")
        var i = 0
        while i < count {
            let (even, odd) = load32(source + i)
            SoftmaxKernel.store(even, scratch + i)
            SoftmaxKernel.store(odd, scratch + i + 16)
            i += 32
        }
        return UnsafePointer(scratch)
    }
}

/// Decode attention: one query token against a KV cache, grouped-query layout, as
/// `OperatorCounts.decodeAttention` counts it.
///
/// Layout: q and out are [heads][headDim] fp32. V is [kvHeads][context][headDim] of the storage type. K is stored
/// the way paged-attention engines store it for dot products (vLLM's key cache splits the head dimension the same
/// way): [kvHeads][⌈context ÷ 16⌉ blocks][key tile], a tile holding 16 tokens × headDim with the tokens
/// contiguous per dimension (`KVElement.tileOffset`; `keyTiles` converts from [kvHeads][context][headDim], padding
/// the last block). Query head h uses KV head h ÷ group. Each KV head is streamed once, in blocks of 16 tokens: the
/// scores of up to 4 query heads at a time as a small matrix product over the tile (each K vector loaded and widened
/// once per 4 heads, q broadcast, no horizontal sums), an online-softmax update of each head's running max and sum
/// with rescaling, and the P·V accumulation for two heads at a time, all from L1. KV heads are split over `threads`
/// workers. `mainMemory` (a cache larger than the last-level cache) prefetches K and V into L2 64 KiB ahead.
public enum DecodeAttentionKernel {
    /// Per-worker scratch: widened V block, the scores and softmax weights of each query head for one block, g×d
    /// accumulators, and the running max, sum and rescaling factor of each query head of the group.
    final class Scratch {
        let v: OperatorBuffer<Float>
        let weight: OperatorBuffer<Float>
        let accumulator: OperatorBuffer<Float>
        let runningMax: OperatorBuffer<Float>, runningSum: OperatorBuffer<Float>, alpha: OperatorBuffer<Float>

        init(headDim: Int, group: Int) throws {
            v = try OperatorBuffer(count: 16 * headDim)
            weight = try OperatorBuffer(count: 16 * group)
            accumulator = try OperatorBuffer(count: group * headDim)
            runningMax = try OperatorBuffer(count: group)
            runningSum = try OperatorBuffer(count: group)
            alpha = try OperatorBuffer(count: group)
        }
    }

    /// Checks a shape the kernel handles: headDim a multiple of 32, heads a multiple of kvHeads, all positive.
    public static func validate(heads: Int, kvHeads: Int, headDim: Int, context: Int) throws {
        guard heads > 0, kvHeads > 0, context > 0, headDim > 0 else {
            throw RooflineError.usage("decode attention needs positive heads, KV heads, head dimension and context")
        }
        guard heads % kvHeads == 0 else {
            throw RooflineError.usage("query heads (\(heads)) must be a multiple of KV heads (\(kvHeads))")
        }
        guard headDim % 32 == 0 else {
            throw RooflineError.usage("head dimension \(headDim) must be a multiple of 32 for the vectorised kernel")
        }
    }

    /// Elements of the tiled key cache: kvHeads × ⌈context ÷ 16⌉ × 16 × headDim (the last block padded).
    public static func keyTileCount(kvHeads: Int, context: Int, headDim: Int) -> Int {
        kvHeads * (context + 15) / 16 * 16 * headDim
    }

    /// The tiled key cache (see the type's layout) of keys given as [kvHeads][context][headDim]; padding is zero.
    public static func keyTiles<E: KVElement>(_ keys: [E], kvHeads: Int, context: Int, headDim d: Int) -> [E] {
        let blocks = (context + 15) / 16
        var tiles = [E](repeating: E(0), count: keyTileCount(kvHeads: kvHeads, context: context, headDim: d))
        for j in 0..<kvHeads {
            for t in 0..<context {
                let tile = (j * blocks + t / 16) * 16 * d
                for c in 0..<d { tiles[tile + E.tileOffset(token: t % 16, dimension: c)] = keys[(j * context + t) * d + c] }
            }
        }
        return tiles
    }

    /// `k` is the tiled key cache (`keyTileCount` elements), `v` is [kvHeads][context][headDim].
    public static func run<E: KVElement>(q: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                         out: UnsafeMutablePointer<Float>, heads: Int, kvHeads: Int, headDim: Int,
                                         context: Int, threads: Int, team: ThreadTeam? = nil, repetitions: Int = 1,
                                         mainMemory: Bool = false) throws {
        try validate(heads: heads, kvHeads: kvHeads, headDim: headDim, context: context)
        let group = heads / kvHeads
        let workers = min(threads, kvHeads)
        let scratch = try (0..<workers).map { _ in try Scratch(headDim: headDim, group: group) }
        let kStride = (context + 15) / 16 * 16 * headDim, vStride = context * headDim
        OperatorThreads.run(workers, team: team) { worker in
            let mine = OperatorThreads.slice(kvHeads, worker: worker, of: workers)
            for _ in 0..<repetitions {
                for j in mine {
                    head(q: q + j * group * headDim, k: k + j * kStride, v: v + j * vStride,
                         out: out + j * group * headDim, context: context, headDim: headDim, group: group,
                         scratch: scratch[worker], prefetch: mainMemory)
                }
            }
        }
    }

    /// One KV head: its `group` query heads against all `context` tokens, 16 tokens per block.
    @inline(__always)
    static func head<E: KVElement>(q: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                   out: UnsafeMutablePointer<Float>, context: Int, headDim d: Int, group: Int,
                                   scratch: Scratch, prefetch: Bool) {
        let scale = SIMD16<Float>(repeating: 1 / Float(d).squareRoot())
        let acc = scratch.accumulator.pointer, weight = scratch.weight.pointer, alpha = scratch.alpha.pointer
        let runningMax = scratch.runningMax.pointer, runningSum = scratch.runningSum.pointer
        let vScratch = scratch.v.pointer
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        let rowBytes = d * MemoryLayout<E>.stride
        acc.update(repeating: 0, count: group * d)
        runningMax.update(repeating: -.greatestFiniteMagnitude, count: group)
        runningSum.update(repeating: 0, count: group)
        var t0 = 0
        while t0 < context {
            let count = min(16, context - t0)
            let tile = k + t0 * d
            // Scores, 4 query heads at a time (then 2, then 1), and each head's online-softmax update.
            var h = 0
            while h < group {
                let n = group - h >= 4 ? 4 : group - h >= 2 ? 2 : 1
                let s4 = n == 4 ? scoresTile(q: q + h * d, tile: tile, headDim: d, heads: 4, prefetch: prefetch)
                    : n == 2 ? scoresTile(q: q + h * d, tile: tile, headDim: d, heads: 2, prefetch: prefetch)
                    : scoresTile(q: q + h * d, tile: tile, headDim: d, heads: 1, prefetch: prefetch)
                for i in 0..<n {
                    var s = (i == 0 ? s4.0 : i == 1 ? s4.1 : i == 2 ? s4.2 : s4.3) * scale
                    if count < 16 { s = s.replacing(with: -.infinity, where: lanes .>= Int32(count)) }
                    let newMax = max(runningMax[h + i], roofline_hmax_f32x16(s))
                    let a = FastExp.exp(runningMax[h + i] - newMax)
                    let p = FastExp.exp(s - SIMD16(repeating: newMax))
                    runningSum[h + i] = runningSum[h + i] * a + roofline_sum_f32x16(p)
                    runningMax[h + i] = newMax
                    alpha[h + i] = a
                    SoftmaxKernel.store(p, weight + 16 * (h + i))
                }
                h += n
            }
            // P·V: two query heads per V vector when d = 128 (V loaded and widened from L1); otherwise the block
            // is first widened into fp32 scratch.
            if d == 128 && group % 2 == 0 {
                var i = 0
                while i < group {
                    accumulatePair128(acc + i * d, acc + (i + 1) * d, alphas: (alpha[i], alpha[i + 1]),
                                      weightA: weight + 16 * i, weightB: weight + 16 * (i + 1), v: v + t0 * d,
                                      count: count, ahead: UnsafeRawPointer(v + t0 * d), rowBytes: rowBytes,
                                      prefetch: prefetch)
                    i += 2
                }
            } else {
                SoftmaxKernel.prefetchAhead(UnsafeRawPointer(v + t0 * d), bytes: count * rowBytes, streaming: prefetch)
                let vb = E.fp32(v + t0 * d, count: count * d, scratch: vScratch)
                for i in 0..<group {
                    accumulate(acc + i * d, alpha: alpha[i], weight: weight + 16 * i, v: vb, count: count, headDim: d)
                }
            }
            t0 += 16
        }
        for i in 0..<group {
            let inverse = SIMD16<Float>(repeating: 1 / runningSum[i])
            var c = i * d
            while c < (i + 1) * d {
                let (a, b) = E.toMemoryOrder((SoftmaxKernel.load(acc + c) * inverse, SoftmaxKernel.load(acc + c + 16) * inverse))
                SoftmaxKernel.store(a, out + c)
                SoftmaxKernel.store(b, out + c + 16)
                c += 32
            }
        }
    }

    /// Raw scores q_h·k_t of `heads` (1, 2 or 4, a constant after inlining) consecutive query heads against the 16
    /// tokens of one key tile: lane t of result h. A 4×16 matrix product over d: per pair of dimensions one load
    /// (two K vectors, widened once), one FMA per head and dimension with q broadcast, even and odd dimensions in
    /// separate accumulators (8 independent chains for 4 heads). Prefetches the tile's lines 64 KiB ahead when
    /// `prefetch`.
    @inline(__always)
    static func scoresTile<E: KVElement>(q: UnsafePointer<Float>, tile: UnsafePointer<E>, headDim d: Int, heads: Int,
                                         prefetch: Bool)
        -> (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>) {
        @inline(__always) func fma(_ x: Float, _ k: SIMD16<Float>, _ a: SIMD16<Float>) -> SIMD16<Float> {
            roofline_fma_f32x16(SIMD16(repeating: x), k, a)
        }
        var e0 = SIMD16<Float>(), o0 = SIMD16<Float>(), e1 = SIMD16<Float>(), o1 = SIMD16<Float>()
        var e2 = SIMD16<Float>(), o2 = SIMD16<Float>(), e3 = SIMD16<Float>(), o3 = SIMD16<Float>()
        let pairBytes = 32 * MemoryLayout<E>.stride
        var c = 0
        while c < d {
            SoftmaxKernel.prefetchAhead(UnsafeRawPointer(tile + 16 * c), bytes: pairBytes, streaming: prefetch)
            let (even, odd) = E.load32(tile + 16 * c)
            e0 = fma(q[c], even, e0); o0 = fma(q[c + 1], odd, o0)
            if heads > 1 { e1 = fma(q[d + c], even, e1); o1 = fma(q[d + c + 1], odd, o1) }
            if heads > 2 {
                e2 = fma(q[2 * d + c], even, e2); o2 = fma(q[2 * d + c + 1], odd, o2)
                e3 = fma(q[3 * d + c], even, e3); o3 = fma(q[3 * d + c + 1], odd, o3)
            }
            c += 2
        }
        return (e0 + o0, e1 + o1, e2 + o2, e3 + o3)
    }

    /// acc_a, acc_b = acc·alpha + Σ_t weight[t]·v_t for two query heads and d = 128: 16 accumulator registers, each
    /// V vector loaded (and widened) once.
    @inline(__always)
    static func accumulatePair128<E: KVElement>(_ accA: UnsafeMutablePointer<Float>, _ accB: UnsafeMutablePointer<Float>,
                                  alphas: (Float, Float), weightA: UnsafePointer<Float>, weightB: UnsafePointer<Float>,
                                  v: UnsafePointer<E>, count: Int, ahead: UnsafeRawPointer, rowBytes: Int,
                                  prefetch: Bool) {
        let load = SoftmaxKernel.load
        let sa = SIMD16<Float>(repeating: alphas.0), sb = SIMD16<Float>(repeating: alphas.1)
        var a0 = load(accA) * sa, a1 = load(accA + 16) * sa, a2 = load(accA + 32) * sa, a3 = load(accA + 48) * sa
        var a4 = load(accA + 64) * sa, a5 = load(accA + 80) * sa, a6 = load(accA + 96) * sa, a7 = load(accA + 112) * sa
        var b0 = load(accB) * sb, b1 = load(accB + 16) * sb, b2 = load(accB + 32) * sb, b3 = load(accB + 48) * sb
        var b4 = load(accB + 64) * sb, b5 = load(accB + 80) * sb, b6 = load(accB + 96) * sb, b7 = load(accB + 112) * sb
        for t in 0..<count {
            SoftmaxKernel.prefetchAhead(ahead + t * rowBytes, bytes: rowBytes, streaming: prefetch)
            let wa = SIMD16<Float>(repeating: weightA[t]), wb = SIMD16<Float>(repeating: weightB[t])
            let r = v + t * 128
            var (x, y) = E.load32(r)
            a0 = roofline_fma_f32x16(wa, x, a0); b0 = roofline_fma_f32x16(wb, x, b0)
            a1 = roofline_fma_f32x16(wa, y, a1); b1 = roofline_fma_f32x16(wb, y, b1)
            (x, y) = E.load32(r + 32)
            a2 = roofline_fma_f32x16(wa, x, a2); b2 = roofline_fma_f32x16(wb, x, b2)
            a3 = roofline_fma_f32x16(wa, y, a3); b3 = roofline_fma_f32x16(wb, y, b3)
            (x, y) = E.load32(r + 64)
            a4 = roofline_fma_f32x16(wa, x, a4); b4 = roofline_fma_f32x16(wb, x, b4)
            a5 = roofline_fma_f32x16(wa, y, a5); b5 = roofline_fma_f32x16(wb, y, b5)
            (x, y) = E.load32(r + 96)
            a6 = roofline_fma_f32x16(wa, x, a6); b6 = roofline_fma_f32x16(wb, x, b6)
            a7 = roofline_fma_f32x16(wa, y, a7); b7 = roofline_fma_f32x16(wb, y, b7)
        }
        let store = SoftmaxKernel.store
        store(a0, accA); store(a1, accA + 16); store(a2, accA + 32); store(a3, accA + 48)
        store(a4, accA + 64); store(a5, accA + 80); store(a6, accA + 96); store(a7, accA + 112)
        store(b0, accB); store(b1, accB + 16); store(b2, accB + 32); store(b3, accB + 48)
        store(b4, accB + 64); store(b5, accB + 80); store(b6, accB + 96); store(b7, accB + 112)
    }

    /// Any d that is a multiple of 32.
    @inline(__always)
    static func accumulate(_ acc: UnsafeMutablePointer<Float>, alpha: Float, weight: UnsafePointer<Float>,
                           v: UnsafePointer<Float>, count: Int, headDim d: Int) {
        let a = SIMD16<Float>(repeating: alpha)
        var c = 0
        while c < d {
            var sum = SoftmaxKernel.load(acc + c) * a
            for t in 0..<count {
                sum = roofline_fma_f32x16(SIMD16(repeating: weight[t]), SoftmaxKernel.load(v + t * d + c), sum)
            }
            SoftmaxKernel.store(sum, acc + c)
            c += 16
        }
    }

    /// Straightforward reference in Double: per query head, s_t = q·k_t ÷ √d, p = softmax(s), out = Σ p_t·v_t.
    /// `k` and `v` are the fp32 values the kernel sees (bf16 already widened).
    public static func reference(q: [Float], k: [Float], v: [Float], heads: Int, kvHeads: Int, headDim d: Int,
                                 context: Int) -> [Double] {
        let group = heads / kvHeads
        var out = [Double](repeating: 0, count: heads * d)
        for h in 0..<heads {
            let j = h / group
            var scores = [Double](repeating: 0, count: context)
            for t in 0..<context {
                var dot = 0.0
                for c in 0..<d { dot += Double(q[h * d + c]) * Double(k[(j * context + t) * d + c]) }
                scores[t] = dot / Double(d).squareRoot()
            }
            let m = scores.max()!
            let e = scores.map { exp($0 - m) }
            let total = e.reduce(0, +)
            for t in 0..<context {
                for c in 0..<d { out[h * d + c] += e[t] / total * Double(v[(j * context + t) * d + c]) }
            }
        }
        return out
    }
}
