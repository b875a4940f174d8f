import Foundation

/// The architecture families whose Hugging Face `config.json` we decode (`model_type`).
public enum ModelFamily: String, Codable, Sendable, CaseIterable {
    case llama
    case mistral
    case mixtral
    case qwen2
    case qwen2Moe = "qwen2_moe"
    case qwen3
    case qwen3Moe = "qwen3_moe"
    case deepseekV2 = "deepseek_v2"
    case deepseekV3 = "deepseek_v3"
    case gemma2
    /// Gemma 3's language model (`gemma3_text`; the `gemma3` wrapper's `text_config`).
    case gemma3 = "gemma3_text"
    /// Llama 4's language model (`llama4_text`; the `llama4` wrapper's `text_config`).
    case llama4 = "llama4_text"
    case gpt2
    case gptOss = "gpt_oss"
    /// Phi-3, Phi-3.5 and Phi-4 (`phi3`).
    case phi3
    case granite
    case olmo2
    /// Command R / R+ (`cohere`).
    case cohere
    /// Command R7B and A (`cohere2`: sliding-window layers).
    case cohere2
    /// GLM-4.5 and GLM-4.5-Air (`glm4_moe`): DeepSeek-style MoE (shared expert, `first_k_dense_replace`, router
    /// bias), q/k/v biases, optional per-head q/k norms, partial RoPE.
    case glm4Moe = "glm4_moe"
    /// Phi-3.5-MoE (`phimoe`): Mixtral's MoE with LayerNorm, attention biases and a biased lm_head.
    case phimoe
    /// An unknown `model_type` with the standard decoder keys, analysed with Llama's architecture.
    case generic

    /// The family of a `model_type`, including the wrappers whose language model is the family (`gemma3`).
    public init?(modelType: String) {
        switch modelType {
        case "gemma3": self = .gemma3
        case "llama4": self = .llama4
        // Qwen2-VL and Qwen2.5-VL: a Qwen2 language model (flat, or as text_config) beside a vision tower.
        case "qwen2_vl", "qwen2_5_vl", "qwen2_vl_text", "qwen2_5_vl_text": self = .qwen2
        case "generic": return nil
        default: self.init(rawValue: modelType)
        }
    }
}

/// Which normalisation the blocks use.
public enum NormKind: String, Codable, Sendable {
    /// RMSNorm: a weight vector of `h`.
    case rmsNorm = "rms-norm"
    /// LayerNorm: a weight and a bias vector of `h` each.
    case layerNorm = "layer-norm"
    /// LayerNorm without a bias (Cohere): a weight vector of `h`, LayerNorm's FLOPs.
    case layerNormWithoutBias = "layer-norm-no-bias"
}

/// The MLP's nonlinearity (Hugging Face `hidden_act` / `activation_function`).
public enum Activation: String, Codable, Sendable {
    case silu
    case gelu
    case geluTanh = "gelu-tanh"
    case relu

    /// Parses Hugging Face's names (`silu`, `swish`, `gelu`, `gelu_new`, `gelu_pytorch_tanh`, `relu`).
    init?(huggingFace name: String) {
        switch name.lowercased() {
        case "silu", "swish": self = .silu
        case "gelu": self = .gelu
        case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_tanh": self = .geluTanh
        case "relu": self = .relu
        default: return nil
        }
    }
}

/// Multi-head latent attention (DeepSeek-V2/V3): low-rank Q and a compressed, cached KV latent.
public struct MLAConfig: Codable, Sendable, Equatable {
    /// Rank of the query compression (`q_lora_rank`); nil: queries are projected directly from the hidden state.
    public var qLoraRank: Int?
    /// Rank of the KV latent that is cached (`kv_lora_rank`).
    public var kvLoraRank: Int
    /// Per-head query/key dimension without position encoding (`qk_nope_head_dim`).
    public var qkNopeHeadDim: Int
    /// Per-head query dimension with RoPE, and the one shared RoPE key (`qk_rope_head_dim`).
    public var qkRopeHeadDim: Int
    /// Per-head value dimension (`v_head_dim`).
    public var vHeadDim: Int
}

/// A mixture-of-experts MLP: routed experts, optional always-on shared experts, and which layers have it.
public struct MoEConfig: Codable, Sendable, Equatable {
    /// Routed experts per MoE layer (E).
    public var expertCount: Int
    /// Experts each token is routed to (k).
    public var expertsPerToken: Int
    /// Intermediate size of one routed (and one shared) expert.
    public var expertIntermediateSize: Int
    /// Shared experts run for every token (DeepSeek `n_shared_experts`; 0 for Mixtral and Qwen3-MoE).
    public var sharedExpertCount: Int
    /// Whether the router has a per-expert bias (DeepSeek-V3 `e_score_correction_bias`).
    public var routerBias: Bool
    /// Zero-based indices of the layers whose MLP is the MoE (the others use the dense MLP).
    public var layerIndices: [Int]
    /// Intermediate size of all shared experts together when it is not s · I_e (Qwen2-MoE
    /// `shared_expert_intermediate_size`); nil: s · `expertIntermediateSize`.
    public var sharedExpertIntermediateSize: Int? = nil
    /// A sigmoid gate h → 1 scales the shared expert's output (Qwen2-MoE `shared_expert_gate`).
    public var sharedExpertGate: Bool = false

