import Foundation
import RooflineCore
import Testing
@testable import RooflineModels

/// What a published figure is: a parameter total of a family, or a checkpoint's bytes under a quantization method.
enum Figure: Sendable, Equatable {
    case parameters(ModelFamily)
    case bytes(method: String)
}

/// A figure its publisher states for a published config (Fixtures/configs, source URL inside), and where. The
/// figures were first quoted from memory; each was then looked up again through public copies (the comment above
/// each row says what was found, and where). Where nothing more exact was found the row keeps its figure and says so.
typealias Published = (config: String, figure: Figure, value: Double, source: String)

let published: [Published] = [
    // Found: 116.8B / 20.9B total, 5.1B / 3.6B active (gpt-oss model card, arXiv 2508.10925, as summarised at
    // lephongphu.site/?p=726 and askpandi.com "fast facts: gpt-oss model architecture"). The extra digit of
    // Table 1 (116.83B, 20.91B) was not re-read; both roundings pass the 1 % tolerance (ours: 116.829B, 20.915B).
    ("gpt-oss-20b", .parameters(.gptOss), 20.91e9, "OpenAI gpt-oss model card, Table 1: 20.91B total"),
    ("gpt-oss-120b", .parameters(.gptOss), 116.83e9, "OpenAI gpt-oss model card, Table 1: 116.83B total"),
    // Found: "3.8B parameters" (huggingface.co/microsoft/Phi-3-mini-4k-instruct model card; Azure AI catalog). The
    // hub's 3.82B safetensors count was not re-read; ours is 3,821,079,552.
    ("Phi-3-mini-4k-instruct", .parameters(.phi3), 3.82e9, "huggingface.co/microsoft/Phi-3-mini-4k-instruct: 3.82B params"),
    // Found: "Total params 14.7B" (fitmygpu.com/models/phi-4-14b) and "Parameters: 14.7B" (drose.io, from the hub).
    ("phi-4", .parameters(.phi3), 14.7e9, "huggingface.co/microsoft/phi-4: 14.7B params"),
    // Not found: no public copy of the hub's 8.17B was found (aiportalx.com/ibm/granite-3.1-8b rounds to 8.1B).
    ("granite-3.1-8b-instruct", .parameters(.granite), 8.17e9, "huggingface.co/ibm-granite/granite-3.1-8b-instruct: 8.17B params"),
    // Not found: the model card gives only "7B" (32 layers, 4096 wide); the hub's 7.3B was not re-read.
    ("OLMo-2-1124-7B", .parameters(.olmo2), 7.30e9, "huggingface.co/allenai/OLMo-2-1124-7B: 7.3B params"),
    // Found: "Model Size: 35 billion parameters" (huggingface.co/CohereForAI/c4ai-command-r-v01 README).
    ("c4ai-command-r-v01", .parameters(.cohere), 35e9, "huggingface.co/CohereForAI/c4ai-command-r-v01 model card: 35 billion"),
    // The model card says "7 billion parameters": that is the count without the tied 256000 x 4096 embedding
    // (ours: 6,979,457,024 + 1,048,576,000 = 8,028,033,024). The hub's 8.03B total was not re-read.
    ("c4ai-command-r7b-12-2024", .parameters(.cohere2), 8.03e9, "huggingface.co/CohereForAI/c4ai-command-r7b-12-2024: 8.03B params"),
    // Found: Gemma 3 technical report, Table 1, Gemma3-27B-IT: vision 417M, embedding 1,416M, non-embedding
    // 25,600M (a public copy of the table in code, search index; arXiv 2503.19786).
    ("gemma-3-27b-it", .parameters(.gemma3), 1_416e6 + 25_600e6,
     "Gemma 3 technical report, Table 1: 1,416M embedding + 25,600M non-embedding (vision encoder 417M not counted)"),
    // Found only as the name: 57B total, 14B activated (huggingface.co/Qwen/Qwen2-57B-A14B; Qwen2 technical report,
    // arXiv 2407.10671). The hub's 57.41B was not re-read; ours is 57,408,658,944.
    ("Qwen2-57B-A14B", .parameters(.qwen2Moe), 57.41e9, "huggingface.co/Qwen/Qwen2-57B-A14B: 57.4B params"),
    // Found: 15.7B total, 2.4B active (DeepSeek-V2-Lite model card, as quoted at drose.io and promptlayer.com).
    ("DeepSeek-V2-Lite", .parameters(.deepseekV2), 15.7e9, "huggingface.co/deepseek-ai/DeepSeek-V2-Lite: 15.7B params"),
    // Found: "Llama 4 Maverick (~400B)", 17B active (Hugging Face blog "Welcome Llama 4 Maverick & Scout").
    ("Llama-4-Maverick-17B-128E-Instruct", .parameters(.llama4), 400e9,
     "meta-llama/Llama-4-Maverick-17B-128E-Instruct model card: 400B total (17B active)"),
    // Not found: the four checkpoint sizes below were not found in any public copy of the repositories' file
    // listings; they agree with the by-hand formulas of awqAndGPTQByHand and bitsAndBytesDoubleQuantByHand.
    ("Meta-Llama-3.1-8B-Instruct-AWQ-INT4", .bytes(method: "awq"), 5.73e9, "repository files: safetensors 5.73 GB"),
    ("Meta-Llama-3.1-8B-Instruct-GPTQ-INT4", .bytes(method: "gptq"), 5.73e9, "repository files: safetensors 5.73 GB"),
    ("Meta-Llama-3.1-8B-Instruct-FP8", .bytes(method: "compressed-tensors"), 9.08e9, "repository files: safetensors 9.08 GB"),
    ("Meta-Llama-3.1-8B-bnb-4bit", .bytes(method: "bitsandbytes nf4"), 5.70e9, "repository files: model.safetensors 5.7 GB"),
    // Found: "60.8 GiB checkpoint for gpt-oss-120b" (fitmygpu.com/models/gpt-oss-120b, citing the model card) and
    // "Checkpoints are ~60.8 GiB (120b) and ~12.8 GiB (20b)" (a public gpt-oss overview, search index).
    ("gpt-oss-20b", .bytes(method: "mxfp4"), 12.8 * 1_073_741_824, "OpenAI gpt-oss model card, Table 1: checkpoint 12.8 GiB"),
    ("gpt-oss-120b", .bytes(method: "mxfp4"), 60.8 * 1_073_741_824, "OpenAI gpt-oss model card, Table 1: checkpoint 60.8 GiB"),
]

