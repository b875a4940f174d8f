import RooflineCalibration
import RooflineModels

/// Which of a point's figures a sweep puts first: the calibration's prediction, the `--efficiency` override, or
/// the roofline bound.
public enum SweepBasis: String, Codable, Sendable {
    case predicted, efficiency, bound

    /// The efficiency override when one below 1 is given (an explicit choice), else the calibration's prediction
    /// when one applies, else the bound.
    public static func choose(efficiency: Double, calibrated: Bool) -> SweepBasis {
        efficiency < 1 ? .efficiency : calibrated ? .predicted : .bound
    }
}

/// How a batch's prompts are prefilled: the scheduling assumption behind each request's time to first token.
public enum PrefillSchedule: String, Codable, Sendable, CaseIterable {
    /// All B prompts in one prefill step; every request's first token comes when that step ends.
    case batched
    /// One prompt after another on the whole deployment: request i (1-based) waits behind the i − 1 prefills
    /// before it, so its time to first token is i × one request's prefill.
    case serial
}

/// The serving figures of one sweep point from one timing of its decode and prefill steps.
public struct SweepFigures: Codable, Sendable, Equatable {
    /// Time per output token: one decode step of the batch, decode.seconds.
    public var secondsPerOutputToken: Double
    /// Tokens per second one user sees: 1 ÷ secondsPerOutputToken.
    public var tokensPerSecondPerUser: Double
    /// Tokens per second of the whole batch: batch ÷ secondsPerOutputToken.
    public var tokensPerSecond: Double
    /// Time to first token of one request, the mean over the batch's B requests: batched, the batch's prefill step
    /// (every prompt prefilled together); serial, (B + 1) / 2 × one request's prefill t₁ (request i waits behind
    /// i − 1 prefills: mean of i × t₁ over i = 1…B); nil without a prompt.
    public var timeToFirstTokenSeconds: Double?
    /// The last request's time to first token: batched, the batch's prefill step; serial, B × t₁.
    public var worstTimeToFirstTokenSeconds: Double?
    /// The whole batch's prefill, every prompt once: batched, the prefill step; serial, B × t₁.
    public var batchPrefillSeconds: Double?
    /// Decode cost: devices × price per device-hour ÷ 3600 × secondsPerOutputToken ÷ batch × 1e6; nil without a price.
    public var costPerMillionOutputTokensUSD: Double?
    /// Prefill cost: devices × price per device-hour ÷ 3600 × batchPrefillSeconds ÷ (batch × prompt) × 1e6;
    /// nil without a price or a prompt.
    public var costPerMillionInputTokensUSD: Double?
    /// Whether the decode step's compute time is at least its memory time (communication left out).
    public var decodeComputeBound: Bool

    /// The figures of a deployment of `devices` at `pricePerDeviceHourUSD` whose decode step is `decode` and whose
    /// prefill of `promptTokens` per sequence is `prefill` (the whole batch's step) or, under the serial
    /// `schedule`, `requestPrefill` (one request's prompt alone), for `batch` sequences (formulas on each field).
    public init(decode: StepEstimate, prefill: StepEstimate?, requestPrefill: StepEstimate? = nil,
                schedule: PrefillSchedule = .batched, batch: Int, promptTokens: Int?, devices: Int,
                pricePerDeviceHourUSD: Double?) {
        let sequences = Double(batch)
        let dollarsPerSecond = pricePerDeviceHourUSD.map { $0 * Double(devices) / 3600 }
        secondsPerOutputToken = decode.seconds
        tokensPerSecondPerUser = 1 / decode.seconds
        tokensPerSecond = sequences / decode.seconds
        switch schedule {
        case .batched:
            timeToFirstTokenSeconds = prefill?.seconds
            worstTimeToFirstTokenSeconds = prefill?.seconds
            batchPrefillSeconds = prefill?.seconds
        case .serial:
            let one = requestPrefill?.seconds
            timeToFirstTokenSeconds = one.map { (sequences + 1) / 2 * $0 }
            worstTimeToFirstTokenSeconds = one.map { sequences * $0 }
            batchPrefillSeconds = one.map { sequences * $0 }
        }
        costPerMillionOutputTokensUSD = dollarsPerSecond.map { $0 * decode.seconds / sequences * 1e6 }
        if let dollarsPerSecond, let batchPrefillSeconds, let promptTokens {
            costPerMillionInputTokensUSD = dollarsPerSecond * batchPrefillSeconds / (sequences * Double(promptTokens)) * 1e6
        }
        decodeComputeBound = decode.computeSeconds >= decode.memorySeconds
    }
}

