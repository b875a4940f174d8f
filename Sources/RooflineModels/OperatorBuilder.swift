/// Builds the operators of one `Workload`. All sizes are `Double` so that 10⁹-token contexts and their squares
/// never overflow.
///
/// Notation in the formulas: B batch, T new tokens per sequence (N in prefill, 1 in decode), M = B·T rows,
/// L layers an operator covers (its `count`), h hidden size, V vocabulary, nh query heads, nkv KV heads,
/// d head dimension, I intermediate size, and bytes per element a (activations), w (weights), c (KV cache).
/// Traffic is compulsory traffic: every operand read once from main memory and every result written once.
struct OperatorBuilder {
    let model: ModelConfig
    let workload: Workload
    let batch: Double
    let tokens: Double
    let rows: Double
    let hidden: Double
    let activationBytes: Double
    let weightBytes: Double
    let kvBytes: Double

    init(workload: Workload) {
        self.workload = workload
        model = workload.model
        batch = Double(workload.batch)
        tokens = Double(workload.tokensPerSequence)
        rows = batch * tokens
        hidden = Double(model.hiddenSize)
        activationBytes = workload.precision.activations.bytesPerElement
        weightBytes = workload.precision.weightScheme.base.bytesPerElement
        kvBytes = workload.precision.kvCache.bytesPerElement
    }

    /// The workload's element sizes: weights w (the base type of norms, biases and other vectors), activations a,
    /// KV cache c.
    var elementBytes: Counting.ElementBytes {
        Counting.ElementBytes(weights: weightBytes, activations: activationBytes, kvCache: kvBytes)
    }

    /// The storage format of `group`'s weights.
    func format(_ group: WeightGroup) -> WeightFormat { workload.precision.weightScheme.format(group) }

    /// Norms, softmax, RoPE, activations, adds, gathers and cache writes run on the vector units in fp32
    /// (kernels up-cast to fp32 for these), so they use the fp32 ceiling.
    let vectorType = DataType.fp32

    /// `Counting.matmul` with the weights of `group` at their format: bytes per weight element
    /// (`WeightFormat.matrixBytes(k, n)` + n·w for a bias) ÷ (k·n + n), so the k × n matrix costs its packed size
    /// plus scales and the bias its base type. Computes in the wider of the group's type and the activations'.
    /// A GGUF checkpoint's matmuls take their tensors' exact bytes and kernels instead (`ggufMatmul`).
    func matmul(_ name: String, kind: OperatorKind = .matmul, group: WeightGroup, rows: Double, input k: Double,
                output n: Double, bias: Bool, layers: Int, matrices: Double = 1) -> Operator {
        if let op = ggufMatmul(name, kind: kind, rows: rows, input: k, output: n, bias: bias, layers: layers,
                               matrices: matrices) { return op }
        let format = format(group)
        let biasElements = bias ? n : 0
        var bytes = elementBytes
        bytes.weights = (format.matrixBytes(input: k, output: n) + biasElements * weightBytes) / (k * n + biasElements)
        return Counting.matmul(name, kind: kind, rows: rows, input: k, output: n, bias: bias, layers: layers,
                               matrices: matrices, elementBytes: bytes,
                               computeType: workload.precision.matmulType(weights: format.type))
    }

    /// `Counting.norm` at the workload's element sizes, `FlopCosts.norm(model.norm)` FLOPs per element.
    func norm(_ name: String, rows: Double, width: Double, weightElements: Double, layers: Int) -> Operator {
        Counting.norm(name, rows: rows, width: width, weightElements: weightElements, layers: layers,
                      flopsPerElement: FlopCosts.norm(model.norm), elementBytes: elementBytes, computeType: vectorType)
    }

    /// A norm over the hidden state of every row: `norm(rows: M, width: h, weights: h or 2h)`.
    func hiddenNorm(_ name: String, layers: Int) -> Operator {
        norm(name, rows: rows, width: hidden, weightElements: model.normParameters, layers: layers)
    }

    /// `Counting.elementwise` at the workload's element sizes, on the vector units.
    func elementwise(_ name: String, kind: OperatorKind = .elementwise, elements: Double, flopsPerElement: Double,
                     readElements: Double, writtenElements: Double, weightElements: Double = 0, layers: Int) -> Operator {
        Counting.elementwise(name, kind: kind, elements: elements, flopsPerElement: flopsPerElement,
                             readElements: readElements, writtenElements: writtenElements,
                             weightElements: weightElements, layers: layers, elementBytes: elementBytes,
                             computeType: vectorType)
    }

    /// Input embedding gather: M token rows of h, written as activations (M·h·a); the table is read once per
    /// distinct row, expected V·(1 − (1 − 1/V)^M) rows of V for M tokens drawn uniformly (weights ≤ min(M, V) rows
    /// of h at the embedding's format, `embeddingRowBytes` each);
    /// FLOPs 0, or M·h for Gemma's √h scaling. GPT-2 adds learned positions: T rows of h (shared by the batch,
    /// weights T·h·w), read with the token embedding (M·h·a) and written back (M·h·a), M·h FLOPs.
    func embedding() -> [Operator] {
        let distinctRows = OperatorBuilder.expectedDistinctExperts(experts: model.vocabularySize, perToken: 1, routedTokens: rows)
        var gather = elementwise("embedding", kind: .embedding, elements: rows * hidden,
                                 flopsPerElement: model.scalesEmbeddings ? 1 : 0, readElements: 0,
                                 writtenElements: rows * hidden, weightElements: 0, layers: 1)
        gather.bytes.weights = distinctRows * embeddingRowBytes
        var ops = [gather]
        if model.learnedPositionCount != nil {
            ops.append(elementwise("position_embedding", kind: .embedding, elements: rows * hidden,
                                   flopsPerElement: FlopCosts.add, readElements: rows * hidden,
                                   writtenElements: rows * hidden, weightElements: tokens * hidden, layers: 1))
        }
        return ops
    }

    /// Residual adds, two per layer (after attention and after the MLP): per add FLOPs M·h, activations
    /// 3·M·h·a (two read, one written); count 2L.
    func residualAdds() -> Operator {
        elementwise("residual_add", elements: rows * hidden, flopsPerElement: FlopCosts.add,
                    readElements: 2 * rows * hidden, writtenElements: rows * hidden, layers: 2 * model.layerCount)
    }

    /// Rows the output head computes: prefill B (last position of each sequence) or M with
    /// `lmHeadAllPositions`; decode B.
    var headRows: Double {
        switch workload.phase {
        case .prefill: workload.lmHeadAllPositions ? rows : batch
        case .decode: batch
        }
    }

    /// Final norm over all M rows, then lm_head: a matmul of `headRows` rows by h × V (+ V bias for Phi-3.5-MoE),
    /// weights V·h·w (read even when tied to the embedding), logits written headRows·V·a; Gemma 2 then soft-caps the logits
    /// (headRows·V elements, 3 FLOPs each, read and written).
    func head() -> [Operator] {
        let logits = headRows * Double(model.vocabularySize)
        var ops = [hiddenNorm("final_norm", layers: 1),
                   matmul("lm_head", group: model.tiedEmbeddings ? .embedding : .lmHead, rows: headRows, input: hidden, output: Double(model.vocabularySize), bias: model.lmHeadBias,
                          layers: 1)]
        if model.finalLogitSoftcap != nil {
            ops.append(elementwise("logit_softcap", elements: logits, flopsPerElement: FlopCosts.softcap,
                                   readElements: logits, writtenElements: logits, layers: 1))
        }
        return ops
    }
}
