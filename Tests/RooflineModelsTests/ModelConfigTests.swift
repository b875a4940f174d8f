import Foundation
import Testing
@testable import RooflineModels

/// One row of ../shared/reference/derived-checks.md (sections 1 and 2), copied from that file.
struct DerivedCheck: Sendable, CustomTestStringConvertible {
    var preset: String
    var parameters: Int
    var activeParameters: Int
    var kvBytesPerToken: Double
    var testDescription: String { preset }
}

let derivedChecks: [DerivedCheck] = [
    DerivedCheck(preset: "llama-3.1-8b", parameters: 8_030_261_248, activeParameters: 8_030_261_248, kvBytesPerToken: 131_072),
    DerivedCheck(preset: "llama-3.1-70b", parameters: 70_553_706_496, activeParameters: 70_553_706_496, kvBytesPerToken: 327_680),
    DerivedCheck(preset: "llama-3.1-405b", parameters: 405_853_388_800, activeParameters: 405_853_388_800,
                 kvBytesPerToken: 516_096),
    DerivedCheck(preset: "llama-2-7b", parameters: 6_738_415_616, activeParameters: 6_738_415_616, kvBytesPerToken: 524_288),
    DerivedCheck(preset: "llama-2-70b", parameters: 68_976_648_192, activeParameters: 68_976_648_192, kvBytesPerToken: 327_680),
    DerivedCheck(preset: "mistral-7b-v0.1", parameters: 7_241_732_096, activeParameters: 7_241_732_096,
                 kvBytesPerToken: 131_072),
    DerivedCheck(preset: "mixtral-8x7b-v0.1", parameters: 46_702_792_704, activeParameters: 12_879_925_248,
                 kvBytesPerToken: 131_072),
    DerivedCheck(preset: "mixtral-8x22b-v0.1", parameters: 140_620_634_112, activeParameters: 39_152_031_744,
                 kvBytesPerToken: 229_376),
    DerivedCheck(preset: "qwen2.5-72b-instruct", parameters: 72_706_203_648, activeParameters: 72_706_203_648,
                 kvBytesPerToken: 327_680),
    DerivedCheck(preset: "qwen3-235b-a22b", parameters: 235_093_634_560, activeParameters: 22_190_763_520,
                 kvBytesPerToken: 192_512),
    DerivedCheck(preset: "deepseek-v3", parameters: 671_026_419_200, activeParameters: 37_552_297_472,
                 kvBytesPerToken: 70_272),
    DerivedCheck(preset: "gpt3-175b", parameters: 174_604_259_328, activeParameters: 174_604_259_328,
                 kvBytesPerToken: 4_718_592),
    DerivedCheck(preset: "gemma-2-27b", parameters: 27_227_128_320, activeParameters: 27_227_128_320,
                 kvBytesPerToken: 376_832),
]

@Suite struct ModelConfigTests {
    @Test func everyBundledPresetHasACheckAndLoads() throws {
        #expect(ModelConfig.presetNames == derivedChecks.map(\.preset).sorted())
        for name in ModelConfig.presetNames {
            let model = try ModelConfig.load(name)
            #expect(model.name == name)
        }
    }

    @Test(arguments: derivedChecks)
    func parameterCountsMatchDerivedChecks(check: DerivedCheck) throws {
        let model = try ModelConfig.load(check.preset)
        // The issue asks for 0.1 %; the counting conventions are the same as derived-checks.md, so they agree exactly.
        #expect(Double(model.parameterCount).isApproximatelyEqual(to: Double(check.parameters), relativeTolerance: 0.001))
        #expect(model.parameterCount == check.parameters)
        #expect(model.activeParameterCount == check.activeParameters)
    }

    @Test(arguments: derivedChecks)
    func kvBytesPerTokenMatchDerivedChecks(check: DerivedCheck) throws {
        let model = try ModelConfig.load(check.preset)
        #expect(model.kvCacheBytesPerToken(kvType: .bf16) == check.kvBytesPerToken)
        #expect(model.kvCacheBytesPerToken(kvType: .fp8) == check.kvBytesPerToken / 2)
        #expect(model.kvCacheBytesPerToken(kvType: .int4) == check.kvBytesPerToken / 4)
    }

    @Test func llama405bCacheAtTenMillionTokens() throws {
        let model = try ModelConfig.load("llama-3.1-405b")
        // 10M tokens × 516,096 B = 5.16096 TB (the worked example in the guide).
        #expect(model.kvCacheBytes(context: 10_000_000, batch: 1, kvType: .bf16) == 5_160_960_000_000)
        #expect(model.kvCacheBytes(context: 4096, batch: 8, kvType: .fp8) == 8 * 4096 * 258_048)
    }

