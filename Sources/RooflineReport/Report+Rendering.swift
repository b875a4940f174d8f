import Foundation
import RooflineDevices

extension Report {
    /// Renders the report. Charts are named `<baseName>-<what>.svg` and linked relative to the markdown file,
    /// so both must be written to the same folder. With `csv`, every table is followed by a link to its CSV file
    /// (`ReportTable.fileName`), which the caller writes beside the markdown (`csvTables` lists them).
    public func render(baseName: String, csv: Bool = false) -> RenderedReport {
        let csvBase = csv ? baseName : nil
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
        let summary = self.summary
        if !summary.isEmpty {
            md += "## Summary\n\n" + summary.map { "- \($0)\n" }.joined() + "\n"
        }
        md += "## What was analysed\n\n" + Markdown.table(["", ""], rows: facts) + "\n"

        if let host {
            md += "## Machine\n\n" + Markdown.machine(host.host) + "\n"
            let bandwidth = chart("bandwidth", .bandwidth(host))
            let roofline = hostRoofline.map { chart("roofline-host", .roofline($0, title: "Hierarchical roofline: \(host.host.cpuModel)")) }
            md += Markdown.hostCeilings(host, bandwidthChart: bandwidth, rooflineChart: roofline)
        }
        if let cluster {
            let network = cluster.network
            let names = ClusterProfileRendering.ChartNames(
                latency: network.map { chart("cluster-latency", .clusterLatency($0)) },
                bandwidth: network.map { chart("cluster-bandwidth", .clusterBandwidth($0)) },
                allReduce: network.map { chart("cluster-allreduce", .clusterAllReduce($0)) })
            md += ClusterProfileRendering.markdown(cluster, charts: names)
                .replacingOccurrences(of: "## Cluster\n\n", with: "## Cluster\n\nThe machine sections above are rank 0's node (\(Markdown.escape(cluster.nodes.first?.hostname ?? ""))). ")
        }
        if let operators {
            md += operators.renderMarkdown(heading: "##") + "\n"
        }
        md += operatorSections(chart: chart, csvBase: csvBase)
        md += comparisonSection
        if let deployment {
            let section = Markdown.deployment(deployment.map { ($0.deviceName, $0.plan) })
            md += "## Deployment\n\n" + section + (section.hasSuffix("\n") ? "" : "\n") + "\n"
            md += Report.csvLinks(csvTables.filter { if case .deployment = $0 { true } else { false } }, baseName: csvBase)
        }
        if !serving.isEmpty {
            md += "## Serving\n\n" + serving.map { servingSection($0, chart: chart, csvBase: csvBase) }.joined(separator: "\n") + "\n"
        }
        md += "## Method and assumptions\n\n" + method.map { "- \($0)\n" }.joined()
        return RenderedReport(markdown: md, charts: charts)
    }

    /// "Roofline report: llama-3.1-8b, batch 1, bf16 weights, on this host, NVIDIA H200 SXM 141GB".
    var title: String {
        let on = ((hostRoofline == nil ? [] : ["this host"]) + subject.devices.map(\.name)).joined(separator: ", ")
        return "Roofline report: \(subject.model.name), batch \(subject.batch), \(subject.precision.weights.rawValue) weights, on \(on)"
    }

