import Foundation

extension ModelConfig {
    /// Decodes a Hugging Face `config.json`. Absent optional keys take the family's Hugging Face default
    /// (Gemma 2 and GPT-2 tie embeddings, Mistral slides a 4096 window, …); the size keys (`hidden_size`,
    /// `num_hidden_layers`, `num_attention_heads`, `vocab_size`, `intermediate_size`) are required, because
    /// a default there would silently model a different network. Errors are one-line `.badData` naming the key.
    public init(decoding data: Data, name: String) throws {
        try self.init(decoding: data, name: name, source: name)
    }

    /// As `init(decoding:name:)`, with `source` (the path the file came from) naming it in error messages.
    init(decoding data: Data, name: String, source: String) throws {
        let root: JSONValue
        do {
            root = try JSONValue.parse(data)
        } catch let error as RooflineError {
            throw RooflineError.badData("\(source): \(error.message); pass a Hugging Face config.json")
        }
        guard case .object(let object) = root else {
            throw RooflineError.badData("\(source): expected a JSON object (a Hugging Face config.json), got \(root.summary)")
        }
        let reader = ConfigReader(object: object, source: source)
        let typeName = try reader.string(["model_type"])
        guard let family = ModelFamily(rawValue: typeName) else {
            throw reader.fail("model_type '\(typeName)' is not supported: use one of "
                + ModelFamily.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = try family == .gpt2 ? Self.decodeGPT2(reader, name: name) : Self.decodeDecoder(reader, family: family, name: name)
        let total = parameters(routedExperts: Double(moe?.expertCount ?? 0))
        guard total <= Self.maximumParameterCount else {
            throw reader.fail("the sizes give \(Format.significant(total)) parameters, more than 1e15: check hidden_size, "
                + "intermediate_size, vocab_size and the layer, head and expert counts")
        }
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

    /// Llama-style decoders (Llama, Mistral, Mixtral, Qwen2/3, Qwen3-MoE, DeepSeek-V3, Gemma 2): RMSNorm, RoPE,
    /// gated MLP, family-specific biases, norms, windows, MLA and MoE.
    private static func decodeDecoder(_ reader: ConfigReader, family: ModelFamily, name: String) throws -> ModelConfig {
        let hidden = try reader.positiveInt(["hidden_size"])
        let layers = try reader.layerCount(["num_hidden_layers"])
        let heads = try reader.positiveInt(["num_attention_heads"])
        let kvHeads = try reader.positiveInt(["num_key_value_heads"], default: heads)
        let mla = family == .deepseekV3 ? try decodeMLA(reader) : nil
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
        let activationName = family == .gemma2
            ? try reader.string(["hidden_activation", "hidden_act"], default: "gelu_pytorch_tanh")
            : try reader.string(["hidden_act"], default: "silu")
        guard let activation = Activation(huggingFace: activationName) else {
            throw reader.fail("hidden_act '\(activationName)' is not supported: use silu, gelu, gelu_pytorch_tanh or relu")
        }
        let attentionBias = try reader.bool("attention_bias", default: false)
        let biasFamilies: Set<ModelFamily> = [.llama, .qwen3, .qwen3Moe, .gemma2]
        let (window, windowLayers) = try decodeWindows(reader, family: family, layers: layers)
        return ModelConfig(
            name: name, family: family, layerCount: layers, hiddenSize: hidden,
            vocabularySize: try reader.positiveInt(["vocab_size"]),
            headCount: heads, kvHeadCount: kvHeads, headDim: headDim,
            intermediateSize: try reader.positiveInt(["intermediate_size"]),
            gatedMLP: true, activation: activation,
            mlpBias: family == .llama ? try reader.bool("mlp_bias", default: false) : false,
            qkvBias: family == .qwen2 || (biasFamilies.contains(family) && attentionBias),
            outputBias: biasFamilies.contains(family) && attentionBias,
            qkNorm: family == .qwen3 || family == .qwen3Moe,
            norm: .rmsNorm, normsPerLayer: family == .gemma2 ? 4 : 2,
            tiedEmbeddings: try reader.bool("tie_word_embeddings", default: family == .gemma2),
            learnedPositionCount: nil,
            scalesEmbeddings: family == .gemma2,
            attentionLogitSoftcap: family == .gemma2
                ? (reader.object["attn_logit_softcapping"] == nil ? 50.0 : try reader.optionalPositiveDouble("attn_logit_softcapping"))
                : nil,
            finalLogitSoftcap: family == .gemma2
                ? (reader.object["final_logit_softcapping"] == nil ? 30.0 : try reader.optionalPositiveDouble("final_logit_softcapping"))
                : nil,
            slidingWindow: window, slidingWindowLayers: windowLayers,
            mla: mla, moe: try decodeMoE(reader, family: family, layers: layers))
    }

    /// DeepSeek-V3 MLA ranks, with Hugging Face's defaults; `q_lora_rank: null` means no query compression.
    private static func decodeMLA(_ reader: ConfigReader) throws -> MLAConfig {
        MLAConfig(
            qLoraRank: try reader.optionalPositiveInt("q_lora_rank", default: 1536),
            kvLoraRank: try reader.positiveInt(["kv_lora_rank"], default: 512),
            qkNopeHeadDim: try reader.positiveInt(["qk_nope_head_dim"], default: 128),
            qkRopeHeadDim: try reader.positiveInt(["qk_rope_head_dim"], default: 64),
            vHeadDim: try reader.positiveInt(["v_head_dim"], default: 128))
    }

    /// Which layers slide and how far. `layer_types` (newer transformers) wins when present. Otherwise:
    /// Mistral slides every layer (`sliding_window` defaults to 4096, null turns it off); Mixtral every layer
    /// when `sliding_window` is set; Qwen2/3 only with `use_sliding_window`, on layers ≥ `max_window_layers`;
    /// Gemma 2 every even layer index (0, 2, …; `sliding_window` defaults to 4096); the others never.
    private static func decodeWindows(_ reader: ConfigReader, family: ModelFamily, layers: Int) throws -> (Int?, [Int]) {
        let defaultWindow: Int? = (family == .mistral || family == .gemma2) ? 4096 : nil
        let slidingFamilies: Set<ModelFamily> = [.mistral, .mixtral, .qwen2, .qwen3, .qwen3Moe, .gemma2]
        guard slidingFamilies.contains(family),
              let window = try reader.optionalPositiveInt("sliding_window", default: defaultWindow) else { return (nil, []) }
        if let types = try reader.optionalStringArray("layer_types") {
            guard types.count == layers else {
                throw reader.fail("layer_types has \(types.count) entries but num_hidden_layers is \(layers)")
            }
            let sliding = types.indices.filter { types[$0] == "sliding_attention" }
            return sliding.isEmpty ? (nil, []) : (window, sliding)
        }
        switch family {
        case .mistral, .mixtral:
            return (window, Array(0..<layers))
        case .qwen2, .qwen3, .qwen3Moe:
            guard try reader.bool("use_sliding_window", default: false) else { return (nil, []) }
            let first = try reader.nonNegativeInt("max_window_layers", default: 28)
            return first < layers ? (window, Array(first..<layers)) : (nil, [])
        case .gemma2:
            return (window, Array(stride(from: 0, to: layers, by: 2)))
        case .llama, .deepseekV3, .gpt2:
            return (nil, [])
        }
    }

    /// The MoE block: Mixtral (`num_local_experts`, every layer, expert size = `intermediate_size`), Qwen3-MoE
    /// (`num_experts`, `moe_intermediate_size`; layer i is MoE unless in `mlp_only_layers` and when
    /// (i+1) % `decoder_sparse_step` == 0), DeepSeek-V3 (`n_routed_experts`, `n_shared_experts`,
    /// `moe_intermediate_size`; layer i is MoE when i ≥ `first_k_dense_replace` and i % `moe_layer_freq` == 0).
    private static func decodeMoE(_ reader: ConfigReader, family: ModelFamily, layers: Int) throws -> MoEConfig? {
        let moe: MoEConfig
        switch family {
        case .mixtral:
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["num_local_experts"], default: 8),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: 2),
                expertIntermediateSize: try reader.positiveInt(["intermediate_size"]),
                sharedExpertCount: 0, routerBias: false, layerIndices: Array(0..<layers))
        case .qwen3Moe:
            let step = try reader.positiveInt(["decoder_sparse_step"], default: 1)
            let denseOnly = Set(try reader.intArray("mlp_only_layers", default: []))
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["num_experts"], default: 128),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: 8),
                expertIntermediateSize: try reader.positiveInt(["moe_intermediate_size"], default: 768),
                sharedExpertCount: 0, routerBias: false,
                layerIndices: (0..<layers).filter { !denseOnly.contains($0) && ($0 + 1) % step == 0 })
        case .deepseekV3:
            let firstDense = try reader.nonNegativeInt("first_k_dense_replace", default: 3)
            let frequency = try reader.positiveInt(["moe_layer_freq"], default: 1)
            moe = MoEConfig(
                expertCount: try reader.positiveInt(["n_routed_experts"], default: 256),
                expertsPerToken: try reader.positiveInt(["num_experts_per_tok"], default: 8),
                expertIntermediateSize: try reader.positiveInt(["moe_intermediate_size"], default: 2048),
                sharedExpertCount: try reader.nonNegativeInt("n_shared_experts", default: 1),
                routerBias: true,
                layerIndices: (0..<layers).filter { $0 >= firstDense && $0 % frequency == 0 })
        case .llama, .mistral, .qwen2, .qwen3, .gemma2, .gpt2:
            return nil
        }
        guard moe.expertsPerToken <= moe.expertCount else {
            throw reader.fail("num_experts_per_tok (\(moe.expertsPerToken)) exceeds the \(moe.expertCount) experts")
        }
        return moe
    }
}
