import ArgumentParser
import RooflineCore
import RooflineModels

/// `--weights`, `--activations`, `--kv`: the data types of one inference step, shared by classify, plan and report.
struct PrecisionOptions: ParsableArguments {
    @Option(help: "Data type of the weights (fp32, bf16, fp16, fp8, int8, int4, fp4); default: as the checkpoint stores them (torch_dtype, quantization_config). `report` takes a list (bf16,fp8) to put the weight types side by side.")
    var weights: String?

    @Option(help: "Data type of the activations.")
    var activations: String = "bf16"

    @Option(help: "Data type of the KV cache.")
    var kv: String = "bf16"

    /// The types for `model`: its checkpoint's weight scheme, or `WeightScheme.override` of `--weights` when that
    /// names another type than the checkpoint's (fp8 on an fp8 checkpoint keeps its block scales); an unknown name
    /// is a usage error listing the valid ones. The note says what the weights are when that is not plain.
    func precision(for model: ModelConfig) throws -> (precision: Precision, note: String?) {
        let checkpoint = model.weights
        var scheme = checkpoint
        var note: String?
        if let weights, case let type = try DataType(parsing: weights), type != checkpoint.headlineType {
            scheme = WeightScheme.override(type, base: checkpoint.base)
            if scheme != checkpoint {
                note = "--weights \(weights) overrides the checkpoint's \(model.describe(checkpoint)): weights stored as \(model.describe(scheme))"
            }
        } else if checkpoint.quantized != nil {
            note = "weights as the checkpoint stores them: \(model.describe(checkpoint))"
        }
        if !scheme.unmodelledExclusions.isEmpty {
            let names = scheme.unmodelledExclusions
            note = (note.map { $0 + "; " } ?? "") + "\(names.count) single-layer exclusion\(names.count == 1 ? "" : "s") "
                + "(\(names.prefix(3).joined(separator: ", "))\(names.count > 3 ? ", …" : "")) counted at the quantized type"
        }
        let precision = Precision(weightScheme: scheme, activations: try DataType(parsing: activations),
                                  kvCache: try DataType(parsing: kv))
        return (precision, note)
    }
}
