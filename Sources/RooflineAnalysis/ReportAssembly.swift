import Foundation
import RooflineCalibration
import RooflineDevices
import RooflineModels
import RooflineReport

/// What to analyse for a report: a model, the prompt and context, batch, data types, attention forms, the
/// devices, and the host's profile (optional). Values in; `ReportAssembly.report(for:)` counts, places and plans.
public struct ReportRequest: Sendable {
    public var model: ModelConfig
    public var sizes: StepSizes
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
    /// The calibration applied on each device, by device id; a device without one gets bounds only.
    public var calibrations: [String: AppliedCalibration]
    /// What the caller assumed about the inputs (an overridden weight type), for the report's notes.
    public var notes: [String] = []
    /// The batches and contexts of the serving sweep (`--batch` / `--context` as lists or ranges); with more than
    /// one point the report adds a Serving section, each device's `DeploymentSweep` at these sizes.
    public var servingBatches: [Int] = []
    public var servingContexts: [Int] = []
    /// Latency targets for the serving sweep's choice.
    public var targets = LatencyTargets()
    /// How the serving sweep prefills a batch's prompts; nil: batched, and no Serving section for it alone.
    public var prefillSchedule: PrefillSchedule?

    public init(model: ModelConfig, sizes: StepSizes, precision: Precision, attention: [AttentionMode],
                devices: [Device], host: HostProfile?, command: String, createdAt: String,
                deployment: DeploymentOptions? = DeploymentOptions(), operators: OperatorValidation? = nil,
                calibrations: [String: AppliedCalibration] = [:]) {
        self.model = model
        self.sizes = sizes
        self.precision = precision
        self.attention = attention
        self.devices = devices
        self.host = host
        self.command = command
        self.createdAt = createdAt
        self.deployment = deployment
        self.operators = operators
        self.calibrations = calibrations
    }
}

/// The analysis step between the inputs and the renderers: builds the workloads, places them on the host's and
/// each device's roofline, and plans a deployment per device. What it returns is finished; RooflineReport only
/// formats it.
public enum ReportAssembly {
    /// The report for `request`: per phase (prefill of the prompt, decode at the context) and attention form, the
    /// workload's operators placed on the host's roofline (when there is a profile) and on each device's; and a
    /// deployment plan per device. Throws usage errors for impossible workloads or a roofline that lacks a ceiling.
    public static func report(for request: ReportRequest) throws -> Report {
        let hostRoofline = try request.host.map { try $0.roofline() }
        var rooflines: [(name: String, slug: String, roofline: Roofline, calibration: AppliedCalibration?)] = []
        if let hostRoofline { rooflines.append(("this host", "host", hostRoofline, nil)) }
        for device in request.devices {
            rooflines.append((device.name, device.aliases.first ?? Report.slug(device.id), device.roofline,
                              request.calibrations[device.id]))
        }
        guard !rooflines.isEmpty else {
            throw RooflineError.usage("nothing to place the operators on: give --device or a host profile")
        }
        let sizes = request.sizes
        var phases: [ReportPhase] = []
        var decode: Workload?
        var steps: [(kind: PhaseKind, phase: Phase, tokens: Int)] = []
        if let prompt = sizes.promptTokens { steps.append((.prefill, .prefill(tokens: prompt), prompt)) }
        steps.append((.decode, .decode(context: sizes.contextTokens), sizes.contextTokens))
        for step in steps {
            var forms: [ReportAttentionForm] = []
            for mode in request.attention {
                let workload = try Workload(model: request.model, phase: step.phase, batch: sizes.batch,
                                            precision: request.precision, attention: mode)
                if step.kind == .decode { decode = workload }
                let operators = workload.operators()
                let analyses = try rooflines.map { target in
                    let analysis = try target.roofline.analyze(operators)
                    return NamedAnalysis(name: target.name, slug: target.slug, analysis: analysis,
                                         prediction: try target.calibration.map { try StepPrediction(analysis, applied: $0) })
                }
                forms.append(ReportAttentionForm(mode: mode, analyses: analyses))
            }
            phases.append(ReportPhase(kind: step.kind, tokens: step.tokens, batch: sizes.batch, forms: forms))
        }
        let footprint = try decode ?? Workload(model: request.model, phase: .decode(context: sizes.contextTokens),
                                                batch: sizes.batch, precision: request.precision, attention: .fused)
        let subject = ReportSubject(
            model: request.model, promptTokens: sizes.promptTokens, contextTokens: sizes.contextTokens,
            batch: sizes.batch, precision: request.precision, attention: request.attention,
            weightBytes: footprint.weightBytes,
            kvCacheBytesPerToken: request.model.kvCacheBytesPerToken(kvType: request.precision.kvCache),
            kvCacheBytes: footprint.kvCacheBytes, devices: request.devices,
            notes: request.notes + request.model.notes + request.model.sanityWarnings(context: sizes.contextTokens))
        var report = Report(
            createdAt: request.createdAt, toolVersion: RooflineVersion.current, command: request.command,
            subject: subject, host: request.host, hostRoofline: hostRoofline, phases: phases,
            deployment: try deploymentPlans(request), operators: request.operators)
        report.serving = try servingSweeps(request)
        return report
    }

