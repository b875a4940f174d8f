import Foundation

/// Markdown renderers: values in, GitHub-flavoured markdown out.
public enum Markdown {
    /// How a table column is aligned.
    public typealias Alignment = Table.Alignment

    /// A GitHub table (Core's `Table`): cells escaped, short rows padded; columns left-aligned unless given.
    public static func table(_ headers: [String], alignments: [Alignment]? = nil, rows: [[String]]) -> String {
        Table(headers: headers, rows: rows, alignments: alignments ?? headers.map { _ in .left }).markdown
    }

    /// Text with markdown's emphasis, link and math characters escaped, for free text (a CPU model, a model name,
    /// a price: two `$` on a line would otherwise start inline math on GitHub).
    public static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            if "\\`*_[]<>|#$".contains(character) { out.append("\\") }
            out.append(character == "\n" ? " " : character)
        }
        return out
    }

    /// A relative file name as a link target: characters that end or break a markdown link (space, parentheses,
    /// angle brackets, `%`) percent-encoded, so "my report-bandwidth.svg" links as "my%20report-bandwidth.svg".
    public static func linkTarget(_ file: String) -> String {
        var out = ""
        for scalar in file.unicodeScalars {
            if " ()<>%".unicodeScalars.contains(scalar) || scalar.value < 0x20 {
                out += String(format: "%%%02X", scalar.value)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A fraction as a percentage with one decimal: 0.1234 → "12.3 %".
    public static func percent(_ fraction: Double) -> String {
        guard fraction.isFinite else { return "n/a" }
        return String(format: "%.1f %%", fraction * 100)
    }

    /// A duration in the unit that reads best: below a minute as `Format.seconds` (ns, µs, ms, s); then minutes,
    /// hours (below 48 h), days (below 2 years of 365.25 days) and years, three significant digits:
    /// 3276 s → "54.6 min", 3.67e9 s → "116 years".
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "n/a" }
        let minute = 60.0, hour = 3600.0, day = 86400.0, year = 365.25 * 86400
        let magnitude = abs(seconds)
        if magnitude < minute { return Format.seconds(seconds) }
        if magnitude < hour { return "\(Format.significant(seconds / minute)) min" }
        if magnitude < 48 * hour { return "\(Format.significant(seconds / hour)) h" }
        if magnitude < 2 * year { return "\(Format.significant(seconds / day)) days" }
        let years = seconds / year
        return abs(years) >= 1000 ? "\(Format.grouped(years)) years" : "\(Format.significant(years)) years"
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

extension Markdown {
    /// `markdown` with every ATX heading one level deeper ("# A" → "## A"), outside fenced code blocks, so that a
    /// whole report can sit as a section of another.
    public static func demoted(_ markdown: String) -> String {
        var inFence = false
        return markdown.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("```") { inFence.toggle() }
            return !inFence && line.hasPrefix("#") ? "#" + line : String(line)
        }.joined(separator: "\n")
    }
}
