import Foundation
import RooflineAnalysis
import RooflineDevices
import RooflineModels
import Testing
@testable import RooflineReport

@Suite struct DeploymentReportTests {
    static let h200At3 = try! DeviceCatalog.bundled().device(named: "h200").pricedAt(3, note: "set with --price")

    static func request(devices: [Device], precision: Precision = .bf16) throws -> ReportRequest {
        ReportRequest(model: try ModelConfig.load("llama-3.1-405b"),
                      sizes: try StepSizes(batch: 1, contextTokens: 10_000_000, promptTokens: 4096), precision: precision, attention: [.fused], devices: devices, host: nil, command: "roofline report",
                      createdAt: "2026-11-29T08:00:00Z")
    }

    /// The rendered deployment section of the report for `request`.
    static func deploymentSection(_ report: Report) throws -> String {
        let markdown = report.render(baseName: "x").markdown
        let start = try #require(markdown.range(of: "## Deployment\n\n"))
        let end = try #require(markdown.range(of: "## Method and assumptions"))
        return String(markdown[start.upperBound..<end.lowerBound])
    }

    @Test func theTenMillionContextScenarioComesOutRight() throws {
        let report = try ReportAssembly.report(for: Self.request(devices: [Self.h200At3]))
        let section = try Self.deploymentSection(report)
        // KV cache: 10M × 516,096 B = 5.16 TB → ⌈5.16e12 ÷ 141e9⌉ = 37 H200s for the cache alone; weights
        // 405.85e9 × 2 B = 812 GB; deployed in whole 8-GPU nodes: 48.
        #expect(section.contains("| NVIDIA H200 SXM 141GB | 812 GB | 5.16 TB | 141 GB | 37 | 43 | 48 (6 nodes of 8) | \\$3.00 |"))
        #expect(section.contains("Prices: NVIDIA H200 SXM 141GB: set with --price."))
        // Aggregate decode: every weight and the whole cache read once per token over 48 × 4.8 TB/s.
        let bytesPerToken = 405_853_388_800.0 * 2 + 10_000_000 * 516_096.0
        let secondsPerToken = bytesPerToken / (48 * 4.8e12)
        let tokensPerSecond = 1 / secondsPerToken
        let dollarsPerMillion = 48 * 3 / (tokensPerSecond * 3600) * 1e6
        #expect(tokensPerSecond > 38 && tokensPerSecond < 39 && dollarsPerMillion > 1000)
        let aggregate = try #require(section.split(separator: "\n").first { $0.hasPrefix("| NVIDIA H200 SXM 141GB | aggregate |") })
        let cells = aggregate.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // The planner also counts the step's activation bytes and the memory time of its FLOP-free operators:
        // its figures agree with the weights-and-cache estimate to 0.5 %.
        let reportedRate = try #require(Double(cells[4]))
        #expect(reportedRate.isApproximatelyEqual(to: tokensPerSecond, relativeTolerance: 0.005))
        let reportedPerHour = try #require(Double(cells[5].replacingOccurrences(of: ",", with: "")))
        #expect(reportedPerHour.isApproximatelyEqual(to: tokensPerSecond * 3600, relativeTolerance: 0.005))
        #expect(cells[7] == "\\$144")  // 48 × $3, the $ escaped so that GitHub does not read math
        let reportedCost = try #require(Double(cells[8].dropFirst(2).replacingOccurrences(of: ",", with: "")))
        #expect(reportedCost.isApproximatelyEqual(to: dollarsPerMillion, relativeTolerance: 0.005))
        #expect(section.contains("<details><summary>Planner assumptions on NVIDIA H200 SXM 141GB</summary>"))
        // The summary puts the idealised aggregate figure beside the pipelined layout, and decode is all memory-bound.
        #expect(report.summary.count == 3)
        #expect(report.summary[1].hasPrefix("**Decode at context 10,000,000, batch 1** (fused attention, one device): NVIDIA H200 SXM 141GB "))
        #expect(report.summary[1].contains("100.0 % of it memory-bound"))
        #expect(report.summary[2].contains("weights + KV cache need 43 devices (48 deployed)"))
        #expect(report.summary[2].contains("aggregate, 48 devices: \(cells[4]) (\(cells[8]))"))
        #expect(report.summary[2].contains("tensor-pipeline, 48 devices (tp 8 × pp 6): "))
        #expect(report.summary[2].hasSuffix("The aggregate figure assumes every device reads its share at once."))
        #expect(report.render(baseName: "x").markdown.contains("## Summary\n\n- **Prefill: 4,096 prompt tokens × batch 1**"))
    }

    @Test func fp8HalvesTheDevices() throws {
        let fp8 = Precision(weights: .fp8, activations: .fp8, kvCache: .fp8)
        let section = try Self.deploymentSection(try ReportAssembly.report(for: Self.request(devices: [Self.h200At3], precision: fp8)))
        // KV 10M × 258,048 B = 2.58 TB ÷ 141 GB → 19; 406 GB + 2.58 TB = 2.99 TB ÷ 140 GB → 22, deployed as 3 nodes: 24.
        #expect(section.contains("| NVIDIA H200 SXM 141GB | 406 GB | 2.58 TB | 141 GB | 19 | 22 | 24 (3 nodes of 8) |"))
    }

    @Test func aDeviceThePlannerCannotSizeIsNamedNotFatal() throws {
        var unsized = Self.h200At3
        unsized.id = "no-memory"
        unsized.name = "No Memory"
        unsized.memoryBytes = nil
        let section = try Self.deploymentSection(try ReportAssembly.report(for: Self.request(devices: [Self.h200At3, unsized])))
        #expect(section.contains("No plan on No Memory: no-memory has no memory capacity or bandwidth in its data"))
        #expect(section.contains("| NVIDIA H200 SXM 141GB | aggregate |"))
    }

    @Test func requestBuildsEveryPhaseOnEveryDevice() throws {
        let b200 = try DeviceCatalog.bundled().device(named: "b200")
        let report = try ReportAssembly.report(for: Self.request(devices: [Self.h200At3, b200]))
        #expect(report.phases.map(\.kind) == [.prefill, .decode])
        #expect(report.phases[1].forms[0].analyses.map(\.slug) == ["h200", "b200"])
        // Decode reads the whole 5.16 TB cache: 10M × 516,096 B in the attention operators' KV bytes.
        let decode = report.phases[1].forms[0].analyses[0].analysis
        #expect(decode.totalBytes.kvCache.isApproximatelyEqual(to: 10_000_000 * 516_096, relativeTolerance: 1e-3))
        let rendered = report.render(baseName: "x")
        #expect(rendered.charts.map(\.name) == ["x-roofline-h200-prefill.svg", "x-roofline-b200-prefill.svg",
                                                "x-roofline-h200-decode.svg", "x-roofline-b200-decode.svg"])
        #expect(rendered.markdown.contains("## Host vs accelerators"))
        #expect(rendered.markdown.contains("| Device: \(b200.name) | 7.70 TB/s HBM, bf16 2.25 PFLOP/s, 180 GB memory"))
    }
}
