import ArgumentParser
import RooflineCalibration
import RooflineCore
import RooflineDevices

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
            return (nil, ["no kernel calibration applies to a host roofline: bounds only"])
        }
        guard let peaks = device.kernelPeaks, let found = try device.calibration(calibration) else {
            return (nil, ["no measured calibration applies to \(device.id) (none of its architecture is bundled): "
                + "bounds only; measure it with scripts/measure-gpu.py and fit it with `roofline calibrate`"])
        }
        return (AppliedCalibration(found, peaks: peaks, engine: profile), [])
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
