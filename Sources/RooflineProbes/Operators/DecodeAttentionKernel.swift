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
/// key tile is laid out so that this order yields two whole head dimensions of 16 tokens (`tileOffset`); V rows
/// load in register order, so the P·V accumulators are in it too and go back to memory order at the end.
public protocol KVElement: Sendable {
    static var dataType: DataType { get }
    init(_ value: Float)
    var float: Float { get }
    /// 32 fp32 values in this type's register order (two vectors) → the same values in memory order.
    static func toMemoryOrder(_ values: (SIMD16<Float>, SIMD16<Float>)) -> (SIMD16<Float>, SIMD16<Float>)
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
}

/// How many query heads a decode-attention tile step handles, as a type so that each count is its own
/// specialisation (its branches folded away, its accumulators in registers).
protocol TileHeads { static var count: Int { get } }
enum OneHead: TileHeads { static var count: Int { 1 } }
enum TwoHeads: TileHeads { static var count: Int { 2 } }
enum FourHeads: TileHeads { static var count: Int { 4 } }

/// How many 16-float vectors of the head dimension a P·V slice holds (4: 64 dimensions; 2: the last 32).
protocol SliceVectors { static var count: Int { get } }
enum TwoVectors: SliceVectors { static var count: Int { 2 } }
enum FourVectors: SliceVectors { static var count: Int { 4 } }

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
/// with rescaling, and the P·V accumulation for up to 4 heads at a time (each V vector loaded and widened once per
/// 4 heads), all from L1. KV heads are split over `threads`
/// workers. `mainMemory` (a cache larger than the last-level cache) prefetches K and V into L2 64 and 32 KiB ahead.
public enum DecodeAttentionKernel {
    /// Per-worker scratch: g×d accumulators and the running max and sum of each query head of the group, and the
    /// softmax weights and rescaling factors of the (up to 4) heads of the current block step.
    final class Scratch {
        let weight: OperatorBuffer<Float>
        let accumulator: OperatorBuffer<Float>
        let runningMax: OperatorBuffer<Float>, runningSum: OperatorBuffer<Float>, alpha: OperatorBuffer<Float>