    /// Each device's sweep over the request's serving batches and contexts (the prompt of `sizes` for every
    /// context), with the latency targets and prefill schedule; empty unless the sweep has more than one point or
    /// targets or a prefill schedule are given.
    static func servingSweeps(_ request: ReportRequest) throws -> [DeploymentSweep] {
        let batches = request.servingBatches.isEmpty ? [request.sizes.batch] : request.servingBatches
        let contexts = request.servingContexts.isEmpty ? [request.sizes.contextTokens] : request.servingContexts
        guard batches.count * contexts.count > 1 || !request.targets.isEmpty || request.prefillSchedule != nil else { return [] }
        return try request.devices.map { device in
            try SweepPlanner.sweep(model: request.model, precision: request.precision, contexts: contexts, batches: batches,
                                   promptTokens: contexts.map { _ in request.sizes.promptTokens },
                                   on: device, options: request.deployment ?? DeploymentOptions(),
                                   calibration: request.calibrations[device.id], targets: request.targets,
                                   prefillSchedule: request.prefillSchedule ?? .batched)
        }
    }

    /// One deployment plan per device (or the error that stopped it); nil without planner options or devices.
    static func deploymentPlans(_ request: ReportRequest) throws -> [DevicePlan]? {
        guard let options = request.deployment, !request.devices.isEmpty else { return nil }
        let workload = try DeploymentWorkload(model: request.model, sizes: request.sizes, precision: request.precision)
        return request.devices.map { device in
            do {
                return DevicePlan(deviceName: device.name,
                                  plan: .success(try DeploymentPlanner.plan(workload, on: device, options: options,
                                                                            calibration: request.calibrations[device.id])))
            } catch let error as RooflineError {
                return DevicePlan(deviceName: device.name, plan: .failure(error))
            } catch {
                return DevicePlan(deviceName: device.name, plan: .failure(RooflineError.runtime("\(error)")))
            }
        }
    }

    /// Reports side by side: per report (a model at a weight format) and device, the weights, KV cache per token,
    /// devices needed, and the serving figures (`SweepPlanner.point`: tokens/s, $ per million input and output
    /// tokens at the bound, the efficiency and predicted) of its deployment plan's sweep layout
    /// (`SweepPlanner.layout`); a device whose plan failed gets its error.
    public static func comparison(of reports: [Report], command: String, createdAt: String) -> ReportComparison {
        var rows: [ComparisonRow] = []
        for report in reports {
            let subject = report.subject
            for devicePlan in report.deployment ?? [] {
                var row = ComparisonRow(
                    model: subject.model.name, weights: subject.model.describe(subject.precision.weightScheme),
                    weightType: subject.precision.weights, deviceID: "", deviceName: devicePlan.deviceName,
                    weightBytes: subject.weightBytes, kvCacheBytesPerToken: subject.kvCacheBytesPerToken,
                    devicesNeeded: nil, layout: .tensorPipeline, layoutDevices: nil, basis: .bound, bound: nil,
                    atEfficiency: nil, predicted: nil, error: nil)
                switch devicePlan.plan {
                case .failure(let error):
                    row.deviceID = subject.devices.first { $0.name == devicePlan.deviceName }?.id ?? devicePlan.deviceName
                    row.error = error.message
                case .success(let plan):
                    row.deviceID = plan.deviceID
                    row.devicesNeeded = plan.minimumDevices
                    row.layout = SweepPlanner.layout(for: plan.options)
                    row.basis = SweepBasis.choose(efficiency: plan.options.efficiency, calibrated: plan.calibration != nil)
                    if let layout = plan.layouts.first(where: { $0.layout == row.layout }) {
                        let point = SweepPlanner.point(layout, context: plan.contextTokens, batch: plan.batch,
                                                       prompt: plan.promptTokens, efficiency: plan.options.efficiency,
                                                       price: plan.pricePerDeviceHourUSD)
                        row.layoutDevices = layout.devices
                        row.bound = point.bound
                        row.atEfficiency = point.atEfficiency
                        row.predicted = point.predicted
                    }
                }
                rows.append(row)
            }
        }
        return ReportComparison(createdAt: createdAt, toolVersion: RooflineVersion.current, command: command, rows: rows,
                                variants: reports)
    }
}