/// Why a batch is a context's knee.
public enum SweepKneeKind: String, Codable, Sendable {
    /// The first batch whose decode step at the bound is compute-bound: larger batches add tokens/s only with
    /// FLOPs, no longer for free.
    case computeBound
    /// No fitting batch turns compute-bound: the largest batch that fits.
    case largestFitting
}

/// One context's knee.
public struct SweepKnee: Codable, Sendable, Equatable {
    public var contextTokens: Int
    public var batch: Int
    public var kind: SweepKneeKind
}

/// One (context, batch) of a sweep: the plan of the sweep's layout at those sizes, exactly as `plan` gives it, and
/// its serving figures.
public struct SweepPoint: Codable, Sendable, Equatable {
    public var contextTokens: Int
    public var batch: Int
    public var promptTokens: Int?
    /// The layout planned at this point (`DeploymentPlanner.plan` with the sweep's layout only).
    public var plan: LayoutPlan
    /// Figures at the bound, at the `--efficiency` override (nil at efficiency 1) and predicted by the calibration
    /// (nil without one); all nil when the layout does not fit.
    public var bound: SweepFigures?
    public var atEfficiency: SweepFigures?
    public var predicted: SweepFigures?
    /// Set on the context's knee.
    public var knee: SweepKneeKind?
    /// True on the context's latency choice (`DeploymentSweep.choices`); nil elsewhere.
    public var chosen: Bool?

    /// The figures `basis` names (the bound's where the basis has none).
    public func figures(_ basis: SweepBasis) -> SweepFigures? {
        switch basis {
        case .predicted: predicted ?? bound
        case .efficiency: atEfficiency ?? bound
        case .bound: bound
        }
    }
}

/// What a sweep assumes, as values; renderers word them.
public enum SweepAssumption: Codable, Sendable, Equatable {
    /// Every point uses `layout`: the one `--layout` names, else tensor-pipeline (chosenByUser false).
    case layout(layout: DeploymentLayout, chosenByUser: Bool)
    /// Each point is deployed as `plan` deploys it: the smallest deployment within maxNodes nodes of
    /// devicesPerNode that holds its weights and KV cache.
    case deployedPerPoint(devicesPerNode: Int, maxNodes: Int)
    /// Every point is deployed on the shape chosen with `--tp`, `--pp` and `--ep`; a point it does not hold does not fit.
    case chosenShape(shape: ParallelShape)
    /// The batch's prompts are prefilled together in one step; every request's first token comes when that step
    /// ends, so the time to first token of one request is the whole batch's prefill.
    case batchedPrefill
    /// The batch's prompts are prefilled one after another on the whole deployment: request i waits behind the
    /// i − 1 prefills before it; figures give the mean and the worst request's time to first token.
    case serialPrefill
    /// Input tokens pay for the prefill step and output tokens for the decode steps, at devices × price per hour.
    case costSplit
    /// The figures shown first; the bound is given beside them.
    case figures(basis: SweepBasis)
    /// The knee: the first batch whose decode step is compute-bound at the bound, else the largest that fits.
    case knee
}

/// A sweep of `plan` over contexts and batches, with its knees.
public struct DeploymentSweep: Codable, Sendable, Equatable {
    public var model: String
    public var deviceID: String
    public var deviceName: String
    public var layout: DeploymentLayout
    public var weightType: DataType
    public var activationType: DataType
    public var kvCacheType: DataType
    public var options: DeploymentOptions
    public var pricePerDeviceHourUSD: Double?
    public var basis: SweepBasis
    public var contexts: [Int]
    public var batches: [Int]
    /// Points by context, then batch, ascending.
    public var points: [SweepPoint]
    public var knees: [SweepKnee]
    public var assumptions: [SweepAssumption]
    public var calibration: CalibrationUsed?
    /// How each point's prompts are prefilled (`--prefill-schedule`).
    public var prefillSchedule: PrefillSchedule = .batched
    /// Each context's serving front (`ServingFront`), in the contexts' order.
    public var fronts: [ServingFront] = []
    /// The latency targets given (`--max-tpot`, `--max-ttft`); nil without.
    public var targets: LatencyTargets?
    /// Each context's cheapest point meeting `targets` (`ServingChoice`); empty without targets.
    public var choices: [ServingChoice] = []
}

/// Plans every (context, batch) of a sweep.
public enum SweepPlanner {
    /// The layout a sweep plans: the one layout `options` names, else tensor-pipeline (tensor parallel in a node,
    /// pipeline stages across nodes: a deployment that counts its communication, where aggregate is the bound).
    public static func layout(for options: DeploymentOptions) -> DeploymentLayout {
        options.layouts.count == 1 ? options.layouts[0] : .tensorPipeline
    }

