/// Wall-clock time from CLOCK_MONOTONIC, in seconds.
public enum MonotonicClock {
    /// Seconds since an arbitrary fixed point.
    @inline(__always)
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// The smallest non-zero step between two consecutive readings, in seconds (the timer's effective resolution,
    /// which includes the cost of one call).
    public static func resolutionSeconds() -> Double {
        var smallest = Double.infinity
        for _ in 0..<200 {
            let a = now()
            var b = now()
            while b == a { b = now() }
            smallest = min(smallest, b - a)
        }
        var reported = timespec()
        clock_getres(CLOCK_MONOTONIC, &reported)
        let reportedSeconds = Double(reported.tv_sec) + Double(reported.tv_nsec) * 1e-9
        return max(smallest, reportedSeconds)
    }
}
