import RooflineCalibration
import Foundation

/// One analysis under a name (a device, an attention form), for side-by-side tables.
public struct NamedAnalysis: Sendable, Encodable {
    public var name: String
    /// Short name for file names ("h200", "host").
    public var slug: String
    public var analysis: Analysis
    /// The calibrated prediction of the same operators; nil for bounds only (a host, or no calibration).
    public var prediction: StepPrediction?

    public init(name: String, slug: String? = nil, analysis: Analysis, prediction: StepPrediction? = nil) {
        self.name = name
        self.slug = slug ?? Report.slug(name)
        self.analysis = analysis
        self.prediction = prediction
    }
}

extension Markdown {
    /// Attention computed in different forms (fused and materialized), side by side: per form the attention
    /// operators with time and bound, their FLOPs, bytes, time, share of the step (attention time ÷ step time),
    /// and the step time; so that the cost of writing and re-reading the score matrix is visible.
    public static func attentionComparison(_ forms: [NamedAnalysis]) -> String {
        let attention = forms.map { $0.analysis.restricted(to: OperatorKind.attentionKinds) }
        var rows: [[String]] = []
        rows.append(["Attention operators"] + attention.map { analysis in
            analysis.placements.map { "\($0.operator.name): \(duration($0.seconds)) (\($0.bound.rawValue)-bound)" }
                .joined(separator: "; ")
        })
        rows.append(["Attention FLOPs"] + attention.map { Format.flops($0.totalFlops) })
        rows.append(["Attention bytes"] + attention.map { Format.bytes($0.totalBytes.total) })
        rows.append(["Attention time"] + attention.map { duration($0.totalSeconds) })
        rows.append(["Share of the step"] + forms.map { percent($0.analysis.shareOfTime(kinds: OperatorKind.attentionKinds)) })
        rows.append(["Step time"] + forms.map { duration($0.analysis.totalSeconds) })
        return table([""] + forms.map(\.name), alignments: [.left] + forms.map { _ in .right }, rows: rows)
    }

    /// The same step on several rooflines. Per row: step time (operators one after another), tokens/s =
    /// `tokensPerStep` ÷ step time, speed-up = first row's step time ÷ this row's, and the share of the step spent
    /// in memory-bound operators.
    public static func stepComparison(_ rows: [NamedAnalysis], tokensPerStep: Double) -> String {
        guard let baseline = rows.first?.analysis else { return "" }
        let body = rows.map { row -> [String] in
            let seconds = row.analysis.totalSeconds
            return [row.name, duration(seconds), rate(row.analysis.tokensPerSecond(tokensPerStep: tokensPerStep)),
                    speedUp(row.analysis.speedUp(over: baseline)), percent(row.analysis.memoryBoundShare)]
        }
        return table(["Roofline", "Step time", "Tokens/s", "Speed-up vs \(rows[0].name)", "Time memory-bound"],
                     alignments: [.left, .right, .right, .right, .right], rows: body)
    }

    /// Operators whose bound differs between rooflines (matched by name, in the first analysis's order), with
    /// each one's bound and intensity ÷ ridge on every roofline; or a sentence saying none changes.
    public static func boundChanges(_ rows: [NamedAnalysis]) -> String {
        guard let first = rows.first else { return "" }
        var body: [[String]] = []
        for placement in first.analysis.placements {
            let matches = rows.map { row in row.analysis.placements.first { $0.operator.name == placement.operator.name } }
            let bounds = Set(matches.compactMap { $0?.bound })
            guard bounds.count > 1 else { continue }
            body.append([placement.operator.name] + zip(rows, matches).map { row, match in
                guard let match else { return "–" }
                let ridge = row.analysis.roofline.ridgeFlopsPerByte(dataType: match.ceilingDataType, level: match.memoryLevel)
                let ratio = ridge.map { " (\(Format.significant(match.arithmeticIntensity / $0)) × ridge)" } ?? ""
                return match.bound.rawValue + ratio
            })
        }
        if body.isEmpty {
            return "No operator changes class between \(rows.map(\.name).joined(separator: ", ")): each is bound the same way on every roofline.\n"
        }
        return table(["Operator"] + rows.map(\.name), rows: body)
    }

    /// A count for a table: grouped when whole (4096 → "4,096", 1 → "1"), three significant digits otherwise.
    public static func count(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return abs(value) < 1e15 && value == value.rounded() ? Format.grouped(Int(value)) : Format.significant(value)
    }

    /// A rate for a table: whole and grouped from 100 up (19200.4 → "19,200"), three significant digits below
    /// (7.654 → "7.65").
    public static func rate(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return abs(value) >= 100 ? Format.grouped(value) : Format.significant(value)
    }

    /// A ratio as a speed-up: 3.2 → "3.20×", 7885.4 → "7,885×", 0.5 → "0.50× (slower)".
    static func speedUp(_ ratio: Double) -> String {
        guard ratio.isFinite else { return "n/a" }
        if ratio < 1 { return "\(Format.significant(ratio, digits: 2))× (slower)" }
        return ratio >= 100 ? "\(rate(ratio))×" : "\(Format.significant(ratio, digits: 3))×"
    }
}
