import Foundation
import Ink
import RooflineReport
import Testing

/// Every kept report (`Reports/*.md`) and every golden report's markdown, rendered by a real markdown parser (Ink):
/// no `$` may open math on GitHub (each is escaped as `\$` or sits in code) and every image and every relative link
/// (the CSV tables `report --csv` writes beside it) must resolve to a file.
@Suite struct MarkdownRenderingTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The markdown files checked: the kept reports and the golden reports.
    static func files() throws -> [URL] {
        let manager = FileManager.default
        let reports = root.appendingPathComponent("Reports")
        var files = try manager.contentsOfDirectory(atPath: reports.path).filter { $0.hasSuffix(".md") }
            .map { reports.appendingPathComponent($0) }
        let golden = root.appendingPathComponent("Tests/RooflineCLITests/Golden")
        for folder in try manager.contentsOfDirectory(atPath: golden.path) where folder.hasPrefix("report-") {
            let url = golden.appendingPathComponent(folder)
            files += try manager.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".md") }
                .map { url.appendingPathComponent($0) }
        }
        return files.sorted { $0.path < $1.path }
    }

    /// The parts of `html` matching `pattern`, capture group 1 when it has one.
    static func matches(_ pattern: String, in html: String) throws -> [String] {
        let expression = try NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators])
        return expression.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            Range(match.range(at: match.numberOfRanges > 1 ? 1 : 0), in: html).map { String(html[$0]) }
        }
    }

    /// The `$` signs of `markdown` that would be text after rendering (not escaped, not in code), each with the
    /// text around it.
    static func unescapedDollars(in markdown: String) throws -> [String] {
        // An escaped `\$` becomes a marker first, so that the rendered text keeps only the signs left bare.
        let html = MarkdownParser().html(from: markdown.replacingOccurrences(of: "\\$", with: "ESCAPEDDOLLAR"))
        // Code is literal on GitHub, and a tag's attributes (an image's file name) are not text.
        let text = try NSRegularExpression(pattern: "<pre>.*?</pre>|<code>.*?</code>|<[^>]*>", options: [.dotMatchesLineSeparators])
            .stringByReplacingMatches(in: html, range: NSRange(html.startIndex..., in: html), withTemplate: "")
        return try matches(".{0,30}\\$.{0,30}", in: text)
    }

    @Test func thereAreReportsToCheck() throws {
        #expect(try Self.files().count >= 8)
    }

    @Test(arguments: try files()) func noDollarOpensMath(_ file: URL) throws {
        let dollars = try Self.unescapedDollars(in: try String(contentsOf: file, encoding: .utf8))
        #expect(dollars.isEmpty, "\(file.lastPathComponent): \(dollars.prefix(5))")
    }

    /// The images of the markdown file at `file` that a parser does not see as images or whose files are missing.
    static func unresolvedImages(in file: URL) throws -> [String] {
        let markdown = try String(contentsOf: file, encoding: .utf8)
        let sources = try matches("<img src=\"([^\"]*)\"", in: MarkdownParser().html(from: markdown))
        // Every image the markdown writes is an image once parsed (a target broken by a space would be text).
        let written = markdown.components(separatedBy: "![").count - 1
        var problems = sources.count == written ? [] : ["\(written) images written, \(sources.count) parsed"]
        for source in sources where !source.hasPrefix("http") {
            let path = source.removingPercentEncoding ?? source
            if !FileManager.default.fileExists(atPath: file.deletingLastPathComponent().appendingPathComponent(path).path) {
                problems.append(source)
            }
        }
        return problems
    }

    @Test(arguments: try files()) func everyImageResolves(_ file: URL) throws {
        let problems = try Self.unresolvedImages(in: file)
        #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems)")
    }

    /// The relative links (`<a href>`, not images) of the markdown file at `file` that a parser does not see as links
    /// or whose files are missing; anchors (`#…`) and web addresses are left alone.
    static func unresolvedLinks(in file: URL) throws -> [String] {
        let markdown = try String(contentsOf: file, encoding: .utf8)
        let targets = try matches("<a href=\"([^\"]*)\"", in: MarkdownParser().html(from: markdown))
        // Every CSV link the markdown writes is a link once parsed (a target broken by a space would be text).
        let written = try matches("\\]\\([^)]*\\.csv\\)", in: markdown).count
        let parsed = targets.filter { $0.hasSuffix(".csv") }.count
        var problems = written == parsed ? [] : ["\(written) CSV links written, \(parsed) parsed"]
        for target in targets where !target.hasPrefix("http") && !target.hasPrefix("#") && !target.hasPrefix("mailto:") {
            // GitHub ends a link target at a bare space: it must be percent-encoded.
            if target.contains(" ") { problems.append("unencoded \(target)") }
            let path = target.removingPercentEncoding ?? target
            if !FileManager.default.fileExists(atPath: file.deletingLastPathComponent().appendingPathComponent(path).path) {
                problems.append(target)
            }
        }
        return problems
    }

    @Test(arguments: try files()) func everyLinkResolves(_ file: URL) throws {
        let problems = try Self.unresolvedLinks(in: file)
        #expect(problems.isEmpty, "\(file.lastPathComponent): \(problems)")
    }

    /// A report whose name has spaces, parentheses and a `$` still links every chart and opens no math; the
    /// fixture's CPU is named `Test CPU <model> & "quotes"`, which must stay text (an HTML tag would swallow the rest
    /// of the document in a parser, and vanish on GitHub).
    @Test func aReportWithAnAwkwardNameRenders() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-ink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = try ReportTests.report()
        let rendered = report.render(baseName: "my report (v2) $5", csv: true)
        for chart in rendered.charts {
            try Data(chart.contents.utf8).write(to: folder.appendingPathComponent(chart.name))
        }
        // The CSV files the writer puts beside it, by the names the tables give.
        for table in report.csvTables {
            try Data("table\r\n".utf8).write(to: folder.appendingPathComponent(table.fileName(baseName: "my report (v2) $5")))
        }
        let file = folder.appendingPathComponent("my report (v2) $5.md")
        try Data(rendered.markdown.utf8).write(to: file)
        let unresolved = try Self.unresolvedImages(in: file)
        #expect(unresolved.isEmpty, "\(unresolved)")
        let unlinked = try Self.unresolvedLinks(in: file)
        #expect(unlinked.isEmpty, "\(unlinked)")
        // Every table's CSV is linked, once.
        let links = try Self.matches("<a href=\"([^\"]*)\"", in: MarkdownParser().html(from: rendered.markdown))
        #expect(links.compactMap { $0.removingPercentEncoding }.filter { $0.hasSuffix(".csv") }.sorted()
                == report.csvTables.map { $0.fileName(baseName: "my report (v2) $5") }.sorted())
        #expect(report.render(baseName: "plain").markdown.contains(".csv") == false)
        let dollars = try Self.unescapedDollars(in: rendered.markdown)
        #expect(dollars.isEmpty, "\(dollars)")
        #expect(!rendered.charts.isEmpty)
        #expect(!rendered.markdown.contains("<model>"))
    }

    /// The checks themselves fail on a bare `$` pair and on a missing image.
    @Test func theChecksCatchDefects() throws {
        #expect(try !Self.unescapedDollars(in: "costs $3 and $4").isEmpty)
        #expect(try Self.unescapedDollars(in: "costs \\$3 and `$4`").isEmpty)
        let html = MarkdownParser().html(from: "![chart](my%20report-bandwidth.svg)")
        #expect(try Self.matches("<img src=\"([^\"]*)\"", in: html) == ["my%20report-bandwidth.svg"])
        // A CSV link to a missing file, and one broken by a space, are reported.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-ink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("r.md")
        try Data("CSV: [a](r-missing.csv), [b](my r-steps.csv)\n".utf8).write(to: file)
        let problems = try Self.unresolvedLinks(in: file)
        #expect(problems.contains("r-missing.csv") && problems.contains("unencoded my r-steps.csv"), "\(problems)")
    }
}
