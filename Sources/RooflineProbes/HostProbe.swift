import CNuma
import Foundation

/// What a probe measures. `quick` and `full` are presets; every field can be set.
public struct ProbeOptions: Sendable, Equatable {
    /// The parts of a probe, each run only when `phases` holds it; the core clock is measured always.
    public enum Phase: String, Sendable, CaseIterable, Codable {
        /// The bandwidth kernels at DRAM size and at sizes inside each cache level.
        case bandwidth
        /// The working-set sweep from 16 KiB to several times the last-level cache, for finding plateaus.
        case sweep
        /// Peak FLOP rates per data type at each thread count, and the FMA units per core.
        case flops
        /// Dependent-load latency at a size inside each cache level and in DRAM, on one thread.
        case latency
        /// Bandwidth from each node's CPUs to each node's memory.
        case numa
    }

    /// The preset these options started from, or `custom` once changed; saved in the profile.
    public var mode: ProbeMode
    /// The phases to run.
    public var phases: Set<Phase>
    /// Kernels measured at the fixed sizes.
    public var kernels: [BandwidthKernel]
    /// Kernels run over the sweep.
    public var sweepKernels: [BandwidthKernel]
    /// Thread counts to measure; nil = 1…N (N = CPUs available; above 8, powers of two and N), in quick mode 1 and N.
    public var threadCounts: [Int]?
    /// Working sets (total bytes) for the fixed-size measurements; nil = one inside each cache level plus DRAM
    /// (in quick mode L2 and DRAM).
    public var workingSets: [Int]?
    /// Working set for DRAM measurements; nil = max(8 × last-level cache, 256 MiB), at most half of MemAvailable.
    public var dramBytes: Int?
    /// Timed samples per measurement (after a warm-up).
    public var samples: Int
    /// The shortest a timed sample may be; raised to 1000 × the timer's resolution where that is longer.
    public var minimumSampleSeconds: Double
    /// Measure every int8/bf16/fp16 instruction path the CPU has (true), or only the widest per data type, which
    /// gives that type's ceiling (false: the quick probe).
    public var allComputePaths: Bool
    /// The read kernels' DRAM measurement (the main-memory ceiling) is repeated, on fresh buffers, until this many
    /// seconds have passed, and keeps the best: on a virtual machine whose bandwidth drifts with the neighbours within
    /// seconds, one back-to-back burst of samples can catch a low moment, and an engine then beats the ceiling.
    /// 0: one burst.
    public var dramReadWindowSeconds: Double

    public init(mode: ProbeMode, phases: Set<Phase>, kernels: [BandwidthKernel], sweepKernels: [BandwidthKernel],
                threadCounts: [Int]?, workingSets: [Int]?, dramBytes: Int?, samples: Int, minimumSampleSeconds: Double,
                allComputePaths: Bool, dramReadWindowSeconds: Double = 0) {
        self.allComputePaths = allComputePaths
        self.dramReadWindowSeconds = dramReadWindowSeconds
        self.mode = mode
        self.phases = phases
        self.kernels = kernels
        self.sweepKernels = sweepKernels
        self.threadCounts = threadCounts
        self.workingSets = workingSets
        self.dramBytes = dramBytes
        self.samples = samples
        self.minimumSampleSeconds = minimumSampleSeconds
    }

    /// The kernels that matter for ceilings and for comparing with STREAM and likwid-bench (the read-only `load`
    /// and `load4` ceilings, `store`, `copy` and `triad` with and without streaming stores) at DRAM size and in one cache level
    /// (L2), and the widest FLOP path per data type, at 1 and all threads: ≤ 10 s on 2 cores. STREAM's `scale` and
    /// `add` (the same traffic as `copy` and `triad`) are left to the full probe.
    public static let quick = ProbeOptions(
        mode: .quick, phases: [.bandwidth, .flops],
        kernels: ["load", "load4", "store", "store_nt", "copy", "copy_nt", "triad", "triad_nt"].map { try! BandwidthKernel.named($0) },
        sweepKernels: [],
        threadCounts: nil, workingSets: nil, dramBytes: nil, samples: 5, minimumSampleSeconds: 0.01,
        allComputePaths: false)