    /// Per phase and attention form, each roofline's operator table and chart; then, with two forms, the attention
    /// comparison on each roofline.
    func operatorSections(chart: (String, Chart) -> String, csvBase: String? = nil) -> String {
        guard !phases.isEmpty else { return "" }
        var md = "## Operators\n\n"
        md += "Each operator's time is max(FLOPs ÷ peak, bytes ÷ bandwidth); a step's operators run one after another. "
        md += "Counts are totals over the layers an operator repeats in. Where a calibration applies to a device, "
        md += "\"Predicted\" is its time from measured kernels (a floor per kernel launch plus the achieved fractions of peak "
        md += "FLOP/s and bandwidth for the operator's size) beside the bound.\n\n"
        if csvBase != nil {
            md += "Every step's sums, each phase, attention form and roofline: " + Report.csvLinks([.steps], baseName: csvBase)
        }
        for phase in phases {
            md += "### \(Markdown.escape(phase.title))\n\n"
            for (form, named, table) in operatorTables(phase) {
                let formSuffix = phase.forms.count > 1 ? "-\(Report.slug(form.name))" : ""
                md += "#### \(Markdown.escape(named.name)), \(Markdown.escape(form.name)) attention\n\n"
                md += Markdown.ceilingsUsed(named.analysis) + "\n"
                md += Markdown.analysisTable(named.analysis, prediction: named.prediction) + "\n"
                md += Report.csvLinks([table], baseName: csvBase)
                if let prediction = named.prediction {
                    md += Markdown.predictionNote(prediction) + "\n"
                        + Markdown.predictionExplanation(named.analysis, prediction: prediction) + "\n"
                }
                let file = chart("roofline-\(named.slug)-\(phase.kind.rawValue)\(formSuffix)",
                                 .roofline(named.analysis.roofline, placements: named.analysis.placements,
                                           title: "\(phase.title): \(named.name), \(form.name) attention",
                                           prediction: named.prediction,
                                           shares: named.analysis.placements.map(named.analysis.share(of:))))
                md += "![\(Markdown.escape(phase.title)) on \(Markdown.escape(named.name))](\(Markdown.linkTarget(file)))\n\n"
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
        return md
    }

    /// The same step on every roofline, for the phases placed on more than one.
    var comparisonSection: String {
        let compared = phases.filter { ($0.forms.first?.analyses.count ?? 0) > 1 }
        guard !compared.isEmpty else { return "" }
        var md = "## Host vs accelerators\n\n"
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
        return md
    }

    /// The rows of "What was analysed": model, parameters, shape, data types, weights, KV cache, the two steps,
    /// attention, the host roofline, and each device's main-memory bandwidth, matmul peak, memory and price.
    var facts: [[String]] {
        let model = subject.model, precision = subject.precision
        var rows: [[String]] = [["Model", "\(model.name) (\(model.family.rawValue))"]]
        var parameters = "\(Format.grouped(model.parameterCount)) (\(Format.significant(Double(model.parameterCount) / 1e9, digits: 4)) billion)"
        if model.moe != nil {
            parameters += "; \(Format.grouped(model.activeParameterCount)) (\(Format.significant(Double(model.activeParameterCount) / 1e9, digits: 4)) billion) active per token"
        }
        rows.append(["Parameters", parameters])
        rows.append(["Layers, hidden size, heads / KV heads",
                     "\(model.layerCount), \(model.hiddenSize), \(model.headCount) / \(model.kvHeadCount)"])
        rows.append(["Data types", "weights \(model.describe(precision.weightScheme)), activations \(precision.activations.rawValue), KV cache \(precision.kvCache.rawValue)"])
        rows.append(["Weights", Format.bytes(subject.weightBytes)])
        rows.append(["KV cache", "\(Format.bytes(subject.kvCacheBytesPerToken)) per token; "
            + "\(Format.bytes(subject.kvCacheBytes)) at context \(Format.grouped(subject.contextTokens)) × batch \(subject.batch)"])
        if let prompt = subject.promptTokens {
            rows.append(["Prefill", "\(Format.grouped(prompt)) prompt tokens per sequence, batch \(subject.batch)"])
        }
        rows.append(["Decode", "one token per sequence at context \(Format.grouped(subject.contextTokens)), batch \(subject.batch)"])
        rows.append(["Attention", subject.attention.map(\.rawValue).joined(separator: " and ")])
        if let hostRoofline { rows.append(["Host roofline", hostRoofline.name]) }
        if !subject.notes.isEmpty { rows.append(["Notes", subject.notes.joined(separator: "; ")]) }
        for device in subject.devices {
            let roofline = device.roofline
            var parts: [String] = []
            if let memory = roofline.bandwidthCeiling() {
                parts.append("\(Format.bytesPerSecond(memory.bytesPerSecond)) \(memory.level)")
            }
            if let peak = roofline.computeCeiling(for: precision.matmulType)?.ceiling {
                parts.append("\(peak.dataType.rawValue) \(Format.flopsPerSecond(peak.flopsPerSecond))")
            }
            if let memory = device.memoryBytes { parts.append("\(Format.bytes(memory)) memory") }
            if let price = device.pricePerHourUSD {
                parts.append("$\(Format.significant(price))/hour" + (device.priceNote.map { " (\($0))" } ?? ""))
            }
            rows.append(["Device: \(device.name)", parts.joined(separator: ", ")])
        }
        return rows
    }

    /// How each number was measured or counted, one line each.
    var method: [String] {
        var lines: [String] = []
        if let host, let hostRoofline {
            let method = HostMethod(host)
            lines.append("Host bandwidth (\(host.mode.rawValue) probe): the \(method.kernels.joined(separator: ", ")) kernels at working sets inside each cache level and "
                + "far beyond the last one\(method.swept ? ", plus a sweep of sizes" : ""); each figure is the best of up to \(method.samples) timed "
                + "repetitions, bytes counted as arrays read + written (the STREAM convention). The host roofline "
                + "(\(Markdown.escape(hostRoofline.name))) takes per level the best read-only kernel (`load`, one stream per thread, or `load4`, four) at \(method.threads) thread\(method.threads == 1 ? "" : "s") "
                + "(model operators mostly read weights and KV cache; the fastest kernel where neither was measured).")
            lines.append("Host FLOP/s: the probe's loops per data type and instruction path (FMA for fp64/fp32; int8, bf16 and fp16 "
                + "dot products where the CPU has them, a narrower type never below fp32 FMA); theoretical peak = clock × units × "
                + "operations per instruction × threads, each factor found as the peak table says.")
            if method.measuredLatency {
                lines.append("Latency: a dependent chain of loads, one per cache line, laid out as the latency table says.")
            }
        }
        if operators != nil {
            lines.append("Host operators: GEMM through OpenBLAS, softmax, decode attention over a KV cache and RMSNorm run on "
                + "this host, each checked against a reference first; the prediction uses the bandwidth ceiling of the level the "
                + "working set lives in; efficiency = predicted ÷ measured time.")
        }
        if !subject.devices.isEmpty {
            let sources = subject.devices.flatMap(\.sources).uniqued()
            lines.append("Accelerators: dense peak FLOP/s per data type (no 2:4 sparsity) and vendor memory bandwidth from the "
                + "bundled data; sources: " + sources.joined(separator: "; ") + ".")
        }
        lines.append("Operators: counted from \(subject.model.name)'s config for one step; a multiply-add is 2 FLOPs; weights, "
            + "activations and KV cache bytes at their data types; per-layer operators are totals over the layers.")
        lines.append("Time per operator = max(FLOPs ÷ peak, bytes ÷ main-memory bandwidth) at 100 % of peak; operators run one "
            + "after another with no overlap; caches are not credited (every byte comes from DRAM or HBM).")
        lines.append("A roofline without a ceiling for a data type uses the nearest wider type it has (the tables say which).")
        lines.append("Operator tables and charts place the whole step on one device as if it held the model; the deployment "
            + "section splits it over as many devices as it needs.")
        return lines
    }

    /// The findings in a few lines, shown first: one per phase, then one per deployment plan.
    var summary: [String] {
        let plans = (deployment ?? []).compactMap { entry -> DeploymentPlan? in
            if case .success(let plan) = entry.plan { return plan }
            return nil
        }
        return phases.compactMap(Report.phaseSummary) + plans.map(Report.deploymentSummary)
    }

    /// One line per phase: the step time and tokens/s on each roofline (the first attention form), which bound
    /// takes most of the time, and the calibrated prediction's step time and tokens/s where one applies.
    static func phaseSummary(_ phase: ReportPhase) -> String? {
        guard let form = phase.forms.first, !form.analyses.isEmpty else { return nil }
        let parts = form.analyses.map { named -> String in
            let analysis = named.analysis
            let predicted = named.prediction.map { prediction in
                "; predicted \(Markdown.duration(prediction.totalSeconds)), "
                    + "\(Markdown.rate(prediction.tokensPerSecond(tokensPerStep: phase.tokensPerStep))) tokens/s"
            } ?? ""
            return "\(Markdown.escape(named.name)) \(Markdown.duration(analysis.totalSeconds)) "
                + "(\(Markdown.rate(analysis.tokensPerSecond(tokensPerStep: phase.tokensPerStep))) tokens/s, "
                + "\(Markdown.percent(analysis.memoryBoundShare)) of it memory-bound\(predicted))"
        }
        return "**\(Markdown.escape(phase.title))** (\(form.name) attention, one device): " + parts.joined(separator: "; ") + "."
    }

    /// One line per deployment plan: devices needed and deployed, then for every layout that fits its devices,
    /// tokens/s and (with a price) $ per million tokens, then the same predicted by the calibration where one applies,
    /// so that the idealised aggregate figure stands beside the layouts that run the stages in turn.
    static func deploymentSummary(_ plan: DeploymentPlan) -> String {
        var line = "**Deployment on \(Markdown.escape(plan.deviceName))**: weights + KV cache need \(Format.grouped(plan.minimumDevices)) "
            + "device\(plan.minimumDevices == 1 ? "" : "s") (\(Format.grouped(plan.deployedDevices)) deployed)"
        let layouts = plan.layouts.filter { $0.fits && $0.tokensPerSecond != nil }.map { layout -> String in
            let devices = layout.devices ?? 0
            let shape = layout.shapeDescription.drop { $0 != " " }  // " (tp 8 × pp 6)" or ""
            var text = "\(layout.layout.rawValue), \(Format.grouped(devices)) device\(devices == 1 ? "" : "s")\(shape): "
                + Markdown.rate(layout.tokensPerSecond ?? 0)
            if let cost = layout.costPerMillionTokensUSD { text += " (\(Markdown.escape(Format.dollars(cost))))" }
            if let rate = layout.predictedTokensPerSecond {
                text += ", predicted " + Markdown.rate(rate)
                if let cost = layout.predictedCostPerMillionTokensUSD { text += " (\(Markdown.escape(Format.dollars(cost))))" }
            }
            return text
        }
        if !layouts.isEmpty {
            line += "; tokens/s\(plan.pricePerDeviceHourUSD == nil ? "" : " (\\$ per million tokens)") by layout: " + layouts.joined(separator: "; ")
            if plan.layouts.contains(where: { $0.layout == .aggregate && $0.fits && ($0.devices ?? 1) > 1 }) {
                line += ". The aggregate figure assumes every device reads its share at once"
            }
        }
        return line + "."
    }
}

extension ReportPhase {
    /// A heading: "Prefill: 4,096 prompt tokens × batch 32", "Decode at context 4,096, batch 32".
    var title: String {
        switch kind {
        case .prefill: "Prefill: \(Format.grouped(tokens)) prompt tokens × batch \(batch)"
        case .decode: "Decode at context \(Format.grouped(tokens)), batch \(batch)"
        }
    }

    /// What a token of `tokensPerStep` is.
    var tokensMeaning: String {
        switch kind {
        case .prefill: "prompt tokens of all sequences"
        case .decode: "new tokens (one per sequence)"
        }
    }

    /// What the step time is to a user.
    var stepMeaning: String {
        switch kind {
        case .prefill: batch == 1 ? "the time to first token on one device (no queueing)"
            : "the whole batch's prefill on one device, all \(batch) prompts together: each request's time to first token "
                + "when the prompts are prefilled together (no queueing)"
        case .decode: "the time per output token of each sequence on one device"
        }
    }
}
