/// A table of strings rendered as aligned plain text (terminal) or as a GitHub markdown table.
public struct Table: Sendable, Equatable {
    public enum Alignment: Sendable { case left, right }
    public var headers: [String]
    public var rows: [[String]]
    /// Per column; columns past the end are right-aligned (numbers), the first column defaults to left.
    public var alignments: [Alignment]

    public init(headers: [String], rows: [[String]], alignments: [Alignment]? = nil) {
        self.headers = headers
        self.rows = rows
        self.alignments = alignments ?? headers.indices.map { $0 == 0 ? .left : .right }
    }

    /// A table whose columns in `rightAligned` (numbers) align right and the others left.
    public init(headers: [String], rows: [[String]], rightAligned: Set<Int>) {
        self.init(headers: headers, rows: rows, alignments: headers.indices.map { rightAligned.contains($0) ? .right : .left })
    }

    private func alignment(_ column: Int) -> Alignment { column < alignments.count ? alignments[column] : .right }

    /// Columns padded to their widest cell, separated by two spaces, with a dashed rule under the header
    /// (no header lines when every header is empty).
    public var text: String {
        let widths = headers.indices.map { column in
            ([headers[column]] + rows.map { column < $0.count ? $0[column] : "" }).map(\.count).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            headers.indices.map { column in
                let cell = column < cells.count ? cells[column] : ""
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return alignment(column) == .left ? cell + pad : pad + cell
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        let head = headers.allSatisfy(\.isEmpty) ? [] : [line(headers), rule]  // a key/value table needs no header
        return (head + rows.map(line)).joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured markdown table: `|` inside cells is escaped (and `$`, which GitHub could read as inline
    /// math, and `<` `>`, which would open an HTML tag: a CPU named "<model>" would vanish) and line breaks become
    /// spaces, so any text keeps the table intact; rows shorter than the header are padded with empty cells.
    public var markdown: String {
        func escape(_ cell: String) -> String {
            cell.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "$", with: "\\$")
                .replacingOccurrences(of: "<", with: "\\<").replacingOccurrences(of: ">", with: "\\>")
                .replacingOccurrences(of: "\r", with: " ")
                .replacingOccurrences(of: "\n", with: " ")
        }
        func line(_ cells: [String]) -> String {
            let padded = cells + Array(repeating: "", count: max(0, headers.count - cells.count))
            return "| " + padded.map(escape).joined(separator: " | ") + " |"
        }
        let rule = "|" + headers.indices.map { alignment($0) == .left ? "---" : "---:" }.joined(separator: "|") + "|"
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

import Foundation