    /// Everything: sweep with the load and triad kernels, all kernels per level, every thread count up to 8 (above:
    /// powers of two and all), FLOPs, latency per level and the NUMA matrix: ≤ 60 s on 2 cores.
    public static let full = ProbeOptions(
        mode: .full, phases: Set(Phase.allCases), kernels: BandwidthKernel.all,
        sweepKernels: [try! BandwidthKernel.named("load"), try! BandwidthKernel.named("triad")],
        threadCounts: nil, workingSets: nil, dramBytes: nil, samples: 5, minimumSampleSeconds: 0.01,
        allComputePaths: true, dramReadWindowSeconds: 3)
}

/// Runs the probes and assembles a `HostProfile`.
public struct HostProbe {
    /// Receives one line for each step of a probe as it starts.
    public typealias Progress = (String) -> Void

    /// Measures this host as `options` say. Progress lines go to `progress`; results come back as a value.
    public static func run(_ options: ProbeOptions, progress: @escaping Progress) throws -> HostProfile {
        var host = HostInfo.detect()
        let resolution = MonotonicClock.resolutionSeconds()
        let sampler = Sampler(minimumSampleSeconds: max(1000 * resolution, options.minimumSampleSeconds),
                              samples: options.samples)
        let plan = try ProbePlan(options: options, host: host)
        let phases = PhaseRunner(plan: plan, sampler: sampler, progress: numbered(progress, steps: plan.steps))

        let (flops, peak) = try phases.clockAndFlops()
        let (bandwidth, levels) = try phases.bandwidth()
        let latency = try phases.latency()
        let numa = try phases.numa()
        var notes = plan.notes
        if options.phases.contains(.numa) && !host.numaAvailable {
            notes.append("libnuma reports NUMA unavailable: measured as one node")
        }
        if options.phases.contains(.bandwidth) && options.dramReadWindowSeconds > 0 {
            notes.append("DRAM read ceilings (\(HostProfile.readKernels.joined(separator: ", ")) kernels): the best burst of "
                + "\(options.samples) samples, bursts on fresh buffers 100 ms apart over \(Format.significant(options.dramReadWindowSeconds)) s "
                + "per kernel and thread count, so that a drifting virtual machine's high moments are caught")
        }

        host.memoryAvailableBytes = HostInfo.detect().memoryAvailableBytes
        return HostProfile(
            toolVersion: RooflineVersion.current, createdAt: ISO8601DateFormatter().string(from: Date()), mode: options.mode,
            host: host, theoreticalPeak: peak, bandwidth: bandwidth, levels: levels, flops: flops, latency: latency,
            numa: numa, timerResolutionSeconds: resolution, minimumSampleSeconds: sampler.minimumSampleSeconds, notes: notes,
            absentComputePaths: options.phases.contains(.flops) ? plan.absentComputePaths : nil)
    }

    /// `progress` with each line prefixed by how far the probe is: "[3/12] ".
    private static func numbered(_ progress: @escaping Progress, steps: Int) -> Progress {
        var done = 0
        return { message in
            done += 1
            progress("[\(done)/\(steps)] \(message)")
        }
    }

    /// The last-level data cache over the CPUs available: one instance's size × (CPUs ÷ CPUs sharing one instance,
    /// at least 1); 32 MiB where no cache is reported.
    static func lastLevelCacheBytes(of host: HostInfo) -> Int {
        let cpus = host.cpusAvailable.count
        return host.dataCaches.last.map { $0.sizeBytes * max(1, cpus / max(1, $0.sharedByCPUs)) } ?? (32 << 20)
    }

    /// Thread counts to measure: the user's (each 1…available), or 1…N (above 8: powers of two and N); quick: 1 and N.
    static func resolveThreadCounts(_ requested: [Int]?, available: Int, quick: Bool) throws -> [Int] {
        if let requested {
            for count in requested where count < 1 || count > available {
                throw RooflineError.usage("--threads \(count) is outside 1…\(available) (the CPUs in this process's affinity mask)")
            }
            return Array(Set(requested)).sorted()
        }
        if quick { return Array(Set([1, available])).sorted() }
        if available <= 8 { return Array(1...available) }
        var counts: [Int] = []
        var n = 1
        while n < available { counts.append(n); n *= 2 }
        return counts + [available]
    }

