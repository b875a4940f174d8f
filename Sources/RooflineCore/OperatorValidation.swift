/// A kernel checked against a straightforward reference on a small random input.
public struct KernelCheck: Codable, Sendable, Equatable {
    public var kernel: String
    public var shape: String
    /// The error measure, in words (e.g. "max |y − ref| ÷ max |ref|").
    public var measure: String
    public var error: Double
    /// The bound the error must not exceed.
    public var bound: Double

    public init(kernel: String, shape: String, measure: String, error: Double, bound: Double) {
        self.kernel = kernel
        self.shape = shape
        self.measure = measure
        self.error = error
        self.bound = bound
    }

    /// error ≤ bound (and a number).
    public var passed: Bool { error.isFinite && error <= bound }
}

/// One timed kernel run: what it computed (its counted operator), where its data lived, and how long it took.
public struct OperatorMeasurement: Codable, Sendable, Equatable {
    /// Kernels of one family differ only in size; the family's fastest FLOP rate is the reference for whether
    /// a row's time tracks its FLOPs.
    public var family: String
    public var shape: String
    /// Storage type of the data the kernel streams (the compute type is in `operator`).
    public var storageType: DataType
    public var `operator`: Operator
    /// Whose counting produced `operator` (the workload model's, or `OperatorCounts`).
    public var countedBy: String
    /// Bytes of all arrays the kernel touches (inputs, outputs, cache), which decides the memory level.
    public var workingSetBytes: Double
    public var threads: Int
    /// Seconds per call: best = minimum.
    public var seconds: SampleSummary
    /// Main-memory working sets only: the read-only `load` kernel's bandwidth over a working set of the same size,
    /// sampled alternately with this kernel. On a shared machine the bandwidth a probe saw minutes earlier can
    /// differ by ×2; this is the ceiling of the same stretch of time.
    public var mainMemoryReference: SampleSummary?

    public init(family: String, shape: String, storageType: DataType, operator: Operator, countedBy: String,
                workingSetBytes: Double, threads: Int, seconds: SampleSummary, mainMemoryReference: SampleSummary? = nil) {
        self.family = family
        self.shape = shape
        self.storageType = storageType
        self.operator = `operator`
        self.countedBy = countedBy
        self.workingSetBytes = workingSetBytes
        self.threads = threads
        self.seconds = seconds
        self.mainMemoryReference = mainMemoryReference
    }
}

/// Whether the measurement agrees with the bound the roofline assigned.
public enum BoundAgreement: String, Codable, Sendable {
    case agrees
    /// Memory-bound on the roofline, but the time tracks FLOPs (it is no slower than the family's fastest rate).
    case tracksFlops = "tracks-flops"
    /// Compute-bound on the roofline, but the time is well above the family's fastest FLOP rate.
    case tracksBytes = "tracks-bytes"
    /// The row sets the family's reference rate, so it cannot be judged against it.
    case reference
}

/// A measured kernel held against the roofline's prediction.
public struct OperatorEfficiencyRow: Codable, Sendable, Equatable {
    public var measurement: OperatorMeasurement
    /// The memory level the working set lives in, whose bandwidth ceiling was used.
    public var memoryLevel: String
    public var predictedSeconds: Double
    public var predictedBound: Bound
    /// predictedSeconds ÷ best measured seconds (1 = the roofline's time; below 1 = slower than predicted).
    public var efficiencyBest: Double
    /// predictedSeconds ÷ median measured seconds.
    public var efficiencyMedian: Double
    /// Counted bytes ÷ best seconds.
    public var achievedBytesPerSecond: Double
    /// FLOPs ÷ best seconds.
    public var achievedFlopsPerSecond: Double
    /// best seconds ÷ (FLOPs × the family's fewest seconds per FLOP): 1 = as fast per FLOP as anywhere in the family.
    public var slowdownVersusFamilyBest: Double
    public var agreement: BoundAgreement
    /// The prediction again with main memory's ceiling set to the bandwidth measured alongside this kernel
    /// (`OperatorMeasurement.mainMemoryReference`); nil for rows without one.
    public var sameWindow: SameWindowPrediction?
}

/// A main-memory row's prediction from the bandwidth measured in the same window as the kernel.
public struct SameWindowPrediction: Codable, Sendable, Equatable {
    /// Best bandwidth of the `load` kernel sampled alternately with the kernel.
    public var bytesPerSecond: Double
    public var predictedSeconds: Double
    public var predictedBound: Bound
    /// predictedSeconds ÷ best measured seconds.
    public var efficiencyBest: Double
    /// predictedSeconds ÷ median measured seconds.
    public var efficiencyMedian: Double
}

/// Two schedules of the same work compared: measured time ratio against the counted byte ratio.
public struct VariantComparison: Codable, Sendable, Equatable {
    public var shape: String
    public var slower: String
    public var faster: String
    /// bytes(slower) ÷ bytes(faster) as counted.
    public var countedBytesRatio: Double
    /// best seconds(slower) ÷ best seconds(faster).
    public var measuredTimeRatio: Double
}

/// OpenBLAS as loaded for the GEMM rows: which core, why, and whether its results were right.
public struct OpenBLASReport: Codable, Sendable, Equatable {
    /// OPENBLAS_CORETYPE as found in the environment before loading (nil when unset).
    public var userSetting: String?
    /// The core OpenBLAS picks by itself (nil when the user's setting was used, so it was never loaded without it).
    public var libraryChoice: String?
    public var decision: OpenBLASCoreDecision
    /// openblas_get_corename() of the library the GEMM rows ran on.
    public var coreInUse: String
    /// openblas_get_config().
    public var configuration: String
    /// The check of the core in use against the reference GEMM.
    public var checks: [KernelCheck]
    /// Set when an override produced wrong results and the library's own choice was loaded instead.
    public var fallbackReason: String?

