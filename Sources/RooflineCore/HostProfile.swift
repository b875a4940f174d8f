/// min / median / max of repeated measurements of one rate, and how many samples.
///
/// For rates (bytes/s, FLOP/s) the headline is `best` = the maximum after warm-up (as STREAM reports);
/// for latencies `best` is the minimum.
public struct SampleSummary: Codable, Sendable, Equatable {
    public var best: Double
    public var median: Double
    public var worst: Double
    public var count: Int

    public init(best: Double, median: Double, worst: Double, count: Int) {
        self.best = best
        self.median = median
        self.worst = worst
        self.count = count
    }

    /// Summarises `values`; `higherIsBetter` picks whether best is the max (rates) or the min (times).
    public init(_ values: [Double], higherIsBetter: Bool) {
        precondition(!values.isEmpty, "a summary needs at least one sample")
        let sorted = values.sorted()
        let n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
        self.init(best: higherIsBetter ? sorted[n - 1] : sorted[0], median: median,
                  worst: higherIsBetter ? sorted[0] : sorted[n - 1], count: n)
    }

    /// The same summary with every value multiplied by `factor` (for unit changes, byte conventions).
    public func scaled(by factor: Double) -> SampleSummary {
        SampleSummary(best: best * factor, median: median * factor, worst: worst * factor, count: count)
    }
}

/// What a cache holds, as sysfs names it (`/sys/devices/system/cpu/cpuN/cache/indexM/type`); the raw values are
/// those names, so profiles store them unchanged. Compared by name (Data < Instruction < Unified), so caches sort as
/// they did when the type was a string.
///
/// The kernel writes only these three names (it fails the read for any other kind), and `HostInfo.detect()` skips a
/// cache whose type it cannot read or name, as it skips one whose level or size it cannot read. A profile with any
/// other name does not decode: the decoding error says where ("bad value at .host.caches[0].type").
public enum CacheType: String, Codable, Sendable, Comparable {
    case data = "Data", instruction = "Instruction", unified = "Unified"

    /// Data and unified caches hold data; instruction caches do not.
    public var holdsData: Bool { self != .instruction }

    /// What follows the level in a cache's short name: "d" (L1d), "i" (L1i), nothing for unified caches (L2).
    public var nameSuffix: String {
        switch self {
        case .data: "d"
        case .instruction: "i"
        case .unified: ""
        }
    }

    public static func < (a: CacheType, b: CacheType) -> Bool { a.rawValue < b.rawValue }
}

/// One cache as the kernel reports it (sysfs).
public struct CacheInfo: Codable, Sendable, Equatable {
    public var level: Int
    public var type: CacheType
    public var sizeBytes: Int
    /// How many logical CPUs share one instance.
    public var sharedByCPUs: Int
    public var lineBytes: Int?

    public init(level: Int, type: CacheType, sizeBytes: Int, sharedByCPUs: Int, lineBytes: Int?) {
        self.level = level
        self.type = type
        self.sizeBytes = sizeBytes
        self.sharedByCPUs = sharedByCPUs
        self.lineBytes = lineBytes
    }

    /// "L1", "L2", "L3".
    public var name: String { "L\(level)" }

    /// The name with the type's suffix: "L1d", "L1i", "L2".
    public var qualifiedName: String { name + type.nameSuffix }
}

/// One NUMA node: its CPUs and memory.
public struct NumaNodeInfo: Codable, Sendable, Equatable {
    public var id: Int
    public var cpus: [Int]
    public var memoryBytes: Int

    public init(id: Int, cpus: [Int], memoryBytes: Int) {
        self.id = id
        self.cpus = cpus
        self.memoryBytes = memoryBytes
    }
}

