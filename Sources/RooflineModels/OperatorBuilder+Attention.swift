/// The shape attention runs with: query heads, heads of the K/V it reads, and the dimensions.
struct AttentionGeometry {
    var queryHeads: Double
    var kvHeads: Double
    var qkDim: Double
    var vDim: Double
    /// V is a slice of the cached K entry (absorbed MLA: both are the latent), so a fused kernel reads it once.
    var valueInKey: Bool
}

extension OperatorBuilder {
    /// Attention block of every layer in execution order: pre-norm, projections, RoPE, KV write, attention
    /// (per window group), output projection, Gemma 2's post-norm, and the residual adds of the layer.
    func attentionBlock() -> [Operator] {
        let layers = model.layerCount
        var ops = [hiddenNorm("attn_norm", layers: layers)]
        let geometry: AttentionGeometry
        var afterAttention: [Operator] = []
        if let mla = model.mla {
            let (projections, mlaGeometry, vUp) = mlaOperators(mla)
            ops += projections
            geometry = mlaGeometry
            afterAttention = vUp
        } else {
            ops += standardProjections()
            geometry = AttentionGeometry(queryHeads: Double(model.headCount), kvHeads: Double(model.kvHeadCount),
                                         qkDim: Double(model.headDim), vDim: Double(model.headDim), valueInKey: false)
        }
        for group in model.attentionWindowGroups {
            ops += attentionCore(geometry, window: group.window, layers: group.layers)
        }
        ops += afterAttention
        let outputWidth = model.mla.map { Double(model.headCount * $0.vHeadDim) } ?? Double(model.headCount * model.headDim)
        ops.append(matmul("o_proj", group: .attention, rows: rows, input: outputWidth, output: hidden, bias: model.outputBias, layers: layers))
        if model.normsPerLayer == 4 { ops.append(hiddenNorm("post_attn_norm", layers: layers)) }
        ops.append(residualAdds())
        return ops
    }

    /// Q/K/V projection (one fused matmul h → (nh + 2·nkv)·d, biased for Qwen2/GPT-2), Qwen3's per-head q/k
    /// RMSNorm (M·(nh + nkv) rows of d, weights 2·d; OLMo 2's norms across heads (nh + nkv)·d), RoPE on q and k (M·(nh + nkv)·d·f elements,
    /// f the rotated fraction `rotaryFraction` (GLM-4.5: 0.5), 3 FLOPs each, read and written; not for learned
    /// positions), and the KV-cache write of the new tokens
    /// (M·2·nkv·d elements read as activations, written at c bytes; 0 FLOPs).
    func standardProjections() -> [Operator] {
        let layers = model.layerCount
        let (nh, nkv, d) = (Double(model.headCount), Double(model.kvHeadCount), Double(model.headDim))
        var ops = [matmul("qkv_proj", group: .attention, rows: rows, input: hidden, output: (nh + 2 * nkv) * d, bias: model.qkvBias,
                          layers: layers)]
        if model.qkNorm {
            ops.append(norm("qk_norm", rows: rows * (nh + nkv), width: d,
                            weightElements: model.qkNormAcrossHeads ? (nh + nkv) * d : 2 * d, layers: layers))
        }
        if model.learnedPositionCount == nil {
            let rotated = rows * (nh + nkv) * d * model.rotaryFraction
            ops.append(elementwise("rope", elements: rotated, flopsPerElement: FlopCosts.rope, readElements: rotated,
                                   writtenElements: rotated, layers: layers))
        }
        ops.append(kvWrite())
        return ops
    }

    /// KV-cache write of the new tokens: M · e elements, e = `ModelConfig.kvCacheElementsPerTokenPerLayer`, read as
    /// activations (M·e·a) and written to the cache (M·e·c); 0 FLOPs; count L.
    func kvWrite() -> Operator {
        let l = Double(model.layerCount)
        let elements = rows * Double(model.kvCacheElementsPerTokenPerLayer)
        return Operator(name: "kv_write", kind: .kvWrite, flops: 0,
                        bytes: ByteCounts(activations: l * elements * activationBytes, kvCache: l * elements * kvBytes),
                        computeType: vectorType, count: model.layerCount)
    }

