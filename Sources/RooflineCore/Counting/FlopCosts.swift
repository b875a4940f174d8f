/// FLOPs per element of the vector operators, as data. A multiply-add counts 2; exp, tanh, erf, rsqrt and a
/// division count 1 each (they are single instructions or short sequences on the units that run them; the
/// vector operators are memory-bound at any plausible cost, so these constants move no classification).
public enum FlopCosts {
    /// RMSNorm per element: square and accumulate (2), scale by 1/rms (1), multiply by the weight (1) = 4.
    public static let rmsNorm = 4.0
    /// LayerNorm per element: mean (1), subtract (1), square and accumulate (2), scale (1), weight (1), bias (1) = 7.
    public static let layerNorm = 7.0
    /// Softmax per score: running max (1), subtract (1), exp (1), sum (1), divide (1) = 5. The 1/√d scale is
    /// folded into Q.
    public static let softmax = 5.0
    /// Logit soft-capping per score, cap · tanh(s / cap): divide (1), tanh (1), multiply (1) = 3.
    public static let softcap = 3.0
    /// RoPE per rotated element: x·cos + rotate(x)·sin = 2 multiplies + 1 add = 3 (cos/sin tables not counted).
    public static let rope = 3.0
    /// Residual add per element: 1.
    public static let add = 1.0
    /// Gating multiply act(gate) · up per element: 1.
    public static let gateMultiply = 1.0
}
