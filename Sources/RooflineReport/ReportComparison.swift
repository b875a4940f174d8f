import Foundation
import RooflineDevices
import RooflineModels

/// One row of a side-by-side comparison: one model at one weight format on one device, with the serving figures of
/// its deployment plan's sweep layout (`SweepPlanner.layout`, tensor-pipeline unless the options name one).
public struct ComparisonRow: Sendable, Encodable, Equatable {
    public var model: String
    /// The weights as stored (`ModelConfig.describe` of the weight scheme): "bf16", "fp8 (block 128×128)".
    public var weights: String
    public var weightType: DataType
    public var deviceID: String
    public var deviceName: String
    /// All weights at this format, in bytes (`Workload.weightBytes`).
    public var weightBytes: Double
    /// KV-cache bytes one token adds to one sequence (`ModelConfig.kvCacheBytesPerToken`).
    public var kvCacheBytesPerToken: Double
    /// Devices needed for weights + KV cache (`DeploymentPlan.minimumDevices`); nil when the plan failed.
    public var devicesNeeded: Int?
    /// The layout the figures are for, and the devices it deploys; nil devices when it does not fit.
    public var layout: DeploymentLayout
    public var layoutDevices: Int?
    /// The figures shown first (`SweepBasis.choose`), and each kind: at the bound, at the efficiency override and
    /// predicted by the calibration (`SweepPlanner.point`); nil where the layout does not fit.
    public var basis: SweepBasis
    public var bound: SweepFigures?
    public var atEfficiency: SweepFigures?
    public var predicted: SweepFigures?
    /// Why this device has no plan (the planner's error); nil when it has one.
    public var error: String?

    public init(model: String, weights: String, weightType: DataType, deviceID: String, deviceName: String,
                weightBytes: Double, kvCacheBytesPerToken: Double, devicesNeeded: Int?, layout: DeploymentLayout,
                layoutDevices: Int?, basis: SweepBasis, bound: SweepFigures?, atEfficiency: SweepFigures?,
                predicted: SweepFigures?, error: String?) {
        self.model = model
        self.weights = weights
        self.weightType = weightType
        self.deviceID = deviceID
        self.deviceName = deviceName
        self.weightBytes = weightBytes
        self.kvCacheBytesPerToken = kvCacheBytesPerToken
        self.devicesNeeded = devicesNeeded
        self.layout = layout
        self.layoutDevices = layoutDevices
        self.basis = basis
        self.bound = bound
        self.atEfficiency = atEfficiency
        self.predicted = predicted
        self.error = error
    }

    /// The figures `basis` names (the bound's where the basis has none).
    public var shown: SweepFigures? {
        switch basis {
        case .predicted: predicted ?? bound
        case .efficiency: atEfficiency ?? bound
        case .bound: bound
        }
    }
}

/// Several variants of one report side by side (`report --model a,b --weights bf16,fp8`): one row per model ×
/// weights × device, then each variant's whole report.
public struct ReportComparison: Sendable, Encodable {
    public var createdAt: String
    public var toolVersion: String
    /// The command that reproduces the whole comparison (each variant carries its own).
    public var command: String
    public var rows: [ComparisonRow]
    /// Each model × weights, models first, in the order given.
    public var variants: [Report]

    public init(createdAt: String, toolVersion: String, command: String, rows: [ComparisonRow], variants: [Report]) {
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.command = command
        self.rows = rows
        self.variants = variants
    }

    /// A variant's file-name part: "llama-3.1-8b-fp8" (`Report.slug` of its model and weight type).
    public static func slug(_ report: Report) -> String {
        Report.slug("\(report.subject.model.name)-\(report.subject.precision.weights.rawValue)")
    }

    /// The comparison as markdown: the table ahead of each variant's report (headings one level down, charts and
    /// CSV files named `BASE-VARIANT-…`), and every chart.
    public func render(baseName: String, csv: Bool = false) -> RenderedReport {
        var md = "# Roofline report: " + Markdown.escape(variants.map { "\($0.subject.model.name) \($0.subject.precision.weights.rawValue)" }
            .uniqued().joined(separator: " vs ")) + "\n\n"
        md += "Generated \(createdAt) by roofline \(toolVersion). To reproduce:\n\n```sh\n\(command)\n```\n\n"
        md += "## Comparison\n\n" + comparisonMarkdown + "\n"
        var charts: [ReportFile] = []
        for variant in variants {
            let rendered = variant.render(baseName: "\(baseName)-\(Self.slug(variant))", csv: csv)
            md += Markdown.demoted(rendered.markdown) + "\n"
            charts += rendered.charts
        }
        return RenderedReport(markdown: md, charts: charts)
    }

    /// The comparison table and the line saying what its figures are.
    var comparisonMarkdown: String {
        let headers = ["Model", "Weights", "Device", "Weights (bytes)", "KV cache per token", "Devices needed", "Layout, devices",
                       "Tokens/s", "$ per million input tokens", "$ per million output tokens"]
        let rows = rows.map { row -> [String] in
            func pair(_ value: (SweepFigures) -> Double?, _ format: (Double) -> String) -> String {
                DeploymentPlanRendering.pair(row.shown.flatMap(value), row.bound.flatMap(value), format)
            }
            let layout = row.error.map { "no plan: \($0)" }
                ?? row.layoutDevices.map { "\(row.layout.rawValue), \(Format.grouped($0))" } ?? "\(row.layout.rawValue) does not fit"
            return [Markdown.escape(row.model), Markdown.escape(row.weights), Markdown.escape(row.deviceName),
                    Format.bytes(row.weightBytes), Format.bytes(row.kvCacheBytesPerToken),
                    row.devicesNeeded.map(Format.grouped) ?? "–", layout,
                    pair({ $0.tokensPerSecond }) { Format.countOrRate($0) },
                    pair({ $0.costPerMillionInputTokensUSD }, Format.dollars),
                    pair({ $0.costPerMillionOutputTokensUSD }, Format.dollars)]
        }
        let bases = Set(self.rows.map(\.basis))
        let basis = bases.count == 1 ? "the " + (bases.first.map(DeploymentSweepRendering.basisWord) ?? "") + " figures"
            : "each row's own figures (calibrated predicted where a calibration applies to the device, else at --efficiency or the bound)"
        return Markdown.table(headers, rows: rows) + "\n"
            + "One row per model, weights and device, at each variant's batch, context and prompt; tokens/s and \\$ per million "
            + "tokens are \(basis) of the layout named (as a serving sweep plans it), the roofline bound in brackets; "
            + "devices needed hold the weights and KV cache. Input tokens pay for the prefill, output tokens for the decode steps.\n"
    }
}