    /// One working set well inside each cache level (half its capacity for these threads), then DRAM.
    /// Quick mode keeps L2 (or the last cache) and DRAM.
    static func defaultLevelSizes(capacities: [PlateauDetector.Level], dramBytes: Int, quick: Bool) -> [(String?, Int)] {
        var sizes = capacities.map { (Optional($0.name), $0.capacityBytes / 2) }
        if quick { sizes = sizes.filter { $0.0 == "L2" }.prefix(1).map { $0 } }
        return sizes + [("DRAM", dramBytes)]
    }

    /// 16 KiB, 16·√2 KiB, 32 KiB, … up to `top` (rounded to 4 KiB).
    static func sweepSizes(from start: Int, to top: Int) -> [Int] {
        var sizes: [Int] = []
        var size = Double(start)
        while Int(size) <= top {
            sizes.append(Int(size) / 4096 * 4096)
            size *= 2.0.squareRoot()
        }
        return sizes
    }

    /// Level ceilings from the plateaus of one sweep.
    static func plateauLevels(_ points: [BandwidthMeasurement], kernel: String, threads: Int,
                              capacities: [PlateauDetector.Level]) -> [LevelBandwidth] {
        let sorted = points.sorted { $0.workingSetBytes < $1.workingSetBytes }
        let plateaus = PlateauDetector().plateaus(
            sorted.map { .init(workingSetBytes: $0.workingSetBytes, bytesPerSecond: $0.algorithmicBytesPerSecond.best) },
            levels: capacities)
        return plateaus.map { plateau in
            let inside = plateau.interiorIndices.map { sorted[$0] }
            return LevelBandwidth(
                level: plateau.level, kernel: kernel, threads: threads,
                bytesPerSecond: SampleSummary(inside.map(\.algorithmicBytesPerSecond.best), higherIsBetter: true),
                fromWorkingSetBytes: inside.map(\.workingSetBytes),
                reportedCapacityBytes: capacities.first { $0.name == plateau.level }?.capacityBytes,
                measuredCapacityBytes: plateau.measuredCapacityBytes)
        }
    }
}

/// The phases of one probe, each returning what it measured and saying each step to `progress` as it starts.
private struct PhaseRunner {
    let plan: ProbePlan
    let sampler: Sampler
    let progress: HostProbe.Progress

    private var options: ProbeOptions { plan.options }
    private var host: HostInfo { plan.host }

    /// The core clock, always; then the FLOP peaks and FMA units per core when the phase runs (else 1 unit assumed).
    func clockAndFlops() throws -> ([FlopsMeasurement], TheoreticalPeak) {
        progress("clock: measuring the core clock with a dependent add chain")
        let clockHertz = CoreClock.measureHertz(sampler: sampler)
        var flops: [FlopsMeasurement] = []
        var fmaUnits = (count: 1, method: "not measured (FLOP phase skipped); 1 assumed")
        if options.phases.contains(.flops) {
            let result = try FlopsProbe(sampler: sampler, clockHertz: clockHertz, vectorBits: host.vectorBits)
                .measure(cpus: host.cpusAvailable, threadCounts: plan.threadCounts, paths: plan.computePaths,
                         progress: progress)
            flops = result.measurements
            fmaUnits = (result.fmaUnitsPerCore, result.fmaUnitsMethod)
        }
        let peak = TheoreticalPeak(
            clockHertz: clockHertz, clockMethod: "dependent register add chain (1 add per cycle), best of \(options.samples)",
            fmaUnitsPerCore: fmaUnits.count, fmaUnitsMethod: fmaUnits.method, vectorBits: host.vectorBits,
            vectorMethod: "compiled kernel width (\(host.kernelISA)), \(host.vectorBits)-bit vectors")
        return (flops, peak)
    }

    /// The fixed-size measurements and the sweep at each thread count, with the level ceilings taken from them.
    func bandwidth() throws -> ([BandwidthMeasurement], [LevelBandwidth]) {
        var bandwidth: [BandwidthMeasurement] = []
        var levels: [LevelBandwidth] = []
        guard options.phases.contains(.bandwidth) || options.phases.contains(.sweep) else { return ([], []) }
        for threads in plan.threadCounts {
            let team = try ThreadTeam(cpus: Array(host.cpusAvailable.prefix(threads)))
            let runner = BandwidthRunner(team: team, sampler: sampler)
            let capacities = plan.capacities(threads: threads)
            if options.phases.contains(.bandwidth) {
                try fixedSizes(runner, threads: threads, capacities: capacities, into: &bandwidth, levels: &levels)
            }
            if options.phases.contains(.sweep) && !plan.sweepSizes(threads: threads).isEmpty {
                try sweep(runner, threads: threads, capacities: capacities, into: &bandwidth, levels: &levels)
            }
        }
        return (bandwidth, levels)
    }