    /// Plans `model` on `device` at every context × batch with `layout(for: options)`, each point exactly as
    /// `DeploymentPlanner.plan` plans it; `promptTokens` gives each context's prompt (one per context, or empty for
    /// no prefill), prefilled as `prefillSchedule` says. Each context gets its serving front and, with `targets`, its cheapest point meeting them
    /// (`ServingChoice`: lowest $ per million output tokens with a price, else fewest devices). Throws what a
    /// single plan throws at the first point that throws.
    public static func sweep(model: ModelConfig, precision: Precision, contexts: [Int], batches: [Int],
                             promptTokens: [Int?], on device: Device, options: DeploymentOptions,
                             calibration: AppliedCalibration? = nil,
                             targets: LatencyTargets = LatencyTargets(),
                             prefillSchedule: PrefillSchedule = .batched) throws -> DeploymentSweep {
        let layout = layout(for: options)
        var single = try options.validated()
        single.layouts = [layout]
        let basis = SweepBasis.choose(efficiency: single.efficiency, calibrated: calibration != nil)
        var points: [SweepPoint] = []
        for (index, context) in contexts.enumerated() {
            let prompt = index < promptTokens.count ? promptTokens[index] : nil
            for batch in batches {
                let sizes = try StepSizes(batch: batch, contextTokens: context, promptTokens: prompt)
                let workload = try DeploymentWorkload(model: model, sizes: sizes, precision: precision,
                                                      requestPrefill: prefillSchedule == .serial)
                let plan = try DeploymentPlanner.plan(workload, on: device, options: single, calibration: calibration)
                points.append(point(plan.layouts[0], context: context, batch: batch, prompt: prompt,
                                    efficiency: single.efficiency, price: device.pricePerHourUSD, schedule: prefillSchedule))
            }
        }
        let knees = knees(points)
        for knee in knees {
            if let index = points.firstIndex(where: { $0.contextTokens == knee.contextTokens && $0.batch == knee.batch }) {
                points[index].knee = knee.kind
            }
        }
        var sweep = DeploymentSweep(
            model: model.name, deviceID: device.id, deviceName: device.name, layout: layout,
            weightType: precision.weights, activationType: precision.activations, kvCacheType: precision.kvCache,
            options: single, pricePerDeviceHourUSD: device.pricePerHourUSD, basis: basis, contexts: contexts,
            batches: batches, points: points, knees: knees,
            assumptions: [.layout(layout: layout, chosenByUser: options.layouts.count == 1),
                          single.chosenShape.map { .chosenShape(shape: $0) }
                            ?? .deployedPerPoint(devicesPerNode: single.devicesPerNode, maxNodes: single.maxNodes),
                          prefillSchedule == .serial ? .serialPrefill : .batchedPrefill, .costSplit,
                          .figures(basis: basis), .knee])
        sweep.calibration = calibration?.used
        sweep.prefillSchedule = prefillSchedule
        guard !targets.isEmpty else {
            sweep.fronts = contexts.map { ServingFront(sweep.points, contextTokens: $0, basis: basis) }
            return sweep
        }
        var candidates = sweep.points
        if single.chosenShape == nil, layout == .tensorPipeline {
            candidates += try shapedCandidates(sweep.points, model: model, precision: precision, on: device,
                                               options: single, calibration: calibration, schedule: prefillSchedule)
        }
        sweep.fronts = contexts.map { ServingFront(candidates, contextTokens: $0, basis: basis) }
        let criterion: ServingCriterion = device.pricePerHourUSD == nil ? .fewestDevices : .cheapestOutputTokens
        sweep.targets = targets
        sweep.choices = contexts.map {
            ServingChoice.choose(candidates, contextTokens: $0, targets: targets, basis: basis, criterion: criterion)
        }
        for choice in sweep.choices {
            if let chosen = choice.point, let index = sweep.points.firstIndex(where: { $0.plan == chosen.plan && $0.batch == chosen.batch && $0.contextTokens == chosen.contextTokens }) {
                sweep.points[index].chosen = true
            }
        }
        return sweep
    }