/// What the machine is.
public struct HostInfo: Codable, Sendable, Equatable {
    public var cpuModel: String
    public var architecture: String
    /// Logical CPUs in this process's affinity mask (the threads the probe may use).
    public var cpusAvailable: [Int]
    public var caches: [CacheInfo]
    public var numaAvailable: Bool
    public var numaNodes: [NumaNodeInfo]
    /// Instruction set the kernels were compiled for ("avx512", "avx2+fma", "neon"…).
    public var kernelISA: String
    public var vectorBits: Int
    /// The vector and matrix extensions the tool looks for (SSE2 to AVX-512, AMX, ASIMD, SVE…) that the CPU reports at
    /// run time (the flags, or Features, line of /proc/cpuinfo); others are left out.
    public var cpuFeatures: [String]
    public var memoryTotalBytes: Int
    public var memoryAvailableBytes: Int
    public var kernelRelease: String
    /// Distinct physical cores (socket, core id) among `cpusAvailable`, from sysfs topology; nil where unknown.
    public var physicalCores: Int?

    public init(cpuModel: String, architecture: String, cpusAvailable: [Int], caches: [CacheInfo], numaAvailable: Bool,
                numaNodes: [NumaNodeInfo], kernelISA: String, vectorBits: Int, cpuFeatures: [String],
                memoryTotalBytes: Int, memoryAvailableBytes: Int, kernelRelease: String, physicalCores: Int? = nil) {
        self.physicalCores = physicalCores
        self.cpuModel = cpuModel
        self.architecture = architecture
        self.cpusAvailable = cpusAvailable
        self.caches = caches
        self.numaAvailable = numaAvailable
        self.numaNodes = numaNodes
        self.kernelISA = kernelISA
        self.vectorBits = vectorBits
        self.cpuFeatures = cpuFeatures
        self.memoryTotalBytes = memoryTotalBytes
        self.memoryAvailableBytes = memoryAvailableBytes
        self.kernelRelease = kernelRelease
    }

    /// Data/unified caches, one per level, in level order.
    public var dataCaches: [CacheInfo] {
        caches.filter(\.type.holdsData).sorted { $0.level < $1.level }
    }
}

/// One bandwidth measurement: a kernel at one working-set size and thread count.
public struct BandwidthMeasurement: Codable, Sendable, Equatable {
    public var kernel: String
    /// Total bytes of all arrays the kernel touches (all threads together).
    public var workingSetBytes: Int
    public var threads: Int
    /// Bytes per second counted the STREAM/likwid way: arrays read + arrays written, 8 bytes per element each.
    public var algorithmicBytesPerSecond: SampleSummary
    /// Bytes per second the memory system really moves: adds the write-allocate read of each normally stored array.
    public var hardwareBytesPerSecond: SampleSummary
    /// NUMA node the memory was placed on and the node the threads ran on, when placed explicitly.
    public var memoryNode: Int?
    public var cpuNode: Int?

    public init(kernel: String, workingSetBytes: Int, threads: Int, algorithmicBytesPerSecond: SampleSummary,
                hardwareBytesPerSecond: SampleSummary, memoryNode: Int? = nil, cpuNode: Int? = nil) {
        self.kernel = kernel
        self.workingSetBytes = workingSetBytes
        self.threads = threads
        self.algorithmicBytesPerSecond = algorithmicBytesPerSecond
        self.hardwareBytesPerSecond = hardwareBytesPerSecond
        self.memoryNode = memoryNode
        self.cpuNode = cpuNode
    }
}

/// The bandwidth ceiling of one memory level, taken from a plateau of the size sweep.
public struct LevelBandwidth: Codable, Sendable, Equatable {
    /// "L1", "L2", "L3" or "DRAM".
    public var level: String
    public var kernel: String
    public var threads: Int
    public var bytesPerSecond: SampleSummary
    /// The working-set sizes the ceiling was taken from (all well inside the level).
    public var fromWorkingSetBytes: [Int]
    /// The size the kernel reports for this level (sysfs; total over the threads' instances), for cross-checking.
    public var reportedCapacityBytes: Int?
    /// Where the plateau found in the data ends, in bytes (nil for DRAM).
    public var measuredCapacityBytes: Int?