    /// Each kernel at each fixed size; a size inside a named level also gives that level's ceiling.
    private func fixedSizes(_ runner: BandwidthRunner, threads: Int, capacities: [PlateauDetector.Level],
                            into bandwidth: inout [BandwidthMeasurement], levels: inout [LevelBandwidth]) throws {
        for (level, size) in plan.levelSizes(threads: threads) {
            for kernel in options.kernels {
                progress("bandwidth: \(kernel.name) at \(Self.describe(size, threads: threads))")
                var m = try runner.measure(kernel, workingSetBytes: size)
                if level == "DRAM", HostProfile.readKernels.contains(kernel.name), options.dramReadWindowSeconds > 0 {
                    m = try Self.measureOverWindow(runner, kernel, size: size, first: m, seconds: options.dramReadWindowSeconds)
                }
                bandwidth.append(m)
                guard let level else { continue }
                levels.append(LevelBandwidth(
                    level: level, kernel: kernel.name, threads: threads, bytesPerSecond: m.algorithmicBytesPerSecond,
                    fromWorkingSetBytes: [m.workingSetBytes],
                    reportedCapacityBytes: capacities.first { $0.name == level }?.capacityBytes,
                    measuredCapacityBytes: nil))
            }
        }
    }

    /// Each sweep kernel over the sweep's sizes, with the level ceilings found in its plateaus.
    private func sweep(_ runner: BandwidthRunner, threads: Int, capacities: [PlateauDetector.Level],
                       into bandwidth: inout [BandwidthMeasurement], levels: inout [LevelBandwidth]) throws {
        for kernel in options.sweepKernels {
            let points = try plan.sweepSizes(threads: threads).map { size in
                progress("sweep: \(kernel.name) at \(Self.describe(size, threads: threads))")
                return try runner.measure(kernel, workingSetBytes: size)
            }
            bandwidth.append(contentsOf: points)
            levels.append(contentsOf: HostProbe.plateauLevels(points, kernel: kernel.name, threads: threads, capacities: capacities))
        }
    }

    /// `first` and further bursts of the same measurement on fresh buffers, 100 ms apart, until `seconds` have passed
    /// since it began: one summary over every burst's best (its best is the best of all).
    private static func measureOverWindow(_ runner: BandwidthRunner, _ kernel: BandwidthKernel, size: Int,
                                          first: BandwidthMeasurement, seconds: Double) throws -> BandwidthMeasurement {
        let end = MonotonicClock.now() + seconds
        var bursts = [first]
        while MonotonicClock.now() < end {
            usleep(100_000)
            bursts.append(try runner.measure(kernel, workingSetBytes: size))
        }
        var merged = first
        merged.algorithmicBytesPerSecond = SampleSummary(bursts.map(\.algorithmicBytesPerSecond.best), higherIsBetter: true)
        merged.hardwareBytesPerSecond = SampleSummary(bursts.map(\.hardwareBytesPerSecond.best), higherIsBetter: true)
        return merged
    }

    /// "64 KiB, 2 threads".
    private static func describe(_ size: Int, threads: Int) -> String {
        "\(Format.binaryBytes(size)), \(threads) thread\(threads == 1 ? "" : "s")"
    }

    /// A pointer chase at each latency size, on one thread.
    func latency() throws -> [LatencyMeasurement] {
        guard options.phases.contains(.latency) else { return [] }
        let probe = LatencyProbe(sampler: sampler)
        return try plan.latencySizes.map { level, size in
            progress("latency: pointer chase in \(level ?? "?") at \(Format.binaryBytes(size))")
            return LatencyMeasurement(level: level ?? "?", workingSetBytes: size,
                                      nanosecondsPerLoad: try probe.measure(workingSetBytes: size), pattern: LatencyProbe.pattern)
        }
    }

    /// The node-to-node bandwidth matrix at the DRAM size (at most 256 MiB).
    func numa() throws -> NumaMatrix? {
        guard options.phases.contains(.numa) else { return nil }
        return try NumaProbe(sampler: sampler).measure(host: host, bytes: min(plan.dramBytes, 256 << 20), progress: progress)
    }
}
