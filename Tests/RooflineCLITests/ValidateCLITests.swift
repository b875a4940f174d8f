import Foundation
import Testing

@Suite(.serialized) struct ValidateCLITests {
    /// A profile with a DRAM ceiling only, so RMSNorm runs at one main-memory size.
    func profileFile() throws -> URL {
        try CLIRunner.temporaryFile("host.json", contents: ClassifyCLITests.hostProfile())
    }

    @Test func rmsNormAgainstAProfileGivesEfficiencyRowsAsJSON() throws {
        let profile = try profileFile()
        defer { try? FileManager.default.removeItem(at: profile.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["validate", "--profile", profile.path, "--kernels", "rmsnorm",
                                        "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        #expect(!rows.isEmpty)
        for row in rows {
            let efficiency = try #require(row["efficiencyBest"] as? Double)
            #expect(efficiency > 0 && efficiency.isFinite)
            #expect(row["memoryLevel"] as? String == "DRAM")
            // Main-memory rows carry the prediction from the load kernel measured around them.
            let window = try #require(row["sameWindow"] as? [String: Any])
            let windowEfficiency = try #require(window["efficiencyBest"] as? Double)
            #expect(windowEfficiency > 0 && windowEfficiency.isFinite)
        }
        let checks = try #require(object["checks"] as? [[String: Any]])
        #expect(!checks.isEmpty)
        #expect(!result.stdout.contains("roofline:"))  // progress stays on stderr
    }

    @Test func anOutputFileEndingInJSONGetsJSON() throws {
        let profile = try profileFile()
        let folder = profile.deletingLastPathComponent()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("ops.json").path
        let result = try CLIRunner.run(["validate", "--profile", profile.path, "--kernels", "rmsnorm",
                                        "--output", output, "--quiet"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
    }

    @Test(arguments: [
        (["--samples", "3"], Int32(64), "--samples must be from 5 to 1000, got 3"),
        (["--kernels", "fft"], Int32(64), "--kernels takes"),
        (["--sizes", "huge"], Int32(64), "--sizes must be quick or full"),
        (["--threads", "9999"], Int32(64), "exceeds the"),
        (["--output", "/nonexistent-folder/ops.json"], Int32(64), "not writable"),
        (["--profile", "/nonexistent-folder/host.json"], Int32(64), "cannot read host profile"),
    ])
    func badInputFailsWithOneLine(arguments: [String], status: Int32, message: String) throws {
        let profile = try profileFile()
        defer { try? FileManager.default.removeItem(at: profile.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["validate", "--profile", profile.path, "--kernels", "rmsnorm"] + arguments)
        #expect(result.status == status)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderrLines.count == 1)
        #expect(result.stdout.isEmpty)
    }

    @Test func aProfileThatIsNotOneIsBadData() throws {
        let file = try CLIRunner.temporaryFile("host.json", contents: Data(#"{"mode": 3}"#.utf8))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["validate", "--profile", file.path, "--kernels", "rmsnorm"])
        #expect(result.status == 65)
        #expect(result.stderr.contains("is not a host profile"))
        #expect(result.stderrLines.count == 1)
    }
}
