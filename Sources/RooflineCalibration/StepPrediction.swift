import RooflineCore

/// A step's operators predicted on a device with a calibration: the predicted time beside the roofline's bound
/// (`Analysis`), and the calibration and engine profile that produced it.
public struct StepPrediction: Codable, Sendable, Equatable {
    /// The calibration's name and source, and the device whose peaks it was applied with.
    public var calibration: String
    public var calibrationSource: String
    public var measuredOn: String
    public var appliedTo: String
    /// True when the calibration was measured on another device and is applied with this one's peaks.
    public var rescaled: Bool
    public var engine: EngineProfile
    /// One per placement of the analysis, in its order.
    public var operators: [OperatorPrediction]

    /// Predicts every placement of `analysis` (see `Calibration.predict(_:peaks:profile:)`); an operator whose kind
    /// the calibration has no model for is a usage error naming the calibration to fit.
    public init(_ analysis: Analysis, calibration: Calibration, peaks: KernelPeaks, engine: EngineProfile) throws {
        self.calibration = calibration.name
        calibrationSource = calibration.source
        measuredOn = calibration.measuredOn.device
        appliedTo = peaks.device
        rescaled = calibration.measuredOn.device != peaks.device
        self.engine = engine
        operators = try analysis.placements.map { p in
            guard let predicted = calibration.predict(p.operator, peaks: peaks, profile: engine) else {
                throw RooflineError.usage("calibration \(calibration.name) has no model for \(p.operator.kind.rawValue) "
                    + "operators (\(p.operator.name)): measure and fit them, or give --calibration none")
            }
            return predicted
        }
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
