import CNuma
import Foundation

/// What a probe measures. `quick` and `full` are presets; every field can be set.
public struct ProbeOptions: Sendable, Equatable {
    public enum Phase: String, Sendable, CaseIterable, Codable {
        /// The bandwidth kernels at DRAM size and at sizes inside each cache level.
        case bandwidth
        /// The working-set sweep from 16 KiB to several times the last-level cache, for finding plateaus.
        case sweep
        case flops
        case latency
        case numa
    }

    public var mode: ProbeMode
    public var phases: Set<Phase>
    /// Kernels measured at fixed sizes; nil = all.
    public var kernels: [BandwidthKernel]
    /// Kernels run over the sweep.
    public var sweepKernels: [BandwidthKernel]
    /// Thread counts for the fixed sizes; nil = 1…N (N = CPUs available; powers of two and N above 8).
    public var threadCounts: [Int]?
    /// Working sets (total bytes) for the fixed-size measurements; nil = one inside each cache level plus DRAM.
    public var workingSets: [Int]?
    /// Working set for DRAM measurements; nil = max(8 × last-level cache, 256 MiB), at most half of MemAvailable.
    public var dramBytes: Int?
    public var samples: Int
    public var minimumSampleSeconds: Double

    public init(mode: ProbeMode, phases: Set<Phase>, kernels: [BandwidthKernel], sweepKernels: [BandwidthKernel],
                threadCounts: [Int]?, workingSets: [Int]?, dramBytes: Int?, samples: Int, minimumSampleSeconds: Double) {
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

    /// DRAM kernels, one cache level (L2) and FLOPs at 1 and all threads: ≤ 10 s on 2 cores.
    public static let quick = ProbeOptions(
        mode: .quick, phases: [.bandwidth, .flops], kernels: BandwidthKernel.all, sweepKernels: [],
        threadCounts: nil, workingSets: nil, dramBytes: nil, samples: 5, minimumSampleSeconds: 0.01)

    /// Everything: sweep with the load and triad kernels, all kernels per level, every thread count, FLOPs,
    /// latency per level and the NUMA matrix: ≤ 60 s on 2 cores.
    public static let full = ProbeOptions(
        mode: .full, phases: Set(Phase.allCases), kernels: BandwidthKernel.all,
        sweepKernels: [try! BandwidthKernel.named("load"), try! BandwidthKernel.named("triad")],
        threadCounts: nil, workingSets: nil, dramBytes: nil, samples: 5, minimumSampleSeconds: 0.01)
}

/// Runs the probes and assembles a `HostProfile`.
public struct HostProbe {
    public typealias Progress = (String) -> Void