@Suite struct CheckpointTests {
    @Test(arguments: published.filter { if case .parameters = $0.figure { true } else { false } })
    func parameterCountMatchesThePublishedTotal(check: Published) throws {
        let model = try ModelConfig.load(Fixtures.config(check.config))
        #expect(check.figure == .parameters(model.family))
        let ratio = Double(model.parameterCount) / check.value
        #expect(abs(ratio - 1) < 0.01, "\(check.config): \(model.parameterCount) vs \(check.value) (\(check.source))")
    }

    @Test func activeCountsMatchThePublishedOnes() throws {
        // OpenAI counts active parameters without the input embedding (Table 1: 3.61B and 5.13B; found only
        // rounded, 3.6B and 5.1B, in the summaries cited above).
        for (name, active) in [("gpt-oss-20b", 3.61e9), ("gpt-oss-120b", 5.13e9)] {
            let model = try ModelConfig.load(Fixtures.config(name))
            let ours = Double(model.activeParameterCount - model.embeddingParameterCount)
            #expect(abs(ours / active - 1) < 0.01, "\(name): \(ours)")
        }
        // Qwen2-57B-A14B: 14B activated (the name; huggingface.co/Qwen/Qwen2-57B-A14B). 14.2B was not re-read.
        let qwen = try ModelConfig.load(Fixtures.config("Qwen2-57B-A14B"))
        #expect(abs(Double(qwen.activeParameterCount) / 14.2e9 - 1) < 0.01)
    }

    @Test(arguments: published.filter { if case .bytes = $0.figure { true } else { false } })
    func weightBytesMatchThePublishedCheckpoint(check: Published) throws {
        let model = try ModelConfig.load(Fixtures.config(check.config))
        #expect(check.figure == .bytes(method: model.weights.quantized?.method ?? "none"))
        let ratio = model.checkpointWeightBytes / check.value
        #expect(abs(ratio - 1) < 0.01, "\(check.config): \(model.checkpointWeightBytes) vs \(check.value) (\(check.source))")
    }

