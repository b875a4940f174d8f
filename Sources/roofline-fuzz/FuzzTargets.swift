import Foundation
import RooflineCalibration
import RooflineCore
import RooflineDevices
import RooflineModels

/// One input fed to every parser that a user's files and options reach: a model config and a GGUF header (then
/// their workload counted and placed, so absurd sizes reach the arithmetic too), a host profile and an operator validation (decoded and
/// checked), a device file, a calibration and a measurements table, and the text as a count and as a byte size.
/// Errors are the expected answer to bad input; a trap, a hang or a sanitizer report is the bug being looked for.
enum FuzzTargets {
    static let device = try? DeviceCatalog.bundled().device(named: "h200")

    static func run(_ data: Data) {
        if let model = try? ModelConfig(decoding: data, name: "fuzz") {
            for phase in [Phase.decode(context: 4096), .prefill(tokens: 512)] {
                guard let workload = try? Workload(model: model, phase: phase, batch: 2, precision: .bf16,
                                                   attention: .fused) else { continue }
                _ = try? device?.roofline.analyze(workload.operators())
            }
            if let device, let sizes = try? StepSizes(batch: 1, contextTokens: 4096, promptTokens: 512),
               let workload = try? DeploymentWorkload(model: model, sizes: sizes, precision: .bf16) {
                _ = try? DeploymentPlanner.plan(workload, on: device, options: DeploymentOptions())
            }
        }
        // A GGUF header as given, and the same bytes behind a valid magic and version 3 (so that random input
        // reaches the counts, strings and tensor table); a model it describes is counted and placed as above.
        for bytes in [data, Data("GGUF".utf8) + Data([3, 0, 0, 0]) + data] {
            guard let file = try? GGUFFile(data: bytes, source: "fuzz"),
                  let model = try? ModelConfig(gguf: file, name: "fuzz", source: "fuzz") else { continue }
            let precision = Precision(weightScheme: model.weights, activations: .fp32, kvCache: .fp16)
            for phase in [Phase.decode(context: 4096), .prefill(tokens: 512)] {
                guard let workload = try? Workload(model: model, phase: phase, batch: 2, precision: precision,
                                                   attention: .fused) else { continue }
                _ = try? device?.roofline.analyze(workload.operators())
            }
        }
        if let profile = try? JSONDecoder().decode(HostProfile.self, from: data), let valid = try? profile.validated() {
            _ = try? valid.roofline()
        }
        if let validation = try? JSONDecoder().decode(OperatorValidation.self, from: data) {
            _ = try? validation.validated()
        }
        var catalog = DeviceCatalog(devices: [])
        try? catalog.add(data, origin: "fuzz")
        if let calibration = try? JSONDecoder().decode(Calibration.self, from: data) {
            _ = try? calibration.validated()
        }
        let text = String(decoding: data, as: UTF8.self)
        _ = try? MeasurementTable.parse(text, name: "fuzz")
        _ = try? Quantity.parseCount(text, name: "--fuzz")
        _ = try? Quantity.parseBytes(text, name: "--fuzz", allowZero: true)
    }
}

#if FUZZING
/// libFuzzer's entry point for one input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzTargets.run(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

/// libFuzzer's driver, linked in by -sanitize=fuzzer: runs `callback` over generated inputs as its flags say.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<Int32>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// Hands control to libFuzzer (SwiftPM names this program's entry point, so it calls libFuzzer's driver itself).
@main
enum FuzzDriver {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, fuzzOneInput))
    }
}
#else
/// Replays the inputs named on the command line (a crash's reproducer, a corpus) without libFuzzer.
@main
enum Replay {
    static func main() {
        for path in CommandLine.arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else {
                FileHandle.standardError.write(Data("roofline-fuzz: cannot read \(path)\n".utf8))
                exit(1)
            }
            FuzzTargets.run(data)
        }
    }
}
#endif
