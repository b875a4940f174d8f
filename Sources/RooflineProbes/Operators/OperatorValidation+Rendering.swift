import Foundation

/// Text and markdown renderings of an `OperatorValidation` (JSON is its Codable form). Pure functions of the value.
extension OperatorValidation {
    /// Column headers and one array of cells per row of the predicted-vs-measured table.
    public var tableCells: (header: [String], rows: [[String]]) {
        let header = ["kernel", "shape", "working set", "level", "FLOP/B", "bound", "predicted", "best", "median",
                      "eff best", "eff median", "achieved", "agreement"]
        let rows = self.rows.map { row -> [String] in
            let m = row.measurement
            let achieved = row.predictedBound == .memory
                ? Format.bytesPerSecond(row.achievedBytesPerSecond) : Format.flopsPerSecond(row.achievedFlopsPerSecond)
            return [m.family, m.shape, Format.bytes(m.workingSetBytes), row.memoryLevel,
                    Format.significant(m.operator.flopsPerByte), row.predictedBound.rawValue,
                    Format.seconds(row.predictedSeconds), Format.seconds(m.seconds.best), Format.seconds(m.seconds.median),
                    String(format: "%.2f", row.efficiencyBest), String(format: "%.2f", row.efficiencyMedian), achieved,
                    row.agreement.rawValue]
        }
        return (header, rows)
    }

    /// Lines describing OpenBLAS's core, the checks, the variant comparisons and the notes.
    public var summaryLines: [String] {
        var lines: [String] = []
        if let blas = openBLAS {
            lines.append("OpenBLAS core in use: \(blas.coreInUse) (\(blas.configuration))")
            if let choice = blas.libraryChoice { lines.append("OpenBLAS's own choice: \(choice)") }
            lines.append("Core decision: \(blas.decision.reason)")
            if let fallback = blas.fallbackReason { lines.append("Fallback: \(fallback)") }
        }
        var sources: [String: [String]] = [:]
        for row in rows { sources[row.measurement.countedBy, default: []].append(row.measurement.family) }
        for (source, families) in sources.sorted(by: { $0.key < $1.key }) {
            var seen = Set<String>()
            let unique = families.filter { seen.insert($0).inserted }
            lines.append("Counted by \(source): \(unique.joined(separator: ", "))")
        }
        let failed = checks.filter { !$0.passed }
        lines.append("Correctness: \(checks.count - failed.count) of \(checks.count) checks within their bounds"
            + (failed.isEmpty ? "" : "; failed: " + failed.map { "\($0.kernel) \($0.shape)" }.joined(separator: ", ")))
        for c in comparisons {
            lines.append("\(c.slower) vs \(c.faster) at \(c.shape): counted bytes ×\(String(format: "%.2f", c.countedBytesRatio)), "
                + "measured time ×\(String(format: "%.2f", c.measuredTimeRatio))")
        }
        let flagged = rows.filter { $0.agreement == .tracksFlops || $0.agreement == .tracksBytes }
        for row in flagged {
            let what = row.agreement == .tracksFlops
                ? "memory-bound on the roofline, but its time tracks FLOPs (×\(String(format: "%.2f", row.slowdownVersusFamilyBest)) of its family's fastest rate per FLOP)"
                : "compute-bound on the roofline, but ×\(String(format: "%.2f", row.slowdownVersusFamilyBest)) slower per FLOP than its family's best"
            lines.append("Flag: \(row.measurement.family) \(row.measurement.shape) is \(what)")
        }
        return lines + notes.map { "Note: \($0)" }
    }

    /// A fixed-width table plus summary lines.
    public func renderText() -> String {
        let (header, cells) = tableCells
        var widths = header.map(\.count)
        for row in cells { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        func line(_ row: [String]) -> String {
            row.enumerated().map { i, cell in
                i < 2 ? cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[i] - cell.count) + cell
            }.joined(separator: "  ")
        }
        var out = "Predicted (\(roofline.name)) vs measured, \(threads) thread\(threads == 1 ? "" : "s"); efficiency = predicted ÷ measured\n"
        out += line(header) + "\n" + line(widths.map { String(repeating: "-", count: $0) }) + "\n"
        out += cells.map(line).joined(separator: "\n") + "\n\n"
        out += summaryLines.joined(separator: "\n") + "\n"
        return out
    }

    /// A markdown section: the table, the checks and the summary.
    public func renderMarkdown() -> String {
        let (header, cells) = tableCells
        var out = "## Predicted vs measured operators\n\n"
        out += "Roofline: \(roofline.name); \(threads) thread\(threads == 1 ? "" : "s"). Efficiency = predicted ÷ measured time "
        out += "(best and median of \(rows.first?.measurement.seconds.count ?? 0)).\n\n"
        out += "| " + header.joined(separator: " | ") + " |\n"
        out += "|" + header.enumerated().map { i, _ in i < 2 ? "---" : "---:" }.joined(separator: "|") + "|\n"
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        for row in cells { out += "| " + row.map(cell).joined(separator: " | ") + " |\n" }
        out += "\n### Correctness against references\n\n| kernel | shape | measure | error | bound | result |\n|---|---|---|---:|---:|---|\n"
        for c in checks {
            out += "| \(cell(c.kernel)) | \(cell(c.shape)) | \(cell(c.measure)) | \(String(format: "%.2e", c.error)) | \(String(format: "%.2e", c.bound)) | \(c.passed ? "pass" : "FAIL") |\n"
        }
        out += "\n" + summaryLines.map { "- \($0)" }.joined(separator: "\n") + "\n"
        return out
    }
}