    /// Measures this host as `options` say. Progress lines go to `progress`; results come back as a value.
    public static func run(_ options: ProbeOptions, progress: @escaping Progress) throws -> HostProfile {
        var host = HostInfo.detect()
        let cpus = host.cpusAvailable
        var notes: [String] = []
        let resolution = MonotonicClock.resolutionSeconds()
        let sampler = Sampler(minimumSampleSeconds: max(1000 * resolution, options.minimumSampleSeconds),
                              samples: options.samples)

        let threadCounts = try resolveThreadCounts(options.threadCounts, available: cpus.count, quick: options.mode == .quick)
        let maxBytes = host.memoryAvailableBytes / 2
        let lastCache = host.dataCaches.last.map { $0.sizeBytes * max(1, cpus.count / max(1, $0.sharedByCPUs)) } ?? (32 << 20)
        var dramBytes = options.dramBytes ?? max(8 * lastCache, 256 << 20)
        if options.dramBytes == nil && dramBytes > maxBytes {
            dramBytes = maxBytes
            notes.append("DRAM working set capped at half of MemAvailable: \(Format.bytes(Double(maxBytes)))")
        }
        if let requested = options.dramBytes, Double(requested) < 2 * Double(lastCache) {
            throw RooflineError.usage(
                "--dram-size \(Format.binaryBytes(requested)) is not well beyond the last-level cache (\(Format.binaryBytes(lastCache))): use at least \(Format.binaryBytes(2 * lastCache))")
        }
        for size in (options.workingSets ?? []) + [dramBytes] where size > maxBytes {
            throw RooflineError.usage(
                "working set \(Format.bytes(Double(size))) is more than half of available memory (\(Format.bytes(Double(maxBytes)))): choose a smaller size")
        }

        // The sizes each thread count measures, fixed before anything runs so progress can say how far it is.
        let quick = options.mode == .quick
        func levelSizes(_ threads: Int) -> [(String?, Int)] {
            options.workingSets.map { $0.map { (nil as String?, $0) } }
                ?? defaultLevelSizes(capacities: PlateauDetector.levels(caches: host.caches, threads: threads),
                                     dramBytes: dramBytes, quick: quick)
        }
        func sweepSizesFor(_ threads: Int) -> [Int] {
            guard threads == 1 || threads == threadCounts.last else { return [] }
            let capacities = PlateauDetector.levels(caches: host.caches, threads: threads)
            return sweepSizes(from: 16 << 10, to: min(maxBytes, max(4 * (capacities.last?.capacityBytes ?? lastCache), 128 << 20)))
        }
        let latencySizes = defaultLevelSizes(capacities: PlateauDetector.levels(caches: host.caches, threads: 1),
                                             dramBytes: dramBytes, quick: false)
        var total = 1
        if options.phases.contains(.flops) { total += 2 * threadCounts.count }
        for threads in threadCounts {
            if options.phases.contains(.bandwidth) { total += levelSizes(threads).count * options.kernels.count }
            if options.phases.contains(.sweep) { total += sweepSizesFor(threads).count * options.sweepKernels.count }
        }
        if options.phases.contains(.latency) { total += latencySizes.count }
        if options.phases.contains(.numa) { total += host.numaNodes.count * host.numaNodes.count }
        var done = 0
        let progress: Progress = { message in
            done += 1
            progress("[\(done)/\(total)] \(message)")
        }

        progress("clock: measuring the core clock with a dependent add chain")
        let clockHertz = CoreClock.measureHertz(sampler: sampler)

        var flops: [FlopsMeasurement] = []
        var peak = TheoreticalPeak(clockHertz: clockHertz, clockMethod: "dependent register add chain (1 add per cycle), best of \(options.samples)",
                                   fmaUnitsPerCore: 0, fmaUnitsMethod: "not measured", vectorBits: host.vectorBits,
                                   vectorMethod: "compiled kernel width (\(host.kernelISA)), \(host.vectorBits)-bit vectors")
        if options.phases.contains(.flops) {
            let result = try FlopsProbe(sampler: sampler, clockHertz: clockHertz, vectorBits: host.vectorBits)
                .measure(cpus: cpus, threadCounts: threadCounts, progress: progress)
            flops = result.measurements
            peak.fmaUnitsPerCore = result.fmaUnitsPerCore
            peak.fmaUnitsMethod = result.fmaUnitsMethod
        } else {
            peak.fmaUnitsPerCore = 1
            peak.fmaUnitsMethod = "not measured (FLOP phase skipped); 1 assumed"
        }

        var bandwidth: [BandwidthMeasurement] = []
        var levels: [LevelBandwidth] = []
        if options.phases.contains(.bandwidth) || options.phases.contains(.sweep) {
            for threads in threadCounts {
                let team = try ThreadTeam(cpus: Array(cpus.prefix(threads)))
                let runner = BandwidthRunner(team: team, sampler: sampler)
                let capacities = PlateauDetector.levels(caches: host.caches, threads: threads)
                if options.phases.contains(.bandwidth) {
                    for (level, size) in levelSizes(threads) {
                        for kernel in options.kernels {
                            progress("bandwidth: \(kernel.name) at \(Format.binaryBytes(size)), \(threads) thread\(threads == 1 ? "" : "s")")
                            let m = try runner.measure(kernel, workingSetBytes: size)
                            bandwidth.append(m)
                            if let level {
                                levels.append(LevelBandwidth(
                                    level: level, kernel: kernel.name, threads: threads, bytesPerSecond: m.algorithmicBytesPerSecond,
                                    fromWorkingSetBytes: [m.workingSetBytes],
                                    reportedCapacityBytes: capacities.first { $0.name == level }?.capacityBytes,
                                    measuredCapacityBytes: nil))
                            }
                        }
                    }
                }
                if options.phases.contains(.sweep) && !sweepSizesFor(threads).isEmpty {
                    for kernel in options.sweepKernels {
                        var points: [BandwidthMeasurement] = []
                        for size in sweepSizesFor(threads) {
                            progress("sweep: \(kernel.name) at \(Format.binaryBytes(size)), \(threads) thread\(threads == 1 ? "" : "s")")
                            points.append(try runner.measure(kernel, workingSetBytes: size))
                        }
                        bandwidth.append(contentsOf: points)
                        levels.append(contentsOf: plateauLevels(points, kernel: kernel.name, threads: threads, capacities: capacities))
                    }
                }
            }
        }

        var latency: [LatencyMeasurement] = []
        if options.phases.contains(.latency) {
            let probe = LatencyProbe(sampler: sampler)
            for (level, size) in latencySizes {
                progress("latency: pointer chase in \(level ?? "?") at \(Format.binaryBytes(size))")
                latency.append(LatencyMeasurement(level: level ?? "?", workingSetBytes: size,
                                                  nanosecondsPerLoad: try probe.measure(workingSetBytes: size),
                                                  pattern: LatencyProbe.pattern))
            }
        }

        var numa: NumaMatrix?
        if options.phases.contains(.numa) {
            numa = try NumaProbe(sampler: sampler).measure(host: host, bytes: min(dramBytes, 256 << 20), progress: progress)
            if !host.numaAvailable { notes.append("libnuma reports NUMA unavailable: measured as one node") }
        }

        host.memoryAvailableBytes = HostInfo.detect().memoryAvailableBytes
        return HostProfile(
            toolVersion: RooflineVersion.current, createdAt: ISO8601DateFormatter().string(from: Date()), mode: options.mode,
            host: host, theoreticalPeak: peak, bandwidth: bandwidth, levels: levels, flops: flops, latency: latency,
            numa: numa, timerResolutionSeconds: resolution, minimumSampleSeconds: sampler.minimumSampleSeconds, notes: notes)
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
