import Foundation
import Testing

/// What `--output` guarantees (README): one file is replaced whole, through links, keeping its mode, devices written
/// in place; a report's set of files changes as one unit whatever signal arrives and whoever else writes it.
@Suite(.serialized) struct OutputSafetyCLITests {
    /// A quick report with no host: the markdown and two charts.
    static func report(batch: Int, output: String) -> [String] {
        ["report", "--probe", "none", "--device", "h200", "--prompt", "512", "--batch", "\(batch)", "-q", "--output", output]
    }

    /// The folder's files (hidden ones too) with their contents, the "Generated" line of markdown dropped and the
    /// folder's path taken out of the reproduce command.
    static func snapshot(_ folder: URL) throws -> [String: String] {
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            files[name] = text.replacingOccurrences(of: folder.path + "/", with: "")
                .split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.hasPrefix("Generated ") }.joined(separator: "\n")
        }
        return files
    }

    /// The set a report with `batch` writes as `r.md`, made in a folder of its own.
    static func expectedSet(batch: Int) throws -> [String: String] {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLIRunner.run(report(batch: batch, output: folder.appendingPathComponent("r.md").path))
        #expect(result.status == 0, "\(result.stderr)")
        return try snapshot(folder)
    }

    @Test func aSignalAtAnyInstantLeavesTheOldSetOrTheNewOne() throws {
        let old = try Self.expectedSet(batch: 1), new = try Self.expectedSet(batch: 2)
        #expect(old.count == 3 && Set(old.keys) == Set(new.keys) && old != new)
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("r.md").path
        var outcomes: [String: Int] = [:]
        for round in 0..<24 {
            _ = try CLIRunner.run(Self.report(batch: 1, output: output))
            let process = Process()
            process.executableURL = CLIRunner.binary
            process.arguments = Self.report(batch: 2, output: output)
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Spread the signals over the run, start to finish (a run takes a few hundred milliseconds here).
            usleep(useconds_t(round * 15_000))
            kill(process.processIdentifier, round.isMultiple(of: 2) ? SIGINT : SIGTERM)
            process.waitUntilExit()
            let files = try Self.snapshot(folder)
            let outcome = files == old ? "old" : files == new ? "new" : "mixed"
            outcomes[outcome, default: 0] += 1
            #expect(outcome != "mixed", "round \(round): \(files.keys.sorted())")
        }
        #expect(outcomes["mixed"] == nil)
    }

    @Test func concurrentReportsToOneFolderLeaveOneWholeSet() throws {
        let sets = [try Self.expectedSet(batch: 1), try Self.expectedSet(batch: 2)]
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("r.md").path
        for round in 0..<8 {
            let processes = try [1, 2].map { batch -> Process in
                let process = Process()
                process.executableURL = CLIRunner.binary
                process.arguments = Self.report(batch: batch, output: output)
                process.standardOutput = FileHandle.nullDevice
                try process.run()
                return process
            }
            processes.forEach { $0.waitUntilExit() }
            #expect(processes.allSatisfy { $0.terminationStatus == 0 })
            let files = try Self.snapshot(folder)
            #expect(sets.contains(files), "round \(round): \(files.keys.sorted())")
        }
    }

    @Test func staleTemporariesOfADeadRunAreCleanedAndABrokenSetIsRefusedWhole() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("r.md").path
        // A run killed outright left a temporary and a backup (pid 2^22 + 1 is beyond Linux's pid range, so never
        // alive); the next report removes both.
        try Data("half".utf8).write(to: folder.appendingPathComponent(".r.md.4194305.tmp"))
        try Data("old".utf8).write(to: folder.appendingPathComponent(".r-roofline-h200-decode.svg.4194305.bak"))
        #expect(try CLIRunner.run(Self.report(batch: 1, output: output)).status == 0)
        let before = try Self.snapshot(folder)
        #expect(before.count == 3 && !before.keys.contains { $0.hasPrefix(".") }, "\(before.keys.sorted())")
        // A folder where a chart should go: the set is refused before anything is replaced.
        let chart = try #require(before.keys.first { $0.hasSuffix("-decode.svg") })
        try FileManager.default.removeItem(at: folder.appendingPathComponent(chart))
        try FileManager.default.createDirectory(at: folder.appendingPathComponent(chart), withIntermediateDirectories: false)
        let refused = try CLIRunner.run(Self.report(batch: 2, output: output))
        #expect(refused.status == 64 && refused.stderrLines.count == 1, "\(refused.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(Set(names) == Set(before.keys), "\(names)")
        #expect(try String(contentsOf: folder.appendingPathComponent("r.md"), encoding: .utf8).contains("batch 1"))
    }

    @Test func oneFileGoesThroughLinksKeepsItsModeAndDevicesAreWrittenInPlace() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("models.txt").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: target))
        chmod(target, 0o600)
        let link = folder.appendingPathComponent("link.txt").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "models.txt")
        #expect(try CLIRunner.run(["models", "--output", link]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: target)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "models.txt")
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("model "))
        let null = try CLIRunner.run(["models", "--output", "/dev/null"])
        #expect(null.status == 0 && null.stdout.isEmpty)
        let dash = try CLIRunner.run(["models", "--format", "json", "--output", "-"])
        #expect(dash.status == 0 && dash.stdout.hasPrefix("{") && dash.stdout.contains("\"models\" : ["))
        let full = try CLIRunner.run(["models", "--output", "/dev/full"])
        #expect(full.status == 1 && full.stderrLines == ["roofline: error: cannot write /dev/full: No space left on device"])
        let attributesOfFull = try FileManager.default.attributesOfItem(atPath: "/dev/full")
        #expect(attributesOfFull[.type] as? FileAttributeType == .typeCharacterSpecial)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["link.txt", "models.txt"])
    }

    /// A loop of links is refused and left as it was; a name as long as a file name may be (255 bytes) is written,
    /// though `.NAME.PID.tmp` beside it would be longer.
    @Test func aLinkLoopIsRefusedAndTheLongestNameIsWritten() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (a, b) = (folder.appendingPathComponent("a").path, folder.appendingPathComponent("b").path)
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: "b")
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: "a")
        let loop = try CLIRunner.run(["devices", "--output", a])
        #expect(loop.status == 64 && loop.stderrLines.count == 1 && loop.stderr.contains("loop of symbolic links"), "\(loop.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: a) == "b")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: b) == "a")
        let long = folder.appendingPathComponent(String(repeating: "x", count: 252) + ".md").path
        let written = try CLIRunner.run(["models", "--format", "markdown", "--output", long])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["a", "b", URL(fileURLWithPath: long).lastPathComponent])

        // A report whose files share a 228-character prefix: every temporary is cut short, and each must still be
        // its own (they once collided, and one chart replaced another's old content).
        let set = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: set) }
        let stem = String(repeating: "r", count: 228)
        let names = ["\(stem).md", "\(stem)-roofline-h200-prefill.svg", "\(stem)-roofline-h200-decode.svg"]
        for name in names { try Data("old \(name)".utf8).write(to: set.appendingPathComponent(name)) }
        let report = try CLIRunner.run(["report", "--probe", "none", "-q", "--output", set.appendingPathComponent(names[0]).path])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: set.path).sorted() == names.sorted())
        #expect(try String(contentsOf: set.appendingPathComponent(names[0]), encoding: .utf8).hasPrefix("# Roofline report"))
        for chart in names.dropFirst() {
            let svg = try String(contentsOf: set.appendingPathComponent(chart), encoding: .utf8)
            #expect(svg.hasPrefix("<?xml") && svg.contains(chart.contains("prefill") ? "Prefill" : "Decode"), "\(chart)")
        }
    }

    /// A pipe or device named as an input is refused at once, without opening it (which would block or never end),
    /// and text from the command line is printed on one line whatever it holds.
    @Test func pipesAndDevicesAreNotReadAndMessagesStayOnOneLine() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fifo = folder.appendingPathComponent("config.json").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for arguments in [["models", "--model", fifo], ["models", "--model", folder.appendingPathComponent("m.gguf").path],
                          ["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k", "--device-file", fifo],
                          ["calibrate", fifo, "--device", "h100"]] {
            if arguments.contains(where: { $0.hasSuffix(".gguf") }) { #expect(mkfifo(arguments[2], 0o600) == 0) }
            let result = try CLIRunner.run(arguments)
            #expect(result.status == 64 && result.stderrLines.count == 1 && result.stderr.contains("it is a pipe"),
                    "\(arguments): \(result.stderr)")
        }
        let odd = try CLIRunner.run(["devices", "--device", "h9\n00\u{1B}[31m"])
        #expect(odd.status == 64 && odd.stderrLines.count == 1 && odd.stderr.contains("'h9\\n00\\u{1B}[31m'"), "\(odd.stderr)")
        let long = try CLIRunner.run(["devices", "--device", String(repeating: "z", count: 5_000)])
        #expect(long.status == 64 && long.stderr.count < 1_200 && long.stderr.contains("more characters)"), "\(long.stderr.count)")
    }

    @Test func aClosedOrFullStdoutIsAnErrorAndAReaderGoneIsAQuietEnd() throws {
        let binary = CLIRunner.binary.path
        func shell(_ command: String) throws -> CLIRunner.Result {
            try CLIRunner.runShell(command.replacingOccurrences(of: "ROOFLINE", with: "'\(binary)'"))
        }
        let closed = try shell("ROOFLINE devices >&-; echo \"exit $?\"")
        #expect(closed.stdout == "exit 1\n" && closed.stderrLines == ["roofline: error: cannot write to standard output: Bad file descriptor"])
        let full = try shell("ROOFLINE plan --model llama-3.1-8b --device h200 --context 4096 > /dev/full; echo \"exit $?\"")
        #expect(full.stdout == "exit 1\n" && full.stderrLines == ["roofline: error: cannot write to standard output: No space left on device"])
        let noStderr = try shell("ROOFLINE devices --device x 2>&-; echo \"exit $?\"")
        #expect(noStderr.stdout == "exit 64\n")
        let pipe = try shell("ROOFLINE devices | head -1 > /dev/null; echo \"exit ${PIPESTATUS[0]}\"")
        #expect(pipe.stdout == "exit 0\n" && pipe.stderr.isEmpty)
    }
}
