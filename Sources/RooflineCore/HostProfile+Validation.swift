/// Checks of values read from files this tool wrote (host profiles, operator validations): a file edited by hand or
/// damaged must not reach a renderer or a kernel with a negative bandwidth, a zero peak or −1 threads. Each check
/// throws a data error naming the field (`bandwidth[3].algorithmicBytesPerSecond.best`) and the value.
public struct FieldCheck {
    /// The path of the value being checked, from the document's root.
    public var path: String

    public init(_ path: String) { self.path = path }

    /// The same check one field further down: `path.name`, or `path[index]`.
    public func callAsFunction(_ name: String) -> FieldCheck { FieldCheck(path.isEmpty ? name : "\(path).\(name)") }
    public func callAsFunction(_ index: Int) -> FieldCheck { FieldCheck("\(path)[\(index)]") }

    /// `value` must be finite and above 0.
    public func positive(_ value: Double) throws {
        guard value.isFinite, value > 0 else { throw fail("a positive finite number", "\(value)") }
    }

    /// `value` must be finite.
    public func finite(_ value: Double) throws {
        guard value.isFinite else { throw fail("a finite number", "\(value)") }
    }

    /// `value` must be finite and at least 0.
    public func nonNegative(_ value: Double) throws {
        guard value.isFinite, value >= 0 else { throw fail("a finite number ≥ 0", "\(value)") }
    }

    /// `value` must lie in `range`.
    public func whole(_ value: Int, in range: ClosedRange<Int>) throws {
        guard range.contains(value) else {
            throw fail("a whole number from \(range.lowerBound) to \(range.upperBound)", "\(value)")
        }
    }

    /// Every value of a summary positive and finite, best to worst in order, at least one sample; `higherIsBetter`
    /// for rates (best ≥ median ≥ worst), false for times.
    public func summary(_ value: SampleSummary, higherIsBetter: Bool = true) throws {
        try self("best").positive(value.best)
        try self("median").positive(value.median)
        try self("worst").positive(value.worst)
        try self("count").whole(value.count, in: 1...1_000_000)
        let ordered = higherIsBetter ? value.best >= value.median && value.median >= value.worst
            : value.best <= value.median && value.median <= value.worst
        guard ordered else {
            throw fail("a summary with best, median and worst in order", "best \(value.best), median \(value.median), worst \(value.worst)")
        }
    }

    public func fail(_ expected: String, _ got: String) -> RooflineError {
        RooflineError.badData("\(path) must be \(expected), got \(got)")
    }
}

/// The most threads a profile or a measurement may name: far above any machine's CPUs, far below what would
/// exhaust memory on a misread file.
public let maximumThreadCount = 65_536

extension HostProfile {
    /// The profile, after checking every number that reaches a roofline, a kernel or a renderer: rates, peaks, clock
    /// and latencies positive and finite; thread counts and CPU lists in range; sizes positive. Throws a data error
    /// naming the field.
    public func validated() throws -> HostProfile {
        let root = FieldCheck("")
        guard !host.cpusAvailable.isEmpty else { throw root("host")("cpusAvailable").fail("a non-empty list", "[]") }
        for (index, cpu) in host.cpusAvailable.enumerated() {
            try root("host")("cpusAvailable")(index).whole(cpu, in: 0...maximumThreadCount)
        }
        for (index, cache) in host.caches.enumerated() {
            let field = root("host")("caches")(index)
            try field("level").whole(cache.level, in: 1...8)
            try field("sizeBytes").whole(cache.sizeBytes, in: 1...(1 << 50))
            try field("sharedByCPUs").whole(cache.sharedByCPUs, in: 1...maximumThreadCount)
        }
        try root("host")("vectorBits").whole(host.vectorBits, in: 1...4096)
        try root("theoreticalPeak")("clockHertz").positive(theoreticalPeak.clockHertz)
        try root("theoreticalPeak")("fmaUnitsPerCore").whole(theoreticalPeak.fmaUnitsPerCore, in: 0...64)
        try root("theoreticalPeak")("vectorBits").whole(theoreticalPeak.vectorBits, in: 1...4096)
        for (index, measurement) in bandwidth.enumerated() {
            let field = root("bandwidth")(index)
            try field("workingSetBytes").whole(measurement.workingSetBytes, in: 1...Int.max)
            try field("threads").whole(measurement.threads, in: 1...maximumThreadCount)
            try field("algorithmicBytesPerSecond").summary(measurement.algorithmicBytesPerSecond)
            try field("hardwareBytesPerSecond").summary(measurement.hardwareBytesPerSecond)
        }
        for (index, level) in levels.enumerated() {
            let field = root("levels")(index)
            try field("threads").whole(level.threads, in: 1...maximumThreadCount)
            try field("bytesPerSecond").summary(level.bytesPerSecond)
        }
        for (index, measurement) in flops.enumerated() {
            let field = root("flops")(index)
            try field("threads").whole(measurement.threads, in: 1...maximumThreadCount)
            try field("flopsPerSecond").summary(measurement.flopsPerSecond)
            try field("theoreticalFlopsPerSecond").positive(measurement.theoreticalFlopsPerSecond)
        }
        for (index, measurement) in latency.enumerated() {
            let field = root("latency")(index)
            try field("workingSetBytes").whole(measurement.workingSetBytes, in: 1...Int.max)
            try field("nanosecondsPerLoad").summary(measurement.nanosecondsPerLoad, higherIsBetter: false)
        }
        if let numa {
            for (row, rates) in numa.bytesPerSecond.enumerated() {
                for (column, rate) in rates.enumerated() {
                    try root("numa")("bytesPerSecond")(row)(column).summary(rate)
                }
            }
        }
        try root("timerResolutionSeconds").positive(timerResolutionSeconds)
        try root("minimumSampleSeconds").positive(minimumSampleSeconds)
        return self
    }
}