        init(headDim: Int, group: Int) throws {
            weight = try OperatorBuffer(count: 16 * 4)
            accumulator = try OperatorBuffer(count: group * headDim)
            runningMax = try OperatorBuffer(count: group)
            runningSum = try OperatorBuffer(count: group)
            alpha = try OperatorBuffer(count: 4)
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
        kvHeads * ((context + 15) / 16) * 16 * headDim
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
        let kStride = keyTileCount(kvHeads: 1, context: context, headDim: headDim), vStride = context * headDim
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

    /// Whether a tile step may take 4 query heads and a P·V slice four vectors (64 dimensions): with 512-bit vectors,
    /// whose 32 registers hold the 4×2 score and 4×4 P·V accumulators. With 256-bit vectors each 16-float vector takes
    /// two of only 16 registers and those tiles spilled (on AVX2, fp32 KV in DRAM ran at 0.47 of its bound), so a step
    /// takes at most 2 heads and slices are two vectors. From the vector width this module was compiled for
    /// (`roofline_compiled_vector_bits`), which is the CPU's own in a native build.
    static let wideTiles = roofline_compiled_vector_bits() >= 512

    /// One KV head: its `group` query heads against all `context` tokens, 16 tokens per block.
    @inline(__always)
    static func head<E: KVElement>(q: UnsafePointer<Float>, k: UnsafePointer<E>, v: UnsafePointer<E>,
                                   out: UnsafeMutablePointer<Float>, context: Int, headDim d: Int, group: Int,
                                   scratch: Scratch, prefetch: Bool) {
        let scale = SIMD16<Float>(repeating: 1 / Float(d).squareRoot())
        let acc = scratch.accumulator.pointer, weight = scratch.weight.pointer, alpha = scratch.alpha.pointer
        let runningMax = scratch.runningMax.pointer, runningSum = scratch.runningSum.pointer
        acc.update(repeating: 0, count: group * d)
        runningMax.update(repeating: -.greatestFiniteMagnitude, count: group)
        runningSum.update(repeating: 0, count: group)
        var t0 = 0
        while t0 < context {
            // Up to 4 query heads at a time (then 2, then 1; at most 2 without `wideTiles`): their scores over the key
            // tile, online-softmax update and P·V, so that each K and V vector is loaded and widened once per 4 heads.
            var h = 0
            while h < group {
                let n = group - h >= 4 && Self.wideTiles ? 4 : group - h >= 2 ? 2 : 1
                let step = (q: q + h * d, tile: k + t0 * d, v: v + t0 * d, acc: acc + h * d, count: min(16, context - t0))
                let state = SoftmaxState(runningMax: runningMax + h, runningSum: runningSum + h, alpha: alpha, weight: weight)
                switch n {
                case 4: block(step, state: state, headDim: d, scale: scale, heads: FourHeads.self, prefetch: prefetch)
                case 2: block(step, state: state, headDim: d, scale: scale, heads: TwoHeads.self, prefetch: prefetch)
                default: block(step, state: state, headDim: d, scale: scale, heads: OneHead.self, prefetch: prefetch)
                }
                h += n
            }
            t0 += 16
        }
        for i in 0..<group {
            let inverse = SIMD16<Float>(repeating: 1 / runningSum[i])
            var c = i * d
            while c < (i + 1) * d {
                let (a, b) = E.toMemoryOrder((SoftmaxKernel.load(acc + c) * inverse,
                                              SoftmaxKernel.load(acc + c + 16) * inverse))
                SoftmaxKernel.store(a, out + c)
                SoftmaxKernel.store(b, out + c + 16)
                c += 32
            }
        }
    }

    /// Where N consecutive query heads keep their online-softmax state: running max m and sum l (per head of the
    /// group), and the current block's rescaling factors and weights (room for 4 heads), which P·V reads.
    struct SoftmaxState {
        let runningMax: UnsafeMutablePointer<Float>, runningSum: UnsafeMutablePointer<Float>
        let alpha: UnsafeMutablePointer<Float>, weight: UnsafeMutablePointer<Float>
    }

    /// One 16-token block for N (1, 2 or 4) consecutive query heads: raw scores over the key tile (`scoresTile`),
    /// scaled by 1/√d with lanes past the context masked to −∞; the online-softmax update
    /// m' = max(m, max_t s_t), alpha = e^(m − m'), p_t = e^(s_t − m'), l' = l·alpha + Σ_t p_t; then
    /// acc = acc·alpha + Σ_t p_t·v_t (`accumulateTile`).
    @inline(__always)
    static func block<E: KVElement, N: TileHeads>(
        _ step: (q: UnsafePointer<Float>, tile: UnsafePointer<E>, v: UnsafePointer<E>, acc: UnsafeMutablePointer<Float>,
                 count: Int),
        state: SoftmaxState, headDim d: Int, scale: SIMD16<Float>, heads: N.Type, prefetch: Bool
    ) {
        let (runningMax, runningSum, alpha, weight) = (state.runningMax, state.runningSum, state.alpha, state.weight)
        let s4 = scoresTile(q: step.q, tile: step.tile, headDim: d, heads: N.self, prefetch: prefetch)
        var s = (s4.0 * scale, s4.1 * scale, s4.2 * scale, s4.3 * scale)
        if step.count < 16 {
            let tail = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) .>= Int32(step.count)
            s = (s.0.replacing(with: -.infinity, where: tail), s.1.replacing(with: -.infinity, where: tail),
                 s.2.replacing(with: -.infinity, where: tail), s.3.replacing(with: -.infinity, where: tail))
        }
        if N.count == 4 {
            // The four heads' maxima and sums each in one reduction tree (`roofline_hmax4_f32x16`,
            // `roofline_hsum4_f32x16`: lane 4i holds head i's; 13 vector operations instead of 32).
            let blockMax = roofline_hmax4_f32x16(s.0, s.1, s.2, s.3)
            let newMax = SIMD4<Float>(max(runningMax[0], blockMax[0]), max(runningMax[1], blockMax[4]),
                                      max(runningMax[2], blockMax[8]), max(runningMax[3], blockMax[12]))
            let p = (FastExp.exp(s.0 - SIMD16(repeating: newMax[0])), FastExp.exp(s.1 - SIMD16(repeating: newMax[1])),
                     FastExp.exp(s.2 - SIMD16(repeating: newMax[2])), FastExp.exp(s.3 - SIMD16(repeating: newMax[3])))
            SoftmaxKernel.store(p.0, weight)
            SoftmaxKernel.store(p.1, weight + 16)
            SoftmaxKernel.store(p.2, weight + 32)
            SoftmaxKernel.store(p.3, weight + 48)
            let sums = roofline_hsum4_f32x16(p.0, p.1, p.2, p.3)
            for i in 0..<4 {
                let a = FastExp.exp(runningMax[i] - newMax[i])
                runningSum[i] = runningSum[i] * a + sums[4 * i]
                runningMax[i] = newMax[i]
                alpha[i] = a
            }
        } else {
            for i in 0..<N.count {
                let si = i == 0 ? s.0 : s.1
                let newMax = max(runningMax[i], roofline_hmax_f32x16(si))
                let a = FastExp.exp(runningMax[i] - newMax)
                let p = FastExp.exp(si - SIMD16(repeating: newMax))
                runningSum[i] = runningSum[i] * a + roofline_sum_f32x16(p)
                runningMax[i] = newMax
                alpha[i] = a
                SoftmaxKernel.store(p, weight + 16 * i)
            }
        }
        accumulateTile(step.acc, alpha: alpha, weight: weight, v: step.v, count: step.count, headDim: d, heads: N.self,
                       prefetch: prefetch)
    }

