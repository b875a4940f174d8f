/// The counting formulas every operator comes from: the workload model (RooflineModels' `OperatorBuilder`) and the
/// host kernels `roofline validate` runs (RooflineProbes' `OperatorCounts`) both build their operators here, so a
/// formula changed here changes both.
///
/// Conventions: a multiply-add counts 2 FLOPs; traffic is compulsory traffic (every operand read once from main
/// memory and every result written once, no write-allocate reads); `layers` (L) multiplies an operator repeated in
/// L layers and becomes its `count`. Sizes are `Double` so that 10⁹-token contexts and their squares never overflow.
public enum Counting {
    /// Bytes per element of the three kinds of data an operator moves.
    public struct ElementBytes: Sendable, Equatable {
        public var weights: Double
        public var activations: Double
        public var kvCache: Double

        public init(weights: Double, activations: Double, kvCache: Double) {
            self.weights = weights
            self.activations = activations
            self.kvCache = kvCache
        }

        /// Every operand stored as `type`.
        public init(all type: DataType) {
            self.init(weights: type.bytesPerElement, activations: type.bytesPerElement, kvCache: type.bytesPerElement)
        }
    }

    /// `rows` rows times a k × n weight matrix, in each of L = `layers` layers, `matrices` distinct weight matrices
    /// read per layer (1; heads for a per-head matmul; expected distinct experts for MoE):
    /// FLOPs = L · (2·rows·k·n + rows·n if biased); weights = L · matrices · (k·n + n if biased) · w;
    /// activations = L · rows · (k + n) · a (input read, output written).
    public static func matmul(_ name: String, kind: OperatorKind = .matmul, rows: Double, input k: Double,
                              output n: Double, bias: Bool, layers: Int = 1, matrices: Double = 1,
                              elementBytes e: ElementBytes, computeType: DataType) -> Operator {
        let l = Double(layers)
        return Operator(
            name: name, kind: kind, flops: l * (2 * rows * k * n + (bias ? rows * n : 0)),
            bytes: ByteCounts(weights: l * matrices * (k * n + (bias ? n : 0)) * e.weights,
                              activations: l * rows * (k + n) * e.activations),
            computeType: computeType, count: layers, parallelUnits: matmulTiles(rows: rows, output: n))
    }

    /// Edge of the square output tile a GPU matmul kernel gives one thread block: 128, the CUTLASS and cuBLAS
    /// default for bf16/fp8 tensor-core GEMMs on A100, H100 and B200 (128×128 and 128×256 tiles; FlashAttention
    /// also takes 128 query rows per block). A counting convention the calibrated time model keys its
    /// efficiencies by, not a claim about the exact kernel an engine picks.
    public static let tileEdge = 128.0

    /// Output tiles of Y[rows×n]: ⌈rows ÷ 128⌉ · ⌈n ÷ 128⌉ (`tileEdge`).
    public static func matmulTiles(rows: Double, output n: Double) -> Double {
        (rows / tileEdge).rounded(.up) * (n / tileEdge).rounded(.up)
    }

    /// Query tiles of a prefill attention: sequences · heads · ⌈tokens ÷ 128⌉ (`tileEdge` query rows per block).
    public static func attentionQueryTiles(sequences: Double, heads: Double, tokens: Double) -> Double {
        sequences * heads * (tokens / tileEdge).rounded(.up)
    }

    /// Thread blocks of a decode attention: sequences · KV heads (paged and XQA decode kernels give each sequence's
    /// KV head, with its group of query heads, one block and split long caches further).
    public static func decodeAttentionBlocks(sequences: Double, kvHeads: Double) -> Double {
        sequences * kvHeads
    }

    /// A norm over `rows` vectors of `width` with `weightElements` parameters, in L = `layers` layers:
    /// FLOPs = L · rows · width · `flopsPerElement` (`FlopCosts.rmsNorm` 4, `FlopCosts.layerNorm` 7);
    /// weights = L · weightElements · w; activations = L · 2 · rows · width · a (read and written).
    public static func norm(_ name: String, rows: Double, width: Double, weightElements: Double, layers: Int = 1,
                            flopsPerElement: Double, elementBytes e: ElementBytes, computeType: DataType) -> Operator {
        let l = Double(layers)
        return Operator(
            name: name, kind: .norm, flops: l * rows * width * flopsPerElement,
            bytes: ByteCounts(weights: l * weightElements * e.weights, activations: l * 2 * rows * width * e.activations),
            computeType: computeType, count: layers)
    }

