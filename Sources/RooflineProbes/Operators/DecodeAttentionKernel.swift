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
        let raw = UnsafeRawPointer(source)
        var i = 0
        while i + 16 <= count {
            let halves = raw.loadUnaligned(fromByteOffset: 2 * i, as: SIMD16<UInt16>.self)
            let words = SIMD16<UInt32>(truncatingIfNeeded: halves) &<< SIMD16(repeating: 16)
            SoftmaxKernel.store(unsafeBitCast(words, to: SIMD16<Float>.self), scratch + i)
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
    /// Per-worker scratch: widened K and V blocks, 16 partial dot products, 16 broadcast weights, g×d accumulators.
    final class Scratch {
        let k: OperatorBuffer<Float>, v: OperatorBuffer<Float>
        let partial: OperatorBuffer<SIMD16<Float>>, weight: OperatorBuffer<SIMD16<Float>>
        let accumulator: OperatorBuffer<Float>

        init(headDim: Int, group: Int) throws {
            k = try OperatorBuffer(count: 16 * headDim)
            v = try OperatorBuffer(count: 16 * headDim)
            partial = try OperatorBuffer(count: 16)
            weight = try OperatorBuffer(count: 16)
            accumulator = try OperatorBuffer(count: group * headDim)
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
                                         context: Int, threads: Int, repetitions: Int = 1) throws {
        try validate(heads: heads, kvHeads: kvHeads, headDim: headDim, context: context)
        let group = heads / kvHeads
        let workers = min(threads, kvHeads)
        let scratch = try (0..<workers).map { _ in try Scratch(headDim: headDim, group: group) }
        let kvStride = context * headDim
        OperatorThreads.run(workers) { worker in
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
        @inline(__always) func fold(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float> {
            SIMD16(lowHalf: a.evenHalf + a.oddHalf, highHalf: b.evenHalf + b.oddHalf)
        }
        let l1 = (fold(p[0], p[1]), fold(p[2], p[3]), fold(p[4], p[5]), fold(p[6], p[7]),
                  fold(p[8], p[9]), fold(p[10], p[11]), fold(p[12], p[13]), fold(p[14], p[15]))
        let l2 = (fold(l1.0, l1.1), fold(l1.2, l1.3), fold(l1.4, l1.5), fold(l1.6, l1.7))
        return fold(fold(l2.0, l2.1), fold(l2.2, l2.3))
    }

    @inline(__always)
    static func head<E: KVElement>(q: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                   out: UnsafeMutablePointer<Float>, context: Int, headDim d: Int, group: Int,
                                   scratch: Scratch) {
        let scale = SIMD16<Float>(repeating: 1 / Float(d).squareRoot())
        let acc = scratch.accumulator.pointer, partial = scratch.partial.pointer, weight = scratch.weight.pointer
        let lanes = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        acc.update(repeating: 0, count: group * d)
        // Running max and sum per query head of the group (group ≤ 64 in every model; held on the stack).
        var runningMax = [Float](repeating: -.greatestFiniteMagnitude, count: group)
        var runningSum = [Float](repeating: 0, count: group)
        var t0 = 0
        while t0 < context {
            let count = min(16, context - t0)
            let kb = E.fp32(k + t0 * d, count: count * d, scratch: scratch.k.pointer)
            let vb = E.fp32(v + t0 * d, count: count * d, scratch: scratch.v.pointer)
            for i in 0..<group {
                let qi = q + i * d
                for t in 0..<count {
                    let kr = kb + t * d
                    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>()
                    var c = 0
                    while c < d {
                        a0 = roofline_fma_f32x16(SoftmaxKernel.load(qi + c), SoftmaxKernel.load(kr + c), a0)
                        a1 = roofline_fma_f32x16(SoftmaxKernel.load(qi + c + 16), SoftmaxKernel.load(kr + c + 16), a1)
                        c += 32
                    }
                    partial[t] = a0 + a1
                }
                for t in count..<16 { partial[t] = SIMD16() }
                var scores = reduce16(partial) * scale
                if count < 16 { scores = scores.replacing(with: -.infinity, where: lanes .>= Int32(count)) }
                let newMax = max(runningMax[i], scores.max())
                let alpha = FastExp.exp(runningMax[i] - newMax)
                let p = FastExp.exp(scores - SIMD16(repeating: newMax))
                runningSum[i] = runningSum[i] * alpha + p.sum()
                runningMax[i] = newMax
                for t in 0..<count { weight[t] = SIMD16(repeating: p[t]) }
                let accI = acc + i * d
                let alphaV = SIMD16<Float>(repeating: alpha)
                var c = 0
                while c < d {
                    var a0 = SoftmaxKernel.load(accI + c) * alphaV, a1 = SIMD16<Float>()
                    var t = 0
                    while t + 2 <= count {
                        a0 = roofline_fma_f32x16(weight[t], SoftmaxKernel.load(vb + t * d + c), a0)
                        a1 = roofline_fma_f32x16(weight[t + 1], SoftmaxKernel.load(vb + (t + 1) * d + c), a1)
                        t += 2
                    }
                    if t < count { a0 = roofline_fma_f32x16(weight[t], SoftmaxKernel.load(vb + t * d + c), a0) }
                    SoftmaxKernel.store(a0 + a1, accI + c)
                    c += 16
                }
            }
            t0 += 16
        }
        for i in 0..<group {
            let inverse = 1 / runningSum[i]
            for c in 0..<d { out[i * d + c] = acc[i * d + c] * inverse }
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
