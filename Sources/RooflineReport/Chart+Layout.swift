import Foundation

/// One tick on an axis: where it is and, for labelled ticks, its text.
public struct AxisTick: Sendable, Equatable {
    public var value: Double
    /// Nil for a minor tick (drawn short, without a label or grid line).
    public var label: String?
}

/// Where a chart's parts go, in SVG user units: the plot area and the mapping from data to pixels.
public struct ChartLayout: Sendable, Equatable {
    /// The rectangle the data is drawn in.
    public var plotArea: ChartRect
    public var xAxis: ChartAxis
    public var yAxis: ChartAxis
    public var legendArea: ChartRect
    /// The title broken into lines that fit the width from the plot's left edge to the chart's right edge.
    public var titleLines: [String]

    /// Horizontal position of data value `x`:
    /// plotArea.x + (t(x) − t(lower)) ÷ (t(upper) − t(lower)) × plotArea.width, where t = log10 on a logarithmic
    /// axis and the identity on a linear one. Nil when `x` cannot be drawn (not finite; ≤ 0 on a log axis).
    public func pixelX(_ x: Double) -> Double? {
        guard let fraction = ChartLayout.fraction(x, on: xAxis) else { return nil }
        return plotArea.x + fraction * plotArea.width
    }

    /// Vertical position of data value `y` (y grows downwards in SVG):
    /// plotArea.maxY − (t(y) − t(lower)) ÷ (t(upper) − t(lower)) × plotArea.height, t as for `pixelX`.
    public func pixelY(_ y: Double) -> Double? {
        guard let fraction = ChartLayout.fraction(y, on: yAxis) else { return nil }
        return plotArea.maxY - fraction * plotArea.height
    }

    /// (t(v) − t(lower)) ÷ (t(upper) − t(lower)) with t = log10 or identity; nil when `v` cannot be drawn.
    static func fraction(_ value: Double, on axis: ChartAxis) -> Double? {
        guard value.isFinite else { return nil }
        switch axis.scale {
        case .linear:
            let span = axis.upperBound - axis.lowerBound
            return span > 0 ? (value - axis.lowerBound) / span : 0.5
        case .logarithmic:
            guard value > 0, axis.lowerBound > 0, axis.upperBound > 0 else { return nil }
            let span = log10(axis.upperBound) - log10(axis.lowerBound)
            return span > 0 ? (log10(value) - log10(axis.lowerBound)) / span : 0.5
        }
    }
}

/// Sizes of text, in SVG user units, for a sans-serif face.
enum TextMetrics {
    static let tickFontSize = 11.0
    static let labelFontSize = 11.0
    static let titleFontSize = 16.0
    static let axisTitleFontSize = 13.0
    static let legendFontSize = 12.0
    static let footnoteFontSize = 11.0

    /// Estimated width of `text`: characters × 0.6 em (a sans-serif face averages 0.5–0.6 em per character).
    static func width(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * fontSize * 0.6
    }
}

extension Chart {
    /// Lays the chart out: margins sized to the tick labels, legend on the right, footnotes under the axis title.
    public func layout() -> ChartLayout {
        let yTickWidth = Chart.ticks(for: yAxis).compactMap(\.label)
            .map { TextMetrics.width($0, fontSize: TextMetrics.tickFontSize) }.max() ?? 0
        let left = yTickWidth + 14 + TextMetrics.axisTitleFontSize + 14
        let titleLines = Chart.wrap(title, width: width - left - 16, fontSize: TextMetrics.titleFontSize)
        let top = 20 + Double(titleLines.count) * (TextMetrics.titleFontSize + 4) + 12
        let bottom = 8 + TextMetrics.tickFontSize + 10 + TextMetrics.axisTitleFontSize + 10
            + Double(footnotes.count) * (TextMetrics.footnoteFontSize + 4) + 8
        let legendNames = series.map(\.name).filter { !$0.isEmpty }
        let legendTextWidth = legendNames.map { TextMetrics.width($0, fontSize: TextMetrics.legendFontSize) }.max() ?? 0
        let legendWidth = legendNames.isEmpty ? 0 : min(legendTextWidth + 40, width * 0.36)
        let right = legendNames.isEmpty ? 24 : legendWidth + 28
        let plot = ChartRect(x: left, y: top, width: max(width - left - right, 50), height: max(height - top - bottom, 50))
        let legendHeight = Double(legendNames.count) * (TextMetrics.legendFontSize + 8) + 12
        let legend = ChartRect(x: plot.maxX + 16, y: plot.y, width: legendWidth, height: legendNames.isEmpty ? 0 : legendHeight)
        return ChartLayout(plotArea: plot, xAxis: xAxis, yAxis: yAxis, legendArea: legend, titleLines: titleLines)
    }