extension Roofline {
    /// The roofline, after checking that every ceiling is a positive finite rate (and every capacity positive).
    public func validated(_ field: FieldCheck) throws -> Roofline {
        for (index, ceiling) in computeCeilings.enumerated() {
            try field("computeCeilings")(index)("flopsPerSecond").positive(ceiling.flopsPerSecond)
        }
        for (index, ceiling) in bandwidthCeilings.enumerated() {
            try field("bandwidthCeilings")(index)("bytesPerSecond").positive(ceiling.bytesPerSecond)
            if let capacity = ceiling.capacityBytes { try field("bandwidthCeilings")(index)("capacityBytes").positive(capacity) }
        }
        guard bandwidthCeiling() != nil else {
            throw field("mainMemoryLevel").fail("one of the bandwidth ceilings' levels", mainMemoryLevel)
        }
        return self
    }
}

extension OperatorValidation {
    /// The validation, after checking its roofline, thread count and every row's counts, times and predictions.
    public func validated() throws -> OperatorValidation {
        let root = FieldCheck("")
        _ = try roofline.validated(root("roofline"))
        try root("threads").whole(threads, in: 1...maximumThreadCount)
        for (index, row) in rows.enumerated() {
            let field = root("rows")(index)
            let measurement = row.measurement
            try field("measurement")("operator")("flops").nonNegative(measurement.operator.flops)
            try field("measurement")("operator")("bytes")("weights").nonNegative(measurement.operator.bytes.weights)
            try field("measurement")("operator")("bytes")("activations").nonNegative(measurement.operator.bytes.activations)
            try field("measurement")("operator")("bytes")("kvCache").nonNegative(measurement.operator.bytes.kvCache)
            try field("measurement")("workingSetBytes").positive(measurement.workingSetBytes)
            try field("measurement")("threads").whole(measurement.threads, in: 1...maximumThreadCount)
            try field("measurement")("seconds").summary(measurement.seconds, higherIsBetter: false)
            if let reference = measurement.mainMemoryReference {
                try field("measurement")("mainMemoryReference").summary(reference)
            }
            try field("predictedSeconds").positive(row.predictedSeconds)
            try field("efficiencyBest").positive(row.efficiencyBest)
            try field("efficiencyMedian").positive(row.efficiencyMedian)
            try field("achievedBytesPerSecond").nonNegative(row.achievedBytesPerSecond)
            try field("achievedFlopsPerSecond").nonNegative(row.achievedFlopsPerSecond)
            if let window = row.sameWindow {
                try field("sameWindow")("bytesPerSecond").positive(window.bytesPerSecond)
                try field("sameWindow")("predictedSeconds").positive(window.predictedSeconds)
            }
        }
        return self
    }
}
