import Foundation
import RooflineDevices

/// Text and markdown views of a `DeploymentPlan`: renderers only, every number comes from the plan.
public enum DeploymentPlanRendering {
    /// The plan for a terminal: sizing, decode per layout, prefill, economics, notes, assumptions.
    public static func text(_ plan: DeploymentPlan) -> String {
        var out = headline(plan) + "\n\nMemory\n"
        let facts = memoryFacts(plan)
        let width = facts.map(\.0.count).max() ?? 0
        for (label, value) in facts {
            out += "  \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)\n"
        }
        return out + sections(plan, style: .text)
    }

    /// The plan as a markdown section.
    public static func markdown(_ plan: DeploymentPlan) -> String {
        "## \(headline(plan))\n\n### Memory\n\n"
            + Table(headers: ["quantity", "value"], rows: memoryFacts(plan).map { [$0.0, $0.1] }, alignments: [.left, .left]).markdown
            + sections(plan, style: .markdown)
    }

    /// What text and markdown write differently below the memory facts.
    enum Style {
        case text, markdown

        func heading(_ title: String) -> String {
            switch self {
            case .text: "\n\(title)\n"
            case .markdown: "\n### \(title)\n\n"
            }
        }

        func table(_ table: Table) -> String {
            switch self {
            case .text: table.text
            case .markdown: table.markdown
            }
        }

        /// A list item, and the items under a layout's name one level deeper.
        func item(_ line: String) -> String { self == .text ? "  - \(line)\n" : "- \(line)\n" }

        func layoutName(_ name: String) -> String { self == .text ? "  \(name):\n" : "- **\(name)**\n" }

        func layoutItem(_ line: String) -> String { "  " + item(line) }
    }

    /// The tables, then the notes and the assumptions (common ones first, then each layout's), worded.
    static func sections(_ plan: DeploymentPlan, style: Style) -> String {
        var out = tables(plan).map { style.heading($0.0) + style.table($0.1) }.joined()
        if !plan.notes.isEmpty {
            out += style.heading("Notes") + plan.notes.map { style.item(DeploymentPlanWording.sentence($0)) }.joined()
        }
        out += style.heading("Assumptions") + plan.assumptions.map { style.item(DeploymentPlanWording.sentence($0)) }.joined()
        for layout in plan.layouts {
            out += style.layoutName(layout.layout.rawValue)
                + layout.assumptions.map { style.layoutItem(DeploymentPlanWording.sentence($0)) }.joined()
        }
        return out
    }

    static func headline(_ plan: DeploymentPlan) -> String {
        var line = "\(plan.model) on \(plan.deviceName) (\(plan.deviceID)): context \(Format.grouped(plan.contextTokens)), "
            + "batch \(plan.batch), weights \(plan.weightType.rawValue), KV cache \(plan.kvCacheType.rawValue)"
        if let prompt = plan.promptTokens { line += ", prompt \(Format.grouped(prompt))" }
        return line + ", efficiency \(Format.shortest(plan.options.efficiency))"
    }

    static func memoryFacts(_ plan: DeploymentPlan) -> [(String, String)] {
        return [
            ("weights", Format.bytes(plan.weightBytes)),
            ("KV cache", plan.kvCacheDescription),
            ("weights + KV cache", Format.bytes(plan.weightAndKVCacheBytes)),
            ("device memory", Format.bytes(plan.deviceMemoryBytes)),
            ("allowance per device", "\(Format.bytes(plan.allowanceBytesPerDevice)) (reserve \(Format.bytes(plan.options.reserveBytesPerDevice)) "
                + "+ decode activations \(Format.bytes(plan.decodeWorkspaceBytes)))"),
            ("devices for the KV cache alone", Format.grouped(plan.kvOnlyDevices)),
            ("minimum devices", Format.grouped(plan.minimumDevices)),
            ("deployed", plan.deployedDescription),
            ("price", plan.pricePerDeviceHourUSD.map { String(format: "$%.2f per device-hour", $0) + (plan.priceNote.map { " (\($0))" } ?? "") }
                ?? "not known: give --price"),
        ]
    }