    public init(userSetting: String?, libraryChoice: String?, decision: OpenBLASCoreDecision, coreInUse: String,
                configuration: String, checks: [KernelCheck], fallbackReason: String?) {
        self.userSetting = userSetting
        self.libraryChoice = libraryChoice
        self.decision = decision
        self.coreInUse = coreInUse
        self.configuration = configuration
        self.checks = checks
        self.fallbackReason = fallbackReason
    }
}

/// Predicted vs measured for every kernel and size: the table the `validate` command prints and the report
/// includes. A value; renderers are separate.
public struct OperatorValidation: Codable, Sendable, Equatable {
    public var roofline: Roofline
    public var threads: Int
    public var openBLAS: OpenBLASReport?
    public var checks: [KernelCheck]
    public var rows: [OperatorEfficiencyRow]
    public var comparisons: [VariantComparison]
    public var notes: [String]

    public init(roofline: Roofline, threads: Int, openBLAS: OpenBLASReport?, checks: [KernelCheck],
                rows: [OperatorEfficiencyRow], comparisons: [VariantComparison], notes: [String]) {
        self.roofline = roofline
        self.threads = threads
        self.openBLAS = openBLAS
        self.checks = checks
        self.rows = rows
        self.comparisons = comparisons
        self.notes = notes
    }

    /// A row whose time is within this factor of its family's fastest seconds-per-FLOP "tracks FLOPs".
    public static let tracksFlopsFactor = 1.25

    /// The level a working set lives in: the first bandwidth ceiling (nearest the cores first) whose capacity
    /// holds it; main memory when none does or capacities are unknown.
    public static func memoryLevel(workingSetBytes: Double, roofline: Roofline) -> String {
        for ceiling in roofline.bandwidthCeilings where ceiling.level != roofline.mainMemoryLevel {
            if let capacity = ceiling.capacityBytes, workingSetBytes <= capacity { return ceiling.level }
        }
        return roofline.mainMemoryLevel
    }

    /// Holds each measurement against `roofline`:
    /// predicted = max(flops ÷ peak, bytes ÷ bandwidth of the working set's level) (`Roofline.place`);
    /// efficiency = predicted ÷ measured (best and median); achieved rates = counts ÷ best seconds;
    /// slowdown = (best ÷ flops) ÷ min over the family of (best ÷ flops). A memory-bound row with slowdown ≤
    /// `tracksFlopsFactor` tracks FLOPs (flagged); a compute-bound row above it tracks bytes (flagged); the row that
    /// sets the family minimum is the reference. Rows in main memory with a `mainMemoryReference` are also placed
    /// on the roofline with main memory's ceiling replaced by that bandwidth (`sameWindow`).
    public static func rows(_ measurements: [OperatorMeasurement], roofline: Roofline) throws -> [OperatorEfficiencyRow] {
        var familyBest: [String: Double] = [:]
        for m in measurements where m.operator.flops > 0 {
            let perFlop = m.seconds.best / m.operator.flops
            familyBest[m.family] = min(familyBest[m.family] ?? .infinity, perFlop)
        }
        return try measurements.map { m in
            let level = memoryLevel(workingSetBytes: m.workingSetBytes, roofline: roofline)
            let placement = try roofline.place(m.operator, level: level)
            let perFlop = m.operator.flops > 0 ? m.seconds.best / m.operator.flops : .infinity
            let slowdown = perFlop / (familyBest[m.family] ?? .infinity)
            let agreement: BoundAgreement
            if perFlop == familyBest[m.family] {
                agreement = .reference
            } else if slowdown <= tracksFlopsFactor {
                agreement = placement.bound == .memory ? .tracksFlops : .agrees
            } else {
                agreement = placement.bound == .compute ? .tracksBytes : .agrees
            }
            var sameWindow: SameWindowPrediction?
            if level == roofline.mainMemoryLevel, let reference = m.mainMemoryReference {
                let window = roofline.replacingBandwidth(of: level, with: reference.best,
                                                         source: "measured: load kernel alongside this kernel")
                let p = try window.place(m.operator, level: level)
                sameWindow = SameWindowPrediction(
                    bytesPerSecond: reference.best, predictedSeconds: p.seconds, predictedBound: p.bound,
                    efficiencyBest: p.seconds / m.seconds.best, efficiencyMedian: p.seconds / m.seconds.median)
            }
            return OperatorEfficiencyRow(
                measurement: m, memoryLevel: level, predictedSeconds: placement.seconds, predictedBound: placement.bound,
                efficiencyBest: placement.seconds / m.seconds.best, efficiencyMedian: placement.seconds / m.seconds.median,
                achievedBytesPerSecond: m.operator.bytes.total / m.seconds.best,
                achievedFlopsPerSecond: m.operator.flops / m.seconds.best,
                slowdownVersusFamilyBest: slowdown, agreement: agreement, sameWindow: sameWindow)
        }
    }

    /// Pairs rows of the `slower` and `faster` families that share a shape: counted byte ratio against the
    /// measured best-time ratio.
    public static func compare(_ rows: [OperatorEfficiencyRow], slower: String, faster: String) -> [VariantComparison] {
        rows.filter { $0.measurement.family == slower }.compactMap { s in
            guard let f = rows.first(where: { $0.measurement.family == faster && $0.measurement.shape == s.measurement.shape })
            else { return nil }
            return VariantComparison(
                shape: s.measurement.shape, slower: slower, faster: faster,
                countedBytesRatio: s.measurement.operator.bytes.total / f.measurement.operator.bytes.total,
                measuredTimeRatio: s.measurement.seconds.best / f.measurement.seconds.best)
        }
    }
}
