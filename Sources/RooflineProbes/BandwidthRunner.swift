/// Measures one bandwidth kernel at one working-set size on a thread team.
struct BandwidthRunner {
    let team: ThreadTeam
    let sampler: Sampler

    /// Offsets between the arrays of one thread, so the streams do not alias in the L1 sets (4 KiB aliasing).
    private static let arrayOffsetBytes = [0, 1088, 2176]

    /// Runs `kernel` over a total working set of `workingSetBytes` (all arrays, all threads), each thread on its
    /// own slice that it touched first. Returns the summary in algorithmic and hardware bytes per second.
    /// Throws when the result does not validate.
    func measure(_ kernel: BandwidthKernel, workingSetBytes: Int, memoryNode: Int? = nil) throws -> BandwidthMeasurement {
        let prepared = try prepare(kernel, workingSetBytes: workingSetBytes, memoryNode: memoryNode)
        return try prepared.result(seconds: sampler.selfTimedSecondsPerRepetition(prepared.timing))
    }

    /// Allocates, first-touches and initialises `kernel`'s arrays for `workingSetBytes`, ready to time: the caller
    /// samples `timing` (alone, or interleaved with another kernel) and hands the seconds to `result`.
    func prepare(_ kernel: BandwidthKernel, workingSetBytes: Int, memoryNode: Int? = nil) throws -> PreparedBandwidth {
        let threads = team.count
        let granuleBytes = BandwidthArrays.vectorGranule * 64
        let bytesPerArrayPerThread = max(granuleBytes, workingSetBytes / (kernel.arrayCount * threads) / granuleBytes * granuleBytes)
        let vectorsPerThread = bytesPerArrayPerThread / 64

        // One allocation per thread holding its arrays, bound to a node when asked.
        let stride = bytesPerArrayPerThread + 4096
        var buffers: [AlignedBuffer] = []
        var slices: [BandwidthArrays] = []
        for t in 0..<threads {
            let buffer = try AlignedBuffer(bytes: stride * 3, numaNode: memoryNode)
            buffers.append(buffer)
            let base = buffer.raw
            func array(_ k: Int) -> UnsafeMutablePointer<SIMD8<Double>> {
                (base + k * stride + Self.arrayOffsetBytes[k]).bindMemory(to: SIMD8<Double>.self, capacity: vectorsPerThread)
            }
            slices.append(BandwidthArrays(a: array(0), b: array(1), c: array(2), vectors: vectorsPerThread,
                                          firstElement: t * vectorsPerThread * 8))
        }
        let work = SliceSet(slices)
        team.run { t in work.slices[t].initialize(for: kernel) }
        return PreparedBandwidth(kernel: kernel, team: team, buffers: buffers, work: work, vectorsPerThread: vectorsPerThread,
                                 actualWorkingSet: bytesPerArrayPerThread * kernel.arrayCount * threads, memoryNode: memoryNode)
    }
}

/// A bandwidth kernel's arrays, ready to time (see `BandwidthRunner.prepare`).
final class PreparedBandwidth {
    let kernel: BandwidthKernel
    let team: ThreadTeam
    /// Owns the memory `work` points into.
    let buffers: [AlignedBuffer]
    let work: SliceSet
    let vectorsPerThread: Int
    let actualWorkingSet: Int
    let memoryNode: Int?
    let times: ThreadTimes
    let sums: ThreadSums

    init(kernel: BandwidthKernel, team: ThreadTeam, buffers: [AlignedBuffer], work: SliceSet, vectorsPerThread: Int,
         actualWorkingSet: Int, memoryNode: Int?) {
        self.kernel = kernel
        self.team = team
        self.buffers = buffers
        self.work = work
        self.vectorsPerThread = vectorsPerThread
        self.actualWorkingSet = actualWorkingSet
        self.memoryNode = memoryNode
        times = ThreadTimes(count: team.count)
        sums = ThreadSums(count: team.count)
    }

    /// Runs `repetitions` passes on every thread and returns the elapsed seconds the threads measured.
    func timing(_ repetitions: Int) -> Double {
        let (kernel, work, times, sums) = (kernel, work, times, sums)
        team.run { t in
            let slice = work.slices[t]
            var sum = 0.0
            let start = MonotonicClock.now()
            for _ in 0..<repetitions { sum = kernel.runPass(slice) }
            kernel.finish()
            let end = MonotonicClock.now()
            times.record(thread: t, start: start, end: end)
            sums[t] = sum
        }
        return times.elapsedSeconds
    }

    /// Validates the arrays after the timed passes and turns seconds per pass into the measurement.
    func result(seconds: [Double]) throws -> BandwidthMeasurement {
        let threads = team.count
        for t in 0..<threads {
            if let problem = kernel.validate(work.slices[t], loadSum: sums[t]) {
                throw RooflineError.runtime("validation failed, no number reported: \(problem)")
            }
        }
        let algorithmic = seconds.map { Double(kernel.algorithmicBytesPerElement * vectorsPerThread * 8 * threads) / $0 }
        let hardware = seconds.map { Double(kernel.hardwareBytesPerElement * vectorsPerThread * 8 * threads) / $0 }
        return BandwidthMeasurement(
            kernel: kernel.name, workingSetBytes: actualWorkingSet, threads: threads,
            algorithmicBytesPerSecond: SampleSummary(algorithmic, higherIsBetter: true),
            hardwareBytesPerSecond: SampleSummary(hardware, higherIsBetter: true),
            memoryNode: memoryNode, cpuNode: nil)
    }
}

/// The slices of a measurement, shared read-only with the team's threads.
struct SliceSet: @unchecked Sendable {
    let slices: [BandwidthArrays]
    init(_ slices: [BandwidthArrays]) { self.slices = slices }
}
