import Foundation
import Testing

/// The README's promise, for every command: results go to stdout, or with `--output FILE` to that file (whole, nothing
/// on stdout), in the format `--format` names, else the one FILE's extension names (.json, .md), else text.
@Suite struct OutputCLITests {
    /// Each command with arguments that make it quick here.
    static let commands: [(name: String, arguments: [String])] = [
        ("probe", ["probe", "--phases", "bandwidth", "--kernels", "triad", "--threads", "1", "--sizes", "64KiB",
                   "--samples", "2", "--quiet"]),
        ("models", ["models"]),
        ("classify", ["classify", "--model", "llama-3.1-8b", "--phase", "decode", "--context", "4k", "--device", "h200"]),
        ("devices", ["devices", "--device", "h200"]),
        ("plan", ["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k"]),
        ("validate", ["validate", "--profile", "Reports/dev-host-profile.json", "--kernels", "rmsnorm", "--quiet"]),
    ]

    /// What a file holds, judged by its first character: JSON starts with { or [, markdown with # or |, text with
    /// anything else.
    static func kind(_ text: String) -> String {
        switch text.first {
        case "{", "[": "json"
        case "#", "|": "markdown"
        default: "text"
        }
    }

    @Test(arguments: ["json", "md", "txt"])
    func theExtensionPicksTheFormatForEveryCommand(_ fileExtension: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let expected = ["json": "json", "md": "markdown", "txt": "text"][fileExtension]!
        for command in Self.commands {
            let file = folder.appendingPathComponent("\(command.name).\(fileExtension)").path
            let result = try CLIRunner.run(command.arguments + ["--output", file], currentDirectory: GoldenCLITests.root)
            #expect(result.status == 0, "\(command.name): \(result.stderr)")
            #expect(result.stdout.isEmpty, "\(command.name) printed to stdout with --output")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(Self.kind(text) == expected, "\(command.name) --output \(file) wrote \(Self.kind(text))")
            if expected == "json" { #expect((try? JSONSerialization.jsonObject(with: Data(text.utf8))) != nil) }
        }
    }

    @Test func formatOverridesTheExtensionAndStdoutFollowsFormat() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in Self.commands {
            let file = folder.appendingPathComponent("\(command.name).md").path
            let written = try CLIRunner.run(command.arguments + ["--format", "json", "--output", file],
                                            currentDirectory: GoldenCLITests.root)
            #expect(written.status == 0, "\(command.name): \(written.stderr)")
            #expect(Self.kind(try String(contentsOfFile: file, encoding: .utf8)) == "json", "\(command.name)")
            let printed = try CLIRunner.run(command.arguments + ["-f", "markdown"], currentDirectory: GoldenCLITests.root)
            #expect(Self.kind(printed.stdout) == "markdown", "\(command.name) -f markdown")
            let plain = try CLIRunner.run(command.arguments, currentDirectory: GoldenCLITests.root)
            #expect(Self.kind(plain.stdout) == "text", "\(command.name) without --format prints text")
        }
    }

    @Test func aMissingFolderIsAUsageErrorForEveryCommandBeforeAnyWork() throws {
        for command in Self.commands + [("report", ["report", "--probe", "none"])] {
            let result = try CLIRunner.run(command.1 + ["--output", "/nonexistent-folder/x.md"],
                                           currentDirectory: GoldenCLITests.root)
            #expect(result.status == 64, "\(command.0)")
            #expect(result.stderrLines.count == 1 && result.stderr.contains("folder /nonexistent-folder is missing or not writable"),
                    "\(command.0): \(result.stderr)")
        }
    }

    @Test func aReportIsMarkdownWithItsChartsOrJSONAndRefusesOtherFormats() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let report = ["report", "--probe", "none", "--device", "h200", "--prompt", "512", "-q"]
        let file = folder.appendingPathComponent("r.md").path
        let written = try CLIRunner.run(report + ["--output", file, "--format", "markdown"])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout == file + "\n")
        #expect(Self.kind(try String(contentsOfFile: file, encoding: .utf8)) == "markdown")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).contains("r-roofline-h200-decode.svg"))
        // `--output NAME.json` picks JSON: that one file, no charts beside it, also in a folder named with spaces.
        let temporary = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let jsonFolder = temporary.appendingPathComponent("my reports")
        try FileManager.default.createDirectory(at: jsonFolder, withIntermediateDirectories: false)
        let json = jsonFolder.appendingPathComponent("r.json").path
        let values = try CLIRunner.run(report + ["--output", json])
        #expect(values.status == 0, "\(values.stderr)")
        #expect(Self.kind(try String(contentsOfFile: json, encoding: .utf8)) == "json")
        #expect(try FileManager.default.contentsOfDirectory(atPath: jsonFolder.path) == ["r.json"])
        for (extra, message) in [(["--format", "csv"], "drop --format csv"),
                                 (["--output", folder.appendingPathComponent("r.txt").path], "ending in .md")] {
            let refused = try CLIRunner.run(report + extra)
            #expect(refused.status == 64)
            #expect(refused.stderrLines.count == 1 && refused.stderr.contains(message), "\(refused.stderr)")
        }
    }
}

/// Help and version print as usual, on stdout, with exit 0, for the root and every subcommand.
@Suite struct HelpCLITests {
    @Test(arguments: ["probe", "models", "classify", "devices", "plan", "report", "validate", "calibrate"])
    func everySubcommandPrintsItsHelp(_ subcommand: String) throws {
        let result = try CLIRunner.run([subcommand, "--help"])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result.stderr)")
        #expect(result.stdout.contains("USAGE: roofline \(subcommand)"))
    }

    @Test func theRootPrintsHelpAndVersion() throws {
        let help = try CLIRunner.run(["--help"])
        #expect(help.status == 0 && help.stdout.contains("SUBCOMMANDS:"))
        let version = try CLIRunner.run(["--version"])
        #expect(version.status == 0 && !version.stdout.isEmpty && version.stderr.isEmpty)
    }
}

/// Every image a report links resolves to a chart beside it, also when the file name has spaces or parentheses.
@Suite struct ReportLinkCLITests {
    @Test func everyLinkResolvesWhateverTheName() throws {
        let folder = try CLIRunner.temporaryFolder().appendingPathComponent("a folder (1)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let output = folder.appendingPathComponent("my report.md").path
        let result = try CLIRunner.run(["report", "--probe", "none", "--device", "h200,b200", "-q", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        let targets = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first }
        #expect(targets.count == 4)
        for target in targets {
            #expect(!target.contains(" "), "\(target)")
            let file = try #require(String(target).removingPercentEncoding)
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(target)")
        }
    }
}
