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

/// Achieved fraction of a peak as a function of a call's size, as measured points: log₂ of the size and the
/// fraction there. Between points the fraction is interpolated linearly in log₂ size; beyond the first and last
/// points it stays at their values. The size is what the curve's owner says: for `KernelTimeModel`, the compute
/// time at peak in nanoseconds (FLOP/s curve) or the bytes moved (bandwidth curve).
public struct EfficiencyCurve: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var log2Size: Double
        public var efficiency: Double

        public init(log2Size: Double, efficiency: Double) {
            self.log2Size = log2Size
            self.efficiency = efficiency
        }
    }

    /// Ordered by `log2Size`.
    public var points: [Point]

    public init(points: [Point]) { self.points = points.sorted { $0.log2Size < $1.log2Size } }

    /// The highest fraction on the curve (1 without points).
    public var best: Double { points.map(\.efficiency).max() ?? 1 }

    /// The fraction at `size`: η = η_i + (η_{i+1} − η_i)·(log₂ size − x_i)/(x_{i+1} − x_i) between the points
    /// around log₂ size, the end value outside them (sizes below 1 count as 1); 1 for a curve without points.
    public func efficiency(at size: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        let x = log2(max(size, 1))
        if x <= first.log2Size { return first.efficiency }
        if x >= last.log2Size { return last.efficiency }
        let upper = points.firstIndex { $0.log2Size >= x }!
        let (a, b) = (points[upper - 1], points[upper])
        return a.efficiency + (b.efficiency - a.efficiency) * (x - a.log2Size) / (b.log2Size - a.log2Size)
    }
}

/// The time model of one kernel class on one device, fitted from measurements (`CalibrationFit`):
///
/// predicted seconds = floor + max(compute ÷ η_c(FLOPs), memory ÷ η_m(bytes)),
///
/// where compute and memory are the roofline's times at peak (`KernelPeaks.boundSeconds`), the floor is the
/// launch and synchronisation time of a call that does almost nothing, and η_c, η_m are the achieved fractions
/// of peak FLOP/s and bandwidth beyond the floor (`EfficiencyCurve`): η_c as a function of the compute time at peak
/// in nanoseconds (how much the call asks of this device; it carries to a faster device better than FLOPs, see
/// scripts/bench-calibration.py), η_m as a function of the bytes moved. With η ≤ 1 the
/// prediction is never faster than the bound. Applied with another device's peaks, the same floor and fractions
/// give that device's prediction (the rescaling of a calibration to a device without measurements).
public struct KernelTimeModel: Codable, Sendable, Equatable {
    public var kernel: KernelClass
    public var floorSeconds: Double
    /// η_c by log₂ of the compute time at peak in nanoseconds (`computeSize`).
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
        let ec = withFloor ? computeEfficiency.efficiency(at: Self.computeSize(bound.compute)) : computeEfficiency.best
        let em = withFloor ? bandwidthEfficiency.efficiency(at: work.bytes) : bandwidthEfficiency.best
        let floor = withFloor ? floorSeconds : 0
        return KernelPrediction(
            kernel: kernel, floorSeconds: floor, computeEfficiency: ec, bandwidthEfficiency: em,
            boundSeconds: max(bound.compute, bound.memory), computeSeconds: bound.compute / ec,
            memorySeconds: bound.memory / em, seconds: floor + max(bound.compute / ec, bound.memory / em))
    }
}

extension KernelTimeModel {
    /// The size the FLOP/s curve is keyed by: compute seconds at peak × 10⁹ (nanoseconds).
    public static func computeSize(_ computeSeconds: Double) -> Double { computeSeconds * 1e9 }
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
    /// compute ÷ η_c and memory ÷ η_m.
    public var computeSeconds: Double
    public var memorySeconds: Double
    /// floor + max(compute ÷ η_c, memory ÷ η_m).
    public var seconds: Double
}
