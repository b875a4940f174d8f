import RooflineCore

extension FlopCosts {
    /// FLOPs per element of an activation function.
    /// SiLU x/(1 + e^(−x)): negate+exp (1), add (1), divide (1), multiply (1) = 4.
    /// GELU (erf) 0.5·x·(1 + erf(x/√2)): scale (1), erf (1), add (1), two multiplies (2) = 5.
    /// GELU (tanh) 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))): x³ (2), multiply-add (2), scale (1), tanh (1),
    /// add (1), two multiplies (2) = 9. ReLU max(x, 0): 1.
    public static func activation(_ activation: Activation) -> Double {
        switch activation {
        case .silu: 4
        case .gelu: 5
        case .geluTanh: 9
        case .relu: 1
        }
    }

    /// Per element of a norm of the given kind.
    public static func norm(_ kind: NormKind) -> Double {
        kind == .rmsNorm ? rmsNorm : layerNorm
    }
}
