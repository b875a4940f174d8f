import ArgumentParser
import Foundation
import RooflineCore
import RooflineModels
import RooflineCalibration
import RooflineDevices

/// `roofline classify`: one inference step of a model, as operators placed on a roofline.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Place one inference step's operators on a roofline: FLOPs, bytes, intensity, bound, time.",
        discussion: """
            Prefill of N prompt tokens or decode of one token at context C, for a batch of B sequences. Sizes take
            4096, 128k (128,000), 128Ki (131,072) or 10M; a comma is never a thousands separator.
            Data types: fp32, bf16, fp16, fp8, int8, int4, fp4.
            Example: roofline classify --model llama-3.1-405b --phase decode --context 10M --device h200
            """)

    @Option(help: "A bundled preset (see `roofline models`), a path to a Hugging Face config.json (or its folder) or to a GGUF file, or a hub id org/name in the local Hugging Face cache.")
    var model: String

    @OptionGroup var source: ModelSource

    @Option(help: "prefill or decode.")
    var phase: String

    @Option(help: "Prompt tokens per sequence (prefill): 4096, 128k = 128,000, 128Ki = 131,072.")
    var tokens: String?

    @Option(help: "Context length the new token attends to (decode): 4096, 128k = 128,000, 128Ki = 131,072, 10M.")
    var context: String?

    @Option(help: "Sequences in the batch (a whole number; 1k = 1,000).")
    var batch: String = "1"

    @OptionGroup var types: PrecisionOptions

    @Option(help: "fused (FlashAttention-style) or materialized (scores written to memory).")
    var attention: String = "fused"

    @Flag(help: "Prefill: compute logits for every position, not only the last.")
    var lmHeadAllPositions = false

    @Option(help: "A bundled accelerator (see `roofline devices`: h200, b200, mi300x…), host (a quick probe now), or a host profile .json written by `roofline probe`.")
    var device: String

    @OptionGroup var calibrationOptions: CalibrationOptions

    @OptionGroup var results: OutputOptions

    /// The step as the options describe it; usage errors name the option to fix.
    func step() throws -> (phase: Phase, batch: Int, attention: AttentionMode) {
        let parsedPhase: Phase
        switch phase.lowercased() {
        case "prefill":
            guard context == nil else {
                throw RooflineError.usage("--context applies to decode; prefill starts from an empty cache: drop --context")
            }
            guard let tokens else { throw RooflineError.usage("prefill needs --tokens N (the prompt length, e.g. 4096)") }
            parsedPhase = .prefill(tokens: try Quantity.parseCount(tokens, name: "--tokens"))
        case "decode":
            guard tokens == nil else {
                throw RooflineError.usage("--tokens applies to prefill; decode adds one token: give --context C instead")
            }
            guard let context else { throw RooflineError.usage("decode needs --context C (the tokens attended, e.g. 128k)") }
            parsedPhase = .decode(context: try Quantity.parseCount(context, name: "--context"))
        default:
            throw RooflineError.usage("unknown --phase '\(phase)': use prefill or decode")
        }
        guard let mode = AttentionMode(rawValue: attention.lowercased()) else {
            throw RooflineError.usage("unknown --attention '\(attention)': use fused or materialized")
        }
        return (parsedPhase, try Quantity.parseCount(batch, name: "--batch"), mode)
    }

    /// The weight type a host-engine calibration is keyed by: a GGUF file's headline ggml type (`Q4_K`: the type
    /// holding most matrix bytes), else the data type the weights are counted at.
    static func weightsLabel(_ config: ModelConfig, _ precision: Precision) -> String {
        config.weights.gguf?.headlineType.name ?? precision.weights.rawValue
    }

    func run() throws {
        let step = try step()
        let config = try source.load(model)
        let (precision, weightNote) = try types.precision(for: config)
        let workload = try Workload(model: config, phase: step.phase, batch: step.batch, precision: precision,
                                    attention: step.attention, lmHeadAllPositions: lmHeadAllPositions)
        let length = switch step.phase {
        case .prefill(let tokens): tokens
        case .decode(let context): context
        }
        warnAboutSizes(config, context: length)
        let (roofline, deviceNotes) = try resolveRoofline(device)
        let analysis = try roofline.analyze(workload.operators())
        let bundled = try bundledDevice(device)
        var (prediction, calibrationNotes) = try calibrationOptions.prediction(for: analysis, on: bundled)
        var hostPrediction: HostPrediction?
        if bundled == nil {
            let host = try calibrationOptions.hostPrediction(
                analysis, layers: config.layerCount, phase: step.phase.kind,
                weights: Self.weightsLabel(config, precision))
            hostPrediction = host.0
            calibrationNotes += host.1
        }
        let capacity = try bundled.map { try CapacityCheck(workload: workload, model: config, device: $0) }
        let report = ClassifyReport(workload: workload, analysis: analysis, prediction: prediction, hostPrediction: hostPrediction,
                                    capacity: capacity ?? nil,
                                    deviceNotes: deviceNotes + calibrationNotes + config.notes
                                        + (weightNote.map { [$0] } ?? []) + config.sanityWarnings(context: length))
        try results.emit(report, text: report.text, markdown: report.markdown,
                         csv: { [try CSVTable("operators", rows: report.operators), try CSVTable("totals", rows: [report.totals])] })
    }
}
