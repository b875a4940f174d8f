import Foundation

extension ModelConfig {
    /// Decodes a Hugging Face `config.json`. Absent optional keys take the family's Hugging Face default
    /// (Gemma 2 and GPT-2 tie embeddings, Mistral slides a 4096 window, …); the size keys (`hidden_size`,
    /// `num_hidden_layers`, `num_attention_heads`, `vocab_size`, `intermediate_size`) are required, because
    /// a default there would silently model a different network. Errors are one-line `.badData` naming the key.
    /// A `text_config` (multimodal wrappers) is analysed as the language model; an unknown `model_type` with the
    /// standard decoder keys as a generic dense decoder, with a note naming the assumptions; `family` forces one.
    public init(decoding data: Data, name: String, family forced: ModelFamily? = nil) throws {
        try self.init(decoding: data, name: name, source: name, family: forced)
    }

    /// As `init(decoding:name:family:)`, with `source` (the path the file came from) naming it in error messages.
    init(decoding data: Data, name: String, source: String, family forced: ModelFamily? = nil) throws {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch let error as RooflineError {
            throw RooflineError.badData("\(source): \(error.message); pass a Hugging Face config.json")
        }
        guard case .object(let object) = root else {
            throw RooflineError.badData("\(source): expected a JSON object (a Hugging Face config.json), got \(root.summary)")
        }
        try self.init(object: object, name: name, source: source, family: forced)
    }

    /// Decodes a config already parsed into `object` (a config.json, or the keys a GGUF header's metadata maps to).
    init(object: [String: JSONValue], name: String, source: String, family forced: ModelFamily? = nil) throws {
        let top = ConfigReader(object: object, source: source)
        var reader = top
        var notes: [String] = []
        if let text = try top.optionalObject("text_config") {
            reader = text
            notes.append("analysed as the language model of text_config; the vision tower and projector are left out")
        } else if top.object["vision_config"] != nil {
            notes.append("analysed as the language model; the vision tower (vision_config) and projector are left out")
        }
        let typeName = try reader.string(["model_type"], default: try top.string(["model_type"]))
        try Self.refuseLinearAttention(typeName, reader: reader)
        let (family, familyNote) = try Self.family(of: typeName, reader: reader, forced: forced)
        notes += familyNote.map { [$0] } ?? []
        var model = try family == .gpt2 ? Self.decodeGPT2(reader, name: name) : Self.decodeDecoder(reader, family: family, name: name)
        let storesTypes = ["quantization_config", "torch_dtype", "dtype"].contains { top.object[$0] != nil }
        model.weights = try Self.decodeWeightScheme(storesTypes ? top : reader)
        model.maxPositionEmbeddings = try Self.decodeMaxPositions(reader)
        model.nextTokenPredictionLayers = try reader.nonNegativeInt("num_nextn_predict_layers", default: 0)
        guard model.nextTokenPredictionLayers <= model.layerCount else {
            throw reader.fail("num_nextn_predict_layers (\(model.nextTokenPredictionLayers)) is more than the \(model.layerCount) layers of the model")
        }
        if family == .llama4, let chunk = model.slidingWindow {
            notes.append("chunked attention (chunks of \(chunk) on \(model.slidingWindowLayers.count) layers) counted as a "
                + "sliding window of \(chunk): an upper bound, since a chunk restarts at its boundary")
        }
        model.notes = notes
        self = model
        let total = parameters(routedExperts: Double(moe?.expertCount ?? 0))
        guard total <= Self.maximumParameterCount else {
            throw reader.fail("the sizes give \(Format.significant(total)) parameters, more than 1e15: check hidden_size, "
                + "intermediate_size, vocab_size and the layer, head and expert counts")
        }
    }

