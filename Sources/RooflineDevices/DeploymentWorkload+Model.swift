import RooflineModels

extension DeploymentWorkload {
    /// The workload of serving `model` at `sizes`: one decode step at the context for the batch, and the prefill of
    /// the prompt when there is one, both with fused (FlashAttention-style) attention. weightBytes and kvCacheBytes
    /// are the decode `Workload`'s (sliding windows capped); `moe` carries the mixture of experts of an MoE model.
    /// Throws a usage error for sizes the workload model rejects. With `requestPrefill` (and a prompt) it also carries one sequence's prefill alone
    /// (`requestPrefillOperators`, batch 1), for a serial prefill schedule.
    public init(model: ModelConfig, sizes: StepSizes, precision: Precision, requestPrefill: Bool = false) throws {
        let decode = try Workload(model: model, phase: .decode(context: sizes.contextTokens), batch: sizes.batch,
                                  precision: precision, attention: .fused)
        let prefill = try sizes.promptTokens.map {
            try Workload(model: model, phase: .prefill(tokens: $0), batch: sizes.batch, precision: precision,
                         attention: .fused)
        }
        self.init(
            modelName: model.name, layerCount: model.layerCount, hiddenSize: model.hiddenSize, batch: sizes.batch,
            contextTokens: sizes.contextTokens, promptTokens: sizes.promptTokens, weightType: precision.weights,
            activationType: precision.activations, kvCacheType: precision.kvCache, weightBytes: decode.weightBytes,
            kvCacheBytes: decode.kvCacheBytes, kvCacheBytesPerToken: model.kvCacheBytesPerToken(kvType: precision.kvCache),
            decodeOperators: decode.operators(), prefillOperators: prefill?.operators())
        if requestPrefill, let prompt = sizes.promptTokens {
            requestPrefillOperators = try Workload(model: model, phase: .prefill(tokens: prompt), batch: 1,
                                                   precision: precision, attention: .fused).operators()
        }
        if let moe = model.moe, model.moeLayerCount > 0 {
            self.moe = MoEWorkload(layerCount: model.moeLayerCount, expertCount: moe.expertCount,
                                   expertsPerToken: moe.expertsPerToken,
                                   routedExpertWeightBytes: model.routedExpertWeightBytes(precision.weightScheme),
                                   expertOperatorNames: MoEConfig.routedExpertOperatorNames)
        }
    }
}
