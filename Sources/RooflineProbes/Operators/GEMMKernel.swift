import COpenBLAS

/// Matrix products through OpenBLAS's cblas (row-major, no transposes): C = A·B, A m×k, B k×n, C m×n.
/// The library must be loaded (`OpenBLASLibrary`).
public enum GEMMKernel {
    public static func sgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>,
                             c: UnsafeMutablePointer<Float>) {
        roofline_sgemm(Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    public static func dgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                             c: UnsafeMutablePointer<Double>) {
        roofline_dgemm(Int32(m), Int32(n), Int32(k), 1, a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// Shapes the check uses: odd edges (partial register tiles) and one that spans several cache blocks of k.
    public static let checkShapes: [(m: Int, n: Int, k: Int)] = [(37, 45, 53), (96, 80, 600)]

    /// Every check: sgemm and dgemm at `checkShapes`.
    public static func checks() -> [KernelCheck] {
        checkShapes.flatMap { [check(.fp32, m: $0.m, n: $0.n, k: $0.k), check(.fp64, m: $0.m, n: $0.n, k: $0.k)] }
    }

    /// Runs one product on random inputs and compares it with a triple loop in Double (long double is not
    /// needed: the reference's own error is below the bound by a factor of 2²⁹ for fp32, and for fp64 the bound
    /// below leaves a factor 2 for it).
    ///
    /// error = max over (i, j) of |C − C_ref| ÷ (|A|·|B|)_ij; bound = 2·k·u with u = 2⁻²⁴ (fp32) or 2⁻⁵³ (fp64), twice
    /// the classic dot-product bound γ_k ≈ k·u, which holds for any summation order.
    public static func check(_ dataType: DataType, m: Int, n: Int, k: Int) -> KernelCheck {
        var random = OperatorRandom(seed: UInt64(m * 1_000_003 + n * 1009 + k))
        let a = (0..<(m * k)).map { _ in random.nonZero(-1, 1) }
        let b = (0..<(k * n)).map { _ in random.nonZero(-1, 1) }
        var result = [Double](repeating: 0, count: m * n)
        let unit: Double
        switch dataType {
        case .fp64:
            unit = 0x1p-53
            let a64 = a.map(Double.init), b64 = b.map(Double.init)
            var c = [Double](repeating: .nan, count: m * n)
            dgemm(m: m, n: n, k: k, a: a64, b: b64, c: &c)
            result = c
        default:
            unit = 0x1p-24
            var c = [Float](repeating: .nan, count: m * n)
            sgemm(m: m, n: n, k: k, a: a, b: b, c: &c)
            result = c.map(Double.init)
        }
        var worst = 0.0
        for i in 0..<m {
            for j in 0..<n {
                var exact = 0.0, magnitude = 0.0
                for p in 0..<k {
                    let product = Double(a[i * k + p]) * Double(b[p * n + j])
                    exact += product
                    magnitude += abs(product)
                }
                let error = abs(result[i * n + j] - exact) / magnitude
                worst = error.isNaN ? .infinity : max(worst, error)
            }
        }
        return KernelCheck(
            kernel: dataType == .fp64 ? "dgemm" : "sgemm", shape: "M=\(m) N=\(n) K=\(k)",
            measure: "max |C − C_ref| ÷ (|A|·|B|)", error: worst, bound: 2 * Double(k) * unit)
    }
}
