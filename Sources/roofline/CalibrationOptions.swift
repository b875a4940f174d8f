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

    /// The predicted step of `analysis` on `device` (nil for a host roofline), with notes saying which calibration
    /// applied or why none did.
    func prediction(for analysis: Analysis, on device: Device?) throws -> (StepPrediction?, [String]) {
        let profile = try EngineProfile.named(engine)
        if calibration.lowercased() == "none" { return (nil, ["--calibration none: bounds only, no predicted times"]) }
        guard let device else {
            return (nil, ["no kernel calibration applies to a host roofline: bounds only"])
        }
        guard let peaks = device.kernelPeaks, let found = try device.calibration(calibration) else {
            return (nil, ["no measured calibration applies to \(device.id) (none of its architecture is bundled): "
                + "bounds only; measure it with scripts/measure-gpu.py and fit it with `roofline calibrate`"])
        }
        let step = try StepPrediction(analysis, calibration: found, peaks: peaks, engine: profile)
        return (step, [])
    }
}

/// The bundled device `--device` names, or nil for a host roofline (`host` or a probe's .json).
func bundledDevice(_ spec: String) throws -> Device? {
    if spec.lowercased() == "host" || spec.lowercased().hasSuffix(".json") { return nil }
    return try DeviceCatalog.bundled().device(named: spec)
}