    public init(level: String, kernel: String, threads: Int, bytesPerSecond: SampleSummary, fromWorkingSetBytes: [Int],
                reportedCapacityBytes: Int?, measuredCapacityBytes: Int?) {
        self.level = level
        self.kernel = kernel
        self.threads = threads
        self.bytesPerSecond = bytesPerSecond
        self.fromWorkingSetBytes = fromWorkingSetBytes
        self.reportedCapacityBytes = reportedCapacityBytes
        self.measuredCapacityBytes = measuredCapacityBytes
    }
}

/// An instruction path the probe knows but did not measure on this host.
public struct AbsentComputePath: Codable, Sendable, Equatable {
    public var path: String
    public var dataType: DataType
    public var instruction: String
    /// "no avx512_fp16 in /proc/cpuinfo", "Linux refused AMX tile state (errno 22)", "not measured in quick mode".
    public var reason: String

    public init(path: String, dataType: DataType, instruction: String, reason: String) {
        self.path = path
        self.dataType = dataType
        self.instruction = instruction
        self.reason = reason
    }
}

/// Peak operation rate of one instruction path for one data type and thread count. FLOP/s for floating-point
/// paths; for int8 paths, integer operations per second counted like FLOPs (a multiply-add is 2).
public struct FlopsMeasurement: Codable, Sendable, Equatable {
    public var dataType: DataType
    public var threads: Int
    public var flopsPerSecond: SampleSummary
    /// Theoretical peak for the same threads and path: clock × units × operations per instruction × threads (for the
    /// FMA probe: clock × FMA units × lanes × 2 × threads); `theoreticalMethod` says where the units came from.
    public var theoreticalFlopsPerSecond: Double
    /// The instruction path measured (`fma`, `avx512-vnni`, `avx2-maddubs`, `f16c-fma`, `amx-int8`…); nil in profiles
    /// written before paths were named, which measured the FMA probe only.
    public var path: String?
    /// The instruction sequence and its extension, as a reader knows it: "vpdpbusd zmm (AVX512-VNNI)".
    public var instruction: String?
    /// How the theoretical peak was obtained for this path (units measured and rounded, or a published figure).
    public var theoreticalMethod: String?

    public init(dataType: DataType, threads: Int, flopsPerSecond: SampleSummary, theoreticalFlopsPerSecond: Double,
                path: String? = nil, instruction: String? = nil, theoreticalMethod: String? = nil) {
        self.dataType = dataType
        self.threads = threads
        self.flopsPerSecond = flopsPerSecond
        self.theoreticalFlopsPerSecond = theoreticalFlopsPerSecond
        self.path = path
        self.instruction = instruction
        self.theoreticalMethod = theoreticalMethod
    }

    /// measured best ÷ theoretical.
    public var fractionOfTheoretical: Double { flopsPerSecond.best / theoreticalFlopsPerSecond }
}

/// How the theoretical peak was put together, each factor with how it was found.
public struct TheoreticalPeak: Codable, Sendable, Equatable {
    public var clockHertz: Double
    public var clockMethod: String
    public var fmaUnitsPerCore: Int
    public var fmaUnitsMethod: String
    public var vectorBits: Int
    public var vectorMethod: String

    public init(clockHertz: Double, clockMethod: String, fmaUnitsPerCore: Int, fmaUnitsMethod: String, vectorBits: Int,
                vectorMethod: String) {
        self.clockHertz = clockHertz
        self.clockMethod = clockMethod
        self.fmaUnitsPerCore = fmaUnitsPerCore
        self.fmaUnitsMethod = fmaUnitsMethod
        self.vectorBits = vectorBits
        self.vectorMethod = vectorMethod
    }

    /// FLOP/s of one core for `dataType`: clock × FMA units × (vector bits ÷ element bits) × 2.
    public func flopsPerSecondPerCore(_ dataType: DataType) -> Double {
        clockHertz * Double(fmaUnitsPerCore) * Double(vectorBits / dataType.bits) * 2
    }
}

