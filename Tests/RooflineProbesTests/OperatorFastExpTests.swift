import Testing
@testable import RooflineProbes

struct OperatorFastExpTests {
    /// The bound over the range softmax feeds the exp (x − max ≤ 0 down to the underflow bound) and above.
    @Test func relativeErrorWithinBound() {
        let check = OperatorChecks.exp()
        #expect(check.passed, "max relative error \(check.error) > \(check.bound)")
        #expect(check.error > 0)
    }

    /// The softmax kernels' base-2 exp over x − max ∈ [−87.3, 0]; within 1e-6 near 0, where the weights that matter
    /// are, by hand: e⁻¹ = 0.3678794412, e⁻⁵ = 6.737946999e-3.
    @Test func softmaxExpWithinBound() {
        let check = OperatorChecks.softmaxExp()
        #expect(check.passed, "max relative error \(check.error) > \(check.bound)")
        let y = SoftmaxKernel.expShifted(SIMD16<Float>(-1, -5, 0, -0.25, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1), SIMD16())
        #expect(Double(y[0]).isApproximatelyEqual(to: 0.3678794412, relativeTolerance: 1e-6))
        #expect(Double(y[1]).isApproximatelyEqual(to: 6.737946999e-3, relativeTolerance: 1e-6))
        #expect(Double(y[2]).isApproximatelyEqual(to: 1, relativeTolerance: 1e-6))
        let masked = SoftmaxKernel.expShifted(SIMD16(repeating: -.infinity), SIMD16())
        for lane in 0..<16 { #expect(masked[lane] == 0) }
    }

    /// A few values by hand: e¹ = 2.718281828, e⁻¹⁰ = 4.539992976e-5, e⁻⁸⁰ = 1.804851387e-35.
    @Test func knownValues() {
        let x = SIMD16<Float>(1, -10, -80, 0, 0.5, -0.5, 10, -20, 2, -2, 3, -3, 4, -4, 5, -5)
        let y = FastExp.exp(x)
        #expect(Double(y[0]).isApproximatelyEqual(to: 2.718281828, relativeTolerance: FastExp.relativeErrorBound))
        #expect(Double(y[1]).isApproximatelyEqual(to: 4.539992976e-5, relativeTolerance: FastExp.relativeErrorBound))
        #expect(Double(y[2]).isApproximatelyEqual(to: 1.804851387e-35, relativeTolerance: FastExp.relativeErrorBound))
        #expect(Double(y[3]).isApproximatelyEqual(to: 1, relativeTolerance: FastExp.relativeErrorBound))
    }

    /// Masked scores: −∞ and anything below ln(FLT_MIN) give exactly 0, never NaN.
    @Test func underflowIsZero() {
        let y = FastExp.exp(SIMD16<Float>(-.infinity, -88, -100, -1e30, -.greatestFiniteMagnitude, -87.4, -90, -1000,
                                          -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -.infinity, -200))
        for lane in 0..<16 { #expect(y[lane] == 0) }
    }

    /// The scalar path agrees with the vector one.
    @Test func scalarPath() {
        #expect(Double(FastExp.exp(Float(-2.5))).isApproximatelyEqual(to: 0.0820849986, relativeTolerance: FastExp.relativeErrorBound))
    }
}
