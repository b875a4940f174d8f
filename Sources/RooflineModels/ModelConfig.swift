import Foundation

/// The architecture families whose Hugging Face `config.json` we decode (`model_type`).
public enum ModelFamily: String, Codable, Sendable, CaseIterable {
    case llama
    case mistral
    case mixtral
    case qwen2
    case qwen3
    case qwen3Moe = "qwen3_moe"
    case deepseekV3 = "deepseek_v3"
    case gemma2
    case gpt2
}

/// Which normalisation the blocks use.
public enum NormKind: String, Codable, Sendable {
    /// RMSNorm: a weight vector of `h`.
    case rmsNorm = "rms-norm"
    /// LayerNorm: a weight and a bias vector of `h` each.
    case layerNorm = "layer-norm"
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

    /// Loads a bundled preset by name (case-insensitive), or a Hugging Face `config.json` by path (a folder
    /// holding `config.json` also works). Unknown names and missing files are usage errors; malformed
    /// configs are bad-data errors naming the key.
    public static func load(_ presetOrPath: String) throws -> ModelConfig {
        let wanted = presetOrPath.lowercased()
        if let url = presetURL(wanted) {
            let preset = wanted
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw RooflineError.runtime("bundled preset \(preset) cannot be read from \(url.path): reinstall roofline")
            }
            return try ModelConfig(decoding: data, name: preset)
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: presetOrPath, isDirectory: &isDirectory) else {
            throw RooflineError.usage(
                "unknown model '\(presetOrPath)': use a preset (\(presetNames.joined(separator: ", "))) or a path to a config.json")
        }
        var url = URL(fileURLWithPath: presetOrPath)
        if isDirectory.boolValue { url = url.appendingPathComponent("config.json") }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw RooflineError.usage("cannot read model config \(url.path): check the path and its permissions")
        }
        var name = url.deletingPathExtension().lastPathComponent
        if name == "config" { name = url.deletingLastPathComponent().lastPathComponent }
        return try ModelConfig(decoding: data, name: name, source: url.path)
    }
}
