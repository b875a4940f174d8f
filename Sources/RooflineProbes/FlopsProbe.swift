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

    func measure(cpus: [Int], threadCounts: [Int], progress: HostProbe.Progress) throws -> Result {
        var rates: [(DataType, Int, SampleSummary)] = []
        for threads in threadCounts {
            let team = try ThreadTeam(cpus: Array(cpus.prefix(threads)))
            for type in [DataType.fp64, .fp32] {
                progress("flops: \(type.rawValue) FMA, \(threads) thread\(threads == 1 ? "" : "s")")
                let kernel = try FlopsKernel.forBuild(type)
                let times = ThreadTimes(count: threads)
                let sinks = ThreadSums(count: threads)
                let iterationsPerRepetition = 1000
                let seconds = sampler.selfTimedSecondsPerRepetition { repetitions in
                    team.run { t in
                        let start = MonotonicClock.now()
                        let result = kernel.run(iterations: repetitions * iterationsPerRepetition)
                        let end = MonotonicClock.now()
                        times.record(thread: t, start: start, end: end)
                        sinks[t] = result
                    }
                    return times.elapsedSeconds
                }
                for t in 0..<threads where !sinks[t].isFinite {
                    throw RooflineError.runtime("validation failed, no number reported: the FMA chains produced \(sinks[t])")
                }
                let flopsPerRepetition = kernel.flops(iterations: iterationsPerRepetition) * Double(threads)
                rates.append((type, threads, SampleSummary(seconds.map { flopsPerRepetition / $0 }, higherIsBetter: true)))
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
        let measurements = rates.map { type, threads, summary in
            FlopsMeasurement(dataType: type, threads: threads, flopsPerSecond: summary,
                             theoreticalFlopsPerSecond: peakPerCore.flopsPerSecondPerCore(type) * Double(threads))
        }
        return Result(measurements: measurements, fmaUnitsPerCore: units, fmaUnitsMethod: method)
    }
}
