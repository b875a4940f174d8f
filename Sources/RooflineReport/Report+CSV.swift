import Foundation
import RooflineDevices
import RooflineModels

/// A table of a report that `report --csv` writes as its own CSV file beside the markdown, named once here for both
/// the writer and the markdown's links.
public enum ReportTable: Sendable, Equatable {
    /// Every phase, attention form and roofline with its step's sums.
    case steps
    /// One phase's operators in one attention form (named when the report has several) on one roofline (its slug).
    case operators(phase: PhaseKind, form: String?, roofline: String)
    /// One of a device's plan tables (`planTableNames`).
    case deployment(deviceID: String, table: String)
    /// A device's serving sweep.
    case serving(deviceID: String)

    /// The tables of one device's plan, as `plan --format csv` names them: one row per layout each.
    public static let planTableNames = ["decode", "prefill", "economics"]

    /// `BASE-steps.csv`, `BASE-operators-PHASE[-FORM]-ROOFLINE.csv`, `BASE-deployment-DEVICE-TABLE.csv`,
    /// `BASE-serving-DEVICE.csv` (DEVICE as `Report.slug` of its id).
    public func fileName(baseName: String) -> String {
        let part = switch self {
        case .steps: "steps"
        case let .operators(phase, form, roofline): "operators-\(phase.rawValue)\(form.map { "-\($0)" } ?? "")-\(roofline)"
        case let .deployment(deviceID, table): "deployment-\(Report.slug(deviceID))-\(table)"
        case let .serving(deviceID): "serving-\(Report.slug(deviceID))"
        }
        return "\(baseName)-\(part).csv"
    }
}

extension Report {
    /// The operator tables of `phase`, one per attention form and roofline, in the report's order.
    func operatorTables(_ phase: ReportPhase) -> [(form: ReportAttentionForm, named: NamedAnalysis, table: ReportTable)] {
        phase.forms.flatMap { form in
            form.analyses.map { named in
                (form, named, ReportTable.operators(phase: phase.kind, form: phase.forms.count > 1 ? form.name : nil,
                                                    roofline: named.slug))
            }
        }
    }

    /// Every table `report --csv` writes, in order: the steps, each phase's operator tables, each planned device's
    /// plan tables, each serving sweep.
    public var csvTables: [ReportTable] {
        var tables: [ReportTable] = [.steps]
        tables += phases.flatMap { operatorTables($0).map(\.table) }
        for devicePlan in deployment ?? [] {
            guard case .success(let plan) = devicePlan.plan else { continue }
            tables += ReportTable.planTableNames.map { .deployment(deviceID: plan.deviceID, table: $0) }
        }
        tables += serving.map { .serving(deviceID: $0.deviceID) }
        return tables
    }

    /// A markdown line linking `tables` as CSV files beside the report ("CSV: [BASE-steps.csv](BASE-steps.csv)"),
    /// each target percent-encoded as the image links are; empty without CSV files.
    static func csvLinks(_ tables: [ReportTable], baseName: String?) -> String {
        guard let baseName, !tables.isEmpty else { return "" }
        return "CSV: " + tables.map { table in
            let name = table.fileName(baseName: baseName)
            return "[\(Markdown.escape(name))](\(Markdown.linkTarget(name)))"
        }.joined(separator: ", ") + "\n\n"
    }
}
