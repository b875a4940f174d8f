import Foundation
import RooflineCore

/// The peaks a kernel time model is applied with: dense FLOP/s per data type, main-memory bandwidth, and the
/// scale-up link bandwidth per direction that collectives move their bus bytes over.
public struct KernelPeaks: Codable, Sendable, Equatable {
    /// The device the peaks belong to (its catalog id or a name).
    public var device: String
    /// Dense peak FLOP/s by data type (raw value of `DataType`).
    public var flopsPerSecond: [String: Double]
    public var memoryBytesPerSecond: Double
    /// Scale-up interconnect bytes per second in one direction (NVLink 4: 450 GB/s); nil when unknown.
    public var linkBytesPerSecond: Double?

    public init(device: String, flopsPerSecond: [DataType: Double], memoryBytesPerSecond: Double,
                linkBytesPerSecond: Double?) {
        self.device = device
        self.flopsPerSecond = Dictionary(uniqueKeysWithValues: flopsPerSecond.map { ($0.key.rawValue, $0.value) })
        self.memoryBytesPerSecond = memoryBytesPerSecond
        self.linkBytesPerSecond = linkBytesPerSecond
    }

    /// The peak for `type`, else for the nearest wider type the device has (as `Roofline.computeCeiling`).
    public func flopsPerSecond(for type: DataType) -> Double? {
        for candidate in [type] + type.widerTypes { if let peak = flopsPerSecond[candidate.rawValue] { return peak } }
        return nil
    }

    /// Seconds of `work` at these peaks, split: compute = flops ÷ peak(type) (0 without FLOPs or a peak);
    /// memory = bytes ÷ bandwidth, where a collective's bus bytes go over the link (per direction) and other
    /// kernels' bytes over main memory. Nil when a collective meets a device without a link figure.
    public func boundSeconds(_ work: KernelWork, family: KernelFamily) -> (compute: Double, memory: Double)? {
        let compute = work.flops > 0 ? flopsPerSecond(for: work.computeType).map { work.flops / $0 } ?? 0 : 0
        let bandwidth = family.isCollective ? linkBytesPerSecond : memoryBytesPerSecond
        guard let bandwidth, bandwidth > 0 else { return nil }
        return (compute, work.bytes / bandwidth)
    }
}

/// Achieved fraction of a peak as a function of work, as measured points: log₂ of the work (FLOPs or bytes)
/// and the fraction there. Between points the fraction is interpolated linearly in log₂ work; beyond the first
/// and last points it stays at their values.
public struct EfficiencyCurve: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var log2Work: Double
        public var efficiency: Double

        public init(log2Work: Double, efficiency: Double) {
            self.log2Work = log2Work
            self.efficiency = efficiency
        }
    }

    /// Ordered by `log2Work`.
    public var points: [Point]

    public init(points: [Point]) { self.points = points.sorted { $0.log2Work < $1.log2Work } }

    /// The highest fraction on the curve (1 without points).
    public var best: Double { points.map(\.efficiency).max() ?? 1 }

    /// The fraction at `work`: η = η_i + (η_{i+1} − η_i)·(log₂ work − x_i)/(x_{i+1} − x_i) between the points
    /// around log₂ work, the end value outside them; 1 for a curve without points (the bound).
    public func efficiency(at work: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        let x = log2(max(work, 1))
        if x <= first.log2Work { return first.efficiency }
        if x >= last.log2Work { return last.efficiency }
        let upper = points.firstIndex { $0.log2Work >= x }!
        let (a, b) = (points[upper - 1], points[upper])
        return a.efficiency + (b.efficiency - a.efficiency) * (x - a.log2Work) / (b.log2Work - a.log2Work)
    }
}

/// The time model of one kernel class on one device, fitted from measurements (`CalibrationFit`):
///
/// predicted seconds = floor + max(compute ÷ η_c(FLOPs), memory ÷ η_m(bytes)),
///
/// where compute and memory are the roofline's times at peak (`KernelPeaks.boundSeconds`), the floor is the
/// launch and synchronisation time of a call that does almost nothing, and η_c, η_m are the achieved fractions
/// of peak FLOP/s and bandwidth beyond the floor, as functions of the work (`EfficiencyCurve`). With η ≤ 1 the
/// prediction is never faster than the bound. Applied with another device's peaks, the same floor and fractions
/// give that device's prediction (the rescaling of a calibration to a device without measurements).
public struct KernelTimeModel: Codable, Sendable, Equatable {
    public var kernel: KernelClass
    public var floorSeconds: Double
    /// η_c by log₂ FLOPs.
    public var computeEfficiency: EfficiencyCurve
    /// η_m by log₂ bytes (bus bytes for a collective).
    public var bandwidthEfficiency: EfficiencyCurve
    /// Measured rows the model was fitted on.
    public var rows: Int

    public init(kernel: KernelClass, floorSeconds: Double, computeEfficiency: EfficiencyCurve,
                bandwidthEfficiency: EfficiencyCurve, rows: Int) {
        self.kernel = kernel
        self.floorSeconds = floorSeconds
        self.computeEfficiency = computeEfficiency
        self.bandwidthEfficiency = bandwidthEfficiency
        self.rows = rows
    }

    /// The predicted time of one call of `work` at `peaks`, with its parts. `withFloor` false is an operator an
    /// engine fuses into its neighbour: it launches nothing of its own, so it has no floor and streams at the
    /// neighbour's rate, the best fraction on each curve (`EfficiencyCurve.best`), not at the small-call fraction
    /// its own few bytes would get. Nil when the peaks lack what it needs.
    public func predict(_ work: KernelWork, peaks: KernelPeaks, withFloor: Bool = true) -> KernelPrediction? {
        guard let bound = peaks.boundSeconds(work, family: kernel.family) else { return nil }
        let ec = withFloor ? computeEfficiency.efficiency(at: work.flops) : computeEfficiency.best
        let em = withFloor ? bandwidthEfficiency.efficiency(at: work.bytes) : bandwidthEfficiency.best
        let floor = withFloor ? floorSeconds : 0
        return KernelPrediction(
            kernel: kernel, floorSeconds: floor, computeEfficiency: ec, bandwidthEfficiency: em,
            boundSeconds: max(bound.compute, bound.memory),
            seconds: floor + max(bound.compute / ec, bound.memory / em))
    }
}

/// One call's predicted time and how it came about.
public struct KernelPrediction: Codable, Sendable, Equatable {
    /// The kernel model that applied.
    public var kernel: KernelClass
    public var floorSeconds: Double
    /// η_c and η_m at this call's work.
    public var computeEfficiency: Double
    public var bandwidthEfficiency: Double
    /// The roofline's time at peak: max(compute, memory).
    public var boundSeconds: Double
    /// floor + max(compute ÷ η_c, memory ÷ η_m).
    public var seconds: Double
}
