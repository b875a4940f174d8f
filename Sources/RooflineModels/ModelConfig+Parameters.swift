extension ModelConfig {
    /// Parameters of one attention block.
    ///
    /// Standard (MHA/GQA/MQA): q = h·nh·d, k = v = h·nkv·d, o = nh·d·h; plus q/k/v biases nh·d + 2·nkv·d,
    /// output bias h, per-head q/k norms 2·d where the family has them.
    /// MLA: q_a = h·r_q, q_a_norm = r_q, q_b = r_q·nh·(d_nope + d_rope) (or q = h·nh·(d_nope + d_rope) without
    /// r_q), kv_a = h·(r_kv + d_rope), kv_a_norm = r_kv, kv_b = r_kv·nh·(d_nope + d_v), o = nh·d_v·h.
    public var attentionParameterCount: Int {
        let h = hiddenSize, nh = headCount
        if let mla {
            let qk = mla.qkNopeHeadDim + mla.qkRopeHeadDim
            let query = mla.qLoraRank.map { h * $0 + $0 + $0 * nh * qk } ?? h * nh * qk
            let keyValue = h * (mla.kvLoraRank + mla.qkRopeHeadDim) + mla.kvLoraRank
                + mla.kvLoraRank * nh * (mla.qkNopeHeadDim + mla.vHeadDim)
            return query + keyValue + nh * mla.vHeadDim * h
        }
        let d = headDim, nkv = kvHeadCount
        var count = h * nh * d + 2 * h * nkv * d + nh * d * h
        if qkvBias { count += nh * d + 2 * nkv * d }
        if outputBias { count += h }
        if qkNorm { count += 2 * d }
        return count
    }

    /// Parameters of the norms of one layer: normsPerLayer · h (RMSNorm) or normsPerLayer · 2h (LayerNorm).
    public var normParameterCountPerLayer: Int { normsPerLayer * normParameterCount }

    /// One norm over h: h (RMSNorm weight) or 2h (LayerNorm weight and bias).
    var normParameterCount: Int { norm == .layerNorm ? 2 * hiddenSize : hiddenSize }

    /// Parameters of one MLP with intermediate size I: gated 3·h·I (+ biases 2·I + h), plain 2·h·I (+ I + h).
    public func mlpParameterCount(intermediate: Int) -> Int {
        let h = hiddenSize
        if gatedMLP { return 3 * h * intermediate + (mlpBias ? 2 * intermediate + h : 0) }
        return 2 * h * intermediate + (mlpBias ? intermediate + h : 0)
    }

    /// Parameters of one MoE block using `experts` routed experts: experts · 3·h·I_e + router h·E
    /// (+ E bias) + shared experts 3·h·(s·I_e).
    public func moeParameterCount(experts: Int) -> Int {
        guard let moe else { return 0 }
        let router = hiddenSize * moe.expertCount + (moe.routerBias ? moe.expertCount : 0)
        return experts * mlpParameterCount(intermediate: moe.expertIntermediateSize) + router
            + (moe.sharedExpertCount > 0 ? mlpParameterCount(intermediate: moe.sharedExpertCount * moe.expertIntermediateSize) : 0)
    }

    /// Input embeddings: V·h, plus learned positions P·h (GPT-2).
    public var embeddingParameterCount: Int {
        vocabularySize * hiddenSize + (learnedPositionCount ?? 0) * hiddenSize
    }

    /// The output head: V·h when untied, 0 when it shares the input embedding.
    public var lmHeadParameterCount: Int { tiedEmbeddings ? 0 : vocabularySize * hiddenSize }

    private func parameterCount(routedExperts: Int) -> Int {
        let perLayer = attentionParameterCount + normParameterCountPerLayer
        return embeddingParameterCount + lmHeadParameterCount + normParameterCount
            + layerCount * perLayer
            + denseLayerCount * mlpParameterCount(intermediate: intermediateSize)
            + moeLayerCount * moeParameterCount(experts: routedExperts)
    }

    /// Total parameters: embeddings + lm_head (untied) + final norm + L · (attention + norms)
    /// + dense layers · MLP + MoE layers · (E experts + router + shared experts).
    public var parameterCount: Int { parameterCount(routedExperts: moe?.expertCount ?? 0) }

    /// Parameters one token uses: as `parameterCount` but with k of the E routed experts (embedding and
    /// lm_head included). Equal to `parameterCount` for dense models.
    public var activeParameterCount: Int { parameterCount(routedExperts: moe?.expertsPerToken ?? 0) }

    /// Elements cached per token per layer: 2·nkv·d (K and V), or r_kv + d_rope for MLA (latent + RoPE key).
    public var kvCacheElementsPerTokenPerLayer: Int {
        if let mla { return mla.kvLoraRank + mla.qkRopeHeadDim }
        return 2 * kvHeadCount * headDim
    }

    /// KV-cache bytes per token at full length (no sliding-window cap): L · elements per layer · bytes per element.
    /// Llama 3.1 405B at bf16: 126 · 2·8·128 · 2 = 516,096 B.
    public func kvCacheBytesPerToken(kvType: DataType) -> Double {
        Double(layerCount) * Double(kvCacheElementsPerTokenPerLayer) * kvType.bytesPerElement
    }

    /// KV-cache bytes for `batch` sequences of `context` tokens, sliding-window layers capped at their window:
    /// batch · Σ over layers min(context, window) · elements per layer · bytes per element.
    public func kvCacheBytes(context: Int, batch: Int, kvType: DataType) -> Double {
        let perTokenPerLayer = Double(kvCacheElementsPerTokenPerLayer) * kvType.bytesPerElement
        return attentionWindowGroups.reduce(0) { sum, group in
            let tokens = Double(group.window.map { min($0, context) } ?? context)
            return sum + Double(batch) * Double(group.layers) * tokens * perTokenPerLayer
        }
    }
}
