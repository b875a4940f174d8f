import Foundation

/// Markdown renderers: values in, GitHub-flavoured markdown out.
public enum Markdown {
    /// How a table column is aligned.
    public enum Alignment: Sendable {
        case left, right
    }

    /// A GitHub table. Cells are escaped (`|` and line breaks) so that any text keeps the table intact;
    /// rows shorter than the header are padded with empty cells.
    public static func table(_ headers: [String], alignments: [Alignment]? = nil, rows: [[String]]) -> String {
        let aligns = alignments ?? headers.map { _ in .left }
        var out = "| " + headers.map(cell).joined(separator: " | ") + " |\n"
        out += "|" + headers.indices.map { index in
            (index < aligns.count ? aligns[index] : .left) == .right ? "---:" : "---"
        }.joined(separator: "|") + "|\n"
        for row in rows {
            let padded = row + Array(repeating: "", count: max(0, headers.count - row.count))
            out += "| " + padded.map(cell).joined(separator: " | ") + " |\n"
        }
        return out
    }

    /// A table cell: `|` escaped, line breaks as spaces.
    public static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\r", with: " ")
            .replacingOccurrences(of: "\n", with: " ")
    }

    /// Text with markdown's emphasis and link characters escaped, for free text (a CPU model, a model name).
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_[]<>|#".contains(character) { out.append("\\") }
            out.append(character == "\n" ? " " : character)
        }
        return out
    }

    /// A fraction as a percentage with one decimal: 0.1234 → "12.3 %".
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        return String(format: "%.1f %%", fraction * 100)
    }

    /// CPU numbers as ranges: [0, 1, 2, 5] → "0-2, 5".
    public static func cpuList(_ cpus: [Int]) -> String {
        let sorted = Array(Set(cpus)).sorted()
        var parts: [String] = []
        var index = 0
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count && sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ", ")
    }
}