    /// Llama 3.1 8B: 6,979,321,856 weights in the linear layers, 2 × 525,336,576 in the embedding and lm_head,
    /// 266,240 in the norms (8,030,261,248 in all).
    static let linear8B = 6_979_321_856.0, tables8B = 1_050_673_152.0, norms8B = 266_240.0

    @Test func awqAndGPTQByHand() throws {
        // 4-bit values, per 128 weights one fp16 scale and one 4-bit zero point; embeddings, lm_head and norms fp16.
        let expected = Self.linear8B * (0.5 + (2 + 0.5) / 128) + (Self.tables8B + Self.norms8B) * 2
        for name in ["Meta-Llama-3.1-8B-Instruct-AWQ-INT4", "Meta-Llama-3.1-8B-Instruct-GPTQ-INT4"] {
            let model = try ModelConfig.load(Fixtures.config(name))
            #expect(model.checkpointWeightBytes == expected)
            #expect(model.weights.base == .fp16)
            #expect(model.weights.format(.lmHead) == .plain(.fp16))
        }
    }

    @Test func bitsAndBytesDoubleQuantByHand() throws {
        // nf4 values; per 64 weights one uint8 absmax, per 256 absmaxes one fp32: 0.5 + (1 + 4/256)/64 bytes.
        let model = try ModelConfig.load(Fixtures.config("Meta-Llama-3.1-8B-bnb-4bit"))
        let expected = Self.linear8B * (0.5 + (1 + 4.0 / 256) / 64) + (Self.tables8B + Self.norms8B) * 2
        #expect(abs(model.checkpointWeightBytes / expected - 1) < 1e-12)
    }

    @Test func fp8BlockScalesOfDeepSeekV3ByHand() throws {
        let model = try ModelConfig.load("deepseek-v3")
        #expect(model.weights.quantized?.scales == .block(rows: 128, columns: 128, scaleBytes: 4))
        // bf16: embedding and lm_head 2 · 129,280 · 7168, routers 58 · 256 · 7168, vectors: final norm 7168,
        // 61 layers · (2 norms · 7168 + q_a_norm 1536 + kv_a_norm 512), router biases 58 · 256.
        let tables: Double = 2 * 129_280 * 7168
        let routers: Double = 58 * 256 * 7168
        let vectors: Double = 7168 + 61 * (2 * 7168 + 2048) + 58 * 256
        let fp8 = Double(model.parameterCount) - tables - routers - vectors
        // fp8 values plus one fp32 scale per 128 × 128 block: 1 + 4/16384 bytes per weight.
        let expected = fp8 * (1 + 4.0 / 16384) + (tables + routers + vectors) * 2
        #expect(abs(model.checkpointWeightBytes / expected - 1) < 1e-12)
        let block = WeightFormat(type: .fp8, scales: .block(rows: 128, columns: 128, scaleBytes: 4))
        let blockBytes: Double = 7168 * 2048 + 16 * 56 * 4
        #expect(block.matrixBytes(input: 7168, output: 2048) == blockBytes)
    }

    @Test func deepSeekV3CheckpointMatchesItsPublishedSafetensorsTotal() throws {
        // deepseek-ai/DeepSeek-V3 model.safetensors.index.json, "total_size": 688,586,727,753 bytes (the figure
        // Ollama lists for deepseek-v3.1:671b too). The files hold the 61-layer model in fp8 with 128 × 128 block
        // scales and one multi-token-prediction module (num_nextn_predict_layers 1): its own embedding and head,
        // three norms, the 2h → h projection and one MoE layer.
        let model = try ModelConfig.load("deepseek-v3")
        #expect(model.nextTokenPredictionLayers == 1)
        #expect(abs(model.checkpointBytes / 688_586_727_753 - 1) < 0.01)
        // Without the module the files would be 2.2 % larger than the model inference loads.
        #expect(model.checkpointWeightBytes < 0.98 * 688_586_727_753)
        // A model without such modules: the checkpoint is the weights.
        let llama = try ModelConfig.load("llama-3.1-8b")
        #expect(llama.checkpointBytes == llama.checkpointWeightBytes)
    }

