import Foundation
import RooflineDevices
import RooflineModels

/// What to analyse for a report: a model, the prompt and context, batch, data types, attention forms, the
/// devices, and the host's profile (optional). Values in; `Report(request)` counts and places the operators.
public struct ReportRequest: Sendable {
    public var model: ModelConfig
    /// Prompt tokens per sequence (the prefill step).
    public var promptTokens: Int
    /// Tokens in the KV cache of each sequence while decoding (the decode step).
    public var contextTokens: Int
    public var batch: Int
    public var precision: Precision
    /// One or both forms; the first is the main one.
    public var attention: [AttentionMode]
    /// Accelerators to compare with the host and to plan deployments on.
    public var devices: [Device]
    /// The host's measurements; nil leaves the host out.
    public var host: HostProfile?
    public var command: String
    public var createdAt: String
    /// Planner settings for the deployment section; nil leaves the section out.
    public var deployment: DeploymentOptions?
    /// Real operators measured on the host against its roofline (`roofline validate`); nil leaves the section out.
    public var operators: OperatorValidation?

    public init(model: ModelConfig, promptTokens: Int, contextTokens: Int, batch: Int, precision: Precision,
                attention: [AttentionMode], devices: [Device], host: HostProfile?, command: String, createdAt: String,
                deployment: DeploymentOptions? = DeploymentOptions(), operators: OperatorValidation? = nil) {
        self.operators = operators
        self.model = model
        self.promptTokens = promptTokens
        self.contextTokens = contextTokens
        self.batch = batch
        self.precision = precision
        self.attention = attention
        self.devices = devices
        self.host = host
        self.command = command
        self.createdAt = createdAt
        self.deployment = deployment
    }
}

