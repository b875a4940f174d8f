import Foundation
import RooflineModels
import Testing
@testable import RooflineReport

@Suite struct ReportTests {
    static func report() throws -> Report {
        let host = try Fixtures.profile.roofline()
        let fused = [Operator(name: "attention", kind: .attention, flops: 5e9, bytes: ByteCounts(activations: 3e6), computeType: .bf16)]
        let materialized = [
            Operator(name: "attn_scores", kind: .attentionScores, flops: 2e9, bytes: ByteCounts(activations: 4e6), computeType: .bf16),
            Operator(name: "softmax", kind: .softmax, flops: 1e9, bytes: ByteCounts(activations: 4e9), computeType: .bf16),
            Operator(name: "attn_values", kind: .attentionValues, flops: 2e9, bytes: ByteCounts(activations: 2e9), computeType: .bf16),
        ]
        let rest = Array(Fixtures.operators.prefix(2))
        func form(_ mode: AttentionMode, _ ops: [Operator]) throws -> ReportAttentionForm {
            ReportAttentionForm(mode: mode, analyses: [
                NamedAnalysis(name: "this host", slug: "host", analysis: try host.analyze(ops)),
                NamedAnalysis(name: "H200-like", slug: "h200", analysis: try Fixtures.accelerator.analyze(ops)),
            ])
        }
        var model = try ModelConfig.load("llama-3.1-8b")
        model.name = "test | model"
        let subject = ReportSubject(model: model, promptTokens: 4096, contextTokens: 4096, batch: 1, precision: .bf16,
                                    attention: [.fused, .materialized], weightBytes: 16e9, kvCacheBytesPerToken: 131_072,
                                    kvCacheBytes: 536_870_912, devices: [])
        return Report(
            createdAt: "2026-11-29T07:00:00Z", toolVersion: "0.1.0", command: "roofline report --model test",
            subject: subject, host: Fixtures.profile, hostRoofline: host,
            phases: [
                ReportPhase(kind: .prefill, tokens: 4096, batch: 1,
                            forms: [try form(.fused, fused + rest), try form(.materialized, materialized + rest)]),
                ReportPhase(kind: .decode, tokens: 4096, batch: 1, forms: [try form(.fused, fused + rest)]),
            ],
            deployment: nil)
    }

    @Test func markdownHoldsEverySection() throws {
        let rendered = try Self.report().render(baseName: "test")
        let md = rendered.markdown
        for heading in ["# Roofline report: test \\| model, batch 1, bf16 weights, on this host\n", "## What was analysed\n",
                        "## Machine\n", "## Host ceilings\n", "## Operators\n",
                        "### Prefill: 4,096 prompt tokens × batch 1\n", "### Decode at context 4,096, batch 1\n",
                        "#### this host, fused attention\n", "#### H200-like, materialized attention\n",
                        "#### Attention: fused vs materialized\n", "## Host vs accelerators\n",
                        "### Prefill: 4,096 prompt tokens × batch 1, materialized attention\n", "## Method and assumptions\n"] {
            #expect(md.contains(heading), "missing \(heading)")
        }
        #expect(!md.contains("## Deployment"))
        #expect(md.contains("```sh\nroofline report --model test\n```"))
        #expect(md.contains("| Model | test \\| model (llama) |"))
        #expect(md.contains("| Weights | 16.0 GB |"))
        #expect(md.contains("The step time is the time to first token on one device (no queueing); tokens/s = 4,096 prompt tokens of all sequences ÷ step time.\n"))
        #expect(md.contains("- Host bandwidth (quick probe): the "))
    }

    @Test func everyLinkedChartIsWrittenAndParses() throws {
        let rendered = try Self.report().render(baseName: "test")
        let names = rendered.charts.map(\.name)
        // Bandwidth and host roofline, then per phase, form and roofline: prefill 2 × 2, decode 1 × 2.
        #expect(names == ["test-bandwidth.svg", "test-roofline-host.svg",
                          "test-roofline-host-prefill-fused.svg", "test-roofline-h200-prefill-fused.svg",
                          "test-roofline-host-prefill-materialized.svg", "test-roofline-h200-prefill-materialized.svg",
                          "test-roofline-host-decode.svg", "test-roofline-h200-decode.svg"])
        for file in rendered.charts {
            #expect(rendered.markdown.contains("](\(file.name))"), "\(file.name) is not linked")
            let parsed = try ParsedSVG(file.contents)
            #expect(parsed.document.rootElement()?.name == "svg")
            keepForInspection(file.contents, name: file.name)
        }
        // Each operator chart has a point per drawable operator: materialized prefill has 5 (3 attention + 2).
        let materialized = try #require(rendered.charts.first { $0.name == "test-roofline-h200-prefill-materialized.svg" })
        let parsed = try ParsedSVG(materialized.contents)
        let points = try parsed.markers("operator memory-bound") + parsed.markers("operator compute-bound")
        #expect(points.compactMap(ParsedSVG.title).sorted() == ["attn.qkv", "attn_scores", "attn_values", "ffn.up", "softmax"])
    }

    @Test func slugsAreFileNameSafe() {
        #expect(Report.slug("NVIDIA H200 SXM 141GB") == "nvidia-h200-sxm-141gb")
        #expect(Report.slug("  ../x y/ ") == "x-y")
        #expect(Report.slug("µ") == "chart")
    }
}

@Suite struct ReportOperatorSectionTests {
    @Test func measuredOperatorsGetTheirOwnSection() throws {
        let roofline = Roofline(
            name: "test host", computeCeilings: [ComputeCeiling(dataType: .fp32, flopsPerSecond: 100e9, source: "test")],
            bandwidthCeilings: [BandwidthCeiling(level: "DRAM", bytesPerSecond: 20e9, source: "test")], mainMemoryLevel: "DRAM")
        // RMSNorm: 4 MFLOP over 8 MB at 20 GB/s → predicted 400 µs; measured best 500 µs → efficiency 0.80.
        let norm = Operator(name: "rmsnorm", kind: .norm, flops: 4e6, bytes: ByteCounts(activations: 8e6), computeType: .fp32)
        let measurement = OperatorMeasurement(family: "rmsnorm fp32", shape: "1000×2000", storageType: .fp32, operator: norm,
                                              countedBy: "test", workingSetBytes: 8e6, threads: 1,
                                              seconds: SampleSummary(best: 500e-6, median: 600e-6, worst: 700e-6, count: 5))
        let validation = OperatorValidation(
            roofline: roofline, threads: 1, openBLAS: nil,
            checks: [KernelCheck(kernel: "rmsnorm", shape: "3×7", measure: "max relative error", error: 1e-7, bound: 1e-5)],
            rows: try OperatorValidation.rows([measurement], roofline: roofline), comparisons: [], notes: [])
        var report = try ReportTests.report()
        report.operators = validation
        let markdown = report.render(baseName: "x").markdown
        #expect(markdown.contains("## Predicted vs measured operators"))
        #expect(markdown.contains("### Correctness against references"))
        #expect(markdown.contains("| rmsnorm fp32 | 1000×2000 | 8.00 MB | DRAM | 0.500 | memory | 400 µs | 500 µs | 600 µs | 0.80 | 0.67 |"))
        #expect(markdown.contains("Host operators: GEMM through OpenBLAS"))
        #expect(!(try ReportTests.report().render(baseName: "x").markdown.contains("Predicted vs measured")))
    }
}
