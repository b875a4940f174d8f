/// A vectorised exp for `SIMD16<Float>` (glibc's `expf` is scalar, ~7 ns per value).
///
/// Method (in C as `roofline_exp_f32x16`, so that it inlines as clean zmm code): n = round(x·log₂e);
/// r = x − n·ln2 in two parts (Cody–Waite); eʳ by a degree-5 polynomial, minimax for relative error on
/// [−ln2/2, ln2/2]; the result is eʳ·2ⁿ with 2ⁿ built in the exponent bits. Inputs above 88.376 are clamped there; inputs below
/// ln(FLT_MIN) ≈ −87.337 return 0 (so exp(−∞) = 0 for masked scores).
/// Relative error ≤ `relativeErrorBound` on [−87.3, 88.3] (checked by `OperatorChecks.exp` and the tests).
public enum FastExp {
    /// Largest relative error against the exact exp over [−87.3, 88.3].
    public static let relativeErrorBound = 4.0e-7
    /// Below this the result is 0 (the smallest normal float is e^−87.3365).
    public static let underflowBound: Float = -87.33654

    @inline(__always)
    public static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
        roofline_exp_f32x16(x)
    }

    /// exp of one value through the vector path (lane 0), for scalar rescaling factors.
    @inline(__always)
    public static func exp(_ x: Float) -> Float {
        roofline_exp_f32x16(SIMD16(repeating: x))[0]
    }
}
