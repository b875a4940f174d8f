import Foundation
import Testing

/// A probe small enough for tests whose profile still has a roofline: triad at one thread in each level and
/// DRAM, and the FLOP peaks.
private let tinyProbe = ["probe", "--phases", "bandwidth,flops", "--kernels", "triad", "--threads", "1", "--samples", "2",
                         "--quiet", "--format", "json"]

@Suite(.serialized) struct ReportCLITests {
    /// Runs the tiny probe once and keeps its profile in a fresh folder.
    static func tinyProfile() throws -> URL {
        let folder = try CLIRunner.temporaryFolder()
        let file = folder.appendingPathComponent("host.json")
        let result = try CLIRunner.run(tinyProbe + ["--output", file.path])
        #expect(result.status == 0, "tiny probe failed: \(result.stderr)")
        return file
    }

    @Test func endToEndOnATinyProbeWritesTheReportAndItsCharts() throws {
        let profile = try Self.tinyProfile()
        defer { try? FileManager.default.removeItem(at: profile.deletingLastPathComponent()) }
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("tiny.md").path
        let result = try CLIRunner.run(["report", "--profile", profile.path, "--model", "llama-3.1-8b", "--device", "h200",
                                        "--prompt", "512", "--context", "2k", "--attention", "both", "--price", "3", "--output", output])
        #expect(result.status == 0, "report failed: \(result.stderr)")
        #expect(result.stdout == output + "\n")
        #expect(result.stderr.contains("roofline: wrote \(output) and"))
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        for heading in ["## What was analysed", "## Machine", "## Host ceilings", "## Operators", "### Prefill: 512 prompt tokens",
                        "### Decode at context 2,000", "#### Attention: fused vs materialized", "## Host vs accelerators",
                        "## Method and assumptions"] {
            #expect(markdown.contains(heading), "missing \(heading)")
        }
        #expect(markdown.contains("--prompt 512 --context 2000 --batch 1"))
        // Every chart the markdown links is beside it, and nothing else was written.
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let charts = files.filter { $0.hasSuffix(".svg") }
        #expect(files == (["tiny.md"] + charts).sorted())
        #expect(charts.contains("tiny-bandwidth.svg") && charts.contains("tiny-roofline-host.svg")
            && charts.contains("tiny-roofline-h200-decode-materialized.svg"))
        for chart in charts {
            #expect(markdown.contains("](\(chart))"), "\(chart) is not linked")
            let svg = try String(contentsOfFile: folder.appendingPathComponent(chart).path, encoding: .utf8)
            #expect(svg.hasPrefix("<?xml") && svg.contains("viewBox=\"0 0 960 600\"") && svg.hasSuffix("</svg>\n"))
        }
    }

    @Test func withoutTheHostOnlyAcceleratorSectionsAppear() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("gpu.md").path
        let result = try CLIRunner.run(["report", "--probe", "none", "--model", "llama-3.1-8b", "--output", output, "--quiet"])
        #expect(result.status == 0, "report failed: \(result.stderr)")
        #expect(result.stderr.isEmpty)
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        #expect(!markdown.contains("## Host ceilings") && !markdown.contains("## Machine"))
        #expect(markdown.contains("## Operators"))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == ["gpu-roofline-h200-decode.svg", "gpu-roofline-h200-prefill.svg", "gpu.md"])
    }

    /// `--batch` as a range adds the Serving section: per device the sweep table, the front, the knee and the
    /// latency choice, and every chart it links is written beside the markdown.
    @Test func aBatchRangeAddsTheServingSectionWithItsCharts() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("serve.md").path
        let result = try CLIRunner.run(["report", "--probe", "none", "--model", "llama-3.1-70b", "--device", "h200,mi300x",
                                        "--batch", "1..64x4", "--context", "8k", "--max-tpot", "50ms", "--output", output, "--quiet"])
        #expect(result.status == 0, "report failed: \(result.stderr)")
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        let serving = try #require(markdown.components(separatedBy: "## Serving\n").last)
        #expect(markdown.contains("## Serving\n") && serving.contains("### NVIDIA H200") && serving.contains("### AMD Instinct MI300X"))
        #expect(serving.contains("Serving front, context 8,000") && serving.contains("◆") && serving.contains("★ chosen"))
        #expect(markdown.contains("--context 8k --batch 1..64x4") && markdown.contains("--max-tpot 50ms"))
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        let links = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
        #expect(links.filter { $0.contains("serving-") }.count == 4)
        for link in links { #expect(files.contains(link), "\(link) is linked but not written") }
        let front = try String(contentsOfFile: folder.appendingPathComponent("serve-serving-nvidia-h200-sxm-141gb-front-8000.svg").path,
                               encoding: .utf8)
        #expect(front.contains("★ batch") && front.contains("#0072B2"))
        let throughput = try String(contentsOfFile: folder.appendingPathComponent("serve-serving-amd-mi300x-throughput.svg").path,
                                    encoding: .utf8)
        #expect(throughput.contains("knee: batch"))
        let single = try CLIRunner.run(["report", "--probe", "none", "--model", "llama-3.1-8b", "--output",
                                        folder.appendingPathComponent("one.md").path, "--quiet"])
        #expect(single.status == 0)
        #expect(!(try String(contentsOfFile: folder.appendingPathComponent("one.md").path, encoding: .utf8)).contains("## Serving"))
    }

    @Test func aDeviceFileAddsAnAccelerator() throws {
        let file = try CLIRunner.temporaryFile("accel.json", contents: Data("""
            {"id": "test-accel", "name": "Test accelerator", "memory_gb": 100, "memory_bw_tbps": 2,
             "peak_tflops": {"bf16": 400, "fp32": 50}, "price_usd_per_hour": 2}
            """.utf8))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("accel.md").path
        let result = try CLIRunner.run(["report", "--probe", "none", "--device-file", file.path, "--device", "test-accel,h200",
                                        "--output", output, "--quiet"])
        #expect(result.status == 0, "report failed: \(result.stderr)")
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        // 2 TB/s and 400 TFLOP/s bf16: ridge 400e12 ÷ 2e12 = 200 FLOP/byte.
        #expect(markdown.contains("| Device: Test accelerator | 2.00 TB/s HBM, bf16 400 TFLOP/s, 100 GB memory"))
        #expect(markdown.contains("bf16 400 TFLOP/s (ridge 200 FLOP/byte)"))
        #expect(markdown.contains("--device test-accel,h200 --device-file \(file.path)"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("accel-roofline-test-accel-decode.svg").path))
    }

    @Test(arguments: [
        (["--device", "nosuch"], 64, "unknown device 'nosuch'"),
        (["--model", "no-such-model"], 64, "unknown model 'no-such-model'"),
        (["--weights", "fp7"], 64, "unknown data type 'fp7'"),
        (["--prompt", "0"], 64, "--prompt must be at least 1"),
        (["--prompt", "8k", "--context", "4k"], 64, "give --prompt ≤ --context"),
        (["--output", "report.txt"], 64, "--output must name a markdown file ending in .md"),
        (["--price", "3", "--device", "h200,h200"], 64, "--price sets one device's price"),
        (["--probe", "quick", "--profile", "x.json"], 64, "give --profile or --probe, not both"),
        (["--profile", "/nonexistent/host.json"], 64, "cannot read host profile /nonexistent/host.json"),
        (["--output", "/nonexistent-folder/r.md"], 64, "folder /nonexistent-folder is missing or not writable"),
    ])
    func badInputExitsNonZeroWithOneLineAndNoFiles(arguments: [String], status: Int32, message: String) throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = ["--output", folder.appendingPathComponent("r.md").path]
        // No probe unless the case is about --probe or --profile: bad input must fail before any measuring.
        let host = arguments.contains("--probe") || arguments.contains("--profile") ? [] : ["--probe", "none"]
        let result = try CLIRunner.run(["report"] + host + output + arguments)
        #expect(result.status == status)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(result.stderr.hasPrefix("roofline: error: "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test func badProfileJSONIsBadData() throws {
        let profile = try CLIRunner.temporaryFile("host.json", contents: Data("{\"mode\": \"quick\"".utf8))
        defer { try? FileManager.default.removeItem(at: profile.deletingLastPathComponent()) }
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try CLIRunner.run(["report", "--profile", profile.path, "--output", folder.appendingPathComponent("r.md").path])
        #expect(result.status == 65)
        #expect(result.stderr == "roofline: error: \(profile.path) is not a host profile (not valid JSON): write one with `roofline probe --format json --output \(profile.path)`\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    /// `--model a,b --weights bf16,fp8`: one report, the comparison table ahead of each variant's section, charts
    /// and CSV files named per variant; JSON carries the rows beside each variant's report. Llama 3.1 8B in bf16
    /// holds 8,030,261,248 × 2 B = 16,060,522,496 B of weights; each row's figures are its variant's own plan's.
    @Test func modelsAndWeightsSideBySide() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("side by side.md").path
        let base = ["report", "--probe", "none", "--model", "llama-3.1-8b,mixtral-8x7b-v0.1", "--weights", "bf16,fp8",
                    "--device", "h200", "--prompt", "1k", "--context", "4k", "--batch", "8", "-q"]
        let result = try CLIRunner.run(base + ["--csv", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        let comparison = try #require(markdown.range(of: "## Comparison"))
        let sections = markdown.components(separatedBy: "\n## Roofline report: ").count - 1
        #expect(sections == 4)
        let firstSection = try #require(markdown.range(of: "\n## Roofline report: "))
        #expect(comparison.lowerBound < firstSection.lowerBound)
        let tableRows = markdown[comparison.upperBound..<firstSection.lowerBound].split(separator: "\n")
            .filter { $0.hasPrefix("| llama") || $0.hasPrefix("| mixtral") }
        #expect(tableRows.count == 4, "\(tableRows)")
        // Each variant's charts and CSV files carry its name, and every one the markdown links is beside it.
        let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder.path))
        for variant in ["llama-3-1-8b-bf16", "llama-3-1-8b-fp8", "mixtral-8x7b-v0-1-bf16", "mixtral-8x7b-v0-1-fp8"] {
            #expect(files.contains("side by side-\(variant)-steps.csv") && files.contains("side by side-\(variant)-roofline-h200-decode.svg"), "\(variant)")
        }
        let targets = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
            .filter { $0.hasSuffix(".csv") || $0.hasSuffix(".svg") }
        #expect(!targets.isEmpty)
        for target in targets { #expect(files.contains(target.removingPercentEncoding ?? target), "\(target)") }

        let json = try CLIRunner.run(base + ["--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(document["rows"] as? [[String: Any]])
        let variants = try #require(document["variants"] as? [[String: Any]])
        #expect(rows.count == 4 && variants.count == 4)
        #expect(rows.map { "\($0["model"] ?? "") \($0["weightType"] ?? "")" }
                == ["llama-3.1-8b bf16", "llama-3.1-8b fp8", "mixtral-8x7b-v0.1 bf16", "mixtral-8x7b-v0.1 fp8"])
        #expect(rows[0]["weightBytes"] as? Double == 16_060_522_496 && rows[0]["kvCacheBytesPerToken"] as? Double == 131_072)
        #expect(try #require(rows[1]["weightBytes"] as? Double) < 16_060_522_496)
        for (row, variant) in zip(rows, variants) {
            let plan = try #require(((variant["deployment"] as? [[String: Any]])?.first?["plan"] as? [String: Any]))
            let layout = try #require((plan["layouts"] as? [[String: Any]])?.first { $0["layout"] as? String == "tensor-pipeline" })
            let bound = try #require(row["bound"] as? [String: Any])
            #expect(bound["tokensPerSecond"] as? Double == layout["boundTokensPerSecond"] as? Double)
            #expect(row["devicesNeeded"] as? Int == plan["minimumDevices"] as? Int)
        }
        let twice = try CLIRunner.run(["report", "--probe", "none", "--model", "llama-3.1-8b,llama-3.1-8b", "--device", "h200",
                                       "--format", "json"])
        #expect(twice.status == 64 && twice.stderr.contains("twice"), "\(twice.stderr)")
    }

    /// With a calibration the report gives the predicted figures beside the bound's: per phase in the summary, per
    /// operator with how they come about (kernel model, calls, floor, η), and per layout in the deployment table.
    /// Llama 3.1 8B decode at batch 1 and context 4,096 on an H100 (the issue's worked case): the predicted time per
    /// token is the plan's, the predicted tokens/s is batch ÷ that time, $ per million tokens is the price per hour
    /// over the tokens of an hour, the prediction is never below the bound, and the operators' predicted times add
    /// up to the step's.
    @Test func predictedFiguresStandBesideTheBound() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("8b.md").path
        let workload = ["--model", "llama-3.1-8b", "--device", "h100", "--prompt", "4096", "--context", "4096", "--batch", "1"]
        let result = try CLIRunner.run(["report", "--probe", "none", "--output", output, "-q"] + workload)
        #expect(result.status == 0, "\(result.stderr)")
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        let plan = try CLIRunner.run(["plan", "--format", "json"] + workload)
        #expect(plan.status == 0, "\(plan.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
        let layout = try #require((document["layouts"] as? [[String: Any]])?.first { $0["layout"] as? String == "aggregate" })
        let predictedStep = try #require((layout["decodePredicted"] as? [String: Any])?["seconds"] as? Double)
        let boundStep = try #require(layout["secondsPerToken"] as? Double)
        #expect(predictedStep > boundStep)

        func cells(_ prefix: String) throws -> [String] {
            let line = try #require(markdown.split(separator: "\n").first { $0.hasPrefix(prefix) }, "no row \(prefix)")
            return line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        func seconds(_ text: String) -> Double? {
            let parts = text.split(separator: " ")
            guard parts.count == 2, let value = Double(parts[0]) else { return nil }
            return ["s": 1, "ms": 1e-3, "µs": 1e-6, "ns": 1e-9][String(parts[1])].map { value * $0 }
        }
        func number(_ text: String) -> Double? { Double(text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "\\$", with: "")) }

        let header = try cells("| Device | Layout |")
        let row = try cells("| NVIDIA H100 SXM5 80GB | aggregate |")
        #expect(header.count == row.count && header.suffix(4) == ["Predicted time per token", "Predicted tokens/s",
                                                                  "Predicted time to first token", "Predicted \\$ per million tokens"], "\(header)")
        let value = Dictionary(uniqueKeysWithValues: zip(header, row))
        let perToken = try #require(value["Predicted time per token"].flatMap(seconds))
        #expect(abs(perToken / predictedStep - 1) < 0.005, "\(perToken) vs plan \(predictedStep)")
        let rate = try #require(value["Predicted tokens/s"].flatMap(number))
        #expect(abs(rate * perToken - 1) < 0.01)
        let cost = try #require(value["Predicted \\$ per million tokens"].flatMap(number))
        let perHour = try #require(value["\\$/hour"].flatMap(number))
        #expect(abs(cost / (perHour / (rate * 3600) * 1e6) - 1) < 0.01)
        let ttft = try #require(value["Predicted time to first token"].flatMap(seconds))
        #expect(ttft > (try #require(value["Time to first token"].flatMap(seconds))))

        // The summary carries the decode prediction; the explanation's operators add up to it.
        #expect(markdown.contains("- **Decode at context 4,096, batch 1**") && markdown.contains("; predicted \(value["Predicted time per token"]!), "))
        let explanation = try #require(markdown.components(separatedBy: "How the predicted times come about").last)
        let attention = try #require(explanation.split(separator: "\n").first { $0.hasPrefix("| attention | decode-attention/bf16 | 32 |") })
        #expect(!attention.isEmpty)
        let decodeBlock = try #require(markdown.components(separatedBy: "### Decode at context 4,096").last?
            .components(separatedBy: "How the predicted times come about").dropFirst().first)
        let predictedColumn = try #require(try cells("| Operator | Kernel model |").firstIndex(of: "Predicted"))
        let operatorTotal = decodeBlock.split(separator: "\n").filter { $0.hasPrefix("| ") && !$0.hasPrefix("| Operator") && !$0.hasPrefix("|---") }
            .compactMap { line -> Double? in
                let parts = line.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                    .map { $0.trimmingCharacters(in: .whitespaces) }
                return predictedColumn < parts.count ? seconds(parts[predictedColumn]) : nil
            }.reduce(0, +)
        #expect(abs(operatorTotal / predictedStep - 1) < 0.01, "operators add to \(operatorTotal), the step is \(predictedStep)")
    }
}
