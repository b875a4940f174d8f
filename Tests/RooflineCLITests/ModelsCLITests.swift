import Foundation
import RooflineCore
import Testing

/// `roofline models --model` and the model sources every command shares, against the Hugging Face cache fixture
/// in Tests/RooflineModelsTests/Fixtures/hub.
@Suite struct ModelsCLITests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../RooflineModelsTests/Fixtures").standardizedFileURL
    static let cache = ["HF_HUB_CACHE": fixtures.appendingPathComponent("hub").path]

    func rows(_ result: CLIRunner.Result) throws -> [[String: Any]] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        return try #require(document["models"] as? [[String: Any]])
    }

    @Test func aHubIDPrintsThePresetsRowNamedByTheID() throws {
        let result = try CLIRunner.run(["models", "--model", "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4",
                                        "--model", "llama-3.1-8b", "--format", "json"], environment: Self.cache)
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try rows(result)
        #expect(entries.map { $0["name"] as? String } == ["hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "llama-3.1-8b"])
        #expect(entries[0]["parameterCount"] as? Int == 8_030_261_248)
        #expect(entries[0]["weightBytes"] as? Double == 5_727_854_592)
        #expect(entries[1]["weightBytes"] as? Double == 16_060_522_496.0)
        #expect((entries[0]["weightFormat"] as? String)?.hasPrefix("int4 (awq, group 128 with zero points) for attention, mlp;") == true)
    }

    /// A GGUF file (written by gguf-py: Fixtures/gguf) as --model: the header's sizes and its tensors' exact bytes
    /// (the sum of GGUFReader's n_bytes in tiny-llama-mixed.tensors.tsv: 105,600 B).
    @Test func aGGUFFileIsAModel() throws {
        let path = Self.fixtures.appendingPathComponent("gguf/tiny-llama-mixed.gguf").path
        let result = try CLIRunner.run(["models", "--model", path, "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let entry = try #require(try rows(result).first)
        #expect(entry["name"] as? String == "tiny-llama-mixed")
        #expect(entry["layers"] as? Int == 2 && entry["hiddenSize"] as? Int == 64)
        // 2 · 48 · 64 (embedding, head) + 2 · (64·64 + 2·64·32 + 64·64 + 3·64·256 + 2·64) + 64 = 129,344.
        #expect(entry["parameterCount"] as? Int == 129_344)
        #expect(entry["weightBytes"] as? Double == 105_600)
        #expect((entry["weightFormat"] as? String)?.hasPrefix("GGUF Q8_0 26 %") == true)
    }

    /// classify on a host profile: quantized matmuls on int8 (the profile has no int8 ceiling, so fp32 stands in
    /// and a note says so), each with its side work in the JSON.
    @Test func aGGUFModelClassifiesOnAHostProfile() throws {
        let path = Self.fixtures.appendingPathComponent("gguf/tiny-llama-mixed.gguf").path
        let profile = Self.fixtures.appendingPathComponent("../../../Reports/dev-host-profile.json").standardizedFileURL.path
        let result = try CLIRunner.run(["classify", "--model", path, "--phase", "decode", "--context", "1k", "--device", profile,
                                        "--activations", "fp32", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let operators = try #require(document["operators"] as? [[String: Any]])
        let down = try #require(operators.first { $0["name"] as? String == "down_proj" })
        #expect(down["computeType"] as? String == "int8" && down["ceilingDataType"] as? String == "fp32")
        // Q4_K (256 × 64, 9,216 B) in layer 0 and Q6_K (13,440 B) in layer 1.
        #expect(down["weightBytes"] as? Double == 22_656)
        let side = try #require(down["sideWork"] as? [[String: Any]])
        // One token: Q4_K 64 outputs × 1 block × 48 integer operations = 3,072.
        #expect(side.contains { $0["name"] as? String == "Q4_K sub-block scales" && $0["operations"] as? Double == 3_072 })
        #expect(operators.first { $0["name"] as? String == "attn_norm" }?["sideWork"] == nil)
        let notes = try #require(document["notes"] as? [String])
        #expect(notes.contains { $0.hasPrefix("quantized matmuls add their dequantization work") })
    }

    @Test func everyFormatPrintsTheRow() throws {
        for format in ["text", "markdown"] {
            let result = try CLIRunner.run(["models", "--model", "meta-llama/Llama-3.1-8B", "--format", format],
                                           environment: Self.cache)
            #expect(result.status == 0)
            #expect(result.stdout.contains("meta-llama/Llama-3.1-8B"))
            #expect(result.stdout.contains("16.1 GB"))
        }
    }

    @Test func aRevisionReadsItsSnapshot() throws {
        let result = try CLIRunner.run(["classify", "--model", "meta-llama/Llama-3.1-8B", "--revision", "v3", "--phase",
                                        "decode", "--context", "10000", "--device", "h200", "--format", "json"],
                                       environment: Self.cache)
        #expect(result.status == 0)
        // Llama 3 (ref v3) was trained for 8192 positions: a warning, exit code 0.
        #expect(result.stderr.contains("context 10,000 exceeds the 8,192 positions"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["model"] as? String == "meta-llama/Llama-3.1-8B")
    }

    @Test func aMissingIDIsAUsageErrorNamingTheDownload() throws {
        let result = try CLIRunner.run(["plan", "--model", "acme/nothing", "--device", "h200", "--context", "4096"],
                                       environment: Self.cache)
        #expect(result.status == 64)
        #expect(result.stderr.contains("models--acme--nothing/refs/main"))
        #expect(result.stderr.contains("huggingface-cli download acme/nothing config.json"))
    }

    @Test func aQuantizedCheckpointIsSizedAtItsTypesAndAnOverrideSaysSo() throws {
        let config = Self.fixtures.appendingPathComponent("configs/Meta-Llama-3.1-8B-Instruct-GPTQ-INT4.json").path
        let own = try CLIRunner.run(["plan", "--model", config, "--device", "h200", "--context", "4096", "--format", "json"])
        #expect(own.status == 0)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(own.stdout.utf8)) as? [String: Any])
        #expect(plan["weightBytes"] as? Double == 5_727_854_592)
        let overridden = try CLIRunner.run(["plan", "--model", config, "--device", "h200", "--context", "4096",
                                            "--weights", "bf16", "--format", "json"])
        #expect(overridden.status == 0)
        #expect(overridden.stderr.contains("--weights bf16 overrides the checkpoint's int4 (gptq"))
        let bf16 = try #require(try JSONSerialization.jsonObject(with: Data(overridden.stdout.utf8)) as? [String: Any])
        #expect(bf16["weightBytes"] as? Double == 16_060_522_496.0)
    }

    @Test func familyForcesAnArchitectureAndABadOneIsAUsageError() throws {
        let folder = try CLIRunner.temporaryFolder()
        let config = #"{"model_type":"acme","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":128,"vocab_size":100}"#
        try Data(config.utf8).write(to: folder.appendingPathComponent("config.json"))
        let generic = try CLIRunner.run(["models", "--model", folder.path, "--format", "json"])
        #expect(generic.status == 0)
        #expect(generic.stderr.contains("generic dense decoder"))
        let forced = try CLIRunner.run(["models", "--model", folder.path, "--family", "cohere", "--format", "json"])
        #expect(forced.status == 0)
        #expect(try rows(forced).first?["family"] as? String == "cohere")
        let wrong = try CLIRunner.run(["models", "--model", folder.path, "--family", "nope"])
        #expect(wrong.status == 64)
        try Data(#"{"model_type":"acme","hidden_size":64}"#.utf8).write(to: folder.appendingPathComponent("config.json"))
        let lacking = try CLIRunner.run(["models", "--model", folder.path])
        #expect(lacking.status == 65)
        #expect(lacking.stderr.contains("num_hidden_layers"))
    }
}
