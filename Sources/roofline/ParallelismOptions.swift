import ArgumentParser
import RooflineCore
import RooflineDevices
import RooflineModels

/// `--tp`, `--pp` and `--ep`, shared by `plan` and `report`: a tensor-pipeline deployment shape the user chose.
struct ParallelismOptions: ParsableArguments {
    @Option(name: .customLong("tp"), help: "Evaluate this tensor-parallel group size (devices in one group, within a node) instead of the smallest deployment that holds the model; with --pp, devices = tp × pp.")
    var tensorParallel: Int?

    @Option(name: .customLong("pp"), help: "Evaluate this many pipeline stages (one tp group each; default 1 with --tp).")
    var pipelineStages: Int?

    @Option(name: .customLong("ep"), help: "Mixture-of-experts models: split the routed experts over this many devices per stage (a multiple of --tp within a node, dividing the expert count; attention runs as ep ÷ tp data-parallel replicas), with an all-to-all dispatch and combine per MoE layer.")
    var expertParallel: Int?

    /// The chosen shape (tp and pp default to 1, ep to 1), or nil when none of the three is given.
    var shape: ParallelShape? {
        guard tensorParallel != nil || pipelineStages != nil || expertParallel != nil else { return nil }
        return ParallelShape(tensorParallel: tensorParallel ?? 1, pipelineStages: pipelineStages ?? 1,
                             expertParallel: expertParallel ?? 1)
    }

    /// Sets `options.chosenShape` (and the tensor-pipeline layout, unless one layout is named) when a shape is given.
    func apply(to options: inout DeploymentOptions) {
        guard let shape else { return }
        if options.layouts.count > 1 { options.layouts = [.tensorPipeline] }
        options.chosenShape = shape
    }

    /// A usage error when `--tp` does not divide the attention heads, or `--ep` above 1 is given for a dense model or
    /// does not divide its experts per layer.
    func check(_ model: ModelConfig) throws {
        if let tp = tensorParallel, tp > 1, model.headCount % tp != 0 {
            let divisors = (1...model.headCount).filter { model.headCount % $0 == 0 && $0 <= 64 }.map(String.init)
            throw RooflineError.usage("--tp \(tp) does not divide \(model.name)'s \(model.headCount) attention heads "
                + "(each device takes whole heads, as vLLM and TensorRT-LLM require): use one of \(divisors.joined(separator: ", "))")
        }
        guard let ep = expertParallel, ep > 1 else { return }
        guard let moe = model.moe, model.moeLayerCount > 0 else {
            throw RooflineError.usage("--ep splits the routed experts of a mixture of experts, and \(model.name) is dense: drop --ep")
        }
        guard moe.expertCount % ep == 0 else {
            throw RooflineError.usage("--ep \(ep) does not divide \(model.name)'s \(moe.expertCount) experts per layer: use a divisor of \(moe.expertCount)")
        }
    }

    /// The options as words for a reproducing command line.
    var words: [String] {
        (tensorParallel.map { ["--tp", "\($0)"] } ?? []) + (pipelineStages.map { ["--pp", "\($0)"] } ?? [])
            + (expertParallel.map { ["--ep", "\($0)"] } ?? [])
    }
}