extension Report {
    /// Builds the report for `request`: per phase (prefill of the prompt, decode at the context) and attention
    /// form, the workload's operators placed on the host's roofline (when there is a profile) and on each
    /// device's; and a deployment plan per device. Throws usage errors for impossible workloads or a roofline
    /// that lacks a ceiling.
    public init(_ request: ReportRequest) throws {
        let model = request.model
        let hostRoofline = try request.host.map { try $0.roofline() }
        var rooflines: [(name: String, slug: String, roofline: Roofline)] = []
        if let hostRoofline { rooflines.append(("this host", "host", hostRoofline)) }
        for device in request.devices {
            rooflines.append((device.name, device.aliases.first ?? Report.slug(device.id), device.roofline))
        }
        guard !rooflines.isEmpty else {
            throw RooflineError.usage("nothing to place the operators on: give --device or a host profile")
        }
        let batch = request.batch
        let phases: [(phase: Phase, slug: String, title: String, tokens: Double, meaning: String, step: String)] = [
            (.prefill(tokens: request.promptTokens), "prefill",
             "Prefill: \(Format.grouped(request.promptTokens)) prompt tokens × batch \(batch)",
             Double(request.promptTokens) * Double(batch), "prompt tokens of all sequences",
             "the time to first token on one device (no queueing)"),
            (.decode(context: request.contextTokens), "decode",
             "Decode at context \(Format.grouped(request.contextTokens)), batch \(batch)",
             Double(batch), "new tokens (one per sequence)", "the time per output token of each sequence on one device"),
        ]
        var reportPhases: [ReportPhase] = []
        for entry in phases {
            var forms: [ReportAttentionForm] = []
            for mode in request.attention {
                let workload = try Workload(model: model, phase: entry.phase, batch: batch, precision: request.precision,
                                            attention: mode)
                let operators = workload.operators()
                let analyses = try rooflines.map {
                    NamedAnalysis(name: $0.name, slug: $0.slug, analysis: try $0.roofline.analyze(operators))
                }
                forms.append(ReportAttentionForm(name: mode.rawValue, analyses: analyses))
            }
            reportPhases.append(ReportPhase(title: entry.title, slug: entry.slug, tokensPerStep: entry.tokens,
                                            tokensMeaning: entry.meaning, stepMeaning: entry.step, forms: forms))
        }

        let precision = request.precision
        var subject: [ReportFact] = []
        subject.append(ReportFact("Model", "\(model.name) (\(model.family.rawValue))"))
        var parameters = "\(Format.grouped(model.parameterCount)) (\(Format.significant(Double(model.parameterCount) / 1e9, digits: 4)) billion)"
        if model.moe != nil {
            parameters += "; \(Format.grouped(model.activeParameterCount)) (\(Format.significant(Double(model.activeParameterCount) / 1e9, digits: 4)) billion) active per token"
        }
        subject.append(ReportFact("Parameters", parameters))
        subject.append(ReportFact("Layers, hidden size, heads / KV heads",
                                  "\(model.layerCount), \(model.hiddenSize), \(model.headCount) / \(model.kvHeadCount)"))
        subject.append(ReportFact("Data types", "weights \(precision.weights.rawValue), activations \(precision.activations.rawValue), KV cache \(precision.kvCache.rawValue)"))
        subject.append(ReportFact("Weights", Format.bytes(Double(model.parameterCount) * precision.weights.bytesPerElement)))
        subject.append(ReportFact("KV cache", "\(Format.bytes(model.kvCacheBytesPerToken(kvType: precision.kvCache))) per token; "
            + "\(Format.bytes(model.kvCacheBytes(context: request.contextTokens, batch: batch, kvType: precision.kvCache))) "
            + "at context \(Format.grouped(request.contextTokens)) × batch \(batch)"))
        subject.append(ReportFact("Prefill", "\(Format.grouped(request.promptTokens)) prompt tokens per sequence, batch \(batch)"))
        subject.append(ReportFact("Decode", "one token per sequence at context \(Format.grouped(request.contextTokens)), batch \(batch)"))
        subject.append(ReportFact("Attention", request.attention.map(\.rawValue).joined(separator: " and ")))
        if let hostRoofline {
            subject.append(ReportFact("Host roofline", hostRoofline.name))
        }
        // The matmuls run in the wider of the weight and activation types.
        let matmulType = precision.weights.bytesPerElement > precision.activations.bytesPerElement ? precision.weights : precision.activations
        for device in request.devices {
            let roofline = device.roofline
            var parts: [String] = []
            if let memory = roofline.bandwidthCeiling() {
                parts.append("\(Format.bytesPerSecond(memory.bytesPerSecond)) \(memory.level)")
            }
            if let peak = roofline.computeCeiling(for: matmulType)?.ceiling {
                parts.append("\(peak.dataType.rawValue) \(Format.flopsPerSecond(peak.flopsPerSecond))")
            }
            if let memory = device.memoryBytes { parts.append("\(Format.bytes(memory)) memory") }
            if let price = device.pricePerHourUSD {
                parts.append("$\(Format.significant(price))/hour" + (device.priceNote.map { " (\($0))" } ?? ""))
            }
            subject.append(ReportFact("Device: \(device.name)", parts.joined(separator: ", ")))
        }

        var method: [String] = []
        if let host = request.host, let hostRoofline {
            let kernels = host.levels.map(\.kernel).uniqued().joined(separator: ", ")
            let samples = host.levels.map(\.bytesPerSecond.count).max() ?? 0
            let sizesPerKernel = Dictionary(grouping: host.bandwidth, by: \.kernel).mapValues { Set($0.map(\.workingSetBytes)).count }
            let swept = sizesPerKernel.values.contains { $0 >= 4 }
            let threads = host.levels.map(\.threads).max() ?? 1
            method.append("Host bandwidth (\(host.mode) probe): the \(kernels) kernels at working sets inside each cache level and "
                + "far beyond the last one\(swept ? ", plus a sweep of sizes" : ""); each figure is the best of up to \(samples) timed "
                + "repetitions, bytes counted as arrays read + written (the STREAM convention). The host roofline "
                + "(\(hostRoofline.name)) takes per level the read-only `\(HostProfile.readKernel)` kernel's best at \(threads) thread\(threads == 1 ? "" : "s") "
                + "(model operators mostly read weights and KV cache; the fastest kernel where `\(HostProfile.readKernel)` was not measured).")
            method.append("Host FLOP/s: the probe's FMA loops per data type; theoretical peak = clock × FMA units × vector lanes × 2 "
                + "× threads, each factor found as the peak table says.")
            if !host.latency.isEmpty {
                method.append("Latency: a dependent chain of loads, one per cache line, laid out as the latency table says.")
            }
        }
        if request.operators != nil {
            method.append("Host operators: GEMM through OpenBLAS, softmax, decode attention over a KV cache and RMSNorm run on "
                + "this host, each checked against a reference first; the prediction uses the bandwidth ceiling of the level the "
                + "working set lives in; efficiency = predicted ÷ measured time.")
        }
        if !request.devices.isEmpty {
            method.append("Accelerators: dense peak FLOP/s per data type (no 2:4 sparsity) and vendor memory bandwidth from the "
                + "bundled data; sources: " + request.devices.flatMap(\.sources).uniqued().joined(separator: "; ") + ".")
        }
        method.append("Operators: counted from \(model.name)'s config for one step; a multiply-add is 2 FLOPs; weights, "
            + "activations and KV cache bytes at their data types; per-layer operators are totals over the layers.")
        method.append("Time per operator = max(FLOPs ÷ peak, bytes ÷ main-memory bandwidth) at 100 % of peak; operators run one "
            + "after another with no overlap; caches are not credited (every byte comes from DRAM or HBM).")
        method.append("A roofline without a ceiling for a data type uses the nearest wider type it has (the tables say which).")
        method.append("Operator tables and charts place the whole step on one device as if it held the model; the deployment "
            + "section splits it over as many devices as it needs.")

        var summary = reportPhases.compactMap(Report.phaseSummary)
        var deploymentSection: String?
        if let options = request.deployment, !request.devices.isEmpty {
            let workload = try DeploymentWorkload(model: model, context: request.contextTokens, batch: batch,
                                                  prompt: request.promptTokens, precision: precision)
            let plans = request.devices.map { device -> (name: String, plan: Result<DeploymentPlan, RooflineError>) in
                do {
                    return (device.name, .success(try DeploymentPlanner.plan(workload, on: device, options: options)))
                } catch let error as RooflineError {
                    return (device.name, .failure(error))
                } catch {
                    return (device.name, .failure(RooflineError.runtime("\(error)")))
                }
            }
            deploymentSection = Markdown.deployment(plans)
            summary += plans.compactMap { entry -> String? in
                guard case .success(let plan) = entry.plan else { return nil }
                return Report.deploymentSummary(plan)
            }
        }

        let deviceNames = request.devices.map(\.name)
        let on = ((hostRoofline == nil ? [] : ["this host"]) + deviceNames).joined(separator: ", ")
        self.init(
            title: "Roofline report: \(model.name), batch \(batch), \(precision.weights.rawValue) weights, on \(on)",
            createdAt: request.createdAt, toolVersion: RooflineVersion.current, command: request.command, subject: subject,
            host: request.host, hostRoofline: hostRoofline, phases: reportPhases, deployment: deploymentSection,
            method: method, summary: summary, operators: request.operators)
    }

