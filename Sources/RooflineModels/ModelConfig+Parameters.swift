extension ModelConfig {
    // Counting runs in Double (exact for whole numbers below 2^53) so that absurd configs cannot overflow;
    // decoding rejects models above `maximumParameterCount`, so the Int views below are exact.

    /// Parameters of one attention block: its matrices plus its vectors (`attentionVectorParameters`).
    var attentionParameters: Double { attentionMatrixParameters + attentionVectorParameters }

    /// Weight matrices of one attention block.
    ///
    /// Standard (MHA/GQA/MQA): q = h·nh·d, k = v = h·nkv·d, o = nh·d·h.
    /// MLA: q_a = h·r_q, q_b = r_q·nh·(d_nope + d_rope) (or q = h·nh·(d_nope + d_rope) without r_q),
    /// kv_a = h·(r_kv + d_rope), kv_b = r_kv·nh·(d_nope + d_v), o = nh·d_v·h.
    var attentionMatrixParameters: Double {
        let h = Double(hiddenSize), nh = Double(headCount)
        if let mla {
            let qk = Double(mla.qkNopeHeadDim + mla.qkRopeHeadDim)
            let kvRank = Double(mla.kvLoraRank), rope = Double(mla.qkRopeHeadDim)
            let query = mla.qLoraRank.map { Double($0) * (h + nh * qk) } ?? h * nh * qk
            let keyValue = h * (kvRank + rope) + kvRank * nh * Double(mla.qkNopeHeadDim + mla.vHeadDim)
            return query + keyValue + nh * Double(mla.vHeadDim) * h
        }
        let d = Double(headDim), nkv = Double(kvHeadCount)
        return h * nh * d + 2 * h * nkv * d + nh * d * h
    }

    /// One norm over h: h (RMSNorm weight, Cohere's bias-free LayerNorm) or 2h (LayerNorm weight and bias).
    var normParameters: Double { norm == .layerNorm ? 2 * Double(hiddenSize) : Double(hiddenSize) }

    /// One MLP with intermediate size I: gated 3·h·I (+ biases 2·I + h), plain 2·h·I (+ I + h).
    func mlpParameters(intermediate: Double) -> Double {
        let h = Double(hiddenSize)
        if gatedMLP { return 3 * h * intermediate + (mlpBias ? 2 * intermediate + h : 0) }
        return 2 * h * intermediate + (mlpBias ? intermediate + h : 0)
    }

    /// One MoE block using `experts` routed experts: experts · 3·h·I_e + router h·E (+ E bias)
    /// + shared experts 3·h·I_s (I_s = `MoEConfig.sharedIntermediateSize`) + shared-expert gate h (Qwen2-MoE).
    func moeParameters(experts: Double) -> Double {
        guard let moe else { return 0 }
        let e = Double(moe.expertCount), size = Double(moe.expertIntermediateSize)
        let router = Double(hiddenSize) * e + (moe.routerBias ? e : 0)
        let shared = moe.sharedExpertCount > 0 ? mlpParameters(intermediate: Double(moe.sharedIntermediateSize)) : 0
        let gate = moe.sharedExpertGate ? Double(hiddenSize) : 0
        return experts * mlpParameters(intermediate: size) + router + shared + gate
    }

    /// Input embeddings V·h, plus learned positions P·h (GPT-2).
    var embeddingParameters: Double {
        (Double(vocabularySize) + Double(learnedPositionCount ?? 0)) * Double(hiddenSize)
    }

    /// The output head: V·h when untied, 0 when it shares the input embedding.
    var lmHeadParameters: Double { tiedEmbeddings ? 0 : Double(vocabularySize) * Double(hiddenSize) }

    /// Parameters of one attention block that are vectors, not matrices: q/k/v biases nh·d + 2·nkv·d, output bias h,
    /// per-head q/k norms 2·d (across heads: (nh + nkv)·d), attention sinks nh; MLA: q_a_norm r_q and kv_a_norm r_kv.
    var attentionVectorParameters: Double {
        let d = Double(headDim), nh = Double(headCount), nkv = Double(kvHeadCount)
        let sinks = attentionSinks ? nh : 0
        if let mla { return Double(mla.qLoraRank ?? 0) + Double(mla.kvLoraRank) + sinks }
        let qkNormWeights = qkNorm ? (qkNormAcrossHeads ? (nh + nkv) * d : 2 * d) : 0
        return (qkvBias ? nh * d + 2 * nkv * d : 0) + (outputBias ? Double(hiddenSize) : 0) + qkNormWeights + sinks
    }

    /// Bias parameters of one MLP with intermediate size I: gated 2·I + h, plain I + h, 0 without biases.
    func mlpBiasParameters(intermediate: Double) -> Double {
        guard mlpBias else { return 0 }
        return (gatedMLP ? 2 * intermediate : intermediate) + Double(hiddenSize)
    }

    /// The parameters by the group that stores them (`WeightScheme`), with `routedExperts` of the E experts:
    /// embedding V·h (+ P·h); lm_head V·h untied; attention L · (attention − its vectors); mlp dense layers · MLP
    /// matrices; experts MoE layers · routedExperts · expert matrices; shared experts MoE layers · shared MLP
    /// matrices; router MoE layers · h·E; vectors: final norm + L · norms + attention vectors + MLP and router
    /// biases + the lm_head bias V (Phi-3.5-MoE).
    func parameterGroups(routedExperts: Double) -> [WeightGroup: Double] {
        let layers = Double(layerCount), dense = Double(denseLayerCount), moeLayers = Double(moeLayerCount)
        let denseSize = Double(intermediateSize)
        var groups: [WeightGroup: Double] = [
            .embedding: embeddingParameters,
            .lmHead: lmHeadParameters,
            .attention: layers * attentionMatrixParameters,
            .mlp: dense * (mlpParameters(intermediate: denseSize) - mlpBiasParameters(intermediate: denseSize)),
            .vectors: normParameters + layers * Double(normsPerLayer) * normParameters + layers * attentionVectorParameters
                + dense * mlpBiasParameters(intermediate: denseSize) + (lmHeadBias ? Double(vocabularySize) : 0),
        ]
        if let moe {
            let size = Double(moe.expertIntermediateSize), shared = Double(moe.sharedIntermediateSize)
            let e = Double(moe.expertCount)
            groups[.experts] = moeLayers * routedExperts * (mlpParameters(intermediate: size) - mlpBiasParameters(intermediate: size))
            groups[.sharedExperts] = moe.sharedExpertCount > 0
                ? moeLayers * (mlpParameters(intermediate: shared) - mlpBiasParameters(intermediate: shared)) : 0
            groups[.router] = moeLayers * Double(hiddenSize) * (e + (moe.sharedExpertGate ? 1 : 0))
            groups[.vectors, default: 0] += moeLayers * ((moe.routerBias ? e : 0) + routedExperts * mlpBiasParameters(intermediate: size)
                + (moe.sharedExpertCount > 0 ? mlpBiasParameters(intermediate: shared) : 0))
        }
        return groups
    }

    /// The sum of `parameterGroups`: embeddings + lm_head (untied) + final norm + L · (attention + norms)
    /// + dense layers · MLP + MoE layers · (routed experts + router + shared experts).
    func parameters(routedExperts: Double) -> Double {
        parameterGroups(routedExperts: routedExperts).values.reduce(0, +)
    }

    /// Bytes of all weights stored as `scheme`: Σ over groups of parameters · `WeightFormat.bytesPerWeight`
    /// (input h; scales of group and block formats are exact when h divides evenly, per-channel scales counted
    /// as n per h × n matrix). Llama 3.1 8B in bf16: 8,030,261,248 · 2 = 16.06 GB. A GGUF scheme gives the exact
    /// sum of its tensors' bytes (`GGUFTensorTable.totalBytes`).
    public func weightBytes(_ scheme: WeightScheme) -> Double {
        if let gguf = scheme.gguf { return gguf.totalBytes }
        return parameterGroups(routedExperts: Double(moe?.expertCount ?? 0)).reduce(0) { sum, entry in
            sum + entry.value * scheme.format(entry.key).bytesPerWeight(input: Double(hiddenSize))
        }
    }

    /// Bytes of the routed experts' weights stored as `scheme` (all E experts of every MoE layer, their biases
    /// included): MoE layers · E · (expert matrices at the experts' format + expert biases at the vectors'
    /// format); 0 for a dense model. Mixtral 8x7B in bf16: 32 · 8 · 3 · 4096 · 14336 · 2 = 90.19 GB.
    public func routedExpertWeightBytes(_ scheme: WeightScheme) -> Double {
        guard let moe else { return 0 }
        let size = Double(moe.expertIntermediateSize), h = Double(hiddenSize)
        let perExpert = (mlpParameters(intermediate: size) - mlpBiasParameters(intermediate: size))
            * scheme.format(.experts).bytesPerWeight(input: h)
            + mlpBiasParameters(intermediate: size) * scheme.format(.vectors).bytesPerWeight(input: h)
        return Double(moeLayerCount) * Double(moe.expertCount) * perExpert
    }

    /// `scheme.summary` naming only the groups this model has.
    public func describe(_ scheme: WeightScheme) -> String {
        scheme.summary(groups: Set(parameterGroups(routedExperts: 1).filter { $0.value > 0 }.keys))
    }

    /// Bytes of the weights as the checkpoint stores them (`weights`).
    public var checkpointWeightBytes: Double { weightBytes(weights) }

    /// Parameters of one multi-token-prediction module (DeepSeek-V3's MTP, as its checkpoint stores it): its own
    /// embedding V·h and output head V·h, two input norms and an output norm (3h), the projection of the joined
    /// [norm(embedding); norm(hidden)] 2h → h, and one decoder layer (MoE with every expert where the model has
    /// experts, else the dense MLP). The projection is not in these groups: `nextTokenProjection` counts it.
    func nextTokenPredictionGroups() -> [WeightGroup: Double] {
        let h = Double(hiddenSize), v = Double(vocabularySize)
        var groups: [WeightGroup: Double] = [
            .embedding: v * h, .lmHead: v * h, .attention: attentionMatrixParameters,
            .vectors: 3 * h + Double(normsPerLayer) * normParameters + attentionVectorParameters,
        ]
        if let moe {
            let size = Double(moe.expertIntermediateSize), shared = Double(moe.sharedIntermediateSize)
            groups[.experts] = Double(moe.expertCount) * (mlpParameters(intermediate: size) - mlpBiasParameters(intermediate: size))
            groups[.sharedExperts] = moe.sharedExpertCount > 0
                ? mlpParameters(intermediate: shared) - mlpBiasParameters(intermediate: shared) : 0
            groups[.router] = h * (Double(moe.expertCount) + (moe.sharedExpertGate ? 1 : 0))
            groups[.vectors, default: 0] += moe.routerBias ? Double(moe.expertCount) : 0
        } else {
            let size = Double(intermediateSize)
            groups[.mlp] = mlpParameters(intermediate: size) - mlpBiasParameters(intermediate: size)
            groups[.vectors, default: 0] += mlpBiasParameters(intermediate: size)
        }
        return groups
    }

    /// The 2h → h projection of one multi-token-prediction module: 2h · h parameters, taken at the base type (an
    /// assumption; for DeepSeek-V3 it is 0.1 billion parameters, 0.015 % of the checkpoint at either type).
    var nextTokenProjection: Double { 2 * Double(hiddenSize) * Double(hiddenSize) }

    /// Bytes of the checkpoint's weight files at its own types: `checkpointWeightBytes` plus, per
    /// multi-token-prediction module, Σ over `nextTokenPredictionGroups` of parameters · bytes per weight and the
    /// projection at the base type. DeepSeek-V3: 673.15 GB of model + 15.4 GB of MTP = 688.6 GB, its published
    /// safetensors total.
    public var checkpointBytes: Double {
        let scheme = weights
        let module = nextTokenPredictionGroups().reduce(0) { sum, entry in
            sum + entry.value * scheme.format(entry.key).bytesPerWeight(input: Double(hiddenSize))
        } + nextTokenProjection * scheme.base.bytesPerElement
        return checkpointWeightBytes + Double(nextTokenPredictionLayers) * module
    }

    /// Models larger than this are rejected when decoding (a config error, not a model).
    static let maximumParameterCount = 1e15

    private func whole(_ value: Double) -> Int { value < 9e18 ? Int(value) : Int.max }

    /// Parameters of one attention block (see `attentionParameters` for the formula).
    public var attentionParameterCount: Int { whole(attentionParameters) }
    /// Parameters of the norms of one layer: normsPerLayer · h (RMSNorm) or normsPerLayer · 2h (LayerNorm).
    public var normParameterCountPerLayer: Int { whole(Double(normsPerLayer) * normParameters) }
    /// Parameters of one MLP: gated 3·h·I (+ 2·I + h biases), plain 2·h·I (+ I + h).
    public func mlpParameterCount(intermediate: Int) -> Int { whole(mlpParameters(intermediate: Double(intermediate))) }
    /// Parameters of one MoE block with `experts` routed experts: experts · 3·h·I_e + h·E (+ E) + 3·h·s·I_e.
    public func moeParameterCount(experts: Int) -> Int { whole(moeParameters(experts: Double(experts))) }
    /// Input embedding tables: V·h (+ P·h learned positions).
    public var embeddingParameterCount: Int { whole(embeddingParameters) }
    /// Output head: V·h when untied, else 0.
    public var lmHeadParameterCount: Int { whole(lmHeadParameters) }

    /// Total parameters: embeddings + lm_head (untied) + final norm + L · (attention + norms)
    /// + dense layers · MLP + MoE layers · (E experts + router + shared experts).
    public var parameterCount: Int { whole(parameters(routedExperts: Double(moe?.expertCount ?? 0))) }

    /// Parameters one token uses: as `parameterCount` but with k of the E routed experts (embedding and
    /// lm_head included). Equal to `parameterCount` for dense models.
    public var activeParameterCount: Int { whole(parameters(routedExperts: Double(moe?.expertsPerToken ?? 0))) }

    /// Elements cached per token per layer: 2·nkv·d (K and V), or r_kv + d_rope for MLA (latent + RoPE key).
    public var kvCacheElementsPerTokenPerLayer: Int {
        if let mla { return mla.kvLoraRank + mla.qkRopeHeadDim }
        return whole(2 * Double(kvHeadCount) * Double(headDim))
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
