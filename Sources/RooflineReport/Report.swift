import Foundation

/// One fact about what was analysed (a row of the header table).
public struct ReportFact: Codable, Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A step computed one way (fused or materialized attention) and placed on several rooflines.
public struct ReportAttentionForm: Sendable {
    /// "fused", "materialized".
    public var name: String
    /// The same operators on each roofline; the first is the baseline of the comparison (the host when present).
    public var analyses: [NamedAnalysis]

    public init(name: String, analyses: [NamedAnalysis]) {
        self.name = name
        self.analyses = analyses
    }
}

/// One phase of inference (prefill or decode) in the report.
public struct ReportPhase: Sendable {
    /// A heading: "Prefill: 4,096 tokens × batch 32".
    public var title: String
    /// Used in chart file names: "prefill", "decode".
    public var slug: String
    /// Tokens the step produces or processes, for time per token and tokens/s.
    public var tokensPerStep: Double
    /// What a token of `tokensPerStep` is ("prompt tokens processed", "new tokens, one per sequence").
    public var tokensMeaning: String
    /// What the step time is to a user ("the time to first token", "the time per output token of each sequence").
    public var stepMeaning: String
    public var forms: [ReportAttentionForm]

    public init(title: String, slug: String, tokensPerStep: Double, tokensMeaning: String, stepMeaning: String,
                forms: [ReportAttentionForm]) {
        self.title = title
        self.slug = slug
        self.tokensPerStep = tokensPerStep
        self.tokensMeaning = tokensMeaning
        self.stepMeaning = stepMeaning
        self.forms = forms
    }
}

/// A file the report writes: its name (relative to the markdown's folder) and contents.
public struct ReportFile: Sendable, Equatable {
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// The rendered report: the markdown and the SVG charts it links to.
public struct RenderedReport: Sendable, Equatable {
    public var markdown: String
    public var charts: [ReportFile]
}

/// Everything a report shows, as values. `render(baseName:)` turns it into markdown and SVG; nothing here
/// measures or counts.
public struct Report: Sendable {
    public var title: String
    /// ISO 8601 time the report was made.
    public var createdAt: String
    public var toolVersion: String
    /// The command line that reproduces the report.
    public var command: String
    /// What was analysed: model, sizes, data types, attention, devices.
    public var subject: [ReportFact]
    /// The host's profile; nil leaves the host sections out.
    public var host: HostProfile?
    /// The host's roofline used for operators (when the host is analysed), drawn as the hierarchical roofline.
    public var hostRoofline: Roofline?
    public var phases: [ReportPhase]
    /// The deployment section's body (markdown), from the planner; nil leaves it out.
    public var deployment: String?
    /// How each number was measured or counted, one line each.
    public var method: [String]
    /// The findings in a few lines, shown first (markdown).
    public var summary: [String]
    /// Real operators measured on the host against its roofline; nil leaves the section out.
    public var operators: OperatorValidation?