    /// MLA projections (DeepSeek-V3), with r_q, r_kv the ranks and d_n, d_r, d_v the nope/rope/value head dims:
    /// q_a_proj h → r_q, q_a_norm over r_q, q_b_proj r_q → nh·(d_n + d_r) (or q_proj h → nh·(d_n + d_r));
    /// kv_a_proj h → r_kv + d_r, kv_a_norm over r_kv; RoPE on M·(nh + 1)·d_r elements (nh query parts and the
    /// one shared key); KV write of M·(r_kv + d_r) latent elements.
    ///
    /// Prefill counts the naive form: kv_b_proj r_kv → nh·(d_n + d_v) decompresses K and V for M tokens, and
    /// attention runs with nh K/V heads, qk dim d_n + d_r, v dim d_v.
    /// Decode counts the absorbed form: q_absorb multiplies each head's q_nope by its W_UK (M·nh rows, d_n → r_kv,
    /// nh matrices); attention runs MQA-like over the cached latent (1 K/V head, qk dim r_kv + d_r, v dim r_kv,
    /// V the latent slice of the same entry); v_up multiplies each head's output by W_UV (M·nh rows, r_kv → d_v).
    func mlaOperators(_ mla: MLAConfig) -> (projections: [Operator], geometry: AttentionGeometry, afterAttention: [Operator]) {
        let layers = model.layerCount
        let nh = Double(model.headCount)
        let (nope, rope, v) = (Double(mla.qkNopeHeadDim), Double(mla.qkRopeHeadDim), Double(mla.vHeadDim))
        let kvRank = Double(mla.kvLoraRank)
        var ops: [Operator] = []
        if let qRank = mla.qLoraRank.map(Double.init) {
            ops.append(matmul("q_a_proj", group: .attention, rows: rows, input: hidden, output: qRank, bias: false, layers: layers))
            ops.append(norm("q_a_norm", rows: rows, width: qRank, weightElements: qRank, layers: layers))
            ops.append(matmul("q_b_proj", group: .attention, rows: rows, input: qRank, output: nh * (nope + rope), bias: false, layers: layers))
        } else {
            ops.append(matmul("q_proj", group: .attention, rows: rows, input: hidden, output: nh * (nope + rope), bias: false, layers: layers))
        }
        ops.append(matmul("kv_a_proj", group: .attention, rows: rows, input: hidden, output: kvRank + rope, bias: false, layers: layers))
        ops.append(norm("kv_a_norm", rows: rows, width: kvRank, weightElements: kvRank, layers: layers))
        let rotated = rows * (nh + 1) * rope
        ops.append(elementwise("rope", elements: rotated, flopsPerElement: FlopCosts.rope, readElements: rotated,
                               writtenElements: rotated, layers: layers))
        ops.append(kvWrite())
        switch workload.phase {
        case .prefill:
            ops.append(matmul("kv_b_proj", group: .attention, rows: rows, input: kvRank, output: nh * (nope + v), bias: false, layers: layers))
            return (ops, AttentionGeometry(queryHeads: nh, kvHeads: nh, qkDim: nope + rope, vDim: v, valueInKey: false), [])
        case .decode:
            ops.append(matmul("q_absorb", group: .attention, rows: rows * nh, input: nope, output: kvRank, bias: false, layers: layers,
                              matrices: nh))
            let vUp = matmul("v_up", group: .attention, rows: rows * nh, input: kvRank, output: v, bias: false, layers: layers, matrices: nh)
            return (ops, AttentionGeometry(queryHeads: nh, kvHeads: 1, qkDim: kvRank + rope, vDim: kvRank, valueInKey: true),
                    [vUp])
        }
    }

    /// (query, key) pairs per sequence and head, and keys read per sequence and K/V head.
    ///
    /// Prefill of N tokens, causal: token i (1-based) attends min(i, W) positions, so pairs = N(N+1)/2 without a
    /// window or with N ≤ W, else W(W+1)/2 + (N − W)·W; all N keys are read (from activations).
    /// Decode at context C: pairs = keys read = min(C, W) (from the cache).
    func attentionSpan(window: Int?) -> (pairs: Double, keys: Double) {
        switch workload.phase {
        case .prefill(let count):
            let n = Double(count)
            guard let window, count > window else { return (n * (n + 1) / 2, n) }
            let w = Double(window)
            return (w * (w + 1) / 2 + (n - w) * w, n)
        case .decode(let context):
            let keys = Double(window.map { min($0, context) } ?? context)
            return (keys, keys)
        }
    }

