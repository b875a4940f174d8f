import CRooflineSupport

/// Peak FLOP rate per data type and thread count, and the FMA units per core that the theoretical peak uses.
struct FlopsProbe {
    let sampler: Sampler
    let clockHertz: Double
    let vectorBits: Int

    struct Result {
        var measurements: [FlopsMeasurement]
        var fmaUnitsPerCore: Int
        var fmaUnitsMethod: String
    }

    /// The FMA probe (fp64, fp32), then `paths` (the int8/bf16/fp16 paths `paths(flags:allPaths:)` chose for this
    /// CPU), at every thread count.
    func measure(cpus: [Int], threadCounts: [Int], paths: [ComputePath],
                 progress: HostProbe.Progress) throws -> Result {
        var rates: [(DataType, Int, SampleSummary)] = []
        for threads in threadCounts {
            let team = try ThreadTeam(cpus: Array(cpus.prefix(threads)))
            for type in [DataType.fp64, .fp32] {
                progress("flops: \(type.rawValue) FMA, \(threads) thread\(threads == 1 ? "" : "s")")
                let kernel = try FlopsKernel.forBuild(type)
                rates.append((type, threads, try rate(on: team, name: "the FMA chains",
                                                      operations: { kernel.flops(iterations: $0) }, run: { kernel.run(iterations: $0) })))
            }
        }
        // FMA units: vector FMAs per cycle on one core at the compiled width, rounded to a whole number of units.
        let single = rates.first { $0.0 == .fp64 && $0.1 == 1 } ?? rates.first { $0.0 == .fp64 }!
        let lanes = Double(vectorBits / 64)
        let perCycle = single.2.best / Double(single.1) / (2 * lanes) / clockHertz
        let units = max(1, Int(perCycle.rounded()))
        let method = "measured: \(Format.significant(perCycle, digits: 3)) independent \(vectorBits)-bit FMAs per cycle on one core, rounded to whole units"
        let peakPerCore = TheoreticalPeak(clockHertz: clockHertz, clockMethod: "", fmaUnitsPerCore: units, fmaUnitsMethod: method,
                                          vectorBits: vectorBits, vectorMethod: "")
        var measurements = rates.map { type, threads, summary in
            FlopsMeasurement(dataType: type, threads: threads, flopsPerSecond: summary,
                             theoreticalFlopsPerSecond: peakPerCore.flopsPerSecondPerCore(type) * Double(threads),
                             path: "fma", instruction: "vfmadd231\(type == .fp64 ? "pd" : "ps") \(vectorBits)-bit (FMA probe)",
                             theoreticalMethod: method)
        }
        for path in paths {
            measurements += try measure(path, cpus: cpus, threadCounts: threadCounts, progress: progress)
        }
        return Result(measurements: measurements, fmaUnitsPerCore: units, fmaUnitsMethod: method)
    }

    /// The paths to measure on a CPU with `flags`: every available one, or (`allPaths` false, the quick probe) the
    /// first available per data type, which is the widest; with the others and why each is left out.
    static func paths(flags: Set<String>, allPaths: Bool) -> ([ComputePath], [AbsentComputePath]) {
        var chosen: [ComputePath] = []
        var absent: [AbsentComputePath] = []
        var amxGranted: Int32?
        for path in ComputePath.all {
            func skip(_ reason: String) {
                absent.append(AbsentComputePath(path: path.id, dataType: path.dataType, instruction: path.instruction, reason: reason))
            }
            let missing = path.missingFlags(in: flags)
            if !missing.isEmpty {
                skip("no \(missing.joined(separator: ", ")) in /proc/cpuinfo")
                continue
            }
            if !allPaths, chosen.contains(where: { $0.dataType == path.dataType }) {
                skip("not measured by the quick probe (a full probe measures every path)")
                continue
            }
            if path.needsAMXPermission {
                let errno = amxGranted ?? roofline_amx_request_permission()
                amxGranted = errno
                if errno != 0 {
                    skip("Linux refused the AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM: errno \(errno))")
                    continue
                }
            }
            chosen.append(path)
        }
        return (chosen, absent)
    }