    /// Raw scores q_h·k_t of N (1, 2 or 4) consecutive query heads against the 16
    /// tokens of one key tile: lane t of result h. A 4×16 matrix product over d: per pair of dimensions one load
    /// (two K vectors, widened once), one FMA per head and dimension with q broadcast, even and odd dimensions in
    /// separate accumulators (8 independent chains for 4 heads). Prefetches the tile's lines 64 and 32 KiB ahead when
    /// `prefetch`.
    @inline(__always)
    static func scoresTile<E: KVElement, N: TileHeads>(q: UnsafePointer<Float>, tile: UnsafePointer<E>, headDim d: Int,
                                                       heads: N.Type, prefetch: Bool)
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
            if N.count > 1 { e1 = fma(q[d + c], even, e1); o1 = fma(q[d + c + 1], odd, o1) }
            if N.count > 2 {
                e2 = fma(q[2 * d + c], even, e2); o2 = fma(q[2 * d + c + 1], odd, o2)
                e3 = fma(q[3 * d + c], even, e3); o3 = fma(q[3 * d + c + 1], odd, o3)
            }
            c += 2
        }
        return (e0 + o0, e1 + o1, e2 + o2, e3 + o3)
    }

    /// acc_h = acc_h·alpha_h + Σ_t weight_h[t]·v_t for N (1, 2 or 4) consecutive query heads: 64 dimensions at a
    /// time, then 32 for the rest when d is an odd multiple of 32 (32 at a time without `wideTiles`). acc is d floats
    /// per head, weight 16 per head, v `count` rows of d.
    @inline(__always)
    static func accumulateTile<E: KVElement, N: TileHeads>(_ acc: UnsafeMutablePointer<Float>, alpha: UnsafePointer<Float>,
                                                           weight: UnsafePointer<Float>, v: UnsafePointer<E>, count: Int,
                                                           headDim d: Int, heads: N.Type, prefetch: Bool) {
        var c = 0
        while c + 64 <= d && wideTiles {
            accumulateSlice(acc + c, headDim: d, alpha: alpha, weight: weight, v: v + c, count: count,
                            heads: N.self, vectors: FourVectors.self, prefetch: prefetch)
            c += 64
        }
        while c < d {
            accumulateSlice(acc + c, headDim: d, alpha: alpha, weight: weight, v: v + c, count: count,
                            heads: N.self, vectors: TwoVectors.self, prefetch: prefetch)
            c += 32
        }
    }

    /// One slice of W (2 or 4) vectors of the head dimension for N heads: the N×W accumulator vectors in registers
    /// (16 for 4 heads × 4), each V slice loaded and widened once, one FMA per head and vector, the weight broadcast.
    /// Prefetches each slice's lines 64 and 32 KiB ahead when `prefetch`.
    @inline(__always)
    static func accumulateSlice<E: KVElement, N: TileHeads, W: SliceVectors>(
        _ acc: UnsafeMutablePointer<Float>, headDim d: Int, alpha: UnsafePointer<Float>, weight: UnsafePointer<Float>,
        v: UnsafePointer<E>, count: Int, heads: N.Type, vectors: W.Type, prefetch: Bool
    ) {
        typealias Slice = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)
        let load = SoftmaxKernel.load, store = SoftmaxKernel.store
        let wide = W.count == 4
        @inline(__always) func loadSlice(_ head: Int) -> Slice {
            let a = SIMD16<Float>(repeating: alpha[head]), p = acc + head * d
            return wide ? (load(p) * a, load(p + 16) * a, load(p + 32) * a, load(p + 48) * a)
                : (load(p) * a, load(p + 16) * a, SIMD16(), SIMD16())
        }
        @inline(__always) func storeSlice(_ head: Int, _ x: Slice) {
            let p = acc + head * d
            store(x.0, p); store(x.1, p + 16)
            if wide { store(x.2, p + 32); store(x.3, p + 48) }
        }
        @inline(__always) func fma(_ w: SIMD16<Float>, _ x: SIMD16<Float>, _ a: inout SIMD16<Float>) {
            a = roofline_fma_f32x16(w, x, a)
        }
        var h0 = loadSlice(0)
        var h1 = N.count > 1 ? loadSlice(1) : h0, h2 = N.count > 2 ? loadSlice(2) : h0, h3 = N.count > 2 ? loadSlice(3) : h0
        let sliceBytes = 16 * W.count * MemoryLayout<E>.stride
        for t in 0..<count {
            let r = v + t * d
            SoftmaxKernel.prefetchAhead(UnsafeRawPointer(r), bytes: sliceBytes, streaming: prefetch)
            let (x0, x1) = E.load32(r)
            let (x2, x3) = wide ? E.load32(r + 32) : (SIMD16(), SIMD16())
            let w0 = SIMD16<Float>(repeating: weight[t])
            fma(w0, x0, &h0.0); fma(w0, x1, &h0.1)
            if wide { fma(w0, x2, &h0.2); fma(w0, x3, &h0.3) }
            if N.count > 1 {
                let w1 = SIMD16<Float>(repeating: weight[16 + t])
                fma(w1, x0, &h1.0); fma(w1, x1, &h1.1)
                if wide { fma(w1, x2, &h1.2); fma(w1, x3, &h1.3) }
            }
            if N.count > 2 {
                let w2 = SIMD16<Float>(repeating: weight[32 + t]), w3 = SIMD16<Float>(repeating: weight[48 + t])
                fma(w2, x0, &h2.0); fma(w2, x1, &h2.1)
                fma(w3, x0, &h3.0); fma(w3, x1, &h3.1)
                if wide {
                    fma(w2, x2, &h2.2); fma(w2, x3, &h2.3)
                    fma(w3, x2, &h3.2); fma(w3, x3, &h3.3)
                }
            }
        }
        storeSlice(0, h0)
        if N.count > 1 { storeSlice(1, h1) }
        if N.count > 2 { storeSlice(2, h2); storeSlice(3, h3) }
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