    /// An elementwise operator over `elements` outputs, in L = `layers` layers: FLOPs = L · elements · cost;
    /// activations = L · (read + written elements) · a; weights = L · weightElements · w.
    public static func elementwise(_ name: String, kind: OperatorKind = .elementwise, elements: Double,
                                   flopsPerElement: Double, readElements: Double, writtenElements: Double,
                                   weightElements: Double = 0, layers: Int = 1, elementBytes e: ElementBytes,
                                   computeType: DataType) -> Operator {
        let l = Double(layers)
        return Operator(
            name: name, kind: kind, flops: l * elements * flopsPerElement,
            bytes: ByteCounts(weights: l * weightElements * e.weights,
                              activations: l * (readElements + writtenElements) * e.activations),
            computeType: computeType, count: layers)
    }

    /// Softmax over `scores` attention scores, in L = `layers` layers, with `transfersPerScore` element transfers
    /// per score (2 for the compulsory read and write; a schedule's passes add more):
    /// FLOPs = L · scores · (`FlopCosts.softmax` + `extraFlopsPerScore`, e.g. soft-capping);
    /// activations = L · transfersPerScore · scores · a.
    public static func softmax(_ name: String, scores: Double, transfersPerScore: Double = 2,
                               extraFlopsPerScore: Double = 0, layers: Int = 1, elementBytes e: ElementBytes,
                               computeType: DataType) -> Operator {
        let l = Double(layers)
        return Operator(
            name: name, kind: .softmax, flops: l * scores * (FlopCosts.softmax + extraFlopsPerScore),
            bytes: ByteCounts(activations: l * transfersPerScore * scores * e.activations),
            computeType: computeType, count: layers)
    }

    /// The FLOPs of attention over `scores` (query, key) pairs summed over heads: Q·Kᵀ 2·scores·d_qk, softmax
    /// scores · (`FlopCosts.softmax` + `extraSoftmaxFlopsPerScore`), P·V 2·scores·d_v.
    public static func attentionFlops(scores: Double, qkDim: Double, vDim: Double,
                                      extraSoftmaxFlopsPerScore: Double = 0) -> (scores: Double, softmax: Double, values: Double) {
        (2 * scores * qkDim, scores * (FlopCosts.softmax + extraSoftmaxFlopsPerScore), 2 * scores * vDim)
    }

    /// Fused (FlashAttention-style) attention in L = `layers` layers: FLOPs = L · the sum of `attentionFlops`;
    /// reads Q and writes O once (L · (queryElements + outputElements) · a) and reads K and V once
    /// (L · keyValueElements at `keyValueBytes`: c when they come from the cache, a when they are this step's
    /// activations, as in prefill).
    public static func fusedAttention(_ name: String, scores: Double, qkDim: Double, vDim: Double,
                                      extraSoftmaxFlopsPerScore: Double = 0, queryElements: Double,
                                      outputElements: Double, keyValueElements: Double, keyValueFromCache: Bool,
                                      layers: Int = 1, elementBytes e: ElementBytes, computeType: DataType) -> Operator {
        let l = Double(layers)
        let flops = attentionFlops(scores: scores, qkDim: qkDim, vDim: vDim,
                                   extraSoftmaxFlopsPerScore: extraSoftmaxFlopsPerScore)
        let queryAndOutput = ByteCounts(activations: (queryElements + outputElements) * e.activations)
        let keysAndValues = keyValueFromCache
            ? ByteCounts(kvCache: keyValueElements * e.kvCache) : ByteCounts(activations: keyValueElements * e.activations)
        return Operator(name: name, kind: .attention, flops: l * (flops.scores + flops.softmax + flops.values),
                        bytes: (queryAndOutput + keysAndValues) * l, computeType: computeType, count: layers)
    }
}
