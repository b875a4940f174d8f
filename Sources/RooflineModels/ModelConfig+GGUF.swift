import Foundation
import RooflineCore

extension ModelConfig {
    /// GGUF architectures (`general.architecture`) that are read, and the Hugging Face `model_type` whose family
    /// models each: llama (mixtral when `llama.expert_count` > 0: llama.cpp converts Mistral and Mixtral as llama),
    /// qwen2, qwen2moe, qwen3, qwen3moe, gemma (Gemma 1: Gemma 2's family without its post-norms, soft-caps and
    /// sliding window, which Gemma 1 does not have), gemma2, gemma3, phi3.
    public static let ggufArchitectures: [String: String] = [
        "llama": "llama", "qwen2": "qwen2", "qwen2moe": "qwen2_moe", "qwen3": "qwen3", "qwen3moe": "qwen3_moe",
        "gemma": "gemma2", "gemma2": "gemma2", "gemma3": "gemma3_text", "phi3": "phi3",
    ]

    /// Reads the model of the GGUF file at `url` from its header alone (`GGUFFile`), as `name`.
    public init(gguf url: URL, name: String, family forced: ModelFamily? = nil) throws {
        try self.init(gguf: try GGUFFile(contentsOf: url), name: name, source: url.path, family: forced)
    }

