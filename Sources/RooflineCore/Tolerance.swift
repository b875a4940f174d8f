extension Double {
    /// True when `self` and `other` differ by at most `relativeTolerance` times the larger magnitude:
    /// |a − b| ≤ tol × max(|a|, |b|). Two zeros are equal; NaN equals nothing.
    /// Example: 100 and 100.9 are equal at 0.01 (1 %) but not at 0.001.
    public func isApproximatelyEqual(to other: Double, relativeTolerance: Double) -> Bool {
        if self == other { return true }
        guard isFinite, other.isFinite else { return false }
        return abs(self - other) <= relativeTolerance * Swift.max(abs(self), abs(other))
    }
}
