import Foundation
import Testing

/// The corpus of bad inputs in `BadInputs/cases.tsv`, over every subcommand: each must exit with its code (64 usage,
/// 65 data), print nothing on stdout and one line on stderr naming the fix, and leave the folder it ran in empty.
@Suite struct BadInputCLITests {
    /// One line of `cases.tsv`.
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var status: Int32
        var arguments: [String]
        var testDescription: String { name }
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("BadInputs")

    static let cases: [Case] = {
        let text = (try? String(contentsOf: folder.appendingPathComponent("cases.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let status = Int32(fields[1]) else { return nil }
            let arguments = fields[2].split(separator: " ").map {
                $0.replacingOccurrences(of: "IN/", with: folder.path + "/")
                    .replacingOccurrences(of: "ROOT/", with: GoldenCLITests.root.path + "/")
            }
            return Case(name: fields[0], status: status, arguments: arguments)
        }
    }()

    @Test func theCorpusIsReadWholeAndCoversEverySubcommand() {
        #expect(Self.cases.count >= 100)
        let subcommands = Set(Self.cases.compactMap(\.arguments.first).filter { !$0.hasPrefix("-") })
        #expect(subcommands == ["models", "devices", "classify", "plan", "report", "probe", "validate", "calibrate", "help"])
    }

    @Test(arguments: cases) func failsCleanly(_ bad: Case) throws {
        let workspace = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: workspace) }
        let result = try CLIRunner.run(bad.arguments, currentDirectory: workspace)
        #expect(result.status == bad.status, "\(bad.name): exit \(result.status), stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(bad.name) printed: \(result.stdout.prefix(200))")
        #expect(result.stderrLines.count == 1 && result.stderr.hasPrefix("roofline: error: "),
                "\(bad.name): \(result.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: workspace.path).isEmpty, "\(bad.name) left files")
    }
}