/// Latency of dependent loads at one working-set size.
public struct LatencyMeasurement: Codable, Sendable, Equatable {
    public var level: String
    public var workingSetBytes: Int
    /// Nanoseconds per dependent load; best = minimum.
    public var nanosecondsPerLoad: SampleSummary
    /// How the chain was laid out (e.g. "random cyclic permutation of cache lines").
    public var pattern: String

    public init(level: String, workingSetBytes: Int, nanosecondsPerLoad: SampleSummary, pattern: String) {
        self.level = level
        self.workingSetBytes = workingSetBytes
        self.nanosecondsPerLoad = nanosecondsPerLoad
        self.pattern = pattern
    }
}

/// Local/remote bandwidth: entry [i][j] is threads on node i reading memory on node j.
public struct NumaMatrix: Codable, Sendable, Equatable {
    public var nodes: [Int]
    public var kernel: String
    public var bytesPerSecond: [[SampleSummary]]
    /// Said plainly when the matrix is trivial or NUMA is unavailable.
    public var note: String

    public init(nodes: [Int], kernel: String, bytesPerSecond: [[SampleSummary]], note: String) {
        self.nodes = nodes
        self.kernel = kernel
        self.bytesPerSecond = bytesPerSecond
        self.note = note
    }
}

/// How a probe was chosen: one of the two presets (`roofline probe --quick`, the default full probe), or `custom` when
/// options changed what it measures. The raw values are what profiles store.
public enum ProbeMode: String, Codable, Sendable, CaseIterable {
    case quick, full, custom
}

/// Everything the probe measured about a host. A value: renderers and the roofline take it as it is.
public struct HostProfile: Codable, Sendable, Equatable {
    public var toolVersion: String
    /// ISO 8601 time the probe finished.
    public var createdAt: String
    /// The preset the probe ran, or `custom` where options changed it.
    public var mode: ProbeMode
    public var host: HostInfo
    public var theoreticalPeak: TheoreticalPeak
    /// Every bandwidth point measured (size sweep, thread sweep).
    public var bandwidth: [BandwidthMeasurement]
    /// Ceilings per memory level, per thread count.
    public var levels: [LevelBandwidth]
    public var flops: [FlopsMeasurement]
    public var latency: [LatencyMeasurement]
    public var numa: NumaMatrix?
    /// Timer resolution in seconds and the shortest timed region used.
    public var timerResolutionSeconds: Double
    public var minimumSampleSeconds: Double
    /// Notes the reader should know (fallbacks, capped sizes, an unavailable feature).
    public var notes: [String]
    /// The instruction paths the FLOP phase knows but did not measure on this CPU, each with why (a missing flag,
    /// the kernel refusing AMX state); nil in profiles written before paths were named.
    public var absentComputePaths: [AbsentComputePath]?

    public init(toolVersion: String, createdAt: String, mode: ProbeMode, host: HostInfo, theoreticalPeak: TheoreticalPeak,
                bandwidth: [BandwidthMeasurement], levels: [LevelBandwidth], flops: [FlopsMeasurement],
                latency: [LatencyMeasurement], numa: NumaMatrix?, timerResolutionSeconds: Double,
                minimumSampleSeconds: Double, notes: [String], absentComputePaths: [AbsentComputePath]? = nil) {
        self.absentComputePaths = absentComputePaths
        self.toolVersion = toolVersion
        self.createdAt = createdAt
        self.mode = mode
        self.host = host
        self.theoreticalPeak = theoreticalPeak
        self.bandwidth = bandwidth
        self.levels = levels
        self.flops = flops
        self.latency = latency
        self.numa = numa
        self.timerResolutionSeconds = timerResolutionSeconds
        self.minimumSampleSeconds = minimumSampleSeconds
        self.notes = notes
    }
}