    /// Intermediate size of the shared experts together: `sharedExpertIntermediateSize`, else s · I_e (0 without).
    /// A product beyond Int (an absurd config) saturates at Int.max, so that the parameter check refuses it.
    public var sharedIntermediateSize: Int {
        guard sharedExpertCount > 0 else { return 0 }
        if let sharedExpertIntermediateSize { return sharedExpertIntermediateSize }
        let (product, overflow) = sharedExpertCount.multipliedReportingOverflow(by: expertIntermediateSize)
        return overflow ? Int.max : product
    }

    /// The names of the operators that run the routed experts (`OperatorBuilder.moeOperators`): the work expert
    /// parallelism spreads over its devices.
    public static let routedExpertOperatorNames: Set<String> = [
        OperatorBuilder.expertsGateUp, OperatorBuilder.expertsActMul, OperatorBuilder.expertsDown,
    ]
}

/// A decoded, normalised model architecture: what counting needs, independent of the source format.
public struct ModelConfig: Codable, Sendable {
    /// The preset name or file name.
    public var name: String
    public var family: ModelFamily
    public var layerCount: Int
    public var hiddenSize: Int
    public var vocabularySize: Int
    /// Query heads.
    public var headCount: Int
    /// Key/value heads (GQA/MQA: fewer than `headCount`).
    public var kvHeadCount: Int
    /// Per-head dimension of Q, K and V (for MLA: the query/key dimension `qk_nope + qk_rope`).
    public var headDim: Int
    /// Intermediate size of the dense MLP (of every layer for dense models, of the dense layers for MoE models).
    public var intermediateSize: Int
    /// Gated MLP (gate, up, down: SwiGLU/GeGLU) or plain (up, down: GPT-2).
    public var gatedMLP: Bool
    public var activation: Activation
    /// Biases on the MLP projections.
    public var mlpBias: Bool
    /// Biases on the Q, K and V projections (Qwen2, GPT-2, Llama `attention_bias`).
    public var qkvBias: Bool
    /// Bias on the attention output projection (GPT-2, Llama `attention_bias`).
    public var outputBias: Bool
    /// Per-head RMSNorm of queries and keys (Qwen3).
    public var qkNorm: Bool
    /// The q/k norms span all heads (OLMo 2: weights (nh + nkv)·d) instead of one head (weights 2·d).
    public var qkNormAcrossHeads: Bool = false
    /// A learned attention sink logit per query head (gpt-oss `sinks`).
    public var attentionSinks: Bool = false
    /// Fraction of each head's dimensions that RoPE rotates (`partial_rotary_factor`: GLM-4.5 0.5; 1 elsewhere).
    public var rotaryFraction: Double = 1
    /// A bias on the output head (Phi-3.5-MoE `lm_head_bias`): V more parameters.
    public var lmHeadBias: Bool = false
    public var norm: NormKind
    /// Norms per decoder layer: 2 (before attention and MLP), 4 for Gemma 2 (also after each).
    public var normsPerLayer: Int
    public var tiedEmbeddings: Bool
    /// Learned absolute position embeddings (GPT-2: `n_positions`); nil with RoPE.
    public var learnedPositionCount: Int?
    /// The embedding output is multiplied by √h (Gemma).
    public var scalesEmbeddings: Bool
    /// Attention logits are soft-capped: cap · tanh(s / cap) (Gemma 2 `attn_logit_softcapping`).
    public var attentionLogitSoftcap: Double?
    /// Output logits are soft-capped: cap · tanh(z / cap) (Gemma 2 `final_logit_softcapping`).
    public var finalLogitSoftcap: Double?
    /// Window of the sliding-window layers in tokens; nil when no layer slides.
    public var slidingWindow: Int?
    /// Zero-based indices of the sliding-window layers (empty when `slidingWindow` is nil).
    public var slidingWindowLayers: [Int]
    public var mla: MLAConfig?
    public var moe: MoEConfig?
    /// How the checkpoint stores its weights (`torch_dtype`, `quantization_config`).
    public var weights: WeightScheme = .uniform(.bf16)
    /// Positions the model was trained for after RoPE scaling: `max_position_embeddings` (which Hugging Face
    /// configs give already scaled), nil when the config names none.
    public var maxPositionEmbeddings: Int?
    /// What the analysis assumed or left out (a vision tower, a generic decoder's defaults), for the output's notes.
    public var notes: [String] = []
    /// Multi-token-prediction modules the checkpoint carries besides the model (`num_nextn_predict_layers`,
    /// DeepSeek-V3: 1). Inference without speculative decoding does not load them: they count in
    /// `checkpointBytes`, not in the workload.
    public var nextTokenPredictionLayers = 0