    /// `text` broken at spaces into lines no wider than `width` (as `TextMetrics` estimates, bold: 0.65 em per
    /// character); a word longer than a line stays whole.
    static func wrap(_ text: String, width: Double, fontSize: Double) -> [String] {
        let maxCharacters = max(10, Int(width / (fontSize * 0.65)))
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= maxCharacters {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// Ticks of an axis. Logarithmic: a labelled tick at every decade inside the range (every second decade when
    /// it spans more than 10), unlabelled minor ticks at 2…9 × each decade when it spans at most 8, and labels at
    /// 2 and 5 × each decade too when it spans fewer than 2.5. Linear: labelled ticks at the step of 1, 2, 5 or 10 × 10ᵏ
    /// (10ᵏ ≤ range ÷ 6) whose tick count is nearest six. No ticks on an axis with an infinite or NaN bound.
    public static func ticks(for axis: ChartAxis) -> [AxisTick] {
        let lower = min(axis.lowerBound, axis.upperBound)
        let upper = max(axis.lowerBound, axis.upperBound)
        guard lower.isFinite, upper.isFinite else { return [] }
        let inRange = { (v: Double) in v >= lower * (1 - 1e-9) && v <= upper * (1 + 1e-9) }
        switch axis.scale {
        case .logarithmic:
            guard lower > 0, upper > lower else { return [] }
            let decades = log10(upper / lower)
            let firstPower = Int(floor(log10(lower)))
            let lastPower = Int(ceil(log10(upper)))
            let labelEvery = decades > 10 ? 2 : 1
            var ticks: [AxisTick] = []
            for power in firstPower...lastPower {
                let decade = pow(10, Double(power))
                if inRange(decade) {
                    let labelled = ((power % labelEvery) + labelEvery) % labelEvery == 0
                    ticks.append(AxisTick(value: decade, label: labelled ? tickLabel(decade, unit: axis.tickUnit) : nil))
                }
                if decades <= 8 {
                    for multiple in 2...9 {
                        let value = Double(multiple) * decade
                        guard inRange(value) else { continue }
                        let labelled = decades < 2.5 && (multiple == 2 || multiple == 5)
                        ticks.append(AxisTick(value: value, label: labelled ? tickLabel(value, unit: axis.tickUnit) : nil))
                    }
                }
            }
            return ticks.sorted { $0.value < $1.value }
        case .linear:
            guard upper > lower else { return [AxisTick(value: lower, label: tickLabel(lower, unit: axis.tickUnit))] }
            let raw = (upper - lower) / 6
            let magnitude = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 5, 10].map { $0 * magnitude }.min { abs((upper - lower) / $0 - 6) < abs((upper - lower) / $1 - 6) }!
            var ticks: [AxisTick] = []
            var index = (lower / step).rounded(.up)
            while index * step <= upper * (1 + 1e-9) {
                let value = abs(index * step) < step * 1e-9 ? 0 : index * step
                ticks.append(AxisTick(value: value, label: tickLabel(value, unit: axis.tickUnit)))
                index += 1
            }
            return ticks
        }
    }

    /// A short tick label: the value scaled to a decimal prefix (k, M, G, T, P, E) with up to three significant
    /// digits, then the unit: 1e10 with "B/s" → "10 GB/s"; 0.01 → "0.01".
    public static func tickLabel(_ value: Double, unit: String) -> String {
        let prefixes: [(Double, String)] = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        let magnitude = abs(value)
        var scaled = value
        var prefix = ""
        if let (scale, name) = prefixes.first(where: { magnitude >= $0.0 * (1 - 1e-9) }) {
            scaled = value / scale
            prefix = name
        }
        let number = String(format: "%.3g", scaled)
        let suffix = prefix + unit
        if suffix.isEmpty { return number }
        return unit.isEmpty ? number + prefix : "\(number) \(suffix)"
    }
}
