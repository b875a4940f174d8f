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
    /// Memory index (0..<32) of the value at position `position` of the register order of a 32-value chunk.
    static func memoryIndex(ofRegisterPosition position: Int) -> Int
    /// Writes `count` values (a multiple of 32) starting at `source` to `scratch` as fp32 in register order and
    /// returns it; fp32 returns `source` itself.
    static func fp32(_ source: UnsafePointer<Self>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
    /// 32 values starting at `source` as two fp32 vectors, in register order.
    static func load32(_ source: UnsafePointer<Self>) -> (SIMD16<Float>, SIMD16<Float>)
}

extension Float: KVElement {
    public static var dataType: DataType { .fp32 }
    public var float: Float { self }
    @inline(__always)
    public static func memoryIndex(ofRegisterPosition position: Int) -> Int { position }
    @inline(__always)
    public static func fp32(_ source: UnsafePointer<Float>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        source
    }
    @inline(__always)
    public static func load32(_ source: UnsafePointer<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
        (SoftmaxKernel.load(source), SoftmaxKernel.load(source + 16))
    }
}

extension BFloat16: KVElement {
    public static var dataType: DataType { .bf16 }
    /// Even-indexed values first, then odd-indexed: position p < 16 holds value 2p, position p ≥ 16 value 2(p − 16) + 1.
    @inline(__always)
    public static func memoryIndex(ofRegisterPosition position: Int) -> Int {
        position < 16 ? 2 * position : 2 * (position - 16) + 1
    }

    /// One 64-byte load, then `w << 16` gives the even values and `w & 0xFFFF0000` the odd ones (vpslld, vpandd).
    @inline(__always)
    public static func load32(_ source: UnsafePointer<BFloat16>) -> (SIMD16<Float>, SIMD16<Float>) {
        let raw = UnsafeRawPointer(source).assumingMemoryBound(to: UInt16.self)
        return (roofline_load_bf16x32_even(raw), roofline_load_bf16x32_odd(raw))
    }

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
/// Layout: q and out are [heads][headDim] fp32; K and V are [kvHeads][context][headDim] of the storage type. Query
/// head h uses KV head h ÷ group. Each KV head is streamed once, in blocks of 16 tokens: for every query head of
/// the group, 16 scores (q·k ÷ √d), an online-softmax update of the running max and sum with rescaling, and the
/// P·V accumulation, all from L1. KV heads are split over `threads` workers. `mainMemory` (a cache larger than the
/// last-level cache) prefetches K and V into L2 64 KiB ahead.
public enum DecodeAttentionKernel {
    /// Per-worker scratch: the group's g×d query values in the storage type's register order, widened K and V
    /// blocks, 16 partial dot products and 16 softmax weights for each of two query heads, g×d accumulators, and
    /// the running max and sum of each query head of the group.
    final class Scratch {
        let q: OperatorBuffer<Float>
        let k: OperatorBuffer<Float>, v: OperatorBuffer<Float>
        let partial: OperatorBuffer<SIMD16<Float>>
        let weight: OperatorBuffer<Float>
        let accumulator: OperatorBuffer<Float>
        let runningMax: OperatorBuffer<Float>, runningSum: OperatorBuffer<Float>

