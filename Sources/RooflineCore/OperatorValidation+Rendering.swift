import Foundation

/// Text and markdown renderings of an `OperatorValidation` (JSON is its Codable form). Pure functions of the value.
extension OperatorValidation {
    /// The predicted-vs-measured table: one row per kernel and size.
    public var table: Table {
        let header = ["kernel", "shape", "working set", "level", "FLOP/B", "bound", "predicted", "best", "median",
                      "eff best", "eff median", "eff window", "achieved", "agreement"]
        let cells = rows.map { row -> [String] in
            let m = row.measurement
            let achieved = row.predictedBound == .memory
                ? Format.bytesPerSecond(row.achievedBytesPerSecond) : Format.flopsPerSecond(row.achievedFlopsPerSecond)
            return [m.family, m.shape, Format.bytes(m.workingSetBytes), row.memoryLevel,
                    Format.significant(m.operator.flopsPerByte), row.predictedBound.rawValue,
                    Format.seconds(row.predictedSeconds), Format.seconds(m.seconds.best), Format.seconds(m.seconds.median),
                    String(format: "%.2f", row.efficiencyBest), String(format: "%.2f", row.efficiencyMedian),
                    row.sameWindow.map { String(format: "%.2f", $0.efficiencyBest) } ?? "–", achieved,
                    row.agreement.rawValue]
        }
        return Table(headers: header, rows: cells, rightAligned: Set(2..<header.count))
    }

    /// Each kernel's correctness check against its reference: error and bound.
    public var checksTable: Table {
        Table(headers: ["kernel", "shape", "measure", "error", "bound", "result"],
              rows: checks.map { c in
                  [c.kernel, c.shape, c.measure, String(format: "%.2e", c.error), String(format: "%.2e", c.bound),
                   c.passed ? "pass" : "FAIL"]
              },
              rightAligned: [3, 4])
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
            lines.append("Counted by \(source): \(families.uniqued().joined(separator: ", "))")
        }
        let failed = checks.filter { !$0.passed }
        lines.append("Correctness: \(checks.count - failed.count) of \(checks.count) checks within their bounds"
            + (failed.isEmpty ? "" : "; failed: " + failed.map { "\($0.kernel) \($0.shape)" }.joined(separator: ", ")))
        for c in comparisons {
            lines.append("\(c.slower) vs \(c.faster) at \(c.shape): counted bytes ×\(String(format: "%.2f", c.countedBytesRatio)), "
                + "measured time ×\(String(format: "%.2f", c.measuredTimeRatio))")
        }
        let windows = rows.compactMap { row in row.sameWindow.map { (row, $0) } }
        if let ceiling = roofline.bandwidthCeilings.first(where: { $0.level == roofline.mainMemoryLevel }), !windows.isEmpty {
            let rates = windows.map(\.1.bytesPerSecond)
            lines.append("Eff window: main-memory rows predicted again from the bandwidth of the load kernel sampled alternately "
                + "with each kernel over the same working set, \(Format.bytesPerSecond(rates.min()!))–\(Format.bytesPerSecond(rates.max()!)) "
                + "(the profile's \(roofline.mainMemoryLevel) ceiling: \(Format.bytesPerSecond(ceiling.bytesPerSecond)))")
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
        "Predicted (\(roofline.name)) vs measured, \(threads) thread\(threads == 1 ? "" : "s"); efficiency = predicted ÷ measured\n"
            + table.text + "\n" + summaryLines.joined(separator: "\n") + "\n"
    }

    /// A markdown section under `heading` ("##" for a document of its own, "###" inside a report): the table,
    /// the checks and the summary.
    public func renderMarkdown(heading: String = "##") -> String {
        var out = "\(heading) Predicted vs measured operators\n\n"
        out += "Roofline: \(roofline.name); \(threads) thread\(threads == 1 ? "" : "s"). Efficiency = predicted ÷ measured time "
        out += "(best and median of \(rows.first?.measurement.seconds.count ?? 0)).\n\n"
        out += table.markdown
        out += "\n\(heading)# Correctness against references\n\n" + checksTable.markdown
        out += "\n" + summaryLines.map { "- \($0)" }.joined(separator: "\n") + "\n"
        return out
    }
}