    /// The family that reads a config of `typeName`: `forced` (noted when it differs), the known one, or the generic
    /// dense decoder (noted, with its assumptions) when the standard decoder keys are there and no expert keys are;
    /// otherwise a bad-data error naming what is missing.
    private static func family(of typeName: String, reader: ConfigReader,
                               forced: ModelFamily?) throws -> (ModelFamily, String?) {
        if let forced {
            let note = ModelFamily(modelType: typeName) == forced ? nil
                : "--family \(forced.rawValue) forced for model_type '\(typeName)'"
            return (forced, note)
        }
        if let known = ModelFamily(modelType: typeName) { return (known, nil) }
        let missing = standardDecoderKeys.filter { reader.object[$0] == nil }
        guard missing.isEmpty else {
            throw reader.fail("model_type '\(typeName)' is not supported and the config lacks the standard decoder "
                + "keys \(missing.joined(separator: ", ")): use a config of one of "
                + ModelFamily.allCases.filter { $0 != .generic }.map(\.rawValue).joined(separator: ", ")
                + ", or --family to force one")
        }
        let expertKeys = ["num_local_experts", "num_experts", "n_routed_experts", "moe_intermediate_size"]
        if let expertKey = expertKeys.first(where: { reader.object[$0] != nil }) {
            throw reader.fail("model_type '\(typeName)' is not supported and its \(expertKey) makes it a mixture of "
                + "experts, which the generic dense decoder would undercount: pass --family with the MoE family it "
                + "follows (mixtral, qwen2_moe, qwen3_moe, deepseek_v3, gpt_oss, glm4_moe, phimoe)")
        }
        return (.generic, "model_type '\(typeName)' is unknown: analysed as a generic dense decoder (RMSNorm before "
            + "attention and MLP, gated SiLU MLP, RoPE, GQA from num_key_value_heads, no biases unless attention_bias, "
            + "no sliding window, embeddings tied only with tie_word_embeddings); pass --family to choose one")
    }

    /// Keys that mark layers that are not softmax attention over a KV cache: linear attention (Qwen3-Next's Gated
    /// DeltaNet), state-space (Mamba) and other recurrent mixers, and the hybrid layouts that interleave them.
    static let linearAttentionKeys = [
        "linear_num_key_heads", "linear_num_value_heads", "linear_key_head_dim", "linear_value_head_dim",
        "linear_conv_kernel_dim", "full_attention_interval", "mamba_d_state", "mamba_d_conv", "mamba_expand",
        "mamba_n_heads", "ssm_state_size", "hybrid_override_pattern", "layers_block_type", "attn_layer_period",
        "attn_type_list", "block_types",
    ]

    /// Refuses (bad data, exit 65) a config whose layers are not all softmax attention: Qwen3-Next (`qwen3_next`,
    /// Gated DeltaNet linear attention interleaved with gated attention), and any config with a `layer_types` entry
    /// other than `full_attention` / `sliding_attention` or a key of `linearAttentionKeys`. No family models those
    /// layers (their weights, FLOPs and a fixed-size recurrent state instead of a KV cache), and the generic dense
    /// decoder would count them as attention layers: a wrong count, which is worse than none.
    static func refuseLinearAttention(_ typeName: String, reader: ConfigReader) throws {
        if typeName == "qwen3_next" {
            throw reader.fail("model_type 'qwen3_next' (Qwen3-Next) is not supported: three of every four layers are "
                + "Gated DeltaNet linear attention (a recurrent state, not a KV cache) and the others gated attention, "
                + "which no family here models; counting it as a dense or MoE decoder would give wrong FLOPs, bytes and "
                + "KV cache")
        }
        let types = (try? reader.optionalStringArray("layer_types")) ?? nil
        if let other = types?.first(where: { $0 != "full_attention" && $0 != "sliding_attention" }) {
            throw reader.fail("model_type '\(typeName)': layer_types holds '\(other)' layers (linear attention, state-space "
                + "or another mixer that is not softmax attention), which no family here models; counting them as "
                + "attention would give wrong FLOPs, bytes and KV cache")
        }
        if let key = linearAttentionKeys.first(where: { reader.object[$0] != nil }) {
            throw reader.fail("model_type '\(typeName)': its \(key) marks linear-attention or state-space layers, which "
                + "no family here models; counting them as attention would give wrong FLOPs, bytes and KV cache")
        }
    }