    public init(title: String, createdAt: String, toolVersion: String, command: String, subject: [ReportFact],
                host: HostProfile?, hostRoofline: Roofline?, phases: [ReportPhase], deployment: String?, method: [String],
                summary: [String] = [], operators: OperatorValidation? = nil) {
        self.operators = operators
        self.title = title
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.command = command
        self.subject = subject
        self.host = host
        self.hostRoofline = hostRoofline
        self.phases = phases
        self.deployment = deployment
        self.method = method
        self.summary = summary
    }
}

extension Report {
    /// Renders the report. Charts are named `<baseName>-<what>.svg` and linked relative to the markdown file,
    /// so both must be written to the same folder.
    public func render(baseName: String) -> RenderedReport {
        var charts: [ReportFile] = []
        func chart(_ suffix: String, _ value: Chart) -> String {
            let name = "\(baseName)-\(suffix).svg"
            charts.append(ReportFile(name: name, contents: value.svg()))
            return name
        }

        var md = "# \(Markdown.escape(title))\n\n"
        md += "Generated \(createdAt) by roofline \(toolVersion)"
        if let host { md += " on \(Markdown.escape(host.host.cpuModel))" }
        md += ". To reproduce:\n\n```sh\n\(command)\n```\n\n"
        if !summary.isEmpty {
            md += "## Summary\n\n" + summary.map { "- \($0)\n" }.joined() + "\n"
        }
        md += "## What was analysed\n\n" + Markdown.table(["", ""], rows: subject.map { [$0.name, $0.value] }) + "\n"

        if let host {
            md += "## Machine\n\n" + Markdown.machine(host.host) + "\n"
            let bandwidth = chart("bandwidth", .bandwidth(host))
            let roofline = hostRoofline.map { chart("roofline-host", .roofline($0, title: "Hierarchical roofline: \(host.host.cpuModel)")) }
            md += Markdown.hostCeilings(host, bandwidthChart: bandwidth, rooflineChart: roofline)
        }
        if let operators {
            md += operators.renderMarkdown(heading: "##") + "\n"
        }

        if !phases.isEmpty {
            md += "## Operators\n\n"
            md += "Each operator's time is max(FLOPs ÷ peak, bytes ÷ bandwidth); a step's operators run one after another. "
            md += "Counts are totals over the layers an operator repeats in.\n\n"
        }
        for phase in phases {
            md += "### \(Markdown.escape(phase.title))\n\n"
            for form in phase.forms {
                for named in form.analyses {
                    let formSuffix = phase.forms.count > 1 ? "-\(Report.slug(form.name))" : ""
                    md += "#### \(Markdown.escape(named.name)), \(Markdown.escape(form.name)) attention\n\n"
                    md += Markdown.ceilingsUsed(named.analysis) + "\n"
                    md += Markdown.analysisTable(named.analysis) + "\n"
                    let file = chart("roofline-\(named.slug)-\(phase.slug)\(formSuffix)",
                                     .roofline(named.analysis.roofline, placements: named.analysis.placements,
                                               title: "\(phase.title): \(named.name), \(form.name) attention"))
                    md += "![\(Markdown.escape(phase.title)) on \(Markdown.escape(named.name))](\(file))\n\n"
                }
            }
            if phase.forms.count > 1, let rooflines = phase.forms.first?.analyses.map(\.name) {
                md += "#### Attention: \(phase.forms.map(\.name).joined(separator: " vs "))\n\n"
                for (index, name) in rooflines.enumerated() {
                    let sideBySide = phase.forms.compactMap { form in
                        index < form.analyses.count ? NamedAnalysis(name: form.name, analysis: form.analyses[index].analysis) : nil
                    }
                    md += "On \(Markdown.escape(name)):\n\n" + Markdown.attentionComparison(sideBySide) + "\n"
                }
            }
        }

        let compared = phases.filter { ($0.forms.first?.analyses.count ?? 0) > 1 }
        if !compared.isEmpty {
            md += "## Host vs accelerators\n\n"
            md += "The same step on each roofline; speed-up is the first row's step time ÷ each row's.\n\n"
            for phase in compared {
                for form in phase.forms {
                    md += "### \(Markdown.escape(phase.title)), \(Markdown.escape(form.name)) attention\n\n"
                    md += "The step time is \(phase.stepMeaning); tokens/s = \(Markdown.count(phase.tokensPerStep)) "
                    md += "\(phase.tokensMeaning) ÷ step time.\n\n"
                    md += Markdown.stepComparison(form.analyses, tokensPerStep: phase.tokensPerStep) + "\n"
                    md += "Operators that change class:\n\n" + Markdown.boundChanges(form.analyses) + "\n"
                }
            }
        }

        if let deployment {
            md += "## Deployment\n\n" + deployment + (deployment.hasSuffix("\n") ? "" : "\n") + "\n"
        }
        if !method.isEmpty {
            md += "## Method and assumptions\n\n" + method.map { "- \($0)\n" }.joined()
        }
        return RenderedReport(markdown: md, charts: charts)
    }

    /// A name as it goes into a file name: lower case, letters and digits, runs of anything else as one `-`.
    public static func slug(_ name: String) -> String {
        var out = ""
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                out.append(character)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "chart" : out
    }
}
