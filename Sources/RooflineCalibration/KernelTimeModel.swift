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
    /// Streaming multiprocessors (the device catalog's `streamingMultiprocessors`): a call's parallel units are
    /// counted per SM. Nil when unknown: the model then uses its size-only curves.
    public var streamingMultiprocessors: Double?

    public init(device: String, flopsPerSecond: [DataType: Double], memoryBytesPerSecond: Double,
                linkBytesPerSecond: Double?, streamingMultiprocessors: Double? = nil) {
        self.device = device
        self.flopsPerSecond = Dictionary(uniqueKeysWithValues: flopsPerSecond.map { ($0.key.rawValue, $0.value) })
        self.memoryBytesPerSecond = memoryBytesPerSecond
        self.linkBytesPerSecond = linkBytesPerSecond
        self.streamingMultiprocessors = streamingMultiprocessors
    }

    /// log₂ of a call's parallel units per SM (`KernelWork.parallelUnits` ÷ `streamingMultiprocessors`): how many
    /// waves of thread blocks it gives this device, the axis that carries a wave-quantisation curve from one
    /// device to another. Nil when either is unknown.
    public func log2UnitsPerSM(_ work: KernelWork) -> Double? {
        guard let units = work.parallelUnits, units > 0, let sms = streamingMultiprocessors, sms > 0 else { return nil }
        return log2(units / sms)
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

/// Achieved fraction of a peak over two axes, as medians on a grid: x = log₂ of the call's time at peak in
/// nanoseconds (its compute time for the FLOP/s surface, its memory time for the bandwidth surface), y = log₂ of its
/// parallel units per SM (`KernelPeaks.log2UnitsPerSM`). Both axes are dimensionless in the device: a call that asks
/// the same time of a faster device, spread over the same waves of its SMs, is expected to reach the same fraction.
///
/// Cell (i, j) holds the median fraction of the measured calls with ⌊x ÷ `sizeBinLog2`⌋ = `firstSizeBin` + i and
/// ⌊y ÷ `unitsBinLog2`⌋ = `firstUnitsBin` + j, placed at the cell's centre; cells without calls were filled by linear
/// interpolation from their neighbours (along x, then along y; the end value beyond the last filled one). Between
/// centres the fraction is bilinear; beyond the grid it stays at the edge value.
public struct EfficiencySurface: Codable, Sendable, Equatable {
    public var sizeBinLog2: Double
    public var unitsBinLog2: Double
    public var firstSizeBin: Int
    public var firstUnitsBin: Int
    /// `efficiencies[i][j]`: size bin i, units bin j; every row the same length.
    public var efficiencies: [[Double]]

    public init(sizeBinLog2: Double, unitsBinLog2: Double, firstSizeBin: Int, firstUnitsBin: Int,
                efficiencies: [[Double]]) {
        self.sizeBinLog2 = sizeBinLog2
        self.unitsBinLog2 = unitsBinLog2
        self.firstSizeBin = firstSizeBin
        self.firstUnitsBin = firstUnitsBin
        self.efficiencies = efficiencies
    }

    /// True when the grid holds no cell.
    public var isEmpty: Bool { efficiencies.first?.isEmpty ?? true }

    /// The highest fraction on the grid (1 when empty).
    public var best: Double { efficiencies.joined().max() ?? 1 }

    /// The fraction at (x, y): with u = clamp(x ÷ sizeBinLog2 − ½ − firstSizeBin, 0, rows − 1) and
    /// v = clamp(y ÷ unitsBinLog2 − ½ − firstUnitsBin, 0, columns − 1), i = ⌊u⌋, j = ⌊v⌋, s = u − i, t = v − j:
    /// η = (1−s)(1−t)·E[i][j] + s(1−t)·E[i+1][j] + (1−s)t·E[i][j+1] + st·E[i+1][j+1] (indices capped at the edge);
    /// 1 when empty.
    public func efficiency(log2Size x: Double, log2UnitsPerSM y: Double) -> Double {
        guard !isEmpty else { return 1 }
        let (rows, columns) = (efficiencies.count, efficiencies[0].count)
        let u = min(max(x / sizeBinLog2 - 0.5 - Double(firstSizeBin), 0), Double(rows - 1))
        let v = min(max(y / unitsBinLog2 - 0.5 - Double(firstUnitsBin), 0), Double(columns - 1))
        let (i, j) = (Int(u.rounded(.down)), Int(v.rounded(.down)))
        let (i1, j1) = (min(i + 1, rows - 1), min(j + 1, columns - 1))
        let (s, t) = (u - Double(i), v - Double(j))
        let e = efficiencies
        return (1 - s) * (1 - t) * e[i][j] + s * (1 - t) * e[i1][j] + (1 - s) * t * e[i][j1] + s * t * e[i1][j1]
    }
}

/// The time model of one kernel class on one device, fitted from measurements (`CalibrationFit`):
///
/// predicted seconds = floor + max(compute ÷ η_c, memory ÷ η_m),
///
/// where compute and memory are the roofline's times at peak (`KernelPeaks.boundSeconds`), the floor is the
/// launch and synchronisation time of a call that does almost nothing, and η_c, η_m are the achieved fractions
/// of peak FLOP/s and bandwidth beyond the floor (`EfficiencyCurve`): η_c as a function of the compute time at peak
/// in nanoseconds (how much the call asks of this device; it carries to a faster device better than FLOPs, see
/// scripts/bench-calibration.py), η_m as a function of the bytes moved. When the call counts its parallel units
/// (GEMM tiles, prefill query tiles, decode blocks) and the device its SMs, and the model has surfaces, η_c and η_m come from the
/// surfaces instead (`EfficiencySurface`: time at peak × units per SM), which carry tile and wave quantisation
/// from one device to another. With η ≤ 1 the
/// prediction is never faster than the bound. Applied with another device's peaks, the same floor and fractions
/// give that device's prediction (the rescaling of a calibration to a device without measurements).
public struct KernelTimeModel: Codable, Sendable, Equatable {
    public var kernel: KernelClass
    public var floorSeconds: Double
    /// η_c by log₂ of the compute time at peak in nanoseconds (`computeSize`).
    public var computeEfficiency: EfficiencyCurve
    /// η_m by log₂ bytes (bus bytes for a collective).
    public var bandwidthEfficiency: EfficiencyCurve
    /// η_c by log₂ compute nanoseconds at peak × log₂ parallel units per SM; nil when the rows did not count units.
    public var computeSurface: EfficiencySurface?
    /// η_m by log₂ memory nanoseconds at peak × log₂ parallel units per SM; nil as `computeSurface`.
    public var bandwidthSurface: EfficiencySurface?
    /// τ, seconds per wave of parallel units: a fixed cost of each unit that neither peak pays for (loading a query
    /// tile, RoPE, writing its K, V and O), in seconds, so it carries to another device as a time, spread over that
    /// device's SMs. Fitted for prefill attention only (`CalibrationFit.wavedFamilies`); nil otherwise.
    public var secondsPerWave: Double?
    /// Measured rows the model was fitted on.
    public var rows: Int

    public init(kernel: KernelClass, floorSeconds: Double, computeEfficiency: EfficiencyCurve,
                bandwidthEfficiency: EfficiencyCurve, computeSurface: EfficiencySurface? = nil,
                bandwidthSurface: EfficiencySurface? = nil, secondsPerWave: Double? = nil, rows: Int) {
        self.kernel = kernel
        self.floorSeconds = floorSeconds
        self.computeEfficiency = computeEfficiency
        self.bandwidthEfficiency = bandwidthEfficiency
        self.computeSurface = computeSurface
        self.bandwidthSurface = bandwidthSurface
        self.secondsPerWave = secondsPerWave
        self.rows = rows
    }

    /// True when a call of `work` at `peaks` takes its fractions from the surfaces: the model has both, and the
    /// call counts its parallel units and the device its SMs.
    func usesSurfaces(_ work: KernelWork, peaks: KernelPeaks) -> Bool {
        computeSurface != nil && bandwidthSurface != nil && peaks.log2UnitsPerSM(work) != nil
    }

    /// The per-wave time of one call: τ · units ÷ SMs (`secondsPerWave`) when the call uses the surfaces and the
    /// model has a τ; 0 otherwise.
    public func waveSeconds(_ work: KernelWork, peaks: KernelPeaks) -> Double {
        guard usesSurfaces(work, peaks: peaks), let tau = secondsPerWave, let units = work.parallelUnits,
              let sms = peaks.streamingMultiprocessors else { return 0 }
        return tau * units / sms
    }

    /// η_c and η_m of one call with a floor: from the surfaces at (log₂ time at peak in ns, log₂ units per SM) when
    /// the model has them and the call and device count units and SMs, else from the curves (η_c at the compute
    /// nanoseconds, η_m at the bytes).
    func efficiencies(_ work: KernelWork, bound: (compute: Double, memory: Double),
                      peaks: KernelPeaks) -> (compute: Double, memory: Double) {
        if usesSurfaces(work, peaks: peaks), let y = peaks.log2UnitsPerSM(work), let cs = computeSurface,
           let ms = bandwidthSurface {
            return (cs.efficiency(log2Size: Self.log2Nanoseconds(bound.compute), log2UnitsPerSM: y),
                    ms.efficiency(log2Size: Self.log2Nanoseconds(bound.memory), log2UnitsPerSM: y))
        }
        return (computeEfficiency.efficiency(at: Self.computeSize(bound.compute)),
                bandwidthEfficiency.efficiency(at: work.bytes))
    }

    /// The predicted time of one call of `work` at `peaks`, with its parts: floor + τ·units/SMs (`waveSeconds`) +
    /// max(compute ÷ η_c, memory ÷ η_m); the prediction's `floorSeconds` holds both fixed terms. `withFloor` false is an operator an
    /// engine fuses into its neighbour: it launches nothing of its own, so it has no floor and streams at the
    /// neighbour's rate, the best fraction on each curve (`EfficiencyCurve.best`), not at the small-call fraction
    /// its own few bytes would get. Nil when the peaks lack what it needs.
    public func predict(_ work: KernelWork, peaks: KernelPeaks, withFloor: Bool = true) -> KernelPrediction? {
        guard let bound = peaks.boundSeconds(work, family: kernel.family) else { return nil }
        let sized = efficiencies(work, bound: bound, peaks: peaks)
        let ec = withFloor ? sized.compute : computeEfficiency.best
        let em = withFloor ? sized.memory : bandwidthEfficiency.best
        let floor = withFloor ? floorSeconds + waveSeconds(work, peaks: peaks) : 0
        return KernelPrediction(
            kernel: kernel, floorSeconds: floor, computeEfficiency: ec, bandwidthEfficiency: em,
            boundSeconds: max(bound.compute, bound.memory), computeSeconds: bound.compute / ec,
            memorySeconds: bound.memory / em, seconds: floor + max(bound.compute / ec, bound.memory / em))
    }
}

extension KernelTimeModel {
    /// The size the FLOP/s curve is keyed by: compute seconds at peak × 10⁹ (nanoseconds).
    public static func computeSize(_ computeSeconds: Double) -> Double { computeSeconds * 1e9 }

    /// The x axis of the surfaces: log₂(max(seconds × 10⁹, 1)), a time at peak in nanoseconds.
    public static func log2Nanoseconds(_ seconds: Double) -> Double { log2(max(seconds * 1e9, 1)) }
}

/// One call's predicted time and how it came about.
public struct KernelPrediction: Codable, Sendable, Equatable {
    /// The kernel model that applied.
    public var kernel: KernelClass
    /// The model's floor, plus its per-wave time τ·units/SMs where it has one (`KernelTimeModel.waveSeconds`).
    public var floorSeconds: Double
    /// η_c and η_m at this call's work.
    public var computeEfficiency: Double
    public var bandwidthEfficiency: Double
    /// The roofline's time at peak: max(compute, memory).
    public var boundSeconds: Double
    /// compute ÷ η_c and memory ÷ η_m.
    public var computeSeconds: Double
    public var memorySeconds: Double
    /// floorSeconds + max(compute ÷ η_c, memory ÷ η_m).
    public var seconds: Double
}
