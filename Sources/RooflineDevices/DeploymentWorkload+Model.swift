import RooflineModels

extension DeploymentWorkload {
    /// The workload of serving `model`: one decode step at `context` for `batch` sequences, and the prefill of
    /// `prompt` tokens per sequence when given, both with fused (FlashAttention-style) attention.
    /// weightBytes = parameterCount × bytes per weight; kvCacheBytes = the model's KV bytes at `context` for the
    /// batch (sliding windows capped). Throws a usage error for a prompt longer than the context or sizes the
    /// workload model rejects.
    public init(model: ModelConfig, context: Int, batch: Int, prompt: Int?, precision: Precision) throws {
        if let prompt, prompt > context {
            throw RooflineError.usage(
                "the prompt (\(prompt) tokens) is longer than the context (\(context)): give --prompt ≤ --context")
        }
        let decode = try Workload(model: model, phase: .decode(context: context), batch: batch, precision: precision,
                                  attention: .fused)
        let prefill = try prompt.map {
            try Workload(model: model, phase: .prefill(tokens: $0), batch: batch, precision: precision, attention: .fused)
        }
        self.init(
            modelName: model.name, layerCount: model.layerCount, hiddenSize: model.hiddenSize, batch: batch,
            contextTokens: context, promptTokens: prompt, weightType: precision.weights,
            activationType: precision.activations, kvCacheType: precision.kvCache, weightBytes: decode.weightBytes,
            kvCacheBytes: decode.kvCacheBytes, kvCacheBytesPerToken: model.kvCacheBytesPerToken(kvType: precision.kvCache),
            decodeOperators: decode.operators(), prefillOperators: prefill?.operators())
    }
}
