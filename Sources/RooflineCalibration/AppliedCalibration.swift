import RooflineCore

/// A calibration applied to one device under one engine profile: what predicts an operator's or a collective's
/// time there.
public struct AppliedCalibration: Sendable, Equatable {
    public var calibration: Calibration
    /// The device's own peaks (a calibration measured elsewhere is rescaled by them).
    public var peaks: KernelPeaks
    public var engine: EngineProfile

    public init(_ calibration: Calibration, peaks: KernelPeaks, engine: EngineProfile) {
        self.calibration = calibration
        self.peaks = peaks
        self.engine = engine
    }

    /// Which calibration applied, where it came from, and on what.
    public var used: CalibrationUsed {
        CalibrationUsed(name: calibration.name, source: calibration.source, measuredOn: calibration.measuredOn.device,
                        appliedTo: peaks.device, rescaled: calibration.measuredOn.device != peaks.device, engine: engine)
    }

    /// The predicted time of `op` (see `Calibration.predict(_:peaks:profile:)`); a usage error naming the fix when
    /// the calibration has no model for its kind.
    public func predict(_ op: Operator) throws -> OperatorPrediction {
        guard let predicted = calibration.predict(op, peaks: peaks, profile: engine) else {
            throw RooflineError.usage("calibration \(calibration.name) has no model for \(op.kind.rawValue) "
                + "operators (\(op.name)): measure and fit them, or give --calibration none")
        }
        return predicted
    }

    /// An all-reduce of `bytes` per rank over `ranks` devices of one node: the faster of the custom and NCCL
    /// all-reduce models (an engine picks the faster), floor + bus bytes 2(r − 1)/r × bytes ÷ (link × η(bus bytes));
    /// 0 for one rank; nil when the calibration has no all-reduce model or the device no link figure.
    public func allReduceSeconds(_ bytes: Double, ranks: Int) -> Double? {
        guard ranks > 1 else { return 0 }
        let work = KernelWork.collective(.allReduce, messageBytes: bytes, ranks: ranks)
        return ["custom", "nccl"].compactMap {
            calibration.predict(work, as: KernelClass(.allReduce, $0, ranks: ranks), peaks: peaks)?.seconds
        }.min()
    }
}

/// Which calibration produced predicted times: its name and source, the device it was measured on and the one
/// it was applied to (rescaled by that device's peaks when they differ), and the engine profile.
public struct CalibrationUsed: Codable, Sendable, Equatable {
    public var name: String
    public var source: String
    public var measuredOn: String
    public var appliedTo: String
    public var rescaled: Bool
    public var engine: EngineProfile
}