    @Test func mxfp4KeepsAttentionRouterAndTablesAtBF16() throws {
        let model = try ModelConfig.load(Fixtures.config("gpt-oss-20b"))
        let scheme = model.weights
        #expect(scheme.format(.experts).bytesPerWeight(input: 2880) == 0.5 + 1.0 / 32)
        for group in [WeightGroup.attention, .router, .embedding, .lmHead] {
            #expect(scheme.format(group) == .plain(.bf16))
        }
        #expect(model.slidingWindowLayers.count == 12)
        #expect(model.slidingWindow == 128)
    }

    /// One decode step of batch 1 of the fixture `config` with the checkpoint's own weight formats.
    func decodeAtCheckpointTypes(_ config: String, context: Int, activations: DataType) throws -> (ModelConfig, Workload) {
        let model = try ModelConfig.load(Fixtures.config(config))
        let workload = try Workload(model: model, phase: .decode(context: context), batch: 1,
                                    precision: Precision(weightScheme: model.weights, activations: activations,
                                                         kvCache: activations),
                                    attention: .fused)
        return (model, workload)
    }

    @Test func quantizedMatmulsReadPackedWeightsAndScalesWhileTheHeadReadsItsOwnType() throws {
        let (model, workload) = try decodeAtCheckpointTypes("Meta-Llama-3.1-8B-Instruct-AWQ-INT4", context: 1024,
                                                            activations: .fp16)
        let ops = workload.operators()
        let qkv = try #require(ops.first { $0.name == "qkv_proj" })
        let qkvBytes: Double = 32 * (4096 * 6144 * 0.5 + 6144 * 32 * 2.5)
        #expect(qkv.bytes.weights == qkvBytes)
        #expect(qkv.computeType == .fp16)
        let head = try #require(ops.first { $0.name == "lm_head" })
        #expect(head.bytes.weights == 128_256 * 4096 * 2)
        #expect(workload.weightBytes == model.checkpointWeightBytes)
    }

    @Test func gptOssDecodeReadsTheTouchedExpertsAtMXFP4WithBF16Biases() throws {
        let ops = try decodeAtCheckpointTypes("gpt-oss-20b", context: 4096, activations: .bf16).1.operators()
        // One token touches k = 4 experts per layer: 24 layers · 4 · (2880 × 5760 at 0.5 + 1/32 bytes + 5760 bias · 2).
        let gateUp = try #require(ops.first { $0.name == "experts_gate_up" })
        let expected: Double = 24 * 4 * (2880 * 5760 * (0.5 + 1.0 / 32) + 5760 * 2)
        #expect(abs(gateUp.bytes.weights / expected - 1) < 1e-12)
        #expect(gateUp.computeType == .bf16)
        let router = try #require(ops.first { $0.name == "router" })
        #expect(router.bytes.weights == 24 * (2880 * 32 + 32) * 2)
    }

    @Test func llama4InterleavesMoEAndDenseLayersAndChunksAttention() throws {
        let model = try ModelConfig.load(Fixtures.config("Llama-4-Maverick-17B-128E-Instruct"))
        let moe = try #require(model.moe)
        // interleave_moe_layer_step 2: layers 1, 3, …, 47 are MoE (128 experts + 1 shared), 0, 2, … dense (16384).
        #expect(moe.layerIndices == Array(stride(from: 1, to: 48, by: 2)))
        #expect(moe.sharedIntermediateSize == 8192)
        #expect(model.intermediateSize == 16384)
        // Every 4th layer is global (NoPE); the other 36 attend within 8192-token chunks.
        #expect(model.slidingWindow == 8192)
        #expect(model.slidingWindowLayers.count == 36)
        #expect(model.notes.contains { $0.contains("chunked attention") })
    }

    @Test func aNarrowWeightsOverrideQuantizesOnlyTheLinearLayers() throws {
        let model = try ModelConfig.load("llama-3.1-8b")
        let int4 = WeightScheme.override(.int4, base: model.weights.base)
        #expect(model.weightBytes(int4) == Self.linear8B * (0.5 + 2.0 / 128) + (Self.tables8B + Self.norms8B) * 2)
        #expect(WeightScheme.override(.bf16, base: .fp32) == .uniform(.bf16))
    }

