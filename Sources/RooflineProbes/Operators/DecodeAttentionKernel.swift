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
public protocol KVElement: Sendable {
    static var dataType: DataType { get }
    init(_ value: Float)
    var float: Float { get }
    /// Returns `count` values starting at `source` as fp32: the pointer itself for fp32, else `scratch` after
    /// widening into it.
    static func fp32(_ source: UnsafePointer<Self>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float>
}

extension Float: KVElement {
    public static var dataType: DataType { .fp32 }
    public var float: Float { self }
    @inline(__always)
    public static func fp32(_ source: UnsafePointer<Float>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        source
    }
}

extension BFloat16: KVElement {
    public static var dataType: DataType { .bf16 }
    /// Widens 16 values per step: zero-extend to 32 bits, shift into the upper half (vpmovzxwd + vpslld).
    @inline(__always)
    public static func fp32(_ source: UnsafePointer<BFloat16>, count: Int, scratch: UnsafeMutablePointer<Float>) -> UnsafePointer<Float> {
        let raw = UnsafeRawPointer(source).assumingMemoryBound(to: UInt16.self)
        var i = 0
        while i + 16 <= count {
            SoftmaxKernel.store(roofline_load_bf16x16(raw + i), scratch + i)
            i += 16
        }
        while i < count {
            scratch[i] = source[i].float
            i += 1
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
/// P·V accumulation, all from L1. KV heads are split over `threads` workers.
public enum DecodeAttentionKernel {
    /// Per-worker scratch: widened K and V blocks, 16 partial dot products, 16 softmax weights, g×d accumulators,
    /// and the running max and sum of each query head of the group.
    final class Scratch {
        let k: OperatorBuffer<Float>, v: OperatorBuffer<Float>
        let partial: OperatorBuffer<SIMD16<Float>>
        let weight: OperatorBuffer<Float>
        let accumulator: OperatorBuffer<Float>
        let runningMax: OperatorBuffer<Float>, runningSum: OperatorBuffer<Float>

        init(headDim: Int, group: Int) throws {
            k = try OperatorBuffer(count: 16 * headDim)
            v = try OperatorBuffer(count: 16 * headDim)
            partial = try OperatorBuffer(count: 16)
            weight = try OperatorBuffer(count: 16)
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
                                         context: Int, threads: Int, team: ThreadTeam? = nil, repetitions: Int = 1) throws {
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
                         scratch: scratch[worker])
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

    /// How many 16-token blocks ahead K and V are prefetched.
    static let prefetchBlocks = 4

    /// One KV head: its `group` query heads against all `context` tokens, 16 tokens per block.
    @inline(__always)
    static func head<E: KVElement>(q: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                   out: UnsafeMutablePointer<Float>, context: Int, headDim d: Int, group: Int,
                                   scratch: Scratch) {
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
            // Prefetch the block `prefetchBlocks` ahead, a 1/group share before each query head's work, so the
            // requests spread over the block's compute instead of queueing in one burst.
            let aheadStart = t0 + 16 * prefetchBlocks
            let aheadBytes = aheadStart < context ? min(16, context - aheadStart) * d * MemoryLayout<E>.stride : 0
            let share = (aheadBytes / group + 63) / 64 * 64
            let kb = E.fp32(k + t0 * d, count: count * d, scratch: kScratch)
            let vb = E.fp32(v + t0 * d, count: count * d, scratch: vScratch)
            for i in 0..<group {
                if aheadBytes > 0 && i * share < aheadBytes {
                    let offset = i * share, length = min(share, aheadBytes - offset)
                    roofline_prefetch_range(UnsafeRawPointer(k + aheadStart * d) + offset, length)
                    roofline_prefetch_range(UnsafeRawPointer(v + aheadStart * d) + offset, length)
                }
                if d == 128 {
                    scores128(q: q + i * d, k: kb, count: count, partial: partial)
                } else {
                    scores(q: q + i * d, k: kb, count: count, headDim: d, partial: partial)
                }
                for t in count..<16 { partial[t] = SIMD16() }
                var s = reduce16(partial) * scale
                if count < 16 { s = s.replacing(with: -.infinity, where: lanes .>= Int32(count)) }
                let newMax = max(runningMax[i], roofline_hmax_f32x16(s))
                let alpha = FastExp.exp(runningMax[i] - newMax)
                let p = FastExp.exp(s - SIMD16(repeating: newMax))
                runningSum[i] = runningSum[i] * alpha + roofline_sum_f32x16(p)
                runningMax[i] = newMax
                UnsafeMutableRawPointer(weight).storeBytes(of: p, as: SIMD16<Float>.self)
                if d == 128 {
                    accumulate128(acc + i * d, alpha: alpha, weight: weight, v: vb, count: count)
                } else {
                    accumulate(acc + i * d, alpha: alpha, weight: weight, v: vb, count: count, headDim: d)
                }
            }
            t0 += 16
        }
        for i in 0..<group {
            let inverse = 1 / runningSum[i]
            for c in 0..<d { out[i * d + c] = acc[i * d + c] * inverse }
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