    /// The keys a decoder config must have for the generic decoder to model it.
    static let standardDecoderKeys = ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "vocab_size"]

    /// Positions after RoPE scaling: `max_position_embeddings`, or `original_max_position_embeddings` × `factor`
    /// of `rope_scaling` when that is larger (Qwen's YaRN recipe adds rope_scaling without raising the maximum).
    static func decodeMaxPositions(_ reader: ConfigReader) throws -> Int? {
        let stated = try reader.optionalPositiveInt("max_position_embeddings", default: nil)
            ?? reader.optionalPositiveInt("n_positions", default: nil)
        guard let scaling = try reader.optionalObject("rope_scaling"),
              let factor = try scaling.optionalPositiveDouble("factor"),
              let original = try scaling.optionalPositiveInt("original_max_position_embeddings", default: stated) else {
            return stated
        }
        let scaled = Int(min(Double(original) * factor, 1e15))
        return max(stated ?? 0, scaled)
    }

    /// GPT-2 / GPT-3 style: `n_embd`, `n_layer`, `n_head`, `n_inner` (null → 4·h), learned positions, LayerNorm,
    /// biases everywhere, plain GELU MLP, tied head.
    private static func decodeGPT2(_ reader: ConfigReader, name: String) throws -> ModelConfig {
        let hidden = try reader.positiveInt(["n_embd", "hidden_size"])
        let heads = try reader.positiveInt(["n_head", "num_attention_heads"])
        guard hidden % heads == 0 else {
            throw reader.fail("n_head (\(heads)) does not divide n_embd (\(hidden)): the head dimension must be whole")
        }
        let activationName = try reader.string(["activation_function"], default: "gelu_new")
        guard let activation = Activation(huggingFace: activationName) else {
            throw reader.fail("activation_function '\(activationName)' is not supported: use gelu_new, gelu, relu or silu")
        }
        return ModelConfig(
            name: name, family: .gpt2,
            layerCount: try reader.layerCount(["n_layer", "num_hidden_layers"]),
            hiddenSize: hidden,
            vocabularySize: try reader.positiveInt(["vocab_size"], default: 50257),
            headCount: heads, kvHeadCount: heads, headDim: hidden / heads,
            intermediateSize: try reader.optionalPositiveInt("n_inner", default: nil) ?? 4 * hidden,
            gatedMLP: false, activation: activation, mlpBias: true, qkvBias: true, outputBias: true, qkNorm: false,
            norm: .layerNorm, normsPerLayer: 2,
            tiedEmbeddings: try reader.bool("tie_word_embeddings", default: true),
            learnedPositionCount: try reader.positiveInt(["n_positions", "max_position_embeddings"], default: 1024),
            scalesEmbeddings: false, attentionLogitSoftcap: nil, finalLogitSoftcap: nil,
            slidingWindow: nil, slidingWindowLayers: [], mla: nil, moe: nil)
    }

    /// Llama-style decoders (every family but GPT-2): RMSNorm (Cohere: bias-free LayerNorm), RoPE, gated MLP,
    /// family-specific biases, norms, windows, MLA and MoE. Hugging Face's defaults where a key is absent
    /// (Gemma 3's `vocab_size` 262,208, which its published text_config leaves out).
    private static func decodeDecoder(_ reader: ConfigReader, family: ModelFamily, name: String) throws -> ModelConfig {
        let hidden = try reader.positiveInt(["hidden_size"])
        let layers = try reader.layerCount(["num_hidden_layers"])
        let heads = try reader.positiveInt(["num_attention_heads"])
        let kvHeads = try reader.positiveInt(["num_key_value_heads"], default: heads)
        let mla = family == .deepseekV3 || family == .deepseekV2 ? try decodeMLA(reader) : nil
        let headDim: Int
        if let mla {
            headDim = mla.qkNopeHeadDim + mla.qkRopeHeadDim
        } else if let explicit = try reader.optionalPositiveInt("head_dim", default: nil) {
            headDim = explicit
        } else {
            guard hidden % heads == 0 else {
                throw reader.fail("num_attention_heads (\(heads)) does not divide hidden_size (\(hidden)): "
                    + "the head dimension must be whole (or give head_dim)")
            }
            headDim = hidden / heads
        }
        guard mla != nil || heads % kvHeads == 0 else {
            throw reader.fail("num_key_value_heads (\(kvHeads)) does not divide num_attention_heads (\(heads))")
        }
        let gemma = family == .gemma2 || family == .gemma3
        let activationName = gemma
            ? try reader.string(["hidden_activation", "hidden_act"], default: "gelu_pytorch_tanh")
            : try reader.string(["hidden_act"], default: "silu")
        guard let activation = Activation(huggingFace: activationName) else {
            throw reader.fail("hidden_act '\(activationName)' is not supported: use silu, gelu, gelu_pytorch_tanh or relu")
        }
        let attentionBias = try reader.bool("attention_bias", default: family == .gptOss)
        let biasFamilies: Set<ModelFamily> = [.llama, .llama4, .qwen3, .qwen3Moe, .gemma2, .gemma3, .granite, .olmo2, .cohere,
                                              .cohere2, .gptOss, .phimoe, .generic]
        let cohere = family == .cohere || family == .cohere2
        let qkNorm: Bool = switch family {
        case .qwen3, .qwen3Moe, .gemma3, .olmo2: true
        case .cohere, .cohere2, .glm4Moe: try reader.bool("use_qk_norm", default: false)
        default: false
        }
        let (window, windowLayers) = try decodeWindows(reader, family: family, layers: layers)
        let vocabulary = try reader.positiveInt(["vocab_size"], default: family == .gemma3 ? 262_208 : nil)
        // Llama 4's intermediate_size is the expert's; its dense layers use intermediate_size_mlp.
        let intermediate = family == .llama4
            ? try reader.positiveInt(["intermediate_size_mlp"], default: 16384) : try reader.positiveInt(["intermediate_size"])
        let mlpBias = try family == .gptOss || ([.llama, .granite, .generic].contains(family) && reader.bool("mlp_bias", default: false))
        // GLM-4.5: attention_bias biases q, k and v only (o_proj has none).
        let qkvBias = family == .qwen2 || family == .qwen2Moe || ((biasFamilies.contains(family) || family == .glm4Moe) && attentionBias)
        let tied = try reader.bool("tie_word_embeddings", default: gemma || cohere)
        let (attentionCap, finalCap) = try decodeSoftcaps(reader, family: family)
        let moe = try decodeMoE(reader, family: family, layers: layers)
        var model = ModelConfig(
            name: name, family: family, layerCount: layers, hiddenSize: hidden, vocabularySize: vocabulary,
            headCount: heads, kvHeadCount: kvHeads, headDim: headDim, intermediateSize: intermediate,
            gatedMLP: true, activation: activation, mlpBias: mlpBias, qkvBias: qkvBias,
            outputBias: biasFamilies.contains(family) && attentionBias, qkNorm: qkNorm,
            norm: cohere ? .layerNormWithoutBias : family == .phimoe ? .layerNorm : .rmsNorm, normsPerLayer: gemma ? 4 : cohere ? 1 : 2,
            tiedEmbeddings: tied, learnedPositionCount: nil, scalesEmbeddings: gemma,
            attentionLogitSoftcap: attentionCap, finalLogitSoftcap: finalCap,
            slidingWindow: window, slidingWindowLayers: windowLayers, mla: mla, moe: moe)
        model.qkNormAcrossHeads = family == .olmo2
        model.attentionSinks = family == .gptOss
        model.lmHeadBias = try family == .phimoe && reader.bool("lm_head_bias", default: false)
        if let fraction = try reader.optionalPositiveDouble("partial_rotary_factor") {
            guard fraction <= 1 else { throw reader.fail("partial_rotary_factor must be at most 1, got \(fraction)") }
            model.rotaryFraction = fraction
        }
        return model
    }

    /// Attention and final logit soft-caps: Gemma 2 defaults to 50 and 30 (null turns one off); other families
    /// cap only when the config sets `attn_logit_softcapping` / `final_logit_softcapping`.
    private static func decodeSoftcaps(_ reader: ConfigReader, family: ModelFamily) throws -> (Double?, Double?) {
        let attention = try reader.optionalPositiveDouble("attn_logit_softcapping")
        let final = try reader.optionalPositiveDouble("final_logit_softcapping")
        guard family == .gemma2 else { return (attention, final) }
        return (reader.object["attn_logit_softcapping"] == nil ? 50 : attention,
                reader.object["final_logit_softcapping"] == nil ? 30 : final)
    }

    /// DeepSeek-V2/V3 MLA ranks, with Hugging Face's defaults; `q_lora_rank: null` means no query compression
    /// (DeepSeek-V2-Lite).
    private static func decodeMLA(_ reader: ConfigReader) throws -> MLAConfig {
        MLAConfig(
            qLoraRank: try reader.optionalPositiveInt("q_lora_rank", default: 1536),
            kvLoraRank: try reader.positiveInt(["kv_lora_rank"], default: 512),
            qkNopeHeadDim: try reader.positiveInt(["qk_nope_head_dim"], default: 128),
            qkRopeHeadDim: try reader.positiveInt(["qk_rope_head_dim"], default: 64),
            vHeadDim: try reader.positiveInt(["v_head_dim"], default: 128))
    }

    /// Which layers slide and how far. `layer_types` (newer transformers) wins when present. Otherwise:
    /// Mistral slides every layer (`sliding_window` defaults to 4096, null turns it off); Mixtral, Phi-3 and Phi-3.5-MoE every
    /// layer when `sliding_window` is set; Qwen2/3 only with `use_sliding_window`, on layers ≥ `max_window_layers`;
    /// Gemma 2 every even layer index (0, 2, …; `sliding_window` defaults to 4096); Gemma 3 all but every
    /// `sliding_window_pattern`-th layer (6: five local, one global; window 4096 by default); Command R7B
    /// (`cohere2`) likewise with pattern 4; gpt-oss every even layer (window 128); Llama 4 chunks attention into
    /// `attention_chunk_size` blocks on its RoPE layers (`no_rope_layers[i]` = 1; else all but every 4th), counted
    /// as a window of the chunk size, an upper bound (a chunk restarts at its boundary, so a token attends to half a
    /// chunk on average); the others never.
    private static func decodeWindows(_ reader: ConfigReader, family: ModelFamily, layers: Int) throws -> (Int?, [Int]) {
        if family == .llama4 {
            guard let chunk = try reader.optionalPositiveInt("attention_chunk_size", default: 8192) else { return (nil, []) }
            let rope = try reader.optionalIntArray("no_rope_layers")
            if let rope, rope.count != layers {
                throw reader.fail("no_rope_layers has \(rope.count) entries but num_hidden_layers is \(layers)")
            }
            let chunked = (0..<layers).filter { layer in rope.map { $0[layer] != 0 } ?? ((layer + 1) % 4 != 0) }
            return chunked.isEmpty ? (nil, []) : (chunk, chunked)
        }
        let defaultWindow: Int? = switch family {
        case .mistral, .gemma2, .gemma3, .cohere2: 4096
        case .gptOss: 128
        default: nil
        }
        let slidingFamilies: Set<ModelFamily> = [.mistral, .mixtral, .qwen2, .qwen2Moe, .qwen3, .qwen3Moe, .gemma2, .gemma3,
                                                 .gptOss, .phi3, .phimoe, .cohere2]
        guard slidingFamilies.contains(family),
              let window = try reader.optionalPositiveInt("sliding_window", default: defaultWindow) else { return (nil, []) }
        if let types = try reader.optionalStringArray("layer_types") {
            guard types.count == layers else {
                throw reader.fail("layer_types has \(types.count) entries but num_hidden_layers is \(layers)")
            }
            if let other = types.first(where: { $0 != "sliding_attention" && $0 != "full_attention" }) {
                throw reader.fail("layer_types holds '\(other)': this family's layers are sliding_attention or full_attention")
            }
            let sliding = types.indices.filter { types[$0] == "sliding_attention" }
            return sliding.isEmpty ? (nil, []) : (window, sliding)
        }
        switch family {
        case .mistral, .mixtral, .phi3, .phimoe:
            return (window, Array(0..<layers))
        case .qwen2, .qwen2Moe, .qwen3, .qwen3Moe:
            guard try reader.bool("use_sliding_window", default: false) else { return (nil, []) }
            let first = try reader.nonNegativeInt("max_window_layers", default: 28)
            return first < layers ? (window, Array(first..<layers)) : (nil, [])
        case .gemma2, .gptOss:
            return (window, Array(stride(from: 0, to: layers, by: 2)))
        case .gemma3, .cohere2:
            let pattern = try reader.positiveInt(["sliding_window_pattern"], default: family == .gemma3 ? 6 : 4)
            let sliding = (0..<layers).filter { ($0 + 1) % pattern != 0 }
            return sliding.isEmpty ? (nil, []) : (window, sliding)
        default:
            return (nil, [])
        }
    }

    /// The MoE block: Mixtral (`num_local_experts`, every layer, expert size = `intermediate_size`); gpt-oss the
    /// same with biased experts and router; Llama 4 with one shared expert of the same size, on `moe_layers` (else
    /// every `interleave_moe_layer_step`-th layer, the others dense with `intermediate_size_mlp`); Qwen2/3-MoE (`num_experts`, `moe_intermediate_size`; layer i is MoE
    /// unless in `mlp_only_layers` and when (i+1) % `decoder_sparse_step` == 0; Qwen2-MoE adds one shared expert of
    /// `shared_expert_intermediate_size` with a sigmoid gate); DeepSeek-V2/V3 (`n_routed_experts`,
    /// `n_shared_experts`, `moe_intermediate_size`; layer i is MoE when i ≥ `first_k_dense_replace` and
    /// i % `moe_layer_freq` == 0; a router bias with `topk_method` noaux_tc, as V3 has); Phi-3.5-MoE as Mixtral (16
    /// experts, top 2); GLM-4.5 (`glm4_moe`) as DeepSeek-V3 with layer i MoE when i ≥ `first_k_dense_replace`
    /// (default 1), `n_shared_experts` shared experts of `moe_intermediate_size`, and always the router's
    /// `e_score_correction_bias`.
    private static func decodeMoE(_ reader: ConfigReader, family: ModelFamily, layers: Int) throws -> MoEConfig? {
        var moe: MoEConfig
        switch family {
        case .mixtral, .gptOss, .phimoe:
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["num_local_experts"], default: family == .gptOss ? 32 : family == .phimoe ? 16 : 8),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok", "experts_per_token"],
                                                        default: family == .gptOss ? 4 : 2),
                expertIntermediateSize: try reader.positiveInt(["intermediate_size"]),
                sharedExpertCount: 0, routerBias: family == .gptOss, layerIndices: Array(0..<layers))
        case .llama4:
            let expertSize = try reader.positiveInt(["intermediate_size"])
            let step = try reader.positiveInt(["interleave_moe_layer_step"], default: 1)
            let listed = try reader.optionalIntArray("moe_layers")
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["num_local_experts"], default: 16),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: 1),
                expertIntermediateSize: expertSize, sharedExpertCount: 1, routerBias: false,
                layerIndices: listed?.filter { $0 < layers } ?? Array(stride(from: step - 1, to: layers, by: step)))
        case .qwen3Moe, .qwen2Moe:
            let step = try reader.positiveInt(["decoder_sparse_step"], default: 1)
            let denseOnly = Set(try reader.intArray("mlp_only_layers", default: []))
            let shared = family == .qwen2Moe ? try reader.nonNegativeInt("shared_expert_intermediate_size", default: 5632) : 0
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["num_experts"], default: family == .qwen2Moe ? 60 : 128),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: family == .qwen2Moe ? 4 : 8),
                expertIntermediateSize: try reader.positiveInt(["moe_intermediate_size"], default: family == .qwen2Moe ? 1408 : 768),
                sharedExpertCount: shared > 0 ? 1 : 0, routerBias: false,
                layerIndices: (0..<layers).filter { !denseOnly.contains($0) && ($0 + 1) % step == 0 })
            if shared > 0 {
                moe.sharedExpertIntermediateSize = shared
                moe.sharedExpertGate = true
            }
        case .deepseekV3, .deepseekV2:
            let v3 = family != .deepseekV2
            let firstDense = try reader.nonNegativeInt("first_k_dense_replace", default: v3 ? 3 : 0)
            let frequency = try reader.positiveInt(["moe_layer_freq"], default: 1)
            let method = try reader.string(["topk_method"], default: v3 ? "noaux_tc" : "greedy")
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["n_routed_experts"], default: v3 ? 256 : 64),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: v3 ? 8 : 6),
                expertIntermediateSize: try reader.positiveInt(["moe_intermediate_size"], default: v3 ? 2048 : 1407),
                sharedExpertCount: try reader.nonNegativeInt("n_shared_experts", default: v3 ? 1 : 2),
                routerBias: method == "noaux_tc",
                layerIndices: (0..<layers).filter { $0 >= firstDense && $0 % frequency == 0 })
        case .glm4Moe:
            let firstDense = try reader.nonNegativeInt("first_k_dense_replace", default: 1)
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["n_routed_experts"], default: 128),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: 8),
                expertIntermediateSize: try reader.positiveInt(["moe_intermediate_size"], default: 1408),
                sharedExpertCount: try reader.nonNegativeInt("n_shared_experts", default: 1),
                routerBias: true, layerIndices: Array(min(firstDense, layers)..<layers))
        default:
            return nil
        }
        guard moe.expertsPerToken <= moe.expertCount else {
            throw reader.fail("num_experts_per_tok (\(moe.expertsPerToken)) exceeds the \(moe.expertCount) experts")
        }
        return moe
    }
}