    /// The model a GGUF header describes: its metadata mapped to the Hugging Face keys of its family (so that the
    /// family's decoder and defaults apply, as for a config.json), and its tensor table as the weights
    /// (`WeightScheme.gguf`: exact bytes and a kernel per tensor).
    ///
    /// Keys, with A the architecture: `A.block_count` → num_hidden_layers, `A.embedding_length` → hidden_size,
    /// `A.feed_forward_length` → intermediate_size, `A.attention.head_count` / `.head_count_kv` → the head counts,
    /// `A.attention.key_length` → head_dim, `A.context_length` → max_position_embeddings, `A.rope.scaling.factor`
    /// and `.original_context_length` → rope_scaling, `A.rope.dimension_count` < head_dim → partial_rotary_factor,
    /// `A.attention.sliding_window` → sliding_window, `A.expert_count` / `.expert_used_count` /
    /// `.expert_feed_forward_length` / `.expert_shared_feed_forward_length` → the MoE sizes,
    /// `A.attn_logit_softcapping` / `.final_logit_softcapping` → Gemma 2's caps. The vocabulary is token_embd's row
    /// count (else `tokenizer.ggml.tokens`' length, else `A.vocab_size`); the head is tied when there is no
    /// `output.weight`; attention biases are there when `blk.0.attn_q.bias` is. An unknown architecture, a missing
    /// size key, or tensors that disagree with the metadata are bad-data errors.
    public init(gguf file: GGUFFile, name: String, source: String, family forced: ModelFamily? = nil) throws {
        func fail(_ message: String) -> RooflineError { RooflineError.badData("\(source): \(message)") }
        guard case .string(let architecture)? = file.metadata["general.architecture"] else {
            throw fail("the GGUF metadata has no general.architecture string: the file is not a llama.cpp model")
        }
        guard var modelType = Self.ggufArchitectures[architecture] else {
            throw fail("GGUF architecture '\(architecture)' is not supported: supported are "
                + Self.ggufArchitectures.keys.sorted().joined(separator: ", "))
        }
        let a = architecture
        func value(_ key: String) -> GGUFValue? { file.metadata["\(a).\(key)"] }
        /// A positive whole number under A.key; an array (per-layer values) must hold one value. An optional key
        /// that is 0 counts as absent (converters write `expert_count` 0 for dense models).
        func integer(_ key: String, required: Bool) throws -> Int? {
            guard let stored = value(key) else {
                if required { throw fail("the GGUF metadata lacks \(a).\(key), which the model needs") }
                return nil
            }
            var candidate = stored
            if case .array(_, _, let values) = stored {
                guard let first = values.first, values.allSatisfy({ $0 == first }) else {
                    throw fail("\(a).\(key) differs between layers (\(stored.summary)): per-layer sizes are not supported")
                }
                candidate = first
            }
            if !required, candidate.integer == 0 { return nil }
            guard let number = candidate.integer, number > 0 else {
                throw fail("\(a).\(key) must be a positive whole number, got \(stored.summary)")
            }
            return number
        }
        var object: [String: JSONValue] = [:]
        func set(_ hfKey: String, _ number: Int?) { if let number { object[hfKey] = .number(Double(number)) } }
        set("num_hidden_layers", try integer("block_count", required: true))
        let hidden = try integer("embedding_length", required: true)
        set("hidden_size", hidden)
        let heads = try integer("attention.head_count", required: true)
        set("num_attention_heads", heads)
        set("num_key_value_heads", try integer("attention.head_count_kv", required: false))
        let keyLength = try integer("attention.key_length", required: false)
        if let keyLength, let valueLength = try integer("attention.value_length", required: false), valueLength != keyLength {
            throw fail("\(a).attention.key_length (\(keyLength)) differs from value_length (\(valueLength)): not supported")
        }
        set("head_dim", keyLength)
        set("max_position_embeddings", try integer("context_length", required: false))
        let experts = try integer("expert_count", required: false)
        let expertSize = try integer("expert_feed_forward_length", required: false)
        let dense = try integer("feed_forward_length", required: experts == nil || !["qwen2moe", "qwen3moe"].contains(a))
        set("intermediate_size", dense ?? expertSize)
        if let experts {
            if a == "llama" { modelType = "mixtral" }
            set(modelType == "mixtral" ? "num_local_experts" : "num_experts", experts)
            set("num_experts_per_tok", try integer("expert_used_count", required: true))
            set("moe_intermediate_size", expertSize)
            if a == "qwen2moe" {
                set("shared_expert_intermediate_size", try integer("expert_shared_feed_forward_length", required: false) ?? 0)
            }
        }
        object["model_type"] = .string(modelType)
        if let window = try integer("attention.sliding_window", required: false) {
            set("sliding_window", window)
        } else if ["gemma", "gemma2", "gemma3", "phi3"].contains(a) || modelType == "mixtral" {
            object["sliding_window"] = .null
        }
        if a == "gemma" {
            object["attn_logit_softcapping"] = .null
            object["final_logit_softcapping"] = .null
        }
        for key in ["attn_logit_softcapping", "final_logit_softcapping"] {
            if let cap = value(key)?.number { object[key] = cap > 0 ? .number(cap) : .null }
        }
        if let factor = value("rope.scaling.factor")?.number, factor > 1,
           let original = try integer("rope.scaling.original_context_length", required: false) {
            object["rope_scaling"] = .object(["factor": .number(factor), "original_max_position_embeddings": .number(Double(original))])
        }
        if let rotated = try integer("rope.dimension_count", required: false), let hidden, let heads {
            let headDim = keyLength ?? hidden / heads
            if rotated < headDim { object["partial_rotary_factor"] = .number(Double(rotated) / Double(headDim)) }
        }
        let table = GGUFTensorTable(tensors: file.tensors)
        guard let embedding = table.tensor("token_embd.weight") else {
            throw fail("the tensor table has no token_embd.weight: the file is not a complete model")
        }
        var vocabulary = embedding.dimensions.count >= 2 ? embedding.dimensions[1] : nil
        if vocabulary == nil, case .array(_, let count, _)? = file.metadata["tokenizer.ggml.tokens"] { vocabulary = count }
        if vocabulary == nil { vocabulary = try integer("vocab_size", required: true) }
        set("vocab_size", vocabulary)
        object["tie_word_embeddings"] = .bool(table.tensor("output.weight") == nil)
        if table.tensor("blk.0.attn_q.bias") != nil || table.tensor("blk.0.attn_qkv.bias") != nil {
            object["attention_bias"] = .bool(true)
        }
        var model = try ModelConfig(object: object, name: name, source: source, family: forced)
        if a == "gemma" && forced == nil {
            model.normsPerLayer = 2
            model.notes.append("GGUF architecture gemma (Gemma 1) analysed with the gemma2 family less what Gemma 1 lacks: "
                + "two norms per layer, no logit soft-caps, no sliding window")
        }
        model.weights = .gguf(table)
        try table.validate(for: model, source: source)
        self = model
    }
}
