import Foundation
import Testing

/// Values at the edges of what the options and device files accept still give an answer, never a trap.
@Suite struct ExtremeValueCLITests {
    /// `--efficiency 1e-320` makes every time infinite: the CSV form writes "inf" as the JSON form does.
    @Test(arguments: [["--price", "1e300"], ["--efficiency", "1e-300"], ["--efficiency", "1e-320"], ["--price", "1e-300"],
                      ["--reserve", "0B"]])
    func planAnswersAtTheEdgesOfTheOptions(_ extra: [String]) throws {
        for format in ["text", "markdown", "json", "csv"] {
            let result = try CLIRunner.run(["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4096",
                                            "--prompt", "1k", "--format", format] + extra)
            #expect(result.status == 0, "\(extra) \(format): \(result.stderr)")
            #expect(!result.stdout.isEmpty)
        }
    }

    /// 10³⁰⁰ everywhere, and a peak of 10³⁰⁸ FLOP/s (whose chart axis once overflowed to ∞ and trapped converting it
    /// to an integer): both are planned and reported.
    @Test(arguments: [1e300, 1e308]) func aDeviceOfAstronomicalSpeedIsPlannedAndReported(_ peak: Double) throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let listed = try CLIRunner.run(["devices", "--device", "h200", "--format", "json"])
        var device = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        device["id"] = "astronomical"
        device["aliases"] = ["astro"]
        device["name"] = "Astronomical"
        device["memoryBytesPerSecond"] = 1e300
        device["memoryBytes"] = 1e300
        device["peakFlopsPerSecond"] = ["bf16": peak, "fp32": 1e300, "fp8": 1e300]
        device.removeValue(forKey: "ridgeFlopsPerByte")
        let file = folder.appendingPathComponent("astro.json")
        try JSONSerialization.data(withJSONObject: device).write(to: file)
        let plan = try CLIRunner.run(["plan", "--model", "llama-3.1-405b", "--device", "astro", "--device-file", file.path,
                                      "--context", "10M", "--prompt", "4k"])
        #expect(plan.status == 0, "\(plan.stderr)")
        let report = try CLIRunner.run(["report", "--probe", "none", "--device", "astro", "--device-file", file.path, "-q",
                                        "--output", folder.appendingPathComponent("r.md").path])
        #expect(report.status == 0, "\(report.stderr)")
        for chart in try FileManager.default.contentsOfDirectory(atPath: folder.path) where chart.hasSuffix(".svg") {
            let svg = try String(contentsOf: folder.appendingPathComponent(chart), encoding: .utf8)
            #expect(!svg.contains("nan") && !svg.contains("inf"), "\(chart)")
        }
    }
}
