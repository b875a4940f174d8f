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
        let threads = team.count
        let granuleBytes = BandwidthArrays.vectorGranule * 64
        let bytesPerArrayPerThread = max(granuleBytes, workingSetBytes / (kernel.arrayCount * threads) / granuleBytes * granuleBytes)
        let vectorsPerThread = bytesPerArrayPerThread / 64
        let actualWorkingSet = bytesPerArrayPerThread * kernel.arrayCount * threads

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

        let times = ThreadTimes(count: threads)
        let sums = ThreadSums(count: threads)
        let seconds = sampler.selfTimedSecondsPerRepetition({ repetitions in
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
        })
        for t in 0..<threads {
            if let problem = kernel.validate(slices[t], loadSum: sums[t]) {
                throw RooflineError.runtime("validation failed, no number reported: \(problem)")
            }
        }
        let algorithmic = seconds.map { Double(kernel.algorithmicBytesPerElement * vectorsPerThread * 8 * threads) / $0 }
        let hardware = seconds.map { Double(kernel.hardwareBytesPerElement * vectorsPerThread * 8 * threads) / $0 }
        withExtendedLifetime(buffers) {}
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