    /// The other tensor-pipeline shapes a latency search evaluates at each point: for every tp dividing the node
    /// and, for a mixture of experts, every ep (1, or a multiple of tp dividing the node and the expert count), the
    /// fewest stages p (up to the layer count and the node limit) whose fullest device holds it
    /// (`Sizing.pipelineBytesPerDevice`: ⌈L/p⌉/L × (weights + KV) / tp + allowance without ep). More stages than that
    /// add devices without shortening a decode period (p stage-times of ⌈L/p⌉ layers each is the time of all L
    /// layers, plus hand-offs), so they are never cheaper or faster. Shapes equal to the point's own deployment are
    /// left out.
    static func shapedCandidates(_ points: [SweepPoint], model: ModelConfig, precision: Precision, on device: Device,
                                 options: DeploymentOptions, calibration: AppliedCalibration?,
                                 schedule: PrefillSchedule = .batched) throws -> [SweepPoint] {
        guard let memoryBytes = device.memoryBytes else { return [] }
        let nodeDivisors = (1...options.devicesPerNode).filter { options.devicesPerNode % $0 == 0 }
        var candidates: [SweepPoint] = []
        for point in points {
            let sizes = try StepSizes(batch: point.batch, contextTokens: point.contextTokens, promptTokens: point.promptTokens)
            let workload = try DeploymentWorkload(model: model, sizes: sizes, precision: precision,
                                                  requestPrefill: schedule == .serial)
            let allowance = options.reserveBytesPerDevice + workload.decodeWorkspaceBytes
            guard allowance < memoryBytes else { continue }
            // Each device takes whole attention heads (as `--tp` requires): a size that does not divide them is no shape.
            for tp in nodeDivisors where model.headCount % tp == 0 {
                let expertSizes = [1] + (workload.moe.map { moe in
                    nodeDivisors.filter { $0 > tp && $0 % tp == 0 && moe.expertCount % $0 == 0 }
                } ?? [])
                for ep in expertSizes {
                    let sizing = Sizing(weightBytes: workload.weightBytes, kvCacheBytes: workload.kvCacheBytes,
                                        layerCount: workload.layerCount, memoryBytes: memoryBytes, allowanceBytes: allowance,
                                        devicesPerNode: options.devicesPerNode,
                                        maxDevices: options.maxNodes * options.devicesPerNode, chosenTensorParallel: tp,
                                        expertWeightBytes: workload.moe?.routedExpertWeightBytes ?? 0, expertParallel: ep)
                    let stageDevices = max(tp, ep)
                    guard let stages = (1...min(workload.layerCount, options.maxNodes)).first(where: {
                        (sizing.pipelineBytesPerDevice(stageDevices * $0) ?? .infinity) <= memoryBytes
                    }), point.plan.tensorParallel != tp || point.plan.pipelineStages != stages
                        || (point.plan.expertParallel ?? 1) != ep else { continue }
                    var shaped = options
                    shaped.chosenShape = ParallelShape(tensorParallel: tp, pipelineStages: stages, expertParallel: ep)
                    let plan = try DeploymentPlanner.plan(workload, on: device, options: shaped, calibration: calibration)
                    candidates.append(Self.point(plan.layouts[0], context: point.contextTokens, batch: point.batch,
                                                 prompt: point.promptTokens, efficiency: options.efficiency,
                                                 price: device.pricePerHourUSD, schedule: schedule))
                }
            }
        }
        return candidates
    }

    /// A point's figures from its layout plan: bound from decodeAtBound and prefillAtBound, the efficiency's from
    /// decode and prefill (only below efficiency 1), predicted from decodePredicted and prefillPredicted (each with
    /// its one-request prefill under the serial `schedule`).
    public static func point(_ plan: LayoutPlan, context: Int, batch: Int, prompt: Int?, efficiency: Double,
                             price: Double?, schedule: PrefillSchedule = .batched) -> SweepPoint {
        var point = SweepPoint(contextTokens: context, batch: batch, promptTokens: prompt, plan: plan)
        guard plan.fits, let devices = plan.devices else { return point }
        func figures(_ decode: StepEstimate?, _ prefill: StepEstimate?, _ request: StepEstimate?) -> SweepFigures? {
            decode.map { SweepFigures(decode: $0, prefill: prefill, requestPrefill: request, schedule: schedule, batch: batch,
                                      promptTokens: prompt, devices: devices, pricePerDeviceHourUSD: price) }
        }
        point.bound = figures(plan.decodeAtBound, plan.prefillAtBound, plan.requestPrefillAtBound)
        if efficiency < 1 { point.atEfficiency = figures(plan.decode, plan.prefill, plan.requestPrefill) }
        point.predicted = figures(plan.decodePredicted, plan.prefillPredicted, plan.requestPrefillPredicted)
        return point
    }

    /// Per context (in the points' order), over its fitting points by ascending batch: the first whose decode step
    /// at the bound is compute-bound, else the largest batch; no knee where nothing fits.
    static func knees(_ points: [SweepPoint]) -> [SweepKnee] {
        var contexts: [Int] = []
        for point in points where !contexts.contains(point.contextTokens) { contexts.append(point.contextTokens) }
        return contexts.compactMap { context in
            let fitting = points.filter { $0.contextTokens == context && $0.bound != nil }.sorted { $0.batch < $1.batch }
            if let first = fitting.first(where: { $0.bound?.decodeComputeBound == true }) {
                return SweepKnee(contextTokens: context, batch: first.batch, kind: .computeBound)
            }
            return fitting.last.map { SweepKnee(contextTokens: context, batch: $0.batch, kind: .largestFitting) }
        }
    }
}
