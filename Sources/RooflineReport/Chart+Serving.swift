import Foundation
import RooflineDevices

extension Chart {
    /// Tokens/s of the whole deployment against batch, log-log: one line per context through its fitting points
    /// (the sweep's basis figures), the knee of each context marked (◆), and a dashed line at the largest batch
    /// that fits (the memory limit). Ranges: x from the smallest batch ÷ 1.5 to the largest × 1.5, y from the
    /// lowest rate ÷ 1.5 to the highest × 1.5.
    public static func servingThroughput(_ sweep: DeploymentSweep) -> Chart {
        var series: [ChartSeries] = []
        var kneePoints: [ChartPoint] = [], kneeLabels: [String?] = []
        var markers: [VerticalMarker] = []
        for (index, context) in sweep.contexts.enumerated() {
            let points = sweep.points.filter { $0.contextTokens == context }
            let drawn = points.compactMap { point in point.figures(sweep.basis).map { ChartPoint(x: Double(point.batch), y: $0.tokensPerSecond) } }
            series.append(ChartSeries(name: "context \(Format.grouped(context))", color: OkabeIto.series[index % OkabeIto.series.count],
                                      style: .line(dashed: false, markers: true), role: .measurement, points: drawn))
            for point in points where point.knee != nil {
                if let figures = point.figures(sweep.basis) {
                    kneePoints.append(ChartPoint(x: Double(point.batch), y: figures.tokensPerSecond))
                    kneeLabels.append("knee: batch \(Format.grouped(point.batch))")
                }
            }
            if let largest = points.last(where: { $0.plan.fits }), largest.batch < (sweep.batches.last ?? 0) {
                markers.append(VerticalMarker(x: Double(largest.batch), label: "memory limit: batch \(Format.grouped(largest.batch))",
                                              color: OkabeIto.vermillion))
            }
        }
        series.append(ChartSeries(name: "knee", color: OkabeIto.black, style: .points, role: .ridge, points: kneePoints,
                                  pointLabels: kneeLabels))
        return logLog("Tokens/s against batch: \(sweep.model) on \(sweep.deviceName)",
                      x: "Batch (sequences decoded together)", y: "Tokens/s, whole deployment", series: series, markers: markers,
                      footnote: "Figures: \(sweep.basis.rawValue); knee: the first batch whose decode step is compute-bound, else the largest that fits.")
    }

    /// The serving front of one context, log-log: x = tokens/s per user, y = tokens/s per device; every evaluated
    /// configuration as a hollow point, the non-dominated ones joined by a line, the latency choice (when targets
    /// were given) marked, and a dashed line at the per-user rate of the largest batch that fits on the sweep's own
    /// deployment (the memory limit where a larger swept batch does not fit: slower per user would need a larger
    /// batch; else labelled as the largest batch swept). Ranges: each axis from its lowest
    /// value ÷ 1.5 to its highest × 1.5.
    public static func servingFront(_ sweep: DeploymentSweep, front: ServingFront) -> Chart {
        func point(_ p: ServingFront.Point) -> ChartPoint { ChartPoint(x: p.tokensPerSecondPerUser, y: p.tokensPerSecondPerDevice) }
        var series = [
            ChartSeries(name: "evaluated configurations", color: OkabeIto.skyBlue, style: .points, role: .predictedOperator,
                        points: front.evaluated.map(point)),
            ChartSeries(name: "front (not dominated)", color: OkabeIto.blue, style: .line(dashed: false, markers: true),
                        role: .measurement, points: front.front.sorted { $0.tokensPerSecondPerUser < $1.tokensPerSecondPerUser }.map(point)),
        ]
        if let choice = sweep.choices.first(where: { $0.contextTokens == front.contextTokens }), let chosen = choice.point,
           let figures = chosen.figures(sweep.basis), let devices = chosen.plan.devices {
            series.append(ChartSeries(name: "chosen under the latency targets", color: OkabeIto.vermillion, style: .points,
                                      role: .computeBoundOperator,
                                      points: [ChartPoint(x: figures.tokensPerSecondPerUser, y: figures.tokensPerSecond / Double(devices))],
                                      pointLabels: ["★ batch \(Format.grouped(chosen.batch))"]))
        }
        var markers: [VerticalMarker] = []
        if let largest = sweep.points.last(where: { $0.contextTokens == front.contextTokens && $0.plan.fits }),
           let figures = largest.figures(sweep.basis) {
            let limited = largest.batch < (sweep.batches.last ?? 0)
            markers.append(VerticalMarker(x: figures.tokensPerSecondPerUser,
                                          label: (limited ? "memory limit: batch " : "largest batch swept (fits): ")
                                            + Format.grouped(largest.batch), color: OkabeIto.vermillion))
        }
        return logLog("Serving front, context \(Format.grouped(front.contextTokens)): \(sweep.model) on \(sweep.deviceName)",
                      x: "Tokens/s per user (1 ÷ time per output token)", y: "Tokens/s per device", series: series,
                      markers: markers,
                      footnote: "Figures: \(sweep.basis.rawValue). Up and right is better; a point is on the front when no other is at least as good on both axes.")
    }

    /// A log-log chart whose axes span every point and marker (`ChartAxis.spanning`).
    static func logLog(_ title: String, x: String, y: String, series: [ChartSeries], markers: [VerticalMarker],
                       footnote: String) -> Chart {
        let xs = series.flatMap(\.points).map(\.x) + markers.map(\.x), ys = series.flatMap(\.points).map(\.y)
        return Chart(title: title, xAxis: .spanning(xs, title: x), yAxis: .spanning(ys, title: y), series: series,
                     markers: markers, footnotes: [footnote])
    }
}

extension ChartAxis {
    /// A logarithmic axis from the lowest of `values` ÷ 1.5 to the highest × 1.5 (1 to 10 without values).
    static func spanning(_ values: [Double], title: String) -> ChartAxis {
        ChartAxis(title: title, scale: .logarithmic, lowerBound: (values.min() ?? 1) / 1.5, upperBound: (values.max() ?? 10) * 1.5)
    }
}