    /// Attention of `layers` layers with one window (nil: global). With P pairs and K keys per sequence
    /// (`attentionSpan`), S = B·nh·P score elements per layer, and K/V bytes per element k = a in prefill (they
    /// are this step's activations) or c in decode (read from the cache):
    ///
    /// Causal prefill, fused, counts the P pairs of the lower triangle (with the diagonal): a causal kernel skips
    /// the masked tiles. Materialized (un-fused) prefill computes and writes the whole N × K score matrix and
    /// masks it afterwards (a batched GEMM has no causal mask; LLMCompass measured Q·Kᵀ at the full square), so
    /// there P = N·K for FLOPs and the stored scores.
    ///
    /// materialized —
    /// attn_scores: FLOPs 2·S·d_qk; reads Q (M·nh·d_qk·a) and K (B·K·nkv·d_qk·k), writes S·a.
    /// softmax: FLOPs S·5 (+3 soft-cap); reads and writes S·a.
    /// attn_values: FLOPs 2·S·d_v; reads S·a and V (B·K·nkv·d_v·k), writes O (M·nh·d_v·a).
    ///
    /// fused — attention: the sum of the three FLOPs; reads Q and writes O once (M·nh·(d_qk + d_v)·a) and reads
    /// K and V once per layer (B·K·nkv·(d_qk + d_v)·k, or B·K·nkv·d_qk·k when V is a slice of the cached K entry).
    /// Re-read assumption: each K/V tile is fetched from main memory once per sequence and layer; the query
    /// blocks of a sequence (and the query heads of a GQA group) re-use it from on-chip memory or L2. Real
    /// FlashAttention kernels re-stream K/V once per query block through L2, so this is the lower bound on HBM
    /// traffic that a well-scheduled kernel reaches.
    ///
    /// All times `layers`. Decode attention computes at the wider of the activation and KV types; prefill at the
    /// activation type.
    func attentionCore(_ g: AttentionGeometry, window: Int?, layers: Int) -> [Operator] {
        let l = Double(layers)
        let (causalPairs, keys) = attentionSpan(window: window)
        let isDecode = if case .decode = workload.phase { true } else { false }
        let pairs = workload.attention == .materialized && !isDecode ? Double(workload.tokensPerSequence) * keys : causalPairs
        let scores = batch * g.queryHeads * pairs
        func split(_ elements: Double) -> ByteCounts {
            isDecode ? ByteCounts(kvCache: elements * kvBytes) : ByteCounts(activations: elements * activationBytes)
        }
        let type: DataType = {
            let (a, c) = (workload.precision.activations, workload.precision.kvCache)
            return isDecode && c.bytesPerElement > a.bytesPerElement ? c : a
        }()
        let suffix = window.map { " (window \($0))" } ?? ""
        let softcapFlops = model.attentionLogitSoftcap == nil ? 0 : FlopCosts.softcap
        let queryElements = rows * g.queryHeads * g.qkDim
        let outputElements = rows * g.queryHeads * g.vDim
        let keyElements = batch * keys * g.kvHeads * g.qkDim
        let valueElements = batch * keys * g.kvHeads * g.vDim
        switch workload.attention {
        case .materialized:
            let flops = Counting.attentionFlops(scores: scores, qkDim: g.qkDim, vDim: g.vDim,
                                                extraSoftmaxFlopsPerScore: softcapFlops)
            let scoreBytes = ByteCounts(activations: (queryElements + scores) * activationBytes) + split(keyElements)
            let valueBytes = ByteCounts(activations: (scores + outputElements) * activationBytes) + split(valueElements)
            return [
                Operator(name: "attn_scores" + suffix, kind: .attentionScores, flops: l * flops.scores,
                         bytes: scoreBytes * l, computeType: type, count: layers),
                Counting.softmax("softmax" + suffix, scores: scores, extraFlopsPerScore: softcapFlops, layers: layers,
                                 elementBytes: elementBytes, computeType: vectorType),
                Operator(name: "attn_values" + suffix, kind: .attentionValues, flops: l * flops.values,
                         bytes: valueBytes * l, computeType: type, count: layers),
            ]
        case .fused:
            var fused = Counting.fusedAttention(
                "attention" + suffix, scores: scores, qkDim: g.qkDim, vDim: g.vDim,
                extraSoftmaxFlopsPerScore: softcapFlops, queryElements: queryElements, outputElements: outputElements,
                keyValueElements: keyElements + (g.valueInKey ? 0 : valueElements), keyValueFromCache: isDecode,
                layers: layers, elementBytes: elementBytes, computeType: type)
            fused.parallelUnits = isDecode
                ? Counting.decodeAttentionBlocks(sequences: batch, kvHeads: g.kvHeads)
                : Counting.attentionQueryTiles(sequences: batch, heads: g.queryHeads,
                                               tokens: Double(workload.tokensPerSequence))
            return [fused]
        }
    }
}
