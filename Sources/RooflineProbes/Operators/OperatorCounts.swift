/// Supplies the counted operator (FLOPs and bytes) of each kernel the suite runs, and says who counted it.
///
/// `OperatorCounts` is the default. The command line substitutes the workload model's counting (RooflineModels,
/// which this target cannot import) wherever a kernel is one of the model's operators, so the prediction uses the
/// same counting code as a model analysis.
public protocol OperatorCounting: Sendable {
    func matmul(name: String, m: Int, n: Int, k: Int, dataType: DataType) -> (operator: Operator, countedBy: String)
    func softmax(name: String, rows: Int, length: Int, dataType: DataType,
                 variant: OperatorCounts.SoftmaxVariant) -> (operator: Operator, countedBy: String)
    func decodeAttention(name: String, heads: Int, kvHeads: Int, headDim: Int, context: Int,
                         kvType: DataType) -> (operator: Operator, countedBy: String)
    func rmsNorm(name: String, rows: Int, hidden: Int, dataType: DataType) -> (operator: Operator, countedBy: String)
}

/// FLOP and byte counts of the operators the host kernels run, in one place.
///
/// Every formula is RooflineCore's `Counting` (the one the workload model's `OperatorBuilder` uses too), applied to
/// the kernels' shapes, plus what the model does not count: the softmax schedules' passes over the score matrix.
/// Counting follows the field's convention: algorithmic bytes (each array read or written once per pass counted once;
/// no write-allocate traffic), a multiply-add counts 2 FLOPs, an exp 1.
public enum OperatorCounts {
    /// `OperatorCounts` as an `OperatorCounting`.
    public struct Standard: OperatorCounting {
        public init() {}
        public static let source = "OperatorCounts (RooflineProbes)"
        public func matmul(name: String, m: Int, n: Int, k: Int, dataType: DataType) -> (operator: Operator, countedBy: String) {
            (OperatorCounts.matmul(name: name, m: m, n: n, k: k, dataType: dataType), Self.source)
        }
        public func softmax(name: String, rows: Int, length: Int, dataType: DataType,
                            variant: SoftmaxVariant) -> (operator: Operator, countedBy: String) {
            (OperatorCounts.softmax(name: name, rows: rows, length: length, dataType: dataType, variant: variant), Self.source)
        }
        public func decodeAttention(name: String, heads: Int, kvHeads: Int, headDim: Int, context: Int,
                                    kvType: DataType) -> (operator: Operator, countedBy: String) {
            (OperatorCounts.decodeAttention(name: name, heads: heads, kvHeads: kvHeads, headDim: headDim, context: context,
                                            kvType: kvType), Self.source)
        }
        public func rmsNorm(name: String, rows: Int, hidden: Int, dataType: DataType) -> (operator: Operator, countedBy: String) {
            (OperatorCounts.rmsNorm(name: name, rows: rows, hidden: hidden, dataType: dataType), Self.source)
        }
    }

    /// Which softmax schedule: how many passes over the score matrix the bytes count.
    public enum SoftmaxVariant: String, Codable, Sendable, CaseIterable {
        /// 3 passes: row max (read S); P = exp(S − max) and row sums (read S, write P); P ÷= sum (read P, write P).
        case materialized
        /// 2 passes (online softmax, Milakov & Gimelshein 2018): running max and rescaled running sum (read S);
        /// P = exp(S − max) ÷ sum (read S, write P).
        case online

        /// Element transfers per score: materialized 5 (3 reads + 2 writes), online 3 (2 reads + 1 write).
        public var transfersPerElement: Double {
            switch self {
            case .materialized: 5
            case .online: 3
            }
        }
    }

    /// An M×K by K×N matrix product C = A·B with A the activations and B the weights, every operand `dataType`:
    /// `Counting.matmul` with rows M, input K, output N, no bias, one layer: flops = 2·M·N·K; bytes: weights = K·N·e,
    /// activations = (M·K + M·N)·e.
    public static func matmul(name: String, m: Int, n: Int, k: Int, dataType: DataType) -> Operator {
        Counting.matmul(name, rows: Double(m), input: Double(k), output: Double(n), bias: false,
                        elementBytes: Counting.ElementBytes(all: dataType), computeType: dataType)
    }

    /// Softmax over `rows` rows of `length` attention scores each, stored as `dataType`: `Counting.softmax` with
    /// the variant's transfers per score: flops = 5·rows·length (max, subtract, exp, sum, divide per score, for
    /// either variant); bytes (activations) = transfersPerElement·rows·length·e: materialized 5·R·L·e, online 3·R·L·e.
    public static func softmax(name: String, rows: Int, length: Int, dataType: DataType,
                               variant: SoftmaxVariant) -> Operator {
        Counting.softmax(name, scores: Double(rows) * Double(length), transfersPerScore: variant.transfersPerElement,
                         elementBytes: Counting.ElementBytes(all: dataType), computeType: dataType)
    }

    /// Decode attention for one query token over a KV cache of `context` tokens, grouped-query layout:
    /// `heads` query heads share `kvHeads` K/V heads (group = heads ÷ kvHeads), head dimension `headDim`.
    /// `Counting.fusedAttention` over H·C scores with fp32 queries and outputs and the cache at `kvType`:
    /// flops = 4·H·C·d (Q·Kᵀ 2·H·C·d + P·V 2·H·C·d) + 5·H·C (softmax);
    /// bytes: kvCache = 2·Hkv·C·d·e_kv (K and V read once), activations = 2·H·d·4 (fp32 query in, output out).
    /// Arithmetic runs in fp32 whatever the storage type (bf16 is widened on load).
    public static func decodeAttention(name: String, heads: Int, kvHeads: Int, headDim: Int, context: Int,
                                       kvType: DataType) -> Operator {
        let (h, hkv, d, c) = (Double(heads), Double(kvHeads), Double(headDim), Double(context))
        return Counting.fusedAttention(
            name, scores: h * c, qkDim: d, vDim: d, queryElements: h * d, outputElements: h * d,
            keyValueElements: 2 * hkv * c * d, keyValueFromCache: true,
            elementBytes: Counting.ElementBytes(weights: 0, activations: DataType.fp32.bytesPerElement,
                                                kvCache: kvType.bytesPerElement),
            computeType: .fp32)
    }

    /// RMSNorm of `rows` rows of `hidden` values, y = x·w ÷ √(mean(x²) + ε): `Counting.norm` with
    /// `FlopCosts.rmsNorm`: flops = 4·rows·hidden (square and add, then two multiplies per value);
    /// bytes: weights = hidden·e (the scale vector, read once), activations = 2·rows·hidden·e (x read, y written).
    public static func rmsNorm(name: String, rows: Int, hidden: Int, dataType: DataType) -> Operator {
        Counting.norm(name, rows: Double(rows), width: Double(hidden), weightElements: Double(hidden),
                      flopsPerElement: FlopCosts.rmsNorm, elementBytes: Counting.ElementBytes(all: dataType),
                      computeType: dataType)
    }
}