    @Test func aMultimodalWrapperIsAnalysedAsItsLanguageModel() throws {
        let model = try ModelConfig.load(Fixtures.config("gemma-3-27b-it"))
        #expect(model.family == .gemma3)
        #expect(model.notes.contains { $0.contains("vision tower") })
        // 5 local layers (window 1024) to 1 global: 52 of 62 slide.
        #expect(model.slidingWindow == 1024)
        #expect(model.slidingWindowLayers.count == 52)
        #expect(model.vocabularySize == 262_208)
    }

    @Test func anUnknownDecoderIsGenericWithAWarningAndFamilyForcesOne() throws {
        var object = try JSONSerialization.jsonObject(
            with: Data(contentsOf: URL(fileURLWithPath: Fixtures.config("granite-3.1-8b-instruct")))) as! [String: Any]
        object["model_type"] = "acme_decoder"
        let data = try JSONSerialization.data(withJSONObject: object)
        let generic = try ModelConfig(decoding: data, name: "acme")
        #expect(generic.family == .generic)
        #expect(generic.notes.contains { $0.contains("generic dense decoder") })
        #expect(generic.parameterCount == 8_170_848_256)
        let forced = try ModelConfig(decoding: data, name: "acme", family: .cohere)
        #expect(forced.family == .cohere)
        #expect(forced.normsPerLayer == 1)
        object["num_local_experts"] = 16
        let moe = try #require(throws: RooflineError.self) {
            try ModelConfig(decoding: try JSONSerialization.data(withJSONObject: object), name: "acme")
        }
        #expect(moe.message.contains("mixture of experts"))
        object["num_local_experts"] = nil
        object["intermediate_size"] = nil
        let error = try #require(throws: RooflineError.self) {
            try ModelConfig(decoding: try JSONSerialization.data(withJSONObject: object), name: "acme")
        }
        #expect(error.category == .badData)
        #expect(error.message.contains("intermediate_size"))
    }

    @Test func aRevisionOfAPresetIsAUsageError() throws {
        let error = try #require(throws: RooflineError.self) { try ModelConfig.load("llama-3.1-8b", revision: "v3") }
        #expect(error.category == .usage)
        #expect(error.message.contains("drop --revision"))
    }

    @Test func unknownQuantizationMethodIsBadData() throws {
        let data = Data(#"{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":128,"vocab_size":100,"quantization_config":{"quant_method":"hqq"}}"#.utf8)
        let error = try #require(throws: RooflineError.self) { try ModelConfig(decoding: data, name: "tiny") }
        #expect(error.category == .badData)
        #expect(error.message.contains("hqq"))
        let wide = Data(#"{"model_type":"llama","hidden_size":64,"num_hidden_layers":2,"num_attention_heads":4,"intermediate_size":128,"vocab_size":100,"torch_dtype":"float64"}"#.utf8)
        let dtype = try #require(throws: RooflineError.self) { try ModelConfig(decoding: wide, name: "tiny") }
        #expect(dtype.category == .badData)
        #expect(dtype.message.contains("torch_dtype 'float64'"))
    }

    @Test func sanityWarnings() throws {
        let llama = try ModelConfig.load("llama-3.1-8b")
        #expect(llama.sanityWarnings(context: 131_072).isEmpty)
        #expect(llama.sanityWarnings(context: 131_073).count == 1)
        let mistral = try ModelConfig.load("mistral-7b-v0.1")
        #expect(mistral.sanityWarnings(context: 8192).contains { $0.contains("window of 4,096") })
        let qwen = try ModelConfig.load(Fixtures.config("Qwen2-57B-A14B"))
        #expect(qwen.sanityWarnings(context: 1024).isEmpty)
        let lite = try ModelConfig.load(Fixtures.config("DeepSeek-V2-Lite"))
        // 64 experts, 6 per token.
        #expect(lite.sanityWarnings(context: 1024).contains { $0.contains("do not divide") })
    }

    @Test func parameterGroupsSumToTheTotal() throws {
        for name in ModelConfig.presetNames {
            let model = try ModelConfig.load(name)
            let groups = model.parameterGroups(routedExperts: Double(model.moe?.expertCount ?? 0))
            #expect(groups.values.reduce(0, +) == Double(model.parameterCount))
        }
    }
}