    @Test func gemma2AlternatesSlidingLayersAndTiesEmbeddings() throws {
        let model = try ModelConfig.load("gemma-2-27b")
        #expect(model.tiedEmbeddings)
        #expect(model.slidingWindow == 4096)
        #expect(model.slidingWindowLayers == Array(stride(from: 0, to: 46, by: 2)))
        #expect(model.attentionWindow(layer: 0) == 4096)
        #expect(model.attentionWindow(layer: 1) == nil)
        #expect(model.headDim == 128)  // explicit head_dim, although 4608 / 32 = 144
        // Per layer and token 2·16·128·2 B = 8192 B. At 10M tokens: 23 global layers hold all 10M tokens,
        // 23 local layers cap at 4096.
        let expected = 23.0 * 10_000_000 * 8192 + 23.0 * 4096 * 8192
        #expect(model.kvCacheBytes(context: 10_000_000, batch: 1, kvType: .bf16) == expected)
        // Below the window every layer holds the whole context: the per-token table applies.
        #expect(model.kvCacheBytes(context: 1000, batch: 2, kvType: .bf16) == 2 * 1000 * 376_832)
    }

    @Test func mistralSlidesEveryLayer() throws {
        let model = try ModelConfig.load("mistral-7b-v0.1")
        #expect(model.slidingWindowLayers == Array(0..<32))
        // 32 layers × 4096 tokens × 2·8·128·2 B: the rolling buffer stops growing at the window.
        #expect(model.kvCacheBytes(context: 1_000_000, batch: 1, kvType: .bf16) == 32.0 * 4096 * 4096)
    }

    @Test func qwenWindowIsOffUnlessEnabled() throws {
        let model = try ModelConfig.load("qwen2.5-72b-instruct")
        #expect(model.slidingWindow == nil)
        #expect(model.qkvBias && !model.outputBias)
        let mixtral = try ModelConfig.load("mixtral-8x7b-v0.1")
        #expect(mixtral.slidingWindow == nil)  // "sliding_window": null
    }

    @Test func deepSeekLayersAndLatentCache() throws {
        let model = try ModelConfig.load("deepseek-v3")
        #expect(model.denseLayerCount == 3)
        #expect(model.moeLayerCount == 58)
        #expect(model.moe?.layerIndices.first == 3)
        #expect(model.moe?.sharedExpertCount == 1)
        #expect(model.mla?.qLoraRank == 1536)
        #expect(model.kvCacheElementsPerTokenPerLayer == 512 + 64)
    }

    @Test func qwen3MoESparseStepAndDenseOnlyLayers() throws {
        var object = try Self.object("qwen3-235b-a22b")
        object["decoder_sparse_step"] = 2
        object["mlp_only_layers"] = [1, 5]
        let model = try ModelConfig(decoding: JSONSerialization.data(withJSONObject: object), name: "edited")
        // MoE when (i + 1) % 2 == 0 and i ∉ {1, 5}: 3, 7, 9, …, 93 → 47 odd indices minus 1 and 5 = 45 layers.
        #expect(model.moeLayerCount == 45)
        #expect(model.denseLayerCount == 49)
        #expect(model.moe?.layerIndices.prefix(3) == [3, 7, 9])
    }

    @Test func gemma2LayerTypesOverrideTheDefaultPattern() throws {
        var object = try Self.object("gemma-2-27b")
        object["num_hidden_layers"] = 4
        object["layer_types"] = ["full_attention", "sliding_attention", "sliding_attention", "full_attention"]
        let model = try ModelConfig(decoding: JSONSerialization.data(withJSONObject: object), name: "edited")
        #expect(model.slidingWindowLayers == [1, 2])
    }

    @Test func absentKeysTakeFamilyDefaults() throws {
        let llama1 = """
            {"model_type": "llama", "hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32,
             "num_attention_heads": 32, "vocab_size": 32000}
            """
        let model = try ModelConfig(decoding: Data(llama1.utf8), name: "llama-1-7b")
        #expect(model.kvHeadCount == 32)
        #expect(!model.tiedEmbeddings)
        #expect(model.activation == .silu)
        // LLaMA-1 7B: 6,738,415,616 parameters, the same architecture as Llama 2 7B.
        #expect(model.parameterCount == 6_738_415_616)

        var gemma = try Self.object("gemma-2-27b")
        gemma.removeValue(forKey: "sliding_window")
        let defaulted = try ModelConfig(decoding: JSONSerialization.data(withJSONObject: gemma), name: "edited")
        #expect(defaulted.slidingWindow == 4096)
        #expect(defaulted.tiedEmbeddings)
    }