    /// Operations per second of `run` on every thread of `team` at once, one sample per timed repetition of 1,000
    /// iterations each: operations(1000) × threads ÷ seconds. Throws when a thread's result is not finite (the
    /// kernel's arithmetic went wrong), naming `name`.
    private func rate(on team: ThreadTeam, name: String, operations: (Int) -> Double,
                      run: @escaping @Sendable (Int) -> Double) throws -> SampleSummary {
        let threads = team.count
        let times = ThreadTimes(count: threads)
        let sinks = ThreadSums(count: threads)
        let iterationsPerRepetition = 1000
        let seconds = sampler.selfTimedSecondsPerRepetition { repetitions in
            team.run { t in
                let start = MonotonicClock.now()
                let result = run(repetitions * iterationsPerRepetition)
                let end = MonotonicClock.now()
                times.record(thread: t, start: start, end: end)
                sinks[t] = result
            }
            return times.elapsedSeconds
        }
        for t in 0..<threads where !sinks[t].isFinite {
            throw RooflineError.runtime("validation failed, no number reported: \(name) produced \(sinks[t])")
        }
        let perRepetition = operations(iterationsPerRepetition) * Double(threads)
        return SampleSummary(seconds.map { perRepetition / $0 }, higherIsBetter: true)
    }

    /// Whole execution units behind a measured rate: ⌈instructions per cycle ÷ 1.03⌉, at least 1. Rounded up, not to
    /// the nearest, so a path limited by a companion instruction (F16C's conversions at 1.14 FMAs per cycle on a
    /// 2-FMA core) keeps its units and shows the shortfall as a fraction below 1; the 3 % lets a clock measured a
    /// little low leave 2.05 at 2 units.
    static func wholeUnits(instructionsPerCycle: Double) -> Double {
        max(1, (instructionsPerCycle / 1.03).rounded(.up))
    }

    /// One path at each thread count. Theoretical peak: clock × units × operations per instruction × threads, where
    /// units = the path's instructions per cycle on one thread rounded up to whole units (`wholeUnits`), or the
    /// published per-core rate where the path has one.
    private func measure(_ path: ComputePath, cpus: [Int], threadCounts: [Int],
                         progress: HostProbe.Progress) throws -> [FlopsMeasurement] {
        var rates: [(Int, SampleSummary)] = []
        for threads in threadCounts {
            let team = try ThreadTeam(cpus: Array(cpus.prefix(threads)))
            progress("flops: \(path.dataType.rawValue) \(path.instruction), \(threads) thread\(threads == 1 ? "" : "s")")
            rates.append((threads, try rate(on: team, name: "the \(path.id) kernel",
                                            operations: { path.operations(iterations: $0) }, run: { path.run(iterations: $0) })))
        }
        let single = rates.min { $0.0 < $1.0 }!
        let perCycle = single.1.best / Double(single.0) / path.operationsPerInstruction / clockHertz
        let (operationsPerCycle, method): (Double, String)
        if let published = path.publishedOperationsPerCycle {
            (operationsPerCycle, method) = (published.value, "published: \(published.source)")
        } else {
            let units = Self.wholeUnits(instructionsPerCycle: perCycle)
            operationsPerCycle = units * path.operationsPerInstruction
            method = "measured: \(Format.significant(perCycle, digits: 3)) \(path.instruction) per cycle on one core, rounded up to \(Int(units)) unit\(units == 1 ? "" : "s") × \(Int(path.operationsPerInstruction)) operations"
        }
        return rates.map { threads, summary in
            FlopsMeasurement(dataType: path.dataType, threads: threads, flopsPerSecond: summary,
                             theoreticalFlopsPerSecond: clockHertz * operationsPerCycle * Double(threads),
                             path: path.id, instruction: path.instruction, theoreticalMethod: method)
        }
    }
}
