import Testing
@testable import RooflineProbes

/// Every kernel against its straightforward reference on small random inputs (never zeros), tails included.
struct OperatorKernelTests {
    @Test(arguments: OperatorCounts.SoftmaxVariant.allCases)
    func softmaxMatchesReference(_ variant: OperatorCounts.SoftmaxVariant) throws {
        for (rows, length) in [(5, 1000), (3, 37), (2, 64), (4, 17)] {
            let check = try OperatorChecks.softmax(variant, rows: rows, length: length)
            #expect(check.passed, "\(check.kernel) \(check.shape): \(check.error) > \(check.bound)")
        }
        // The main-memory path: prefetching and non-temporal stores (rows of a multiple of 16).
        for (rows, length) in [(6, 256), (3, 1024)] {
            let check = try OperatorChecks.softmax(variant, rows: rows, length: length, mainMemory: true)
            #expect(check.passed, "\(check.kernel) \(check.shape): \(check.error) > \(check.bound)")
        }
    }

    /// softmax([0, ln 3]) = [1/4, 3/4] and softmax([x, x, x, x]) = 1/4 each, by hand; a length-2 row runs only the
    /// padded tail path, a length-64 row of equal values only the vector path.
    @Test(arguments: OperatorCounts.SoftmaxVariant.allCases)
    func softmaxHandValues(_ variant: OperatorCounts.SoftmaxVariant) throws {
        let s = try OperatorBuffer<Float>(count: 66), p = try OperatorBuffer<Float>(count: 66)
        let m = try OperatorBuffer<Float>(count: 1), total = try OperatorBuffer<Float>(count: 1)
        s.pointer[0] = 0
        s.pointer[1] = Float(log(3.0))
        SoftmaxKernel.run(variant, s: s.pointer, p: p.pointer, rows: 1, length: 2, rowMax: m.pointer,
                          rowSum: total.pointer, threads: 1)
        #expect(Double(p.pointer[0]).isApproximatelyEqual(to: 0.25, relativeTolerance: 1e-6))
        #expect(Double(p.pointer[1]).isApproximatelyEqual(to: 0.75, relativeTolerance: 1e-6))
        for i in 0..<64 { s.pointer[i] = -3.5 }
        SoftmaxKernel.run(variant, s: s.pointer, p: p.pointer, rows: 1, length: 64, rowMax: m.pointer,
                          rowSum: total.pointer, threads: 1)
        for i in 0..<64 { #expect(Double(p.pointer[i]).isApproximatelyEqual(to: 1.0 / 64, relativeTolerance: 1e-6)) }
    }

    @Test func rmsNormMatchesReference() throws {
        for (rows, hidden) in [(3, 1000), (4, 77), (2, 4096)] {
            let check = try OperatorChecks.rmsNorm(rows: rows, hidden: hidden)
            #expect(check.passed, "\(check.shape): \(check.error) > \(check.bound)")
        }
        // The pipelined main-memory path (hidden a multiple of 64), odd row counts per worker included.
        for (rows, hidden) in [(5, 4096), (1, 128), (7, 192)] {
            let check = try OperatorChecks.rmsNorm(rows: rows, hidden: hidden, mainMemory: true)
            #expect(check.passed, "\(check.kernel) \(check.shape): \(check.error) > \(check.bound)")
        }
    }

    /// x = [3, 4] (mean square 12.5), w = [1, 2], ε = 0: y = [3, 8] ÷ √12.5 = [0.848528, 2.262742].
    @Test func rmsNormHandValues() throws {
        let x = try OperatorBuffer<Float>(count: 2), w = try OperatorBuffer<Float>(count: 2), y = try OperatorBuffer<Float>(count: 2)
        x.pointer[0] = 3; x.pointer[1] = 4
        w.pointer[0] = 1; w.pointer[1] = 2
        RMSNormKernel.run(x: x.pointer, w: w.pointer, y: y.pointer, rows: 1, hidden: 2, epsilon: 0, threads: 1)
        #expect(Double(y.pointer[0]).isApproximatelyEqual(to: 0.848528, relativeTolerance: 1e-5))
        #expect(Double(y.pointer[1]).isApproximatelyEqual(to: 2.262742, relativeTolerance: 1e-5))
    }

    @Test func decodeAttentionMatchesReference() throws {
        let cases: [(heads: Int, kvHeads: Int, headDim: Int, context: Int)] = [
            (8, 2, 64, 100), (8, 2, 128, 37), (4, 4, 128, 16), (4, 1, 96, 50), (32, 8, 128, 33),
            // Groups of 3 (score tiles of 2 + 1 heads, generic P·V), 7 (4 + 2 + 1) and 8 (pairs for P·V).
            (6, 2, 128, 45), (7, 1, 64, 20), (16, 2, 128, 70),
        ]
        for c in cases {
            for check in [
                try OperatorChecks.decodeAttention(Float.self, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, context: c.context),
                try OperatorChecks.decodeAttention(BFloat16.self, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim, context: c.context),
                try OperatorChecks.decodeAttention(Float.self, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
                                                   context: c.context, mainMemory: true),
                try OperatorChecks.decodeAttention(BFloat16.self, heads: c.heads, kvHeads: c.kvHeads, headDim: c.headDim,
                                                   context: c.context, mainMemory: true),
            ] {
                #expect(check.passed, "\(check.kernel) \(check.shape): \(check.error) > \(check.bound)")
            }
        }
    }

    /// One token: the softmax weight is 1, so the output is that token's V row, whatever q and K are.
    @Test func decodeAttentionSingleTokenReturnsV() throws {
        let q = (0..<64).map { Float($0 % 7) - 3.5 }, k = (0..<64).map { Float($0 % 5) + 0.5 }
        let v = (0..<64).map { Float($0) * 0.25 - 3 }
        var out = [Float](repeating: .nan, count: 64)
        let tiles = DecodeAttentionKernel.keyTiles(k, kvHeads: 1, context: 1, headDim: 64)
        #expect(tiles.count == 16 * 64)
        try DecodeAttentionKernel.run(q: q, k: tiles, v: v, out: &out, heads: 1, kvHeads: 1, headDim: 64, context: 1, threads: 1)
        for i in 0..<64 { #expect(Double(out[i]).isApproximatelyEqual(to: Double(v[i]), relativeTolerance: 1e-6)) }
    }

    @Test func decodeAttentionRejectsUnsupportedShapes() {
        #expect(throws: RooflineError.self) { try DecodeAttentionKernel.validate(heads: 6, kvHeads: 4, headDim: 128, context: 8) }
        #expect(throws: RooflineError.self) { try DecodeAttentionKernel.validate(heads: 8, kvHeads: 2, headDim: 80, context: 8) }
        #expect(throws: RooflineError.self) { try DecodeAttentionKernel.validate(heads: 8, kvHeads: 2, headDim: 64, context: 0) }
    }

    /// bf16 keeps the top 16 bits with round-to-nearest-even: 1 + 2⁻⁸ is a tie that rounds down to 1, 1 + 3·2⁻⁸
    /// rounds up to 1 + 2⁻⁶; values with 8 significant bits are exact.
    @Test func bfloat16Rounding() {
        #expect(BFloat16(1 + 0x1p-8).float == 1)
        #expect(BFloat16(1 + 3 * 0x1p-8).float == 1 + 0x1p-6)
        #expect(BFloat16(-2.75).float == -2.75)
        #expect(BFloat16(1.0).bitPattern == 0x3F80)
    }

    /// `load32` widens 32 bf16 values exactly, in register order: the even-indexed ones, then the odd-indexed ones;
    /// `toMemoryOrder` undoes that order. fp32 loads in memory order.
    @Test func bfloat16Widening() throws {
        let values = (0..<64).map { BFloat16(Float($0) * 0.37 - 5) }
        for chunk in [0, 32] {
            let (even, odd) = values.withUnsafeBufferPointer { BFloat16.load32($0.baseAddress! + chunk) }
            for i in 0..<16 {
                #expect(even[i] == values[chunk + 2 * i].float)
                #expect(odd[i] == values[chunk + 2 * i + 1].float)
            }
            let back = BFloat16.toMemoryOrder((even, odd))
            for i in 0..<16 {
                #expect(back.0[i] == values[chunk + i].float)
                #expect(back.1[i] == values[chunk + 16 + i].float)
            }
        }
        let floats = (0..<32).map { Float($0) - 7.5 }
        let (low, high) = floats.withUnsafeBufferPointer { Float.load32($0.baseAddress!) }
        #expect(low == SIMD16(floats[0..<16]) && high == SIMD16(floats[16..<32]))
    }

    /// The key tile puts dimension c of the 16 tokens where `load32` at 32·(c ÷ 2) finds it.
    @Test func keyTileLayout() throws {
        let (context, d) = (19, 64)
        let keys = (0..<(context * d)).map { BFloat16(Float($0 % 251) * 0.01 - 1) }
        let tiles = DecodeAttentionKernel.keyTiles(keys, kvHeads: 1, context: context, headDim: d)
        #expect(tiles.count == 2 * 16 * d)
        // ⌈context ÷ 16⌉ tiles per KV head, not ⌈kvHeads·context ÷ 16⌉.
        #expect(DecodeAttentionKernel.keyTileCount(kvHeads: 2, context: 9, headDim: d) == 2 * 16 * d)
        #expect(DecodeAttentionKernel.keyTileCount(kvHeads: 3, context: 33, headDim: d) == 3 * 48 * d)
        for block in 0..<2 {
            for c in stride(from: 0, to: d, by: 2) {
                let (dimC, dimNext) = tiles.withUnsafeBufferPointer { BFloat16.load32($0.baseAddress! + block * 16 * d + 16 * c) }
                for t in 0..<16 {
                    let token = block * 16 + t
                    let expected = token < context ? (keys[token * d + c].float, keys[token * d + c + 1].float) : (0, 0)
                    #expect(dimC[t] == expected.0 && dimNext[t] == expected.1)
                }
            }
        }
    }
}
