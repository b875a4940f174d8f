import Foundation
import Testing

/// A probe small enough for tests: one kernel, one size, one thread, short samples.
private let tinyProbe = ["probe", "--phases", "bandwidth", "--kernels", "triad", "--threads", "1", "--sizes", "64KiB",
                         "--samples", "2"]

@Suite struct ProbeCLITests {
    @Test func jsonGoesToStdoutAndProgressToStderr() throws {
        let result = try CLIRunner.run(tinyProbe + ["--format", "json"])
        #expect(result.status == 0)
        let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        #expect(json?["mode"] as? String == "custom")
        let bandwidth = json?["bandwidth"] as? [[String: Any]]
        #expect(bandwidth?.count == 1)  // --sizes replaces the per-level defaults
        #expect(result.stderr.contains("roofline: [2/2] bandwidth: triad"))  // progress says how far it is
        #expect(!result.stdout.contains("roofline:"))
    }

    @Test func quietSilencesProgressAndOutputIsWrittenWhole() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("profile.md").path
        let result = try CLIRunner.run(tinyProbe + ["--quiet", "--format", "markdown", "--output", file])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("| triad |"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["profile.md"])
    }

    @Test(arguments: [
        (["--threads", "0"], "--threads 0"),
        (["--threads", "9999"], "--threads 9999"),
        (["--kernels", "tirad"], "unknown kernel 'tirad'"),
        (["--sizes", "1PB"], "more than half of available memory"),
        (["--sizes", "lots"], "is not a number"),
        (["--output", "/nonexistent-folder/x.json"], "not writable"),
        (["--dram-size", "4KiB"], "not well beyond the last-level cache"),  // one page: below any last-level cache
        (["--samples", "0"], "--samples must be from 1 to 1000, got 0"),
    ])
    func badInputExitsWithUsageAndOneLine(arguments: [String], message: String) throws {
        let result = try CLIRunner.run(tinyProbe + arguments)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message))
        let lines = result.stderr.split(separator: "\n").filter { !$0.hasPrefix("roofline: clock") && !$0.hasPrefix("roofline: flops") }
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("roofline: error: ") == true)
    }
}
