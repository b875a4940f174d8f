import RooflineCore

/// A step's operators predicted on a device with a calibration: the predicted time beside the roofline's bound
/// (`Analysis`), and the calibration and engine profile that produced it.
public struct StepPrediction: Codable, Sendable, Equatable {
    public var calibration: CalibrationUsed
    /// One per placement of the analysis, in its order.
    public var operators: [OperatorPrediction]

    /// Predicts every placement of `analysis` with `applied` (`AppliedCalibration.predict`).
    public init(_ analysis: Analysis, applied: AppliedCalibration) throws {
        calibration = applied.used
        operators = try analysis.placements.map { try applied.predict($0.operator) }
    }

    /// Σ predicted seconds (operators run one after another).
    public var totalSeconds: Double { operators.reduce(0) { $0 + $1.seconds } }
    /// Σ floor × calls: the launch and synchronisation share of the predicted time.
    public var floorSeconds: Double { operators.reduce(0) { $0 + $1.floorSecondsPerCall * Double($1.calls) } }
    /// Kernel launches in the step: Σ calls over the operators not fused into a neighbour.
    public var kernelLaunches: Int { operators.filter { !$0.fused }.reduce(0) { $0 + $1.calls } }
    /// tokensPerStep ÷ totalSeconds (0 for a step that takes no time).
    public func tokensPerSecond(tokensPerStep: Double) -> Double {
        totalSeconds > 0 ? tokensPerStep / totalSeconds : 0
    }
}
