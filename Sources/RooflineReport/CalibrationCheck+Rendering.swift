import Foundation
import RooflineCalibration
import RooflineCore

extension CalibrationCheck {
    /// The error distributions per kernel kind: rows, the model's and the bound's median and 90th-percentile
    /// |ratio − 1|, and their median ratios (every figure from `summaries`).
    var summaryTable: Table {
        func percent(_ x: Double) -> String { String(format: "%.1f %%", x * 100) }
        return Table(
            headers: ["kernel", "rows", "model median |p/m−1|", "model p90", "bound median |b/m−1|", "bound p90",
                      "model median p/m", "bound median b/m"],
            rows: summaries.map { s in
                [s.kernel, String(s.rows), percent(s.modelMedianError), percent(s.modelP90Error),
                 percent(s.boundMedianError), percent(s.boundP90Error), String(format: "%.3f", s.modelMedianRatio),
                 String(format: "%.3f", s.boundMedianRatio)]
            })
    }

    /// Every measured row: its shape, measured, predicted and bound time, and predicted ÷ measured.
    var rowTable: Table {
        Table(
            headers: ["kernel", "shape", "measured µs", "predicted µs", "bound µs", "predicted/measured"],
            rows: rows.map { r in
                [r.kernel, r.shape, String(format: "%.2f", r.measuredSeconds * 1e6), String(format: "%.2f", r.predictedSeconds * 1e6),
                 String(format: "%.2f", r.boundSeconds * 1e6), String(format: "%.3f", r.predictedRatio)]
            }, alignments: [.left, .left])
    }

    var heading: String {
        "calibration \(calibration) applied with the peaks of \(deviceID)\ncalibration source: \(calibrationSource)\n"
    }

    /// The error distributions (and, with `listingRows`, every row) as text tables.
    public func text(listingRows: Bool = false) -> String {
        heading + "\n" + summaryTable.text + (listingRows ? "\n" + rowTable.text : "")
    }

    /// The same as markdown.
    public func markdown(listingRows: Bool = false) -> String {
        "## Calibration check\n\n" + heading.replacingOccurrences(of: "\n", with: "\n\n") + summaryTable.markdown
            + (listingRows ? "\n" + rowTable.markdown : "")
    }
}
