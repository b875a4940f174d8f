import Foundation
import ArgumentParser
import RooflineCalibration
import RooflineCore
import RooflineDevices
import RooflineModels

/// `--calibration` and `--engine`: which kernel time model turns bounds into predicted times.
struct CalibrationOptions: ParsableArguments {
    @Option(help: ArgumentHelp("auto (the bundled calibration of the device or its closest measured architecture), none (bounds only), a bundled name (h100-sxm, b200-sxm, a100-sxm) or a file from `roofline calibrate`.", valueName: "name|file"))
    var calibration: String = "auto"

    @Option(help: "Engine profile: fused-graphs (elementwise operators fused into neighbours, CUDA graphs) or unfused.")
    var engine: String = EngineProfile.fusedGraphs.name

    /// The calibration that applies on `device` (nil for a host roofline), with notes saying why none does.
    func applied(on device: Device?) throws -> (AppliedCalibration?, [String]) {
        let profile = try EngineProfile.named(engine)
        if calibration.lowercased() == "none" { return (nil, ["--calibration none: bounds only, no predicted times"]) }
        guard let device else {
            return (nil, calibration.lowercased().hasSuffix(".json") ? []
                : ["no kernel calibration applies to a host roofline: bounds only"])
        }
        guard let peaks = device.kernelPeaks, let found = try device.calibration(calibration) else {
            return (nil, ["no measured calibration applies to \(device.id) (none of its architecture is bundled): "
                + "bounds only; measure it with scripts/measure-gpu.py and fit it with `roofline calibrate`"])
        }
        return (AppliedCalibration(found, peaks: peaks, engine: profile), [])
    }

    /// On a host roofline, the predicted step of `analysis` from a host-engine calibration file (`--calibration
    /// FILE.json` written by scripts/bench-llamacpp.py --write-calibration): its memory, compute and attention times at
    /// the ceilings, each ÷ the fraction the engine reached of it on other models, plus its layers × the time per
    /// layer (`HostPrediction`); nil, with a note saying why, when no such file or entry applies.
    func hostPrediction(_ analysis: Analysis, layers: Int, phase: PhaseKind,
                        weights: String) throws -> (HostPrediction?, [String]) {
        guard calibration.lowercased().hasSuffix(".json") else { return (nil, []) }
        let data = try InputFile.read(calibration, what: "--calibration", limitBytes: InputFile.jsonLimitBytes,
                                      fix: "give a calibration file, a bundled name or none")
        guard let host = try HostEngineCalibration.load(data, path: calibration) else {
            throw RooflineError.usage("--calibration \(calibration) is a GPU calibration; on a host roofline give a host-engine calibration (scripts/bench-llamacpp.py --write-calibration) or none")
        }
        let attention = analysis.restricted(to: OperatorKind.attentionKinds)
        let rest = analysis.placements.filter { !OperatorKind.attentionKinds.contains($0.operator.kind) }
        guard let prediction = HostPrediction(
            memorySeconds: rest.reduce(0) { $0 + $1.memorySeconds }, computeSeconds: rest.reduce(0) { $0 + $1.computeSeconds },
            attentionBoundSeconds: attention.totalSeconds, layers: layers, phase: phase.rawValue, weights: weights,
            calibration: host) else {
            let known = host.entries.map { "\($0.phase) \($0.weights)" }.joined(separator: ", ")
            return (nil, ["\(calibration) has no entry for \(phase.rawValue) with \(weights) weights (it has \(known)): bounds only"])
        }
        return (prediction, ["predicted with \(host.engine)'s measured fractions on \(host.cpuModel) with \(host.threads) threads for \(phase.rawValue) with \(prediction.weights) weights (memory \(Format.significant(prediction.memoryFraction, digits: 3)), compute \(Format.significant(prediction.computeFraction, digits: 3)), attention \(Format.significant(prediction.attentionFraction, digits: 3)), plus \(Format.seconds(prediction.secondsPerLayer)) per layer), fitted on \(host.fittedOn.joined(separator: ", "))"])
    }

    /// The predicted step of `analysis` on `device` (nil without a calibration), with the notes of `applied(on:)`.
    func prediction(for analysis: Analysis, on device: Device?) throws -> (StepPrediction?, [String]) {
        let (applied, notes) = try applied(on: device)
        return (try applied.map { try StepPrediction(analysis, applied: $0) }, notes)
    }
}

/// The bundled device `--device` names, or nil for a host roofline (`host` or a probe's .json).
func bundledDevice(_ spec: String) throws -> Device? {
    if spec.lowercased() == "host" || spec.lowercased().hasSuffix(".json") { return nil }
    return try DeviceCatalog.bundled().device(named: spec)
}
