import Foundation
import Ink
import Testing

/// Every kept report (`Reports/*.md`) and every golden report's markdown, rendered by a real markdown parser (Ink):
/// no `$` may open math on GitHub (each is escaped as `\$` or sits in code) and every image must resolve to a file.
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
        let text = try NSRegularExpression(pattern: "<pre>.*?</pre>|<code>.*?</code>", options: [.dotMatchesLineSeparators])
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

    @Test(arguments: try files()) func everyImageResolves(_ file: URL) throws {
        let markdown = try String(contentsOf: file, encoding: .utf8)
        let html = MarkdownParser().html(from: markdown)
        let sources = try Self.matches("<img src=\"([^\"]*)\"", in: html)
        // Every image the markdown writes is an image once parsed (a target broken by a space would be text).
        #expect(sources.count == markdown.components(separatedBy: "![").count - 1, "\(file.lastPathComponent)")
        for source in sources where !source.hasPrefix("http") {
            let path = try #require(source.removingPercentEncoding)
            let target = file.deletingLastPathComponent().appendingPathComponent(path)
            #expect(FileManager.default.fileExists(atPath: target.path), "\(file.lastPathComponent): \(source)")
        }
    }

    /// The checks themselves fail on a bare `$` pair and on a missing image.
    @Test func theChecksCatchDefects() throws {
        #expect(try !Self.unescapedDollars(in: "costs $3 and $4").isEmpty)
        #expect(try Self.unescapedDollars(in: "costs \\$3 and `$4`").isEmpty)
        let html = MarkdownParser().html(from: "![chart](my%20report-bandwidth.svg)")
        #expect(try Self.matches("<img src=\"([^\"]*)\"", in: html) == ["my%20report-bandwidth.svg"])
    }
}
