import Foundation
import RooflineCalibration
import RooflineCore

extension CalibrationCheck {
    /// The error distributions (and, with `listingRows`, every row) as text tables.
    public func text(listingRows: Bool = false) -> String {
        func percent(_ x: Double) -> String { String(format: "%.1f", x * 100) + " %" }
        var out = "calibration \(calibration) applied with the peaks of \(device)\n"
        out += "calibration source: \(calibrationSource)\n\n"
        out += Table(
            headers: ["kernel", "rows", "model median |p/m−1|", "model p90", "bound median |b/m−1|", "bound p90",
                      "model median p/m", "bound median b/m"],
            rows: summaries.map { s in
                [s.kernel, String(s.rows), percent(s.modelMedianError), percent(s.modelP90Error),
                 percent(s.boundMedianError), percent(s.boundP90Error), String(format: "%.3f", s.modelMedianRatio),
                 String(format: "%.3f", s.boundMedianRatio)]
            }).text
        if listingRows {
            out += "\n" + Table(
                headers: ["kernel", "shape", "measured µs", "predicted µs", "bound µs", "predicted/measured"],
                rows: rows.map { r in
                    [r.kernel, r.shape, String(format: "%.2f", r.measuredSeconds * 1e6),
                     String(format: "%.2f", r.predictedSeconds * 1e6), String(format: "%.2f", r.boundSeconds * 1e6),
                     String(format: "%.3f", r.predictedRatio)]
                }).text
        }
        return out
    }
}
