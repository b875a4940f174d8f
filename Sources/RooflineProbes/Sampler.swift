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
        let repetitions = calibrated(timing)
        return (0..<samples).map { _ in timing(repetitions) / Double(repetitions) }
    }

    /// Two self-timed bodies sampled alternately (a, b, a, b, …), each calibrated on its own: on a machine whose
    /// bandwidth drifts, both see the same stretch of time, so their ratio means something.
    public func interleavedSecondsPerRepetition(_ a: (Int) -> Double, _ b: (Int) -> Double) -> (a: [Double], b: [Double]) {
        let (repetitionsA, repetitionsB) = (calibrated(a), calibrated(b))
        var (secondsA, secondsB) = ([Double](), [Double]())
        for _ in 0..<samples {
            secondsA.append(a(repetitionsA) / Double(repetitionsA))
            secondsB.append(b(repetitionsB) / Double(repetitionsB))
        }
        return (secondsA, secondsB)
    }

    /// After one warm-up call (page faults, caches, clock ramp), the repetition count whose sample lasts at least
    /// `minimumSampleSeconds`.
    func calibrated(_ timing: (Int) -> Double) -> Int {
        _ = timing(1)
        var repetitions = 1
        while true {
            let elapsed = timing(repetitions)
            if elapsed >= minimumSampleSeconds { return repetitions }
            // Jump close to the target in one step when the sample was far too short.
            let factor = elapsed > 0 ? min(max(2, (minimumSampleSeconds / elapsed) * 1.2), 1024) : 1024
            repetitions = Int((Double(repetitions) * factor).rounded(.up))
        }
    }
}
