import Foundation
import RooflineCalibration

/// Colours, all Okabe–Ito: memory levels in blues and green, compute roofs black then warm, operators orange
/// (memory-bound, circles) and vermillion (compute-bound, squares) so that they stand out from every line.
enum ChartPalette {
    static let memoryLevels = [OkabeIto.blue, OkabeIto.bluishGreen, OkabeIto.skyBlue, OkabeIto.reddishPurple]
    static let computeRoofs = [OkabeIto.black, OkabeIto.reddishPurple, OkabeIto.bluishGreen, OkabeIto.skyBlue]
    static let memoryBound = OkabeIto.orange
    static let computeBound = OkabeIto.vermillion
    static let ridge = "#555555"
    static let series = OkabeIto.series
    static let markers = "#999999"
    static let predicted = "#555555"
}

extension Chart {
    /// A hierarchical roofline, log-log: x = arithmetic intensity (FLOP/byte), y = FLOP/s.
    ///
    /// Per memory level (only the levels the placements read from when there are any) a diagonal y = bandwidth × x, from the left edge up to the highest compute roof
    /// (it meets it at x = highest peak ÷ bandwidth); per data type a flat line y = peak (only the types the
    /// placements use when there are any; types with equal peaks share a line), from where it meets
    /// the fastest level's diagonal (x = peak ÷ fastest bandwidth) to the right edge. Ridge points are marked
    /// where each roof meets the main-memory diagonal (x = peak ÷ main-memory bandwidth). Each placement is
    /// drawn at (arithmetic intensity, attainable FLOP/s), coloured by its bound and labelled with the
    /// operator's name; operators with no FLOPs or no bytes cannot sit on a log-log chart and are listed in a
    /// footnote instead. With a `prediction`, each drawn operator also appears as a hollow marker at its predicted
    /// rate (FLOPs ÷ predicted time, `OperatorPrediction.flopsPerSecond`), below its bound. With `shares` (one per
    /// placement, its fraction of the step's time, `Analysis.share(of:)`), each operator's marker area is
    /// proportional to its share (`markerRadius(share:)`) and operators are listed largest share first, so that
    /// where markers overlap the label names the heaviest ones.
    ///
    /// Ranges: x from the decade at or below min(lowest ridge ÷ 30, lowest intensity ÷ 2) to the decade at or
    /// above max(highest ridge × 10, highest intensity × 2); y from the decade at or below
    /// max(min(slowest bandwidth × x lower, lowest attainable ÷ 2), y upper ÷ 1e8) to 10 × the highest peak (a
    /// decade of room above the roofs for labels).
    public static func roofline(_ roofline: Roofline, placements: [Placement] = [], title: String? = nil,
                                prediction: StepPrediction? = nil, shares: [Double] = []) -> Chart {
        // With operators, only the roofs they use; data types with the same peak share one line.
        let used = Set(placements.map(\.ceilingDataType))
        var computes: [(types: [DataType], flopsPerSecond: Double)] = []
        for ceiling in roofline.computeCeilings.sorted(by: { $0.dataType < $1.dataType })
        where ceiling.flopsPerSecond > 0 && (used.isEmpty || used.contains(ceiling.dataType)) {
            if let index = computes.firstIndex(where: { $0.flopsPerSecond == ceiling.flopsPerSecond }) {
                computes[index].types.append(ceiling.dataType)
            } else {
                computes.append(([ceiling.dataType], ceiling.flopsPerSecond))
            }
        }
        computes.sort { $0.flopsPerSecond > $1.flopsPerSecond }
        // With operators, only the levels they read from.
        let levels = Set(placements.map(\.memoryLevel))
        let memories = roofline.bandwidthCeilings.filter { $0.bytesPerSecond > 0 && (levels.isEmpty || levels.contains($0.level)) }
        let isDrawable = { (p: Placement) in p.arithmeticIntensity > 0 && p.arithmeticIntensity.isFinite && p.attainableFlopsPerSecond > 0 }
        let drawn = placements.filter(isDrawable)
        let predicted: [ChartPoint] = prediction.map { prediction in
            zip(placements, prediction.operators).compactMap { placement, predicted in
                let x = placement.arithmeticIntensity
                return x > 0 && x.isFinite && predicted.flopsPerSecond > 0 ? ChartPoint(x: x, y: predicted.flopsPerSecond) : nil
            }
        } ?? []
        let skipped = placements.filter { !isDrawable($0) }

        let highestPeak = computes.first?.flopsPerSecond ?? (drawn.map(\.attainableFlopsPerSecond).max() ?? 1)
        let lowestPeak = computes.last?.flopsPerSecond ?? highestPeak
        let fastest = memories.map(\.bytesPerSecond).max() ?? 1
        let slowest = memories.map(\.bytesPerSecond).min() ?? fastest
        let main = roofline.bandwidthCeiling()?.bytesPerSecond ?? slowest
        let lowestRidge = lowestPeak / fastest
        let highestRidge = highestPeak / slowest

        let intensities = drawn.map(\.arithmeticIntensity)
        let xLower = decadeFloor(min(lowestRidge / 30, (intensities.min() ?? .infinity) / 2))
        let xUpper = decadeCeil(max(highestRidge * 10, (intensities.max() ?? 0) * 2))
        let yUpper = highestPeak * 10
        let lowestRate = (drawn.map(\.attainableFlopsPerSecond) + predicted.map(\.y)).min() ?? .infinity
        let yLowerRaw = min(slowest * xLower, lowestRate / 2)
        let yLower = decadeFloor(max(yLowerRaw, yUpper / 1e8))

        var series: [ChartSeries] = []
        for (index, level) in memories.enumerated() {
            let color = ChartPalette.memoryLevels[index % ChartPalette.memoryLevels.count]
            let text = "\(level.level) \(Format.bytesPerSecond(level.bytesPerSecond))"
            series.append(ChartSeries(
                name: text, color: color, style: .line(dashed: false, markers: false), role: .memoryCeiling,
                points: [ChartPoint(x: xLower, y: level.bytesPerSecond * xLower),
                         ChartPoint(x: highestPeak / level.bytesPerSecond, y: highestPeak)],
                lineLabel: level.level, lineLabelFraction: 0.15))
        }
        for (index, compute) in computes.enumerated() {
            let color = ChartPalette.computeRoofs[index % ChartPalette.computeRoofs.count]
            let text = "\(compute.types.map(\.rawValue).joined(separator: " / ")) peak \(Format.flopsPerSecond(compute.flopsPerSecond))"
            series.append(ChartSeries(
                name: text, color: color, style: .line(dashed: index > 0, markers: false), role: .computeCeiling,
                points: [ChartPoint(x: compute.flopsPerSecond / fastest, y: compute.flopsPerSecond),
                         ChartPoint(x: xUpper, y: compute.flopsPerSecond)],
                lineLabel: text, lineLabelFraction: 0.97))
        }
        if !computes.isEmpty {
            series.append(ChartSeries(
                name: "ridge points (\(roofline.mainMemoryLevel))", color: ChartPalette.ridge, style: .points, role: .ridge,
                points: computes.map { ChartPoint(x: $0.flopsPerSecond / main, y: $0.flopsPerSecond) },
                pointLabels: computes.map { "ridge \(Format.significant($0.flopsPerSecond / main)) FLOP/B" }))
        }
        for (bound, role, color, name) in [(Bound.memory, SeriesRole.memoryBoundOperator, ChartPalette.memoryBound, "memory-bound operator"),
                                           (Bound.compute, SeriesRole.computeBoundOperator, ChartPalette.computeBound, "compute-bound operator")] {
            // Placements of this bound with their shares (0 where none was given), largest share first.
            let group = zip(placements, placements.indices.map { $0 < shares.count ? shares[$0] : 0 })
                .filter { $0.0.bound == bound && isDrawable($0.0) }
                .enumerated().sorted { a, b in a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset }
                .map(\.element)
            guard !group.isEmpty else { continue }
            series.append(ChartSeries(
                name: name, color: color, style: .points, role: role,
                points: group.map { ChartPoint(x: $0.0.arithmeticIntensity, y: $0.0.attainableFlopsPerSecond) },
                pointLabels: group.map { $0.0.operator.name },
                pointShares: shares.isEmpty ? [] : group.map(\.1)))
        }
        if let prediction, !predicted.isEmpty {
            series.append(ChartSeries(
                name: "predicted (calibration \(prediction.calibration.name))", color: ChartPalette.predicted, style: .points,
                role: .predictedOperator, points: predicted))
        }
        var footnotes: [String] = []
        if !skipped.isEmpty {
            let names = skipped.map(\.operator.name)
            let listed = names.count > 6 ? names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more" : names.joined(separator: ", ")
            footnotes.append("Not drawn (no FLOPs or no bytes, so no place on a log-log chart): \(listed).")
        }
        if !drawn.isEmpty {
            footnotes.append("Operators sit at their attainable rate: min(peak, intensity × \(roofline.mainMemoryLevel) bandwidth).")
        }
        let unused = roofline.bandwidthCeilings.filter { $0.bytesPerSecond > 0 && !memories.contains($0) }.map(\.level)
            + roofline.computeCeilings.filter { $0.flopsPerSecond > 0 && !used.isEmpty && !used.contains($0.dataType) }.map(\.dataType.rawValue)
        if !unused.isEmpty {
            footnotes.append("Roofs no operator uses are left out: \(unused.joined(separator: ", ")).")
        }
        if !drawn.isEmpty && !shares.isEmpty {
            footnotes.append("Marker area ∝ the operator's share of the step time.")
        }
        if let prediction, !predicted.isEmpty {
            footnotes.append("Hollow markers: the same operators at FLOPs ÷ predicted time (calibration \(prediction.calibration.name)).")
        }
        return Chart(
            title: title ?? "Roofline: \(roofline.name)",
            xAxis: ChartAxis(title: "Arithmetic intensity (FLOP/byte)", scale: .logarithmic, lowerBound: xLower, upperBound: xUpper),
            yAxis: ChartAxis(title: "Attainable performance (FLOP/s)", scale: .logarithmic, lowerBound: yLower, upperBound: yUpper,
                             tickUnit: "FLOP/s"),
            series: series, footnotes: footnotes)
    }

    /// 10^⌊log10 v⌋: the decade at or below `value` (1 when `value` is not a positive finite number).
    static func decadeFloor(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        return pow(10, floor(log10(value) + 1e-12))
    }

    /// 10^⌈log10 v⌉: the decade at or above `value` (10 when `value` is not a positive finite number).
    static func decadeCeil(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 10 }
        return pow(10, ceil(log10(value) - 1e-12))
    }
}