    @Test func gpt2SmallCountsItsKnownParameters() throws {
        // GPT-2 small (124M): 12 layers, 768 wide, 12 heads, 1024 positions, 50257 tokens; HF reports 124,439,808.
        let json = #"{"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 12, "n_positions": 1024, "vocab_size": 50257}"#
        let model = try ModelConfig(decoding: Data(json.utf8), name: "gpt2")
        #expect(model.parameterCount == 124_439_808)
        #expect(model.intermediateSize == 3072)
    }

    static func object(_ preset: String) throws -> [String: Any] {
        let url = try #require(ModelConfig.presetURL(preset))
        return try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }
}

@Suite struct ModelConfigErrorTests {
    static func decode(_ json: String) -> RooflineError? {
        do {
            _ = try ModelConfig(decoding: Data(json.utf8), name: "bad.json")
            return nil
        } catch let error as RooflineError {
            return error
        } catch {
            return RooflineError.runtime("unexpected \(error)")
        }
    }

    static let base = #""model_type": "llama", "intermediate_size": 11008, "num_hidden_layers": 32, "vocab_size": 32000"#

    @Test(arguments: [
        (#"{"model_type": "bert", "hidden_size": 768}"#, "model_type 'bert'"),
        (#"{"hidden_size": 768}"#, "'model_type'"),
        ("{\(base), \"num_attention_heads\": 32}", "'hidden_size'"),
        ("{\(base), \"hidden_size\": 0, \"num_attention_heads\": 32}", "'hidden_size' must be positive"),
        ("{\(base), \"hidden_size\": -4096, \"num_attention_heads\": 32}", "'hidden_size' must be positive"),
        ("{\(base), \"hidden_size\": \"4096\", \"num_attention_heads\": 32}", "'hidden_size' must be a positive integer"),
        ("{\(base), \"hidden_size\": 4096.5, \"num_attention_heads\": 32}", "'hidden_size' must be a positive integer"),
        ("{\(base), \"hidden_size\": 4096, \"num_attention_heads\": 30}", "num_attention_heads (30) does not divide hidden_size"),
        ("{\(base), \"hidden_size\": 4096, \"num_attention_heads\": 32, \"num_key_value_heads\": 5}", "num_key_value_heads (5)"),
        ("{\(base), \"hidden_size\": 4096, \"num_attention_heads\": 32, \"hidden_act\": \"swiglu9\"}", "hidden_act"),
        (#"{"model_type": "gpt2", "n_embd": 768, "n_layer": 12, "n_head": 7}"#, "n_head (7) does not divide n_embd"),
        (#"{"model_type": "mixtral", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 32, "num_attention_heads": 32, "vocab_size": 32000, "num_local_experts": 2, "num_experts_per_tok": 3}"#,
         "num_experts_per_tok (3)"),
        ("{\(base), \"hidden_size\": 100000000, \"num_attention_heads\": 32}",
         "more than 1e15"),
        (#"{"model_type": "mistral", "hidden_size": 4096, "intermediate_size": 14336, "num_hidden_layers": 1e12, "num_attention_heads": 32, "vocab_size": 32000}"#,
         "more than 100,000 layers"),
        ("[1, 2]", "expected a JSON object"),
        ("{\"model_type\": \"llama\",", "not valid JSON"),
    ])
    func malformedConfigsFailWithOneLineNamingTheKey(json: String, fragment: String) throws {
        let error = try #require(Self.decode(json))
        #expect(error.category == .badData)
        #expect(error.message.contains(fragment), "\(error.message)")
        #expect(error.message.hasPrefix("bad.json: "))
        #expect(!error.message.contains("\n"))
    }

    @Test func unknownPresetIsAUsageError() {
        #expect(throws: RooflineError.self) { try ModelConfig.load("llama-9") }
        do {
            _ = try ModelConfig.load("llama-9")
        } catch let error as RooflineError {
            #expect(error.category == .usage)
            #expect(error.message.contains("llama-3.1-405b"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func loadsAConfigByPathAndFolder() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-models-\(UUID().uuidString)/my-model")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder.deletingLastPathComponent()) }
        let url = try #require(ModelConfig.presetURL("llama-2-7b"))
        try Data(contentsOf: url).write(to: folder.appendingPathComponent("config.json"))
        let byFile = try ModelConfig.load(folder.appendingPathComponent("config.json").path)
        let byFolder = try ModelConfig.load(folder.path)
        #expect(byFile.name == "my-model")
        #expect(byFolder.parameterCount == 6_738_415_616)
    }
}