    /// One line per phase: the step time and tokens/s on each roofline (the first attention form), and which
    /// bound takes most of the time.
    static func phaseSummary(_ phase: ReportPhase) -> String? {
        guard let form = phase.forms.first, !form.analyses.isEmpty else { return nil }
        let parts = form.analyses.map { named -> String in
            let seconds = named.analysis.totalSeconds
            let memory = named.analysis.placements.filter { $0.bound == .memory }.reduce(0) { $0 + $1.seconds }
            let share = seconds > 0 ? memory / seconds : 0
            return "\(Markdown.escape(named.name)) \(Markdown.duration(seconds)) (\(Markdown.rate(phase.tokensPerStep / seconds)) tokens/s, "
                + "\(Markdown.percent(share)) of it memory-bound)"
        }
        return "**\(Markdown.escape(phase.title))** (\(form.name) attention, one device): " + parts.joined(separator: "; ") + "."
    }

    /// One line per deployment plan: devices needed and deployed, then for every layout that fits its devices,
    /// tokens/s and (with a price) $ per million tokens, so that the idealised aggregate figure stands beside the
    /// layouts that run the stages in turn.
    static func deploymentSummary(_ plan: DeploymentPlan) -> String? {
        var line = "**Deployment on \(Markdown.escape(plan.deviceName))**: weights + KV cache need \(Format.grouped(plan.minimumDevices)) "
            + "device\(plan.minimumDevices == 1 ? "" : "s") (\(Format.grouped(plan.deployedDevices)) deployed)"
        let layouts = plan.layouts.filter { $0.fits && $0.tokensPerSecond != nil }.map { layout -> String in
            let devices = layout.devices ?? 0
            let shape = layout.shapeDescription.drop { $0 != " " }  // " (tp 8 × pp 6)" or ""
            var text = "\(layout.layout.rawValue), \(Format.grouped(devices)) device\(devices == 1 ? "" : "s")\(shape): "
                + Markdown.rate(layout.tokensPerSecond ?? 0)
            if let cost = layout.costPerMillionTokensUSD { text += " (\(Markdown.escape(Format.dollars(cost))))" }
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

extension Array where Element: Hashable {
    /// The elements in order, each once.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