    /// The attention window of layer `index` in tokens, or nil for full (global) attention.
    public func attentionWindow(layer index: Int) -> Int? {
        guard let slidingWindow, slidingWindowLayers.contains(index) else { return nil }
        return slidingWindow
    }

    /// The window of each layer, grouped: how many layers attend with each window (nil = global), global first.
    public var attentionWindowGroups: [(window: Int?, layers: Int)] {
        let sliding = slidingWindow == nil ? 0 : slidingWindowLayers.count
        var groups: [(window: Int?, layers: Int)] = []
        if layerCount - sliding > 0 { groups.append((nil, layerCount - sliding)) }
        if sliding > 0, let slidingWindow { groups.append((slidingWindow, sliding)) }
        return groups
    }

    /// Layers whose MLP is dense (all layers for a dense model).
    public var denseLayerCount: Int { layerCount - (moe?.layerIndices.count ?? 0) }
    /// Layers whose MLP is the mixture of experts.
    public var moeLayerCount: Int { moe?.layerIndices.count ?? 0 }
}

extension ModelConfig {
    /// The folder of bundled presets.
    private static var presetFolder: URL? {
        Bundle.module.resourceURL?.appendingPathComponent("Presets", isDirectory: true)
    }

    /// The file of bundled preset `name`, or nil when there is none.
    static func presetURL(_ name: String) -> URL? {
        guard presetNames.contains(name) else { return nil }
        return presetFolder?.appendingPathComponent("\(name).json")
    }

    /// Names of the bundled presets (`llama-3.1-405b`, …), sorted.
    public static var presetNames: [String] {
        guard let folder = presetFolder,
              let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return [] }
        return files.filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// Loads a model, offline, from the first of: a bundled preset (case-insensitive); a path to a GGUF file
    /// (`.gguf`, or any file starting with the GGUF magic: its header only, `init(gguf:)`); a path to a Hugging Face
    /// `config.json` or to a folder holding one; a hub id `org/name` in the local Hugging Face cache (`cache`) at
    /// `revision` (default `main`). A config inside a cache snapshot is named by its hub id, any other file by its
    /// folder or file name. `family` forces the architecture family. Unknown names and missing files are usage
    /// errors naming what was searched; malformed configs are bad-data errors naming the key.
    public static func load(_ model: String, revision: String? = nil, family: ModelFamily? = nil,
                            cache: HubCache = HubCache()) throws -> ModelConfig {
        let wanted = model.lowercased()
        if let url = presetURL(wanted) {
            guard revision == nil else {
                throw RooflineError.usage("--revision applies to hub ids; \(wanted) is a bundled preset: drop --revision")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw RooflineError.runtime("bundled preset \(wanted) cannot be read from \(url.path): reinstall roofline")
            }
            return try ModelConfig(decoding: data, name: wanted, source: wanted, family: family)
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) {
            guard revision == nil else {
                throw RooflineError.usage("--revision applies to hub ids; \(model) is a path: drop --revision")
            }
            var url = URL(fileURLWithPath: model)
            if !isDirectory.boolValue, isGGUF(url) {
                return try ModelConfig(gguf: url, name: url.deletingPathExtension().lastPathComponent, family: family)
            }
            if isDirectory.boolValue { url = url.appendingPathComponent("config.json") }
            var name = url.deletingPathExtension().lastPathComponent
            if name == "config" { name = url.deletingLastPathComponent().lastPathComponent }
            return try read(url, name: HubCache.hubID(ofSnapshotPath: url.path) ?? name, family: family)
        }
        // A name that is there as a link whose target is not: say so, rather than call it an unknown model.
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: model) {
            var status = stat()
            let loop = stat(model, &status) != 0 && errno == ELOOP
            throw RooflineError.usage("cannot read model config \(model): it is a symbolic link to \(target), "
                + (loop ? "part of a loop of links" : "which does not exist") + "; give the path of the config.json itself")
        }
        guard HubCache.isHubID(model) else {
            throw RooflineError.usage("unknown model '\(model)': use a preset (\(presetNames.joined(separator: ", "))), "
                + "a path to a config.json or its folder, a .gguf file, or a Hugging Face id org/name")
        }
        let url = try cache.configURL(id: model, revision: revision ?? "main")
        return try read(url, name: model, family: family)
    }

    /// Whether `url` names a GGUF file: a `.gguf` extension, or a regular file that starts with the GGUF magic (a
    /// pipe or device is not opened: that would block, and consume what it holds).
    static func isGGUF(_ url: URL) -> Bool {
        if url.pathExtension.lowercased() == "gguf" { return true }
        guard InputFile.nonRegularKind(url.path) == nil, let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return GGUFFile.hasMagic((try? handle.read(upToCount: 4)) ?? Data())
    }

    /// Decodes the config at `url` as `name`.
    private static func read(_ url: URL, name: String, family: ModelFamily?) throws -> ModelConfig {
        let data = try InputFile.read(url.path, what: "model config", limitBytes: InputFile.jsonLimitBytes,
                                      fix: "give the path of a config.json, its folder or a .gguf file")
        return try ModelConfig(decoding: data, name: name, source: url.path, family: family)
    }
}
