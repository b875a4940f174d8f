import Foundation
import RooflineCore

/// Measured rows held against a calibration's predictions and the roofline's bound at the same peaks.
public struct CalibrationCheck: Codable, Sendable {
    /// One measured row.
    public struct Row: Codable, Sendable {
        public var kernel: String
        public var shape: String
        public var measuredSeconds: Double
        public var predictedSeconds: Double
        public var boundSeconds: Double
        /// predicted ÷ measured and bound ÷ measured.
        public var predictedRatio: Double
        public var boundRatio: Double
    }

    /// The error distribution of one group of rows: |ratio − 1| over the rows, for the model and for the bound.
    public struct Summary: Codable, Sendable {
        /// A kernel family, or `family/variant`.
        public var kernel: String
        public var rows: Int
        public var modelMedianError: Double
        public var modelP90Error: Double
        public var boundMedianError: Double
        public var boundP90Error: Double
        /// Median of predicted ÷ measured (below 1: the model is optimistic).
        public var modelMedianRatio: Double
        public var boundMedianRatio: Double
    }

    public var calibration: String
    public var calibrationSource: String
    /// The id of the device whose peaks the predictions used (`deviceID`, as in `plan`).
    public var deviceID: String
    public var rows: [Row]
    /// Per kernel family, then per family and variant.
    public var summaries: [Summary]

    /// Predicts every measured row with `calibration` at `peaks`; rows of a family the calibration lacks, or that
    /// need a link figure the device lacks, are a usage error naming them.
    public init(_ measured: [KernelMeasurement], calibration: Calibration, peaks: KernelPeaks) throws {
        self.calibration = calibration.name
        calibrationSource = calibration.source
        deviceID = peaks.device
        rows = try measured.map { m in
            guard let p = calibration.predict(m.work, as: m.kernel, peaks: peaks) else {
                throw RooflineError.usage(
                    "calibration \(calibration.name) cannot predict \(m.kernel) on \(peaks.device): fit one that has it")
            }
            return Row(kernel: m.kernel.description, shape: m.shape, measuredSeconds: m.measuredSeconds,
                       predictedSeconds: p.seconds, boundSeconds: p.boundSeconds,
                       predictedRatio: p.seconds / m.measuredSeconds, boundRatio: p.boundSeconds / m.measuredSeconds)
        }
        let classes = measured.map(\.kernel)
        let byFamily = Dictionary(grouping: rows.indices) { classes[$0].family }
        let byVariant = Dictionary(grouping: rows.indices) {
            KernelClass(classes[$0].family, classes[$0].variant, ranks: 0)
        }
        let rows = rows
        func summary(_ name: String, _ indices: [Int]) -> Summary {
            let model = indices.map { rows[$0].predictedRatio }
            let bound = indices.map { rows[$0].boundRatio }
            return Summary(
                kernel: name, rows: indices.count,
                modelMedianError: CalibrationFit.quantile(model.map { abs($0 - 1) }, 0.5)!,
                modelP90Error: CalibrationFit.quantile(model.map { abs($0 - 1) }, 0.9)!,
                boundMedianError: CalibrationFit.quantile(bound.map { abs($0 - 1) }, 0.5)!,
                boundP90Error: CalibrationFit.quantile(bound.map { abs($0 - 1) }, 0.9)!,
                modelMedianRatio: CalibrationFit.quantile(model, 0.5)!,
                boundMedianRatio: CalibrationFit.quantile(bound, 0.5)!)
        }
        summaries = byFamily.sorted { $0.key < $1.key }.map { summary($0.key.rawValue, $0.value) }
            + byVariant.sorted { $0.key < $1.key }.map { summary("\($0.key.family.rawValue)/\($0.key.variant)", $0.value) }
    }
}
