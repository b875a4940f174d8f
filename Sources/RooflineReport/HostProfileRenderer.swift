/// A `HostProfile` for `roofline probe`: the report's host tables (machine, bandwidth per level and threads,
/// FLOP peaks, latency, NUMA) plus every individual bandwidth measurement, as terminal text or markdown.
public struct HostProfileRenderer: Sendable {
    public var profile: HostProfile

    public init(profile: HostProfile) { self.profile = profile }

    /// Every bandwidth measurement, in both byte conventions.
    public var measurementTable: Table {
        let rows = profile.bandwidth.map { m in
            [m.kernel, Format.binaryBytes(m.workingSetBytes), "\(m.threads)", Format.bytesPerSecond(m.algorithmicBytesPerSecond.best),
             Format.bytesPerSecond(m.algorithmicBytesPerSecond.median), Format.bytesPerSecond(m.algorithmicBytesPerSecond.worst),
             Format.bytesPerSecond(m.hardwareBytesPerSecond.best)]
        }
        return Table(headers: ["Kernel", "Working set", "Threads", "Best", "Median", "Worst", "Hardware (best)"], rows: rows)
    }

    private var sections: [(title: String, table: Table, note: String?)] {
        var list: [(String, Table, String?)] = [("Machine", Markdown.machineTable(profile.host), nil)]
        if !profile.levels.isEmpty {
            list.append(("Memory bandwidth per level and threads (algorithmic bytes: arrays read + written)",
                         Markdown.levelTable(profile), nil))
        }
        if !profile.bandwidth.isEmpty {
            list.append(("Bandwidth measurements (algorithmic bytes; hardware adds the write-allocate read of normal stores)",
                         measurementTable, nil))
        }
        if !profile.flops.isEmpty {
            list.append(("Peak operation rates per instruction path (int8: integer operations, 2 per multiply-add)", Markdown.flopsTableRows(profile), Markdown.theoreticalPeakNote(profile)))
        }
        if !profile.latency.isEmpty { list.append(("Load latency", Markdown.latencyTableRows(profile), nil)) }
        if let numa = profile.numa { list.append(("NUMA, \(numa.kernel) kernel", Markdown.numaTableRows(numa), numa.note)) }
        return list
    }

    /// Plain-text tables for a terminal.
    public var text: String { render(heading: "", table: \.text) }

    /// Markdown: one `###` heading and table per section.
    public var markdown: String { render(heading: "### ", table: \.markdown) }

    private func render(heading: String, table: KeyPath<Table, String>) -> String {
        var out = sections.map { section in
            "\(heading)\(section.title)\n\n\(section.table[keyPath: table])" + (section.note.map { "\n\($0)\n" } ?? "")
        }.joined(separator: "\n")
        if !profile.notes.isEmpty { out += "\n\(heading)Notes\n\n" + profile.notes.map { "- \($0)\n" }.joined() }
        return out
    }
}
