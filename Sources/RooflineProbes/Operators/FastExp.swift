/// A vectorised exp for `SIMD16<Float>` (glibc's `expf` is scalar, ~7 ns per value).
///
/// Method (Cephes `expf`): n = round(x·log₂e); r = x − n·ln2 in two parts (Cody–Waite); eʳ by a degree-7
/// polynomial (1 + r + r²·P(r), P of degree 5, minimax on [−ln2/2, ln2/2]); the result is eʳ·2ⁿ with 2ⁿ built in
/// the exponent bits. Inputs above 88.376 are clamped there; inputs below ln(FLT_MIN) ≈ −87.337 return 0 (so
/// exp(−∞) = 0 for masked scores). Relative error ≤ `relativeErrorBound` on [−87.3, 88.3] (tested).
public enum FastExp {
    /// Largest relative error against the exact exp over [−87.3, 88.3], tested in `OperatorFastExpTests`.
    public static let relativeErrorBound = 4.0e-7
    /// Below this the result is 0 (smallest normal float is e^−87.3365).
    public static let underflowBound: Float = -87.33654
    /// Inputs are clamped to this (e^88.3763 is just under Float.greatestFiniteMagnitude).
    public static let overflowBound: Float = 88.37626

    @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        let magic = SIMD16<Float>(repeating: 12_582_912)  // 1.5·2²³: adding it rounds to an integer in the low bits
        let xc = x.replacing(with: overflowBound, where: x .> overflowBound)
            .replacing(with: underflowBound, where: x .< underflowBound)
        let t = roofline_fma_f32x16(xc, SIMD16(repeating: 1.442_695_04), magic)
        let n = t - magic
        var r = roofline_fma_f32x16(n, SIMD16(repeating: -0.693_359_375), xc)
        r = roofline_fma_f32x16(n, SIMD16(repeating: 2.121_944_4e-4), r)
        var p = SIMD16<Float>(repeating: 1.987_569_15e-4)
        p = roofline_fma_f32x16(p, r, SIMD16(repeating: 1.398_199_950_7e-3))
        p = roofline_fma_f32x16(p, r, SIMD16(repeating: 8.333_451_907_3e-3))
        p = roofline_fma_f32x16(p, r, SIMD16(repeating: 4.166_579_589_4e-2))
        p = roofline_fma_f32x16(p, r, SIMD16(repeating: 1.666_666_545_9e-1))
        p = roofline_fma_f32x16(p, r, SIMD16(repeating: 5.000_000_120_1e-1))
        let y = roofline_fma_f32x16(p, r * r, r) + SIMD16(repeating: 1)
        // bits(t) = bits(magic) + n, so (bits(t) − bits(magic) + 127) << 23 is the float 2ⁿ.
        let tBits = unsafeBitCast(t, to: SIMD16<UInt32>.self)
        let scaleBits = (tBits &- SIMD16(repeating: 0x4B40_0000) &+ SIMD16(repeating: 127)) &<< SIMD16(repeating: 23)
        let result = y * unsafeBitCast(scaleBits, to: SIMD16<Float>.self)
        return result.replacing(with: 0, where: x .< underflowBound)
    }

    /// exp of one value through the vector path (lane 0), for scalar rescaling factors.
    @inline(__always)
    public static func exp(_ x: Float) -> Float {
        exp(SIMD16(repeating: x))[0]
    }
}
