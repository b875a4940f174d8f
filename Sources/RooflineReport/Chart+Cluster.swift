import Foundation
import RooflineCore

extension Chart {
    /// Ping-pong latency against message size: x = bytes (log), y = the mean half round trip (log), one line per
    /// pair of ranks. Ranges: x from 8 B ÷ 1.5 to the largest × 1.5, y from the lowest ÷ 1.5 to the highest × 1.5.
    public static func clusterLatency(_ network: ClusterNetwork) -> Chart {
        pairChart(network, title: "Ping-pong latency against message size (half round trip, mean)",
                  yTitle: "Latency (seconds)", yUnit: "s", value: \.meanSeconds)
    }

    /// Ping-pong bandwidth against message size: y = bytes ÷ mean half round trip, one line per pair.
    public static func clusterBandwidth(_ network: ClusterNetwork) -> Chart {
        pairChart(network, title: "Ping-pong bandwidth against message size (bytes ÷ half round trip)",
                  yTitle: "Bandwidth (bytes/s)", yUnit: "B/s", value: \.bytesPerSecond)
    }

    static func pairChart(_ network: ClusterNetwork, title: String, yTitle: String, yUnit: String,
                          value: KeyPath<MessagePoint, Double>) -> Chart {
        let series = network.pairs.enumerated().map { index, pair in
            ChartSeries(name: "ranks \(pair.rankA)–\(pair.rankB) (\(pair.hostnameA)–\(pair.hostnameB))",
                        color: ChartPalette.series[index % ChartPalette.series.count], style: .line(dashed: false, markers: true),
                        role: .measurement, points: pair.points.map { ChartPoint(x: Double($0.bytes), y: $0[keyPath: value]) },
                        marker: MarkerShape.allCases[index % MarkerShape.allCases.count])
        }
        let xs = series.flatMap(\.points).map(\.x), ys = series.flatMap(\.points).map(\.y)
        return Chart(
            title: title,
            xAxis: ChartAxis(title: "Message (bytes)", scale: .logarithmic, lowerBound: (xs.min() ?? 8) / 1.5,
                             upperBound: (xs.max() ?? 64e6) * 1.5, tickUnit: "B"),
            yAxis: ChartAxis(title: yTitle, scale: .logarithmic, lowerBound: (ys.min() ?? 1e-6) / 1.5,
                             upperBound: (ys.max() ?? 1) * 1.5, tickUnit: yUnit),
            series: series,
            footnotes: ["\(network.method.warmup) warm-up and \(Format.grouped(network.method.iterations)) timed round trips per size up to "
                        + "\(Format.bytes(Double(network.method.largeBytes))), \(network.method.largeIterations) to "
                        + "\(Format.bytes(Double(network.method.hugeBytes))), \(network.method.hugeIterations) above (as mpi4py.bench)."])
    }

    /// All-reduce time against message size over all ranks: the measured points (median over iterations of the mean
    /// over ranks, what the fits are fitted to), and over them the fitted ring and tree forms and the planner's model, min(ring, tree) at the
    /// planner fit's α and β (dashed). The model lines are evaluated at the measured sizes.
    public static func clusterAllReduce(_ network: ClusterNetwork) -> Chart {
        let sizes = network.allReduce.map { Double($0.bytes) }
        var series = [ChartSeries(name: "measured MPI_Allreduce, \(network.ranks) ranks (median)", color: OkabeIto.black, style: .points,
                                  role: .measurement, points: network.allReduce.map { ChartPoint(x: Double($0.bytes), y: $0.medianSeconds) })]
        let colors = [AllReduceForm.ring: OkabeIto.blue, .tree: OkabeIto.orange]
        for fit in network.allReduceFits {
            series.append(ChartSeries(
                name: "\(fit.form.rawValue): α = \(Format.seconds(fit.latencySeconds)), β = \(Format.bytesPerSecond(fit.bytesPerSecond))",
                color: colors[fit.form] ?? OkabeIto.skyBlue, style: .line(dashed: false, markers: false), role: .measurement,
                points: sizes.map { ChartPoint(x: $0, y: fit.seconds($0)) }))
        }
        if let planner = network.plannerFit {
            series.append(ChartSeries(
                name: "planner min(ring, tree): α = \(Format.seconds(planner.latencySeconds)), β = \(Format.bytesPerSecond(planner.bytesPerSecond))",
                color: OkabeIto.vermillion, style: .line(dashed: true, markers: false), role: .measurement,
                points: sizes.map { ChartPoint(x: $0, y: planner.seconds($0)) }))
        }
        let ys = series.flatMap(\.points).map(\.y).filter { $0 > 0 }
        return Chart(
            title: "All-reduce time against message size, and the planner's collective model",
            xAxis: ChartAxis(title: "Message per rank (bytes)", scale: .logarithmic, lowerBound: (sizes.min() ?? 8) / 1.5,
                             upperBound: (sizes.max() ?? 64e6) * 1.5, tickUnit: "B"),
            yAxis: ChartAxis(title: "Time (seconds)", scale: .logarithmic, lowerBound: (ys.min() ?? 1e-6) / 1.5,
                             upperBound: (ys.max() ?? 1) * 1.5, tickUnit: "s"),
            series: series,
            footnotes: ["ring = 2(r − 1)α + 2(r − 1)/r × bytes ÷ β; tree = 2⌈log₂ r⌉α + 2 × bytes ÷ β; each fitted by least squares on the relative error."])
    }
}
