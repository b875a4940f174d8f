import ArgumentParser
import Foundation
import RooflineCalibration
import RooflineCore
import RooflineDevices
import RooflineReport

/// `roofline calibrate`: fits kernel time models to measured tables, or holds a calibration against them.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Fit a device's kernel time model to measured tables, or check predictions against measured rows.",
        discussion: """
            MEASUREMENTS are CSV tables in the bundled format (GEMM, prefill and decode attention, collectives; \
            scripts/measure-gpu.py writes them). `roofline calibrate m.csv --device h100 --output my-gpu.json` fits; \
            `roofline classify … --calibration my-gpu.json` uses the fit. With --check, every row's predicted and \
            measured time and the error distribution per kernel kind, the bound's beside the model's.
            """)

    @Argument(help: "Measured CSV tables.")
    var measurements: [String]

    /// `--device`: the device measured (fit) or predicted (--check); `--device-file` describes one not bundled.
    @OptionGroup var selection: DeviceSelection

    @Flag(help: "Hold a calibration's predictions against the measured rows instead of fitting.")
    var check = false

    @Option(help: "With --check: auto (the device's bundled one), a bundled name (h100-sxm, b200-sxm, a100-sxm) or a file from `roofline calibrate`.")
    var calibration: String?

    @Option(help: "Name of the fitted calibration (default: the device id).")
    var name: String?

    @Option(help: "Where the measurements come from, kept in the fitted calibration (default: measured by the user).")
    var source: String?

    @Option(help: "Catalog ids (comma-separated) the fitted calibration is the closest architecture for.")
    var appliesTo: String?

    @Flag(help: "With --check: print only the error distributions, not every row (text and markdown; JSON has both).")
    var summaryOnly = false

    @OptionGroup var results: OutputOptions

    func validate() throws {
        if measurements.isEmpty { throw ValidationError("give at least one measured CSV table") }
        if let appliesTo { _ = try listOption(appliesTo, name: "--applies-to") }
        // Options of the other mode would be ignored: say so rather than drop them.
        if check, let given = [("--name", name), ("--source", source), ("--applies-to", appliesTo)].first(where: { $0.1 != nil }) {
            throw ValidationError("\(given.0) names a fitted calibration, and --check fits none: drop \(given.0), or drop --check to fit")
        }
        if !check, calibration != nil || summaryOnly {
            throw ValidationError("\(calibration != nil ? "--calibration" : "--summary-only") applies with --check: add --check, or drop it to fit")
        }
        if !check && results.resolvedFormat == .csv {
            throw ValidationError("a fitted calibration has no tables for --format csv: it is one JSON document (--check prints rows)")
        }
    }

    func run() throws {
        guard let target = try selection.selected(from: try selection.catalog()) else {
            throw RooflineError.usage("calibrate needs --device: the device measured, or predicted with --check (h100, b200…)")
        }
        guard let peaks = target.kernelPeaks else {
            throw RooflineError.usage("\(target.id) has no memory bandwidth figure: describe it with --device-file")
        }
        let measured = try measurements.flatMap { try MeasurementTable.load($0) }
        if check {
            let wanted = calibration ?? "auto"
            guard let calibration = try target.calibration(wanted) else {
                throw RooflineError.usage(wanted.lowercased() == "none"
                    ? "--check holds a calibration against the measurements, and --calibration none gives none: give --calibration auto, a NAME or a FILE"
                    : "--check needs a calibration: no bundled one applies to \(target.id); give --calibration NAME or FILE")
            }
            let result = try CalibrationCheck(measured, calibration: calibration, peaks: peaks)
            try results.emit(result, text: { result.text(listingRows: !summaryOnly) },
                             markdown: { result.markdown(listingRows: !summaryOnly) },
                             csv: { (summaryOnly ? [] : [try CSVTable("rows", rows: result.rows)])
                                 + [try CSVTable("summaries", rows: result.summaries)] })
        } else {
            let fitted = try CalibrationFit.fit(
                measured, peaks: peaks, name: name ?? target.id, source: source ?? "measured by the user",
                appliesTo: try appliesTo.map { try listOption($0, name: "--applies-to") } ?? [target.id])
            try results.emit(fitted, text: { (try? jsonString(JSONDocument(value: fitted))) ?? "" }, markdown: { (try? jsonString(JSONDocument(value: fitted))) ?? "" })
        }
    }
}
