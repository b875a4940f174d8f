/// Memory latency: a chain of dependent loads through a random cyclic permutation of cache lines, so neither
/// the prefetchers nor memory-level parallelism can help. Each 64-byte line holds the address of the next.
struct LatencyProbe {
    let sampler: Sampler
    static let lineBytes = 64
    static let stepsPerRepetition = 1 << 14
    static let pattern = "random cyclic permutation (Sattolo) of 64-byte lines over the whole working set, 2 MiB pages advised"

    /// Nanoseconds per dependent load over a working set of `workingSetBytes`.
    func measure(workingSetBytes: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) throws -> SampleSummary {
        let lines = max(2, workingSetBytes / Self.lineBytes)
        let buffer = try AlignedBuffer(bytes: lines * Self.lineBytes)
        // Sattolo's algorithm: a single cycle through every line.
        var order = Array(0..<lines)
        var state = seed
        for i in stride(from: lines - 1, to: 0, by: -1) {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let j = Int((state >> 33) % UInt64(i))
            order.swapAt(i, j)
        }
        let base = buffer.raw
        for i in 0..<lines {
            let next = base + order[i] * Self.lineBytes
            (base + i * Self.lineBytes).storeBytes(of: next, as: UnsafeMutableRawPointer.self)
        }
        var cursor = base
        let seconds = sampler.secondsPerRepetition { repetitions in
            var p = cursor
            for _ in 0..<(repetitions * Self.stepsPerRepetition) {
                p = p.load(as: UnsafeMutableRawPointer.self)
            }
            cursor = p
        }
        LatencyProbe.sink = cursor
        withExtendedLifetime(buffer) {}
        return SampleSummary(seconds.map { $0 / Double(Self.stepsPerRepetition) * 1e9 }, higherIsBetter: false)
    }

    nonisolated(unsafe) static var sink: UnsafeMutableRawPointer?
}