        init(headDim: Int, group: Int) throws {
            q = try OperatorBuffer(count: group * headDim)
            k = try OperatorBuffer(count: 16 * headDim)
            v = try OperatorBuffer(count: 16 * headDim)
            partial = try OperatorBuffer(count: 32)
            weight = try OperatorBuffer(count: 32)
            accumulator = try OperatorBuffer(count: group * headDim)
            runningMax = try OperatorBuffer(count: group)
            runningSum = try OperatorBuffer(count: group)
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

    public static func run<E: KVElement>(q: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                         out: UnsafeMutablePointer<Float>, heads: Int, kvHeads: Int, headDim: Int,
                                         context: Int, threads: Int, team: ThreadTeam? = nil, repetitions: Int = 1,
                                         mainMemory: Bool = false) throws {
        try validate(heads: heads, kvHeads: kvHeads, headDim: headDim, context: context)
        let group = heads / kvHeads
        let workers = min(threads, kvHeads)
        let scratch = try (0..<workers).map { _ in try Scratch(headDim: headDim, group: group) }
        let kvStride = context * headDim
        OperatorThreads.run(workers, team: team) { worker in
            let mine = OperatorThreads.slice(kvHeads, worker: worker, of: workers)
            for _ in 0..<repetitions {
                for j in mine {
                    head(q: q + j * group * headDim, k: k + j * kvStride, v: v + j * kvStride,
                         out: out + j * group * headDim, context: context, headDim: headDim, group: group,
                         scratch: scratch[worker], prefetch: mainMemory)
                }
            }
        }
    }

    /// Sums each of 16 vectors into one lane: lane t of the result is the sum of the lanes of partial[t].
    /// Four levels of pairwise even/odd folding (15 combines instead of 16 horizontal sums).
    @inline(__always)
    static func reduce16(_ p: UnsafeMutablePointer<SIMD16<Float>>) -> SIMD16<Float> {
        @inline(__always) func fold(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> { roofline_fold_f32x16(a, b) }
        let l1 = (fold(p[0], p[1]), fold(p[2], p[3]), fold(p[4], p[5]), fold(p[6], p[7]),
                  fold(p[8], p[9]), fold(p[10], p[11]), fold(p[12], p[13]), fold(p[14], p[15]))
        let l2 = (fold(l1.0, l1.1), fold(l1.2, l1.3), fold(l1.4, l1.5), fold(l1.6, l1.7))
        return fold(fold(l2.0, l2.1), fold(l2.2, l2.3))
    }

    /// One KV head: its `group` query heads against all `context` tokens, 16 tokens per block.
    @inline(__always)
    static func head<E: KVElement>(q queries: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                   out: UnsafeMutablePointer<Float>, context: Int, headDim d: Int, group: Int,
                                   scratch: Scratch, prefetch: Bool) {
        // q in the register order K and V are loaded in (per 32 values); the accumulators come out in that order too.
        let q = UnsafePointer(scratch.q.pointer)
        for c in 0..<(group * d) {
            scratch.q.pointer[c] = queries[c - c % 32 + E.memoryIndex(ofRegisterPosition: c % 32)]
        }
        let scale = SIMD16<Float>(repeating: 1 / Float(d).squareRoot())
        let acc = scratch.accumulator.pointer, partial = scratch.partial.pointer, weight = scratch.weight.pointer
        let runningMax = scratch.runningMax.pointer, runningSum = scratch.runningSum.pointer
        let kScratch = scratch.k.pointer, vScratch = scratch.v.pointer
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        acc.update(repeating: 0, count: group * d)
        runningMax.update(repeating: -.greatestFiniteMagnitude, count: group)
        runningSum.update(repeating: 0, count: group)
        var t0 = 0
        while t0 < context {
            let count = min(16, context - t0)
            // Query heads in pairs when d = 128: each K and V vector loaded (and widened) from L1 feeds two FMAs.
            // Otherwise the block is first widened into fp32 scratch.
            let step = d == 128 && group % 2 == 0 ? 2 : 1
            let kb = step == 2 ? UnsafePointer(kScratch) : E.fp32(k + t0 * d, count: count * d, scratch: kScratch)
            let vb = step == 2 ? UnsafePointer(vScratch) : E.fp32(v + t0 * d, count: count * d, scratch: vScratch)
            var i = 0
            while i < group {
                // Every pair of each block prefetches, spread over its token loops, the K and V rows 64 KiB ahead of
                // each stream into L2 (see `roofline_prefetch_l2`). The second pair repeats the first one's requests;
                // measured here that was faster (34 vs 26 GB/s for fp32) than prefetching from the first pair only.
                let rowBytes = d * MemoryLayout<E>.stride
                let ahead = prefetch
                if step == 2 {
                    scoresPair128(qa: q + i * d, qb: q + (i + 1) * d, k: k + t0 * d, count: count, partial: partial,
                                  ahead: UnsafeRawPointer(k + t0 * d), rowBytes: rowBytes, prefetch: ahead)
                } else if d == 128 {
                    scores128(q: q + i * d, k: kb, count: count, partial: partial)
                } else {
                    scores(q: q + i * d, k: kb, count: count, headDim: d, partial: partial)
                }
                var alphas = (Float(1), Float(1))
                for h in 0..<step {
                    let partialH = partial + 16 * h
                    for t in count..<16 { partialH[t] = SIMD16() }
                    var s = reduce16(partialH) * scale
                    if count < 16 { s = s.replacing(with: -.infinity, where: lanes .>= Int32(count)) }
                    let newMax = max(runningMax[i + h], roofline_hmax_f32x16(s))
                    let alpha = FastExp.exp(runningMax[i + h] - newMax)
                    let p = FastExp.exp(s - SIMD16(repeating: newMax))
                    runningSum[i + h] = runningSum[i + h] * alpha + roofline_sum_f32x16(p)
                    runningMax[i + h] = newMax
                    UnsafeMutableRawPointer(weight + 16 * h).storeBytes(of: p, as: SIMD16<Float>.self)
                    if h == 0 { alphas.0 = alpha } else { alphas.1 = alpha }
                }
                if step == 2 {
                    accumulatePair128(acc + i * d, acc + (i + 1) * d, alphas: alphas, weightA: weight,
                                      weightB: weight + 16, v: v + t0 * d, count: count,
                                      ahead: UnsafeRawPointer(v + t0 * d), rowBytes: rowBytes, prefetch: ahead)
                } else if d == 128 {
                    accumulate128(acc + i * d, alpha: alphas.0, weight: weight, v: vb, count: count)
                } else {
                    accumulate(acc + i * d, alpha: alphas.0, weight: weight, v: vb, count: count, headDim: d)
                }
                i += step
            }
            t0 += 16
        }
        for i in 0..<group {
            let inverse = 1 / runningSum[i]
            for c in 0..<d { out[i * d + c - c % 32 + E.memoryIndex(ofRegisterPosition: c % 32)] = acc[i * d + c] * inverse }
        }
    }

    /// partial[t] = lane-wise products q·k_t summed over the 8 vectors of d = 128; q stays in registers.
    @inline(__always)
    static func scores128(q: UnsafePointer<Float>, k: UnsafePointer<Float>, count: Int,
                          partial: UnsafeMutablePointer<SIMD16<Float>>) {
        let load = SoftmaxKernel.load
        let q0 = load(q), q1 = load(q + 16), q2 = load(q + 32), q3 = load(q + 48)
        let q4 = load(q + 64), q5 = load(q + 80), q6 = load(q + 96), q7 = load(q + 112)
        for t in 0..<count {
            let r = k + t * 128
            var a0 = q0 * load(r), a1 = q1 * load(r + 16)
            a0 = roofline_fma_f32x16(q2, load(r + 32), a0)
            a1 = roofline_fma_f32x16(q3, load(r + 48), a1)
            a0 = roofline_fma_f32x16(q4, load(r + 64), a0)
            a1 = roofline_fma_f32x16(q5, load(r + 80), a1)
            a0 = roofline_fma_f32x16(q6, load(r + 96), a0)
            a1 = roofline_fma_f32x16(q7, load(r + 112), a1)
            partial[t] = a0 + a1
        }
    }

    /// `scores128` for two query heads at once (16 q registers): partial[t] for head a, partial[16 + t] for head b.
    @inline(__always)
    static func scoresPair128<E: KVElement>(qa: UnsafePointer<Float>, qb: UnsafePointer<Float>, k: UnsafePointer<E>, count: Int,
                              partial: UnsafeMutablePointer<SIMD16<Float>>, ahead: UnsafeRawPointer, rowBytes: Int,
                              prefetch: Bool) {
        let load = SoftmaxKernel.load
        let a0 = load(qa), a1 = load(qa + 16), a2 = load(qa + 32), a3 = load(qa + 48)
        let a4 = load(qa + 64), a5 = load(qa + 80), a6 = load(qa + 96), a7 = load(qa + 112)
        let b0 = load(qb), b1 = load(qb + 16), b2 = load(qb + 32), b3 = load(qb + 48)
        let b4 = load(qb + 64), b5 = load(qb + 80), b6 = load(qb + 96), b7 = load(qb + 112)
        for t in 0..<count {
            SoftmaxKernel.prefetchAhead(ahead + t * rowBytes, bytes: rowBytes, streaming: prefetch)
            let r = k + t * 128
            var (k0, k1) = E.load32(r)
            var x0 = a0 * k0, x1 = a1 * k1, y0 = b0 * k0, y1 = b1 * k1
            (k0, k1) = E.load32(r + 32)
            x0 = roofline_fma_f32x16(a2, k0, x0); x1 = roofline_fma_f32x16(a3, k1, x1)
            y0 = roofline_fma_f32x16(b2, k0, y0); y1 = roofline_fma_f32x16(b3, k1, y1)
            (k0, k1) = E.load32(r + 64)
            x0 = roofline_fma_f32x16(a4, k0, x0); x1 = roofline_fma_f32x16(a5, k1, x1)
            y0 = roofline_fma_f32x16(b4, k0, y0); y1 = roofline_fma_f32x16(b5, k1, y1)
            (k0, k1) = E.load32(r + 96)
            x0 = roofline_fma_f32x16(a6, k0, x0); x1 = roofline_fma_f32x16(a7, k1, x1)
            y0 = roofline_fma_f32x16(b6, k0, y0); y1 = roofline_fma_f32x16(b7, k1, y1)
            partial[t] = x0 + x1
            partial[16 + t] = y0 + y1
        }
    }

    /// `accumulate128` for two query heads at once: 16 accumulator registers, each V vector loaded once.
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
    static func scores(q: UnsafePointer<Float>, k: UnsafePointer<Float>, count: Int, headDim d: Int,
                       partial: UnsafeMutablePointer<SIMD16<Float>>) {
        for t in 0..<count {
            let r = k + t * d
            var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
            var c = 0
            while c < d {
                a0 = roofline_fma_f32x16(SoftmaxKernel.load(q + c), SoftmaxKernel.load(r + c), a0)
                a1 = roofline_fma_f32x16(SoftmaxKernel.load(q + c + 16), SoftmaxKernel.load(r + c + 16), a1)
                c += 32
            }
            partial[t] = a0 + a1
        }
    }

    /// acc = acc·alpha + Σ_t weight[t]·v_t for d = 128, the accumulator in 8 registers.
    @inline(__always)
    static func accumulate128(_ acc: UnsafeMutablePointer<Float>, alpha: Float, weight: UnsafePointer<Float>,
                              v: UnsafePointer<Float>, count: Int) {
        let load = SoftmaxKernel.load
        let a = SIMD16<Float>(repeating: alpha)
        var c0 = load(acc) * a, c1 = load(acc + 16) * a, c2 = load(acc + 32) * a, c3 = load(acc + 48) * a
        var c4 = load(acc + 64) * a, c5 = load(acc + 80) * a, c6 = load(acc + 96) * a, c7 = load(acc + 112) * a
        for t in 0..<count {
            let w = SIMD16<Float>(repeating: weight[t])
            let r = v + t * 128
            c0 = roofline_fma_f32x16(w, load(r), c0)
            c1 = roofline_fma_f32x16(w, load(r + 16), c1)
            c2 = roofline_fma_f32x16(w, load(r + 32), c2)
            c3 = roofline_fma_f32x16(w, load(r + 48), c3)
            c4 = roofline_fma_f32x16(w, load(r + 64), c4)
            c5 = roofline_fma_f32x16(w, load(r + 80), c5)
            c6 = roofline_fma_f32x16(w, load(r + 96), c6)
            c7 = roofline_fma_f32x16(w, load(r + 112), c7)
        }
        let store = SoftmaxKernel.store
        store(c0, acc); store(c1, acc + 16); store(c2, acc + 32); store(c3, acc + 48)
        store(c4, acc + 64); store(c5, acc + 80); store(c6, acc + 96); store(c7, acc + 112)
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