    /// "30.1 (38.6)": the value at the plan's efficiency, then at the bound when they differ.
    public static func pair(_ value: Double?, _ bound: Double?, _ format: (Double) -> String) -> String {
        guard let value else { return "-" }
        guard let bound, bound != value else { return format(value) }
        return "\(format(value)) (\(format(bound)))"
    }

    /// One row per layout for a step: fits, devices, memory per device, compute / memory / communication time,
    /// total and bound, and the calibrated prediction when the plan has one.
    static func stepRows(_ plan: DeploymentPlan,
                         _ step: (LayoutPlan) -> (StepEstimate?, StepEstimate?, StepEstimate?)) -> [[String]] {
        plan.layouts.map { layout in
            let (achieved, bound, predicted) = step(layout)
            let row: [String] = [layout.layout.rawValue, layout.fits ? "yes" : "no", layout.shapeDescription,
                                 layout.memoryPerDeviceBytes.map(Format.bytes) ?? "-",
                                 achieved.map { Format.seconds($0.computeSeconds) } ?? "-",
                                 achieved.map { Format.seconds($0.memorySeconds) } ?? "-",
                                 achieved.map { Format.seconds($0.communicationSeconds) } ?? "-",
                                 pair(achieved?.seconds, bound?.seconds, Format.seconds),
                                 achieved?.bound.rawValue ?? "-"]
            guard plan.calibration != nil else { return row }
            return row + [predicted.map { Format.seconds($0.seconds) } ?? "-"]
        }
    }

    static func tables(_ plan: DeploymentPlan) -> [(String, Table)] {
        let efficiency = plan.options.efficiency < 1
            ? " at efficiency \(Format.shortest(plan.options.efficiency)) (at the bound in brackets)" : " at the roofline bound"
        let predicted = plan.calibration != nil
        let stepHeaders = ["layout", "fits", "devices", "memory/device", "compute", "memory", "communication", "time", "bound"]
            + (predicted ? ["predicted"] : [])
        var tables = [(
            "Decode, one token per sequence\(efficiency)",
            Table(headers: stepHeaders, rows: stepRows(plan) { ($0.decode, $0.decodeAtBound, $0.decodePredicted) },
                  alignments: [.left, .left, .left])
        )]
        if let prompt = plan.promptTokens {
            tables.append((
                (plan.batch == 1 ? "Prefill of \(Format.grouped(prompt)) tokens (time to first token)"
                    : "Prefill of \(Format.grouped(prompt)) tokens × batch \(Format.grouped(plan.batch)), all prompts together "
                        + "(each request's time to first token)") + efficiency,
                Table(headers: stepHeaders, rows: stepRows(plan) { ($0.prefill, $0.prefillAtBound, $0.prefillPredicted) },
                      alignments: [.left, .left, .left])))
        }
        let economics = plan.layouts.map { layout -> [String] in
            let row: [String] = [layout.layout.rawValue, layout.devices.map(Format.grouped) ?? "-",
                                 pair(layout.tokensPerSecond, layout.boundTokensPerSecond) { Format.significant($0) },
                                 layout.tokensPerHour.map { Format.grouped($0) } ?? "-",
                                 layout.costPerHourUSD.map(Format.dollars) ?? "-",
                                 pair(layout.costPerMillionTokensUSD, layout.boundCostPerMillionTokensUSD, Format.dollars)]
            guard predicted else { return row }
            let rate: String = layout.predictedTokensPerSecond.map { Format.significant($0) } ?? "-"
            let cost: String = layout.predictedCostPerMillionTokensUSD.map(Format.dollars) ?? "-"
            return row + [rate, cost]
        }
        tables.append((
            "Economics\(efficiency)" + (predicted ? "; predicted by calibration \(plan.calibration?.name ?? "")" : ""),
            Table(headers: ["layout", "devices", "tokens/s", "tokens/hour", "$/hour", "$ per million tokens"]
                    + (predicted ? ["predicted tokens/s", "predicted $ per million tokens"] : []), rows: economics)))
        let unfit = plan.layouts.filter { !$0.fits }
        if !unfit.isEmpty {
            tables.append(("Layouts that do not fit", Table(headers: ["layout", "why"],
                rows: unfit.map { [$0.layout.rawValue, $0.reason.map(DeploymentPlanWording.clause) ?? ""] }, alignments: [.left, .left])))
        }
        return tables
    }
}
