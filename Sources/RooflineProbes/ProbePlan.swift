/// What one probe will measure, fixed before anything runs so that progress can say how far it is: the thread
/// counts, the sizes at each, the DRAM size. Creating it checks the requested sizes.
struct ProbePlan {
    let options: ProbeOptions
    let host: HostInfo
    let threadCounts: [Int]
    /// Half of MemAvailable: the largest working set allowed.
    let maxBytes: Int
    /// `HostProbe.lastLevelCacheBytes(of: host)`.
    let lastCacheBytes: Int
    let dramBytes: Int
    /// The int8/bf16/fp16 paths the FLOP phase measures on this CPU (all available in a full probe, the widest per
    /// data type in a quick one), and the known paths it leaves out with why (`FlopsProbe.paths`), chosen once.
    let computePaths: [ComputePath]
    let absentComputePaths: [AbsentComputePath]
    /// What the profile should say about the plan (a DRAM size capped by memory).
    private(set) var notes: [String] = []

    init(options: ProbeOptions, host: HostInfo) throws {
        self.options = options
        self.host = host
        threadCounts = try HostProbe.resolveThreadCounts(options.threadCounts, available: host.cpusAvailable.count,
                                                         quick: options.mode == .quick)
        maxBytes = host.memoryAvailableBytes / 2
        lastCacheBytes = HostProbe.lastLevelCacheBytes(of: host)
        var dramBytes = options.dramBytes ?? max(8 * lastCacheBytes, 256 << 20)
        if options.dramBytes == nil && dramBytes > maxBytes {
            dramBytes = maxBytes
            notes.append("DRAM working set capped at half of MemAvailable: \(Format.bytes(Double(maxBytes)))")
        }
        self.dramBytes = dramBytes
        (computePaths, absentComputePaths) = FlopsProbe.paths(flags: Set(host.cpuFeatures), allPaths: options.allComputePaths)
        try checkSizes()
    }

    /// A requested DRAM size must be at least twice the last-level cache, and no working set above `maxBytes`.
    private func checkSizes() throws {
        if let requested = options.dramBytes, Double(requested) < 2 * Double(lastCacheBytes) {
            throw RooflineError.usage(
                "--dram-size \(Format.binaryBytes(requested)) is not well beyond the last-level cache (\(Format.binaryBytes(lastCacheBytes))): use at least \(Format.binaryBytes(2 * lastCacheBytes))")
        }
        for size in (options.workingSets ?? []) + [dramBytes] where size > maxBytes {
            throw RooflineError.usage(
                "working set \(Format.bytes(Double(size))) is more than half of available memory (\(Format.bytes(Double(maxBytes)))): choose a smaller size")
        }
    }

    /// Progress steps: the clock, then one for each measurement.
    var steps: Int {
        var total = 1
        if options.phases.contains(.flops) { total += (2 + computePaths.count) * threadCounts.count }
        for threads in threadCounts {
            if options.phases.contains(.bandwidth) { total += levelSizes(threads: threads).count * options.kernels.count }
            if options.phases.contains(.sweep) { total += sweepSizes(threads: threads).count * options.sweepKernels.count }
        }
        if options.phases.contains(.latency) { total += latencySizes.count }
        if options.phases.contains(.numa) { total += host.numaNodes.count * host.numaNodes.count }
        return total
    }

    /// The data cache levels as `threads` threads see them.
    func capacities(threads: Int) -> [PlateauDetector.Level] {
        PlateauDetector.levels(caches: host.caches, threads: threads)
    }

    /// The fixed sizes at `threads`, each with the level it sits in: the requested working sets (no level), or
    /// `HostProbe.defaultLevelSizes`.
    func levelSizes(threads: Int) -> [(String?, Int)] {
        options.workingSets.map { $0.map { (nil as String?, $0) } }
            ?? HostProbe.defaultLevelSizes(capacities: capacities(threads: threads), dramBytes: dramBytes,
                                           quick: options.mode == .quick)
    }

    /// The sweep's sizes at `threads`, swept at one thread and the most only: 16 KiB up to 4 × the last level's
    /// capacity (at least 128 MiB), at most `maxBytes`.
    func sweepSizes(threads: Int) -> [Int] {
        guard threads == 1 || threads == threadCounts.last else { return [] }
        let top = max(4 * (capacities(threads: threads).last?.capacityBytes ?? lastCacheBytes), 128 << 20)
        return HostProbe.sweepSizes(from: 16 << 10, to: min(maxBytes, top))
    }

    /// The latency sizes: inside each level for one thread, and DRAM, in every mode.
    var latencySizes: [(String?, Int)] {
        HostProbe.defaultLevelSizes(capacities: capacities(threads: 1), dramBytes: dramBytes, quick: false)
    }
}
