import RooflineCore
import RooflineModels
import RooflineProbes

/// The workload model's counting for the kernels `roofline validate` runs: each kernel that is one of a model's
/// operators (Llama 3.1 8B's by default) is counted by building that model's `Workload` and taking the operator
/// from `Workload.operators()`, per layer (totals ÷ `count`). Kernels the model has no operator for (the softmax
/// schedules' passes, GEMM shapes that are not a projection of the model) fall back to `OperatorCounts`, whose
/// formulas are the same; each row says which counted it.
struct WorkloadModelCounting: OperatorCounting {
    let model: ModelConfig
    let fallback = OperatorCounts.Standard()

    init(preset: String = "llama-3.1-8b") throws {
        model = try ModelConfig.load(preset)
    }

    /// The model's operator named `name` (or of `kind`) in `workload`, reduced to one layer.
    func perLayer(_ workload: Workload, name: String? = nil, kind: OperatorKind? = nil, as newName: String) -> Operator? {
        guard let op = workload.operators().first(where: { op in
            (name.map { op.name == $0 } ?? true) && (kind.map { op.kind == $0 } ?? true)
        }) else { return nil }
        let layers = Double(op.count)
        return Operator(name: newName, kind: op.kind, flops: op.flops / layers, bytes: op.bytes * (1 / layers),
                        computeType: op.computeType, sideWork: op.sideWork?.map { $0.scaled(by: 1 / layers) })
    }

    func source(_ operatorName: String) -> String { "workload model (\(model.name) \(operatorName))" }

    /// The output projection o_proj (nh·d → h) of M rows: a prefill of M tokens, batch 1, every type `dataType`.
    func matmul(name: String, m: Int, n: Int, k: Int, dataType: DataType) -> (operator: Operator, countedBy: String) {
        let precision = Precision(weights: dataType, activations: dataType, kvCache: dataType)
        if n == model.hiddenSize, k == model.headCount * model.headDim, model.mla == nil,
           let workload = try? Workload(model: model, phase: .prefill(tokens: m), batch: 1, precision: precision, attention: .fused),
           let op = perLayer(workload, name: "o_proj", as: name) {
            return (op, source("o_proj"))
        }
        return fallback.matmul(name: name, m: m, n: n, k: k, dataType: dataType)
    }

    /// Not a model operator: the model counts the compulsory traffic of one softmax (2 transfers per score), not
    /// the passes of a schedule.
    func softmax(name: String, rows: Int, length: Int, dataType: DataType,
                 variant: OperatorCounts.SoftmaxVariant) -> (operator: Operator, countedBy: String) {
        fallback.softmax(name: name, rows: rows, length: length, dataType: dataType, variant: variant)
    }

    /// Fused decode attention of one layer at context C, batch 1, fp32 activations, `kvType` cache.
    func decodeAttention(name: String, heads: Int, kvHeads: Int, headDim: Int, context: Int,
                         kvType: DataType) -> (operator: Operator, countedBy: String) {
        let precision = Precision(weights: .fp32, activations: .fp32, kvCache: kvType)
        if heads == model.headCount, kvHeads == model.kvHeadCount, headDim == model.headDim, model.mla == nil,
           let workload = try? Workload(model: model, phase: .decode(context: context), batch: 1, precision: precision,
                                        attention: .fused),
           let op = perLayer(workload, kind: .attention, as: name) {
            return (op, source("attention, decode"))
        }
        return fallback.decodeAttention(name: name, heads: heads, kvHeads: kvHeads, headDim: headDim, context: context,
                                        kvType: kvType)
    }

    /// The pre-attention RMSNorm of M rows of h: a prefill of M tokens, batch 1.
    func rmsNorm(name: String, rows: Int, hidden: Int, dataType: DataType) -> (operator: Operator, countedBy: String) {
        let precision = Precision(weights: dataType, activations: dataType, kvCache: dataType)
        if hidden == model.hiddenSize, model.norm == .rmsNorm,
           let workload = try? Workload(model: model, phase: .prefill(tokens: rows), batch: 1, precision: precision,
                                        attention: .fused),
           let op = perLayer(workload, name: "attn_norm", as: name) {
            return (op, source("attn_norm"))
        }
        return fallback.rmsNorm(name: name, rows: rows, hidden: hidden, dataType: dataType)
    }
}
