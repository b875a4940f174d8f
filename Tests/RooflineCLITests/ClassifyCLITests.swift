import Foundation
import RooflineCore
import Testing

@Suite(.serialized) struct ClassifyCLITests {
    static let decode405b = ["classify", "--model", "llama-3.1-405b", "--phase", "decode", "--context", "10M",
                             "--device", "h200"]

    func json(_ result: CLIRunner.Result) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    }

    @Test func jsonCarriesEveryOperatorAndTotals() throws {
        let result = try CLIRunner.run(Self.decode405b + ["--format", "json"])
        #expect(result.status == 0)
        // 10M tokens is beyond the 131,072 positions Llama 3.1 was trained for: one warning, the exit code unchanged.
        #expect(result.stderr == "roofline: warning: llama-3.1-405b: context 10,000,000 exceeds the 131,072 positions "
            + "the model was trained for (max_position_embeddings after RoPE scaling): quality is not assured there, "
            + "the counts still are\n")
        let object = try json(result)
        #expect(object["contextTokens"] as? Int == 10_000_000)
        #expect(object["phase"] as? String == "decode")
        let ridge = try #require(object["ridgeFlopsPerByte"] as? Double)
        #expect(ridge.isApproximatelyEqual(to: 989.4 / 4.8, relativeTolerance: 1e-12))
        let operators = try #require(object["operators"] as? [[String: Any]])
        #expect(operators.count == 14)
        let keys = ["name", "kind", "count", "flops", "bytes", "weightBytes", "activationBytes", "kvBytes", "computeType",
                    "ceilingDataType", "arithmeticIntensity", "attainableFlopsPerSecond", "seconds", "bound", "share"]
        for op in operators {
            for key in keys { #expect(op[key] != nil, "operator \(op["name"] ?? "?") lacks \(key)") }
            #expect(["compute", "memory"].contains(op["bound"] as? String))
        }
        let attention = try #require(operators.first { $0["name"] as? String == "attention" })
        #expect(attention["kvBytes"] as? Double == 5_160_960_000_000)  // 10M × 516,096 B
        #expect(attention["bound"] as? String == "memory")
        let totals = try #require(object["totals"] as? [String: Any])
        let seconds = try #require(totals["seconds"] as? Double)
        let bytes = try #require(totals["bytes"] as? Double)
        #expect(seconds.isApproximatelyEqual(to: bytes / 4.8e12, relativeTolerance: 1e-3))
    }

    @Test func textAndMarkdownShowTheTable() throws {
        let text = try CLIRunner.run(Self.decode405b)
        #expect(text.status == 0)
        #expect(text.stdout.contains("operator"))
        #expect(text.stdout.contains("attention"))
        #expect(text.stdout.contains("5.16 TB"))
        #expect(text.stdout.contains("ridge 206 FLOP/B at bf16"))
        let markdown = try CLIRunner.run(Self.decode405b + ["--format", "markdown"])
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("| operator | kind |"))
        #expect(markdown.stdout.contains("| total |"))
    }

    @Test func prefillTakesSuffixedSizesAndAttentionModes() throws {
        let result = try CLIRunner.run(["classify", "--model", "mistral-7b-v0.1", "--phase", "prefill", "--tokens", "128k",
                                             "--attention", "materialized", "--batch", "2", "--weights", "fp8",
                                             "--kv", "fp8", "--device", "nvidia-h200", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result)
        #expect(object["promptTokens"] as? Int == 128_000)
        let operators = try #require(object["operators"] as? [[String: Any]])
        let softmax = try #require(operators.first { ($0["name"] as? String)?.hasPrefix("softmax") == true })
        #expect(softmax["bound"] as? String == "memory")
    }

    @Test func outputGoesToAFileWhenAsked() throws {
        let target = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-classify-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: target) }
        let result = try CLIRunner.run(Self.decode405b + ["--format", "json", "--output", target.path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        #expect(try JSONSerialization.jsonObject(with: Data(contentsOf: target)) is [String: Any])
    }

    @Test func malformedConfigExitsSixtyFiveWithOneLine() throws {
        let config = try CLIRunner.temporaryFile(
            "config.json", contents: Data(#"{"model_type": "llama", "hidden_size": 4096, "num_hidden_layers": 0}"#.utf8))
        defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["classify", "--model", config.path, "--phase", "decode", "--context", "4096",
                                             "--device", "h200"])
        #expect(result.status == 65)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("num_hidden_layers"))
    }

    @Test func unknownModelTypeExitsSixtyFive() throws {
        let config = try CLIRunner.temporaryFile("config.json", contents: Data(#"{"model_type": "t5"}"#.utf8))
        defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["classify", "--model", config.path, "--phase", "decode", "--context", "1",
                                             "--device", "h200"])
        #expect(result.status == 65)
        #expect(result.stderrLines == ["roofline: error: \(config.path): model_type 't5' is not supported and the config "
            + "lacks the standard decoder keys hidden_size, num_hidden_layers, num_attention_heads, intermediate_size, "
            + "vocab_size: use a config of one of llama, mistral, mixtral, qwen2, qwen2_moe, qwen3, qwen3_moe, "
            + "deepseek_v2, deepseek_v3, gemma2, gemma3_text, llama4_text, gpt2, gpt_oss, phi3, granite, olmo2, cohere, "
            + "cohere2, glm4_moe, phimoe, "
            + "or --family to force one"])
    }

    @Test func qwen3NextExitsSixtyFiveNamingItsLinearAttention() throws {
        let config = try CLIRunner.temporaryFile("config.json", contents: Data(#"""
            {"model_type": "qwen3_next", "hidden_size": 2048, "num_hidden_layers": 48, "num_attention_heads": 16,
             "num_key_value_heads": 2, "intermediate_size": 5120, "vocab_size": 151936, "num_experts": 512,
             "full_attention_interval": 4, "linear_num_value_heads": 32}
            """#.utf8))
        defer { try? FileManager.default.removeItem(at: config.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["models", "--model", config.path])
        #expect(result.status == 65)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("Gated DeltaNet linear attention"))
    }

    @Test(arguments: [
        (["--device", "tpu-v9"], "unknown device 'tpu-v9'"),
        (["--device", "h200", "--kv", "fp5"], "unknown data type 'fp5'"),
        (["--device", "h200", "--attention", "paged"], "unknown --attention 'paged'"),
        (["--device", "h200", "--batch", "0"], "--batch must be at least 1"),
        (["--device", "h200", "--tokens", "5"], "--tokens applies to prefill"),
        (["--device", "/nonexistent/profile.json"], "cannot read host profile"),
    ])
    func usageErrorsExitSixtyFour(extra: [String], message: String) throws {
        let result = try CLIRunner.run(["classify", "--model", "llama-2-7b", "--phase", "decode", "--context", "4096"]
            + extra)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func missingSizesAndUnknownModelsAreUsageErrors() throws {
        let prefill = try CLIRunner.run(["classify", "--model", "llama-2-7b", "--phase", "prefill", "--device", "h200"])
        #expect(prefill.status == 64)
        #expect(prefill.stderr.contains("--tokens"))
        let unknown = try CLIRunner.run(["classify", "--model", "llama-7", "--phase", "decode", "--context", "1",
                                              "--device", "h200"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("llama-3.1-405b"))
    }

    @Test func hostRunsAQuickProbeAndFallsBackFromBF16() throws {
        let result = try CLIRunner.run(["classify", "--model", "llama-2-7b", "--phase", "decode", "--context", "4096",
                                        "--device", "host", "--format", "json"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("quick probe"))
        let json = try self.json(result)
        #expect(json["operators"] as? [Any] != nil)
        // bf16 matmuls use the host's bf16 path where the CPU has one, else a wider ceiling, and the output says which.
        #expect(result.stdout.contains("bf16"))
        #expect(result.stdout.contains("fp32"))
    }

    /// A host profile as `roofline probe` writes it, with fp32/fp64 FLOP rates and DRAM bandwidth only.
    static func hostProfile() throws -> Data {
        let rate = { (value: Double) in SampleSummary(best: value, median: value, worst: value, count: 1) }
        let profile = HostProfile(
            toolVersion: RooflineVersion.current, createdAt: "2026-11-29T00:00:00Z", mode: .quick,
            host: HostInfo(cpuModel: "Test CPU", architecture: "x86_64", cpusAvailable: [0, 1], caches: [],
                           numaAvailable: false, numaNodes: [], kernelISA: "avx512", vectorBits: 512, cpuFeatures: [],
                           memoryTotalBytes: 1 << 34, memoryAvailableBytes: 1 << 33, kernelRelease: "6.1"),
            theoreticalPeak: TheoreticalPeak(clockHertz: 2e9, clockMethod: "test", fmaUnitsPerCore: 2, fmaUnitsMethod: "test",
                                             vectorBits: 512, vectorMethod: "test"),
            bandwidth: [],
            levels: [LevelBandwidth(level: "DRAM", kernel: "triad", threads: 2, bytesPerSecond: rate(20e9),
                                    fromWorkingSetBytes: [1 << 30], reportedCapacityBytes: nil, measuredCapacityBytes: nil)],
            flops: [FlopsMeasurement(dataType: .fp32, threads: 2, flopsPerSecond: rate(200e9), theoreticalFlopsPerSecond: 256e9),
                    FlopsMeasurement(dataType: .fp64, threads: 2, flopsPerSecond: rate(100e9), theoreticalFlopsPerSecond: 128e9)],
            latency: [], numa: nil, timerResolutionSeconds: 1e-9, minimumSampleSeconds: 0.01, notes: [])
        return try JSONEncoder().encode(profile)
    }

    @Test func hostProfileRooflineFallsBackAndSaysSo() throws {
        let file = try CLIRunner.temporaryFile("host.json", contents: Self.hostProfile())
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["classify", "--model", "llama-3.1-8b", "--phase", "decode", "--context", "4096",
                                             "--weights", "fp8", "--activations", "fp8", "--device", file.path,
                                             "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try json(result)
        let notes = try #require(object["notes"] as? [String])
        #expect(notes.contains { $0.contains("no fp8 compute ceiling") && $0.contains("fp32 ceiling") })
        let operators = try #require(object["operators"] as? [[String: Any]])
        let qkv = try #require(operators.first { $0["name"] as? String == "qkv_proj" })
        #expect(qkv["computeType"] as? String == "fp8")
        #expect(qkv["ceilingDataType"] as? String == "fp32")
        #expect(qkv["fellBackFrom"] as? String == "fp8")
        // Host ridge: 200 GFLOP/s over 20 GB/s = 10 FLOP/B.
        #expect(object["ridgeFlopsPerByte"] as? Double == 10)
    }

    /// A host-engine calibration predicts the step as the memory and compute times of its operators other than
    /// attention, each ÷ its fitted fraction, plus the attention's bound ÷ its fraction, plus its layers × the fitted time
    /// per layer; a phase it lacks leaves bounds only with a note; a fraction above 1, or a file of the old schema, is a
    /// data error.
    @Test func hostEngineCalibrationPredictsEachPartOverItsFraction() throws {
        let profile = try CLIRunner.temporaryFile("host.json", contents: Self.hostProfile())
        defer { try? FileManager.default.removeItem(at: profile.deletingLastPathComponent()) }
        func calibration(memory: Double = 0.8, version: Int = 2, perLayer: Double = 0.001) throws -> URL {
            try CLIRunner.temporaryFile("llama.json", contents: Data("""
                {"schemaVersion": \(version), "kind": "host-engine", "engine": "llama.cpp test", "cpuModel": "Test CPU",
                 "threads": 2, "fittedOn": ["smollm2-360m"], "source": "test", "entries": [{"phase": "decode",
                 "weights": "fp32", "memoryFraction": \(memory), "computeFraction": 0.5, "attentionFraction": 0.1,
                 "secondsPerLayer": \(perLayer), "rows": 2, "minimumFraction": 0.4, "maximumFraction": 0.5}]}
                """.utf8))
        }
        let file = try calibration()
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let arguments = ["classify", "--model", "llama-3.1-8b", "--weights", "fp32", "--device", profile.path,
                         "--calibration", file.path, "--format", "json"]
        let decode = try CLIRunner.run(arguments + ["--phase", "decode", "--context", "4096"])
        #expect(decode.status == 0, "\(decode.stderr)")
        let object = try json(decode)
        let totals = try #require(object["totals"] as? [String: Any])
        let predicted = try #require(totals["predictedSeconds"] as? Double)
        // Sums over the operator rows: memory and compute times outside attention, the attention's bound.
        let operators = try #require(object["operators"] as? [[String: Any]])
        let isAttention = { (row: [String: Any]) in
            ["attention", "attention-scores", "softmax", "attention-values"].contains(row["kind"] as? String ?? "")
        }
        func sum(_ key: String, _ rows: [[String: Any]]) -> Double { rows.compactMap { $0[key] as? Double }.reduce(0, +) }
        let rest = operators.filter { !isAttention($0) }
        let (memory, compute) = (sum("memorySeconds", rest), sum("computeSeconds", rest))
        let attention = sum("seconds", operators.filter(isAttention))
        #expect(memory > 0 && compute > 0 && attention > 0)
        // Llama 3.1 8B has 32 layers.
        #expect(predicted.isApproximatelyEqual(to: memory / 0.8 + compute / 0.5 + attention / 0.1 + 32 * 0.001,
                                               relativeTolerance: 1e-12))
        #expect(predicted > (totals["seconds"] as? Double ?? .infinity))
        let host = try #require(object["hostPrediction"] as? [String: Any])
        #expect(host["memoryFraction"] as? Double == 0.8 && host["weights"] as? String == "fp32")
        #expect((host["attentionBoundSeconds"] as? Double)?.isApproximatelyEqual(to: attention, relativeTolerance: 1e-12) == true)
        let text = try CLIRunner.run(Array(arguments.dropLast(2)) + ["--phase", "decode", "--context", "4096"])
        #expect(text.stdout.contains("÷ 0.800 + compute"), "\(text.stdout)")
        #expect(text.stdout.contains("÷ 0.100 + 32 layers × 1.00 ms: llama.cpp test on Test CPU (2 threads) for decode with fp32 weights, fitted on smollm2-360m"), "\(text.stdout)")

        let prefill = try CLIRunner.run(arguments + ["--phase", "prefill", "--tokens", "128"])
        #expect(prefill.status == 0)
        #expect(try json(prefill)["hostPrediction"] == nil)
        #expect(prefill.stdout.contains("has no entry for prefill with fp32 weights (it has decode fp32): bounds only"))

        for (bad, message) in [(try calibration(memory: 1.3), "memoryFraction 1.3 is outside (0, 1]"),
                               (try calibration(memory: 1e-300), "memoryFraction 1e-300 is below 1e-06"),
                               (try calibration(perLayer: 1e308), "secondsPerLayer 1e+308 is outside 0…60 s"),
                               (try calibration(version: 1), "schemaVersion 1, this roofline reads 2")] {
            defer { try? FileManager.default.removeItem(at: bad.deletingLastPathComponent()) }
            let refused = try CLIRunner.run(["classify", "--model", "llama-3.1-8b", "--device", profile.path,
                                             "--calibration", bad.path, "--phase", "decode", "--context", "4096"])
            #expect(refused.status == 65 && refused.stderrLines.count == 1)
            #expect(refused.stderr.contains(message), "\(refused.stderr)")
        }
    }

    @Test func malformedHostProfileExitsSixtyFive() throws {
        let file = try CLIRunner.temporaryFile("broken.json", contents: Data(#"{"toolVersion": 3}"#.utf8))
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let result = try CLIRunner.run(["classify", "--model", "llama-2-7b", "--phase", "decode", "--context", "4096",
                                             "--device", file.path])
        #expect(result.status == 65)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("is not a host profile"))
    }

    @Test func modelsListsEveryPreset() throws {
        let result = try CLIRunner.run(["models", "--format", "json"])
        #expect(result.status == 0)
        let document = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        let entries = try #require(document["models"] as? [[String: Any]])
        #expect(entries.count == 13)
        let llama = try #require(entries.first { $0["name"] as? String == "llama-3.1-405b" })
        #expect(llama["parameterCount"] as? Int == 405_853_388_800)
        #expect(llama["kvCacheBytesPerToken"] as? Double == 516_096)
        let deepseek = try #require(entries.first { $0["name"] as? String == "deepseek-v3" })
        #expect(deepseek["activeParameterCount"] as? Int == 37_552_297_472)
        #expect(deepseek["kvCacheBytesPerToken"] as? Double == 70_272)
        let text = try CLIRunner.run(["models"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("gemma-2-27b"))
        #expect(text.stdout.contains("4096 on 23/46 layers"))
    }
}
