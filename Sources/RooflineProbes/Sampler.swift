/// Repeats a timed region until it is long enough for the timer, then collects samples.
///
/// Protocol: one warm-up call; then the repetition count doubles until one sample lasts at least
/// `minimumSampleSeconds` (≥ 1000 × the timer's resolution); then `samples` timed samples at that count.
/// Each sample's time is divided by its repetitions: the result is seconds per repetition.
public struct Sampler: Sendable {
    public var minimumSampleSeconds: Double
    public var samples: Int

    public init(minimumSampleSeconds: Double, samples: Int = 5) {
        precondition(samples >= 1 && minimumSampleSeconds > 0)
        self.minimumSampleSeconds = minimumSampleSeconds
        self.samples = samples
    }

    /// A sampler whose samples last at least max(1000 × timer resolution, `floorSeconds`).
    public static func standard(samples: Int = 5, floorSeconds: Double = 0.002) -> Sampler {
        Sampler(minimumSampleSeconds: max(1000 * MonotonicClock.resolutionSeconds(), floorSeconds), samples: samples)
    }

    /// Seconds per repetition for each sample. `body(repetitions)` must run the region `repetitions` times,
    /// and its work must escape (store results to memory) so the compiler cannot move it out of the timed region.
    public func secondsPerRepetition(_ body: (Int) -> Void) -> [Double] {
        selfTimedSecondsPerRepetition({ repetitions in
            let start = MonotonicClock.now()
            body(repetitions)
            return MonotonicClock.now() - start
        })
    }

    /// Like `secondsPerRepetition(_:)`, for a body that times itself: `timing(repetitions)` runs the region
    /// `repetitions` times and returns the elapsed seconds it measured (a thread team measures inside its threads).
    public func selfTimedSecondsPerRepetition(_ timing: (Int) -> Double) -> [Double] {
        _ = timing(1)  // warm-up: page faults, caches, clock ramp
        var repetitions = 1
        while true {
            let elapsed = timing(repetitions)
            if elapsed >= minimumSampleSeconds { break }
            // Jump close to the target in one step when the sample was far too short.
            let factor = elapsed > 0 ? min(max(2, (minimumSampleSeconds / elapsed) * 1.2), 1024) : 1024
            repetitions = Int((Double(repetitions) * factor).rounded(.up))
        }
        var result: [Double] = []
        result.reserveCapacity(samples)
        for _ in 0..<samples {
            result.append(timing(repetitions) / Double(repetitions))
        }
        return result
    }
}
