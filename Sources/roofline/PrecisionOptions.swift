import ArgumentParser
import RooflineCore
import RooflineModels

/// `--weights`, `--activations`, `--kv`: the data types of one inference step, shared by classify, plan and report.
struct PrecisionOptions: ParsableArguments {
    @Option(help: "Data type of the weights (fp32, bf16, fp16, fp8, int8, int4, fp4).")
    var weights: String = "bf16"

    @Option(help: "Data type of the activations.")
    var activations: String = "bf16"

    @Option(help: "Data type of the KV cache.")
    var kv: String = "bf16"

    /// The three types parsed; an unknown name is a usage error listing the valid ones.
    func precision() throws -> Precision {
        Precision(weights: try DataType(parsing: weights), activations: try DataType(parsing: activations),
                  kvCache: try DataType(parsing: kv))
    }
}
