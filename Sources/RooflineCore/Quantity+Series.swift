import Foundation

extension Quantity {
    /// The most values one list option, and one sweep, may hold.
    public static let maximumSeriesCount = 10_000

    /// How lists and ranges are written, for help texts and errors.
    public static let seriesForms = "a list such as 1,2,4 or 4k,32k, a range such as 1..8 (+1 steps), 1..64+8 (+8 steps) or 1..512x2 (×2 steps)"

    /// Parses the entries of a list option (already split at commas) into counts, ascending and without repeats.
    /// Each entry is a count (`parseCount`) or a range: `a..b` (a, a+1, …, b), `a..b+s` (a, a+s, a+2s, … ≤ b) or
    /// `a..bxf` (a, a·f, a·f², … ≤ b, f ≥ 2). A range needs a ≤ b; more than `maximumSeriesCount` values in all is a
    /// usage error, found before any list is built (an additive range holds ⌊(b − a) / s⌋ + 1 values).
    public static func parseCountSeries(_ entries: [String], name: String) throws -> [Int] {
        var values: Set<Int> = []
        for entry in entries {
            for value in try parseSeriesEntry(entry, name: name) {
                values.insert(value)
                guard values.count <= maximumSeriesCount else { throw tooMany(name) }
            }
        }
        return values.sorted()
    }

    /// A usage error when a sweep of `batches` × `contexts` points on each of `devices` devices (at least one) gives
    /// more than `maximumSeriesCount` points in all.
    public static func checkSweepPoints(batches: Int, contexts: Int, devices: Int) throws {
        let points = batches * contexts * max(devices, 1)
        guard points <= maximumSeriesCount else {
            throw RooflineError.usage("--batch × --context × --device gives \(Format.grouped(points)) points, more than "
                + "\(Format.grouped(maximumSeriesCount)): narrow a range, use a ×step such as 1..512x2, or take fewer devices at once")
        }
    }

    /// The usage error of a series with more than `maximumSeriesCount` values.
    private static func tooMany(_ name: String) -> RooflineError {
        RooflineError.usage("\(name) gives more than \(Format.grouped(maximumSeriesCount)) values: narrow the range or use a ×step such as 1..512x2")
    }

    /// One entry of a series: a count, or a range `a..b`, `a..b+s`, `a..bxf` (see `parseCountSeries`).
    private static func parseSeriesEntry(_ entry: String, name: String) throws -> [Int] {
        guard let dots = entry.range(of: "..") else { return [try parseCount(entry, name: name)] }
        let lowerText = String(entry[..<dots.lowerBound])
        var upperText = String(entry[dots.upperBound...])
        var step: (factor: Bool, size: Int) = (false, 1)
        if let mark = upperText.lastIndex(where: { $0 == "x" || $0 == "X" || $0 == "+" }), mark != upperText.startIndex {
            let stepText = String(upperText[upperText.index(after: mark)...])
            let factor = upperText[mark] != "+"
            guard let size = try? parseCount(stepText, name: name), size >= (factor ? 2 : 1) else {
                throw RooflineError.usage("\(name) '\(entry)' has a bad step '\(upperText[mark...])': write +N (N ≥ 1) or xN (N ≥ 2), as in 1..64+8 or 1..512x2")
            }
            step = (factor, size)
            upperText = String(upperText[..<mark])
        }
        guard !lowerText.isEmpty, !upperText.isEmpty else {
            throw RooflineError.usage("\(name) '\(entry)' needs both ends: write a range such as 1..512x2")
        }
        let lower = try parseCount(lowerText, name: name), upper = try parseCount(upperText, name: name)
        guard lower <= upper else {
            throw RooflineError.usage("\(name) '\(entry)' runs backwards: write the smaller end first, as in 1..512x2")
        }
        if step.factor {
            var values: [Int] = []
            var value = lower
            while value <= upper {
                values.append(value)
                let (next, overflow) = value.multipliedReportingOverflow(by: step.size)
                if overflow { break }
                value = next
            }
            return values
        }
        guard (upper - lower) / step.size < maximumSeriesCount else { throw tooMany(name) }
        return Array(stride(from: lower, through: upper, by: step.size))
    }
}
