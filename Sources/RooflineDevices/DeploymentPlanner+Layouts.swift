import Foundation
import RooflineCore
import RooflineCalibration

/// Which all-reduce times a step's communication: the planner's α-β model with the assumed latencies
/// (`DeploymentOptions.linkLatencySeconds`), or the calibration's measured all-reduce where one applies.
enum CommunicationModel {
    case assumed, calibrated
}

/// One step timed three ways: at the options' efficiency, at the bound, and predicted by the calibration (nil
/// without one).
struct StepTimes {
    var achieved: StepEstimate
    var bound: StepEstimate
    var predicted: StepEstimate?
}

/// The share of one operator's work that one device does in a layout.
struct DeviceShare {
    var flops: Double
    var weightBytes: Double
    /// Activation and KV-cache bytes.
    var otherBytes: Double

    /// An even split over `n` devices.
    static func split(_ n: Double) -> DeviceShare { DeviceShare(flops: 1 / n, weightBytes: 1 / n, otherBytes: 1 / n) }
}

/// Times the workload's steps under each layout.
struct Timing {
    var workload: DeploymentWorkload
    var device: Device
    /// Peak main-memory bandwidth, bytes per second (the device's, checked present by the planner).
    var bytesPerSecond: Double
    var options: DeploymentOptions
    /// The kernel time model that predicts steps beside the bound; nil for bounds only.
    var calibration: AppliedCalibration?

    /// Operator kinds whose work follows the KV cache: split by sequence under context parallelism.
    static let sequenceKinds: Set<OperatorKind> = [.attentionScores, .softmax, .attentionValues, .attention, .kvRead, .kvWrite]

    var batch: Double { Double(workload.batch) }
    var layers: Double { Double(workload.layerCount) }
    var hidden: Double { Double(workload.hiddenSize) }
    var activationBytes: Double { workload.activationType.bytesPerElement }

    /// One-way scale-up bandwidth: half the bidirectional vendor figure; the network's when the data has none.
    var linkBytesPerSecond: Double {
        device.interconnectBytesPerSecond.map { $0 / 2 } ?? options.networkBytesPerSecond
    }

    /// Tokens in one chunk of the tensor-pipeline prefill (a common chunked-prefill size in serving engines).
    static let prefillChunkTokens = 8_192
    /// Hidden-sized activation tensors per token assumed live on one device while a layer runs prefill: the
    /// residual stream, the normalised input, a projection's input and its output.
    static let prefillLiveTensors = 4.0

    /// An all-reduce of `bytes` held by each of `ranks` devices, as the faster of the two algorithms NCCL chooses
    /// between (small messages go by tree, large ones by ring):
    /// ring = 2(r − 1) × α + 2(r − 1)/r × bytes / bandwidth (reduce-scatter then all-gather, 2(r − 1) steps);
    /// tree = 2⌈log₂ r⌉ × α + 2 × bytes / bandwidth (reduce up a binary tree, broadcast down);
    /// time = min(ring, tree); 0 for one rank. α is the latency of one step (one message).
    /// The forms live in RooflineCore (`AllReduceForm`), where a cluster profile's measured all-reduce is fitted to them.
    static func allReduceSeconds(_ bytes: Double, ranks: Int, latencySeconds: Double, bytesPerSecond: Double) -> Double {
        AllReduceForm.plannerSeconds(bytes, ranks: ranks, latencySeconds: latencySeconds, bytesPerSecond: bytesPerSecond)
    }

    /// An all-reduce over `ranks` devices on the scale-up link: assumed, `allReduceSeconds` with α_link and the
    /// one-way link bandwidth; calibrated, the calibration's measured all-reduce
    /// (`AppliedCalibration.allReduceSeconds`), the assumed one where it has none.
    func linkAllReduceSeconds(_ bytes: Double, ranks: Int, _ model: CommunicationModel = .assumed) -> Double {
        if model == .calibrated, let measured = calibration?.allReduceSeconds(bytes, ranks: ranks) { return measured }
        return Timing.allReduceSeconds(bytes, ranks: ranks, latencySeconds: options.linkLatencySeconds,
                                       bytesPerSecond: linkBytesPerSecond)
    }

    /// An all-reduce over `ranks` devices on the scale-out network, each with its own NIC (`allReduceSeconds` with
    /// α_net and the per-device network bandwidth).
    func networkAllReduceSeconds(_ bytes: Double, ranks: Int) -> Double {
        Timing.allReduceSeconds(bytes, ranks: ranks, latencySeconds: options.networkLatencySeconds,
                                bytesPerSecond: options.networkBytesPerSecond)
    }

    /// One point-to-point message of `bytes` from one device over the network: α_net + bytes / networkBytesPerSecond.
    func networkMessageSeconds(_ bytes: Double) -> Double {
        options.networkLatencySeconds + bytes / options.networkBytesPerSecond
    }

    /// Prefill activation memory on one device with `tokens` tokens in one layer at once, `prefillLiveTensors`
    /// hidden-sized tensors each, beside the fullest device's `memoryPerDevice`.
    func prefillActivationMemory(tokens: Double, memoryPerDevice: Double, sizing: Sizing) -> PrefillActivationMemory {
        PrefillActivationMemory(
            tokens: tokens, hiddenSize: workload.hiddenSize, activationBytesPerElement: activationBytes,
            liveTensors: Timing.prefillLiveTensors, memoryPerDeviceBytes: memoryPerDevice, deviceMemoryBytes: sizing.memoryBytes,
            allowanceBytes: sizing.allowanceBytes)
    }

    /// Times `operators` with each one's `share` on one device at `efficiency`, plus `communicationSeconds`.
    /// Per operator: compute = flops × share / (peak × efficiency), memory = bytes × share / (bandwidth ×
    /// efficiency), time = max of the two (`Roofline.place` on a roofline derated by efficiency, which times an
    /// operator with no peak for its type by its bytes when it has no FLOPs or is vector work).
    func step(_ operators: [Operator], efficiency: Double, communicationSeconds: Double,
              share: (Operator) -> DeviceShare) throws -> StepEstimate {
        let roofline = device.roofline.derated(by: efficiency)
        return try Timing.sum(operators, communicationSeconds: communicationSeconds, share: share) { op in
            let p = try roofline.place(op)
            return (p.computeSeconds, p.memorySeconds, p.seconds)
        }
    }

    /// Times `operators` with each one's `share` on one device as the calibration predicts them
    /// (`AppliedCalibration.predict` on each operator's share), plus `communicationSeconds`: compute and memory
    /// are the achieved times Σ compute ÷ η_c and Σ memory ÷ η_m, seconds = Σ predicted + communication.
    func predictedStep(_ operators: [Operator], calibration: AppliedCalibration, communicationSeconds: Double,
                       share: (Operator) -> DeviceShare) throws -> StepEstimate {
        try Timing.sum(operators, communicationSeconds: communicationSeconds, share: share) { op in
            let p = try calibration.predict(op)
            return (p.computeSeconds, p.memorySeconds, p.seconds)
        }
    }

    /// A step from per-operator times: Σ compute, Σ memory and Σ seconds of `time` over each operator's share
    /// (`scaled`), plus `communicationSeconds` (not overlapped).
    static func sum(_ operators: [Operator], communicationSeconds: Double, share: (Operator) -> DeviceShare,
                    time: (Operator) throws -> (compute: Double, memory: Double, seconds: Double)) rethrows -> StepEstimate {
        var compute = 0.0, memory = 0.0, total = 0.0
        for op in operators {
            let t = try time(scaled(op, by: share(op)))
            compute += t.compute
            memory += t.memory
            total += t.seconds
        }
        return StepEstimate(computeSeconds: compute, memorySeconds: memory, communicationSeconds: communicationSeconds,
                            seconds: total + communicationSeconds)
    }

    /// One device's share of `op`: FLOPs and side work × share.flops, weights × share.weightBytes, activations and
    /// KV cache × share.otherBytes, parallel units (tiles) × share.flops (a device computes that share of the output
    /// tiles).
    static func scaled(_ op: Operator, by s: DeviceShare) -> Operator {
        Operator(name: op.name, kind: op.kind, flops: op.flops * s.flops,
                 bytes: ByteCounts(weights: op.bytes.weights * s.weightBytes, activations: op.bytes.activations * s.otherBytes,
                                   kvCache: op.bytes.kvCache * s.otherBytes),
                 computeType: op.computeType, count: op.count, parallelUnits: op.parallelUnits.map { $0 * s.flops },
                 sideWork: op.sideWork?.map { $0.scaled(by: s.flops) })
    }

    /// Data types of operators with FLOPs that `step` times by bytes alone on this device (none on most).
    func untimedTypes() -> [DataType] {
        let roofline = device.roofline
        let ops = workload.decodeOperators + (workload.prefillOperators ?? [])
        return Set(ops.filter { $0.flops > 0 && roofline.computeCeiling(for: $0.computeType) == nil }.map(\.computeType)).sorted()
    }

    /// A step at the given efficiency and at the bound (efficiency 1), both with the assumed communication, and
    /// predicted by the calibration with its measured all-reduce.
    func steps(_ operators: [Operator], communication: (CommunicationModel) -> Double,
               share: (Operator) -> DeviceShare) throws -> StepTimes {
        let assumed = communication(.assumed)
        return StepTimes(
            achieved: try step(operators, efficiency: options.efficiency, communicationSeconds: assumed, share: share),
            bound: try step(operators, efficiency: 1, communicationSeconds: assumed, share: share),
            predicted: try calibration.map {
                try predictedStep(operators, calibration: $0, communicationSeconds: communication(.calibrated), share: share)
            })
    }

    /// Sizes `layout` to the smallest deployment from `start` at which it fits and times it there.
    func plan(_ layout: DeploymentLayout, sizing: Sizing, from start: Int) throws -> LayoutPlan {
        switch layout {
        case .aggregate: try aggregate(sizing: sizing, from: start)
        case .tensorPipeline: try tensorPipeline(sizing: sizing, from: start)
        case .contextParallel: try contextParallel(sizing: sizing, from: start)
        }
    }

    private func notFitting(_ layout: DeploymentLayout, _ reason: UnfitReason, assumptions: [LayoutAssumption]) -> LayoutPlan {
        LayoutPlan(layout: layout, fits: false, reason: reason, assumptions: assumptions)
    }

    /// Why nothing up to the node limit fits: `devices` (and the nodes they occupy) are more than the limit, or,
    /// without a count, no deployment within it holds the layout.
    private func beyondLimit(_ sizing: Sizing, needing devices: Int? = nil) -> UnfitReason {
        guard let devices else {
            return .notWithinNodeLimit(maxNodes: options.maxNodes, devicesPerNode: options.devicesPerNode, maxDevices: sizing.maxDevices)
        }
        return .beyondNodeLimit(devicesNeeded: devices, nodesNeeded: sizing.nodes(devices), maxNodes: options.maxNodes,
                                devicesPerNode: options.devicesPerNode, maxDevices: sizing.maxDevices)
    }

    /// Fills in the performance and cost of a fitting layout.
    private func fitted(_ layout: DeploymentLayout, devices n: Int, sizing: Sizing, memoryPerDevice: Double,
                        decode: StepTimes, prefill: StepTimes?, requestPrefill: StepTimes? = nil,
                        assumptions: [LayoutAssumption]) -> LayoutPlan {
        var plan = LayoutPlan(layout: layout, fits: true, assumptions: assumptions)
        plan.devices = n
        plan.nodes = sizing.nodes(n)
        plan.memoryPerDeviceBytes = memoryPerDevice
        plan.decode = decode.achieved
        plan.decodeAtBound = decode.bound
        plan.prefill = prefill?.achieved
        plan.prefillAtBound = prefill?.bound
        plan.timeToFirstTokenSeconds = prefill?.achieved.seconds
        let economics = Economics(batch: batch, devices: Double(n), pricePerDeviceHourUSD: device.pricePerHourUSD)
        plan.secondsPerToken = decode.achieved.seconds
        plan.tokensPerSecond = economics.tokensPerSecond(decode.achieved.seconds)
        plan.tokensPerHour = economics.tokensPerSecond(decode.achieved.seconds) * 3600
        plan.costPerHourUSD = economics.costPerHourUSD
        plan.costPerMillionTokensUSD = economics.costPerMillionTokensUSD(decode.achieved.seconds)
        plan.boundTokensPerSecond = economics.tokensPerSecond(decode.bound.seconds)
        plan.boundCostPerMillionTokensUSD = economics.costPerMillionTokensUSD(decode.bound.seconds)
        if let predicted = decode.predicted {
            plan.decodePredicted = predicted
            plan.predictedTokensPerSecond = economics.tokensPerSecond(predicted.seconds)
            plan.predictedCostPerMillionTokensUSD = economics.costPerMillionTokensUSD(predicted.seconds)
        }
        plan.prefillPredicted = prefill?.predicted
        plan.predictedTimeToFirstTokenSeconds = prefill?.predicted?.seconds
        plan.requestPrefill = requestPrefill?.achieved
        plan.requestPrefillAtBound = requestPrefill?.bound
        plan.requestPrefillPredicted = requestPrefill?.predicted
        return plan
    }

    // MARK: aggregate

    private func aggregate(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        let assumptions: [LayoutAssumption] = [.aggregateStreaming]
        guard start <= sizing.maxDevices else {
            return notFitting(.aggregate, beyondLimit(sizing, needing: start), assumptions: assumptions)
        }
        let n = Double(start)
        let decode = try steps(workload.decodeOperators, communication: { _ in 0 }) { _ in .split(n) }
        let prefill = try workload.prefillOperators.map { try steps($0, communication: { _ in 0 }) { _ in .split(n) } }
        let request = try workload.requestPrefillOperators.map { try steps($0, communication: { _ in 0 }) { _ in .split(n) } }
        return fitted(.aggregate, devices: start, sizing: sizing, memoryPerDevice: sizing.aggregateBytesPerDevice(start),
                      decode: decode, prefill: prefill, requestPrefill: request, assumptions: assumptions)
    }

    // MARK: tensor-pipeline

    /// Tensor parallel over t devices of a node, p = n / g pipeline stages across nodes of g devices each (g = t;
    /// with e-way expert parallelism g = e: e / t attention replicas, the routed experts split over all e),
    /// m = min(batch, p) decode micro-batches. Decode per period (every sequence gains a token) = p stage-times of
    /// one micro-batch: per device flops and other bytes / (m g), weights / t (routed experts / g); communication
    /// `layerCommunicationSeconds` of L layers for rows (without expert parallelism 2L × linkAllReduce(rows × h × a))
    /// + p hand-offs of rows × h × a / g per device (rows = batch / m). Prefill is chunked: see `pipelinedPrefill`.
    private func tensorPipeline(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        var assumptions: [LayoutAssumption] = [
            .pipelineStages(layerCount: workload.layerCount),
            .pipelineMicroBatches,
            .pipelineAllReduces(hiddenSize: workload.hiddenSize, activationBytesPerElement: activationBytes,
                                linkLatencySeconds: options.linkLatencySeconds, linkBytesPerSecond: linkBytesPerSecond),
            .pipelineHandOffs(networkLatencySeconds: options.networkLatencySeconds,
                              networkBytesPerSecond: options.networkBytesPerSecond),
        ]
        if workload.prefillOperators != nil {
            assumptions.append(.pipelineChunkedPrefill(chunkTokens: Timing.prefillChunkTokens))
        }
        if let shape = options.chosenShape {
            // The chosen shape alone: tp × pp devices, held or refused with why.
            let bytes = sizing.pipelineBytesPerDevice(shape.devices)
            guard let bytes, bytes <= sizing.memoryBytes else {
                return notFitting(.tensorPipeline, .chosenShapeDoesNotHoldIt(
                    shape: shape, bytesPerDevice: bytes, deviceMemoryBytes: sizing.memoryBytes, layerCount: workload.layerCount),
                    assumptions: assumptions)
            }
        }
        guard let devices = sizing.sizes(from: start).first(where: {
            sizing.pipelineBytesPerDevice($0).map { $0 <= sizing.memoryBytes } ?? false
        }) else {
            let stageLimit = min(workload.layerCount, sizing.maxDevices / options.devicesPerNode)
            return notFitting(.tensorPipeline, start > sizing.maxDevices ? beyondLimit(sizing, needing: start)
                : .stagesDoNotHoldIt(stages: stageLimit, devicesPerStage: options.devicesPerNode, maxNodes: options.maxNodes),
                assumptions: assumptions)
        }
        let tensorParallel = sizing.groupSize(devices), stageDevices = sizing.stageSize(devices)
        let expertParallel = sizing.expertParallel
        let stages = devices / stageDevices
        let microBatches = min(workload.batch, stages)
        let stageGroup = Double(stageDevices)
        let microRows = batch / Double(microBatches)
        let hiddenBytes = microRows * hidden * activationBytes
        if expertParallel > 1, let moe = workload.moe {
            assumptions.append(.expertParallel(
                expertParallel: expertParallel, tensorParallel: tensorParallel, expertCount: moe.expertCount,
                expertsPerToken: moe.expertsPerToken, moeLayerCount: moe.layerCount, hiddenSize: workload.hiddenSize,
                activationBytesPerElement: activationBytes, linkLatencySeconds: options.linkLatencySeconds,
                linkBytesPerSecond: linkBytesPerSecond))
        }
        func decodeCommunication(_ model: CommunicationModel) -> Double {
            layerCommunicationSeconds(rows: microRows, tensorParallel: tensorParallel, expertParallel: expertParallel,
                                      layers: layers, model)
                + (stages > 1 ? Double(stages) * networkMessageSeconds(hiddenBytes / stageGroup) : 0)
        }
        // Per period (every sequence gains a token): each device reads its stage's weights once per micro-batch
        // and its share of KV and activations once: flops and other bytes / (m g), weights / t (routed experts
        // / g), g the stage's devices (t without expert parallelism).
        let perMicroBatchShare = 1 / (Double(microBatches) * stageGroup)
        let decode = try steps(workload.decodeOperators, communication: decodeCommunication) { op in
            DeviceShare(flops: perMicroBatchShare, weightBytes: 1 / weightSplit(op, tensorParallel: tensorParallel, stageDevices: stageDevices),
                        otherBytes: perMicroBatchShare)
        }
        let memoryPerDevice = sizing.pipelineBytesPerDevice(devices) ?? 0
        var prefill: StepTimes?
        if let ops = workload.prefillOperators {
            let promptTokens = batch * Double(workload.promptTokens ?? 0)
            let chunks = Timing.prefillChunks(tokens: promptTokens, stages: stages)
            prefill = try pipelinedPrefill(ops, tokens: promptTokens, tensorParallel: tensorParallel,
                                           expertParallel: expertParallel, stages: stages, chunks: chunks)
            let largest = (promptTokens / chunks).rounded(.up)
            assumptions.append(.pipelinePrefillActivations(
                chunks: chunks, chunkTokens: largest,
                memory: prefillActivationMemory(tokens: largest, memoryPerDevice: memoryPerDevice, sizing: sizing)))
        }
        // One request's prompt alone on the same deployment, for a serial prefill schedule.
        let request = try workload.requestPrefillOperators.map { ops -> StepTimes in
            let tokens = Double(workload.promptTokens ?? 0)
            return try pipelinedPrefill(ops, tokens: tokens, tensorParallel: tensorParallel, expertParallel: expertParallel,
                                        stages: stages, chunks: Timing.prefillChunks(tokens: tokens, stages: stages))
        }
        var plan = fitted(.tensorPipeline, devices: devices, sizing: sizing, memoryPerDevice: memoryPerDevice,
                          decode: decode, prefill: prefill, requestPrefill: request, assumptions: assumptions)
        plan.tensorParallel = tensorParallel
        plan.pipelineStages = stages
        plan.microBatches = microBatches
        if expertParallel > 1 { plan.expertParallel = expertParallel }
        return plan
    }

    /// The devices an operator's weights are split over in a stage of `stageDevices` devices: the routed experts'
    /// over all of them (each device holds E / e experts whole), every other weight over the `tensorParallel`
    /// devices of one attention replica.
    func weightSplit(_ op: Operator, tensorParallel: Int, stageDevices: Int) -> Double {
        let expert = workload.moe?.expertOperatorNames.contains(op.name) ?? false
        return Double(expert ? stageDevices : tensorParallel)
    }

    /// One all-to-all of expert parallelism (the dispatch of each token's hidden state to the devices of its k
    /// experts, or the combine back), each of `ranks` devices sending its `tokens` tokens:
    /// bytes per device = tokens × hidden × activation bytes × k × (ranks − 1) / ranks (routing spread evenly, the
    /// copies for experts on the device itself stay local); time = (ranks − 1) × α_link + bytes / one-way link
    /// bandwidth (one message to each other device, as a ring step's α). 0 for one rank. The calibration measures
    /// all-reduces only, so a predicted step times its all-to-alls this way too.
    func allToAllSeconds(tokens: Double, ranks: Int, expertsPerToken: Int) -> Double {
        guard ranks > 1 else { return 0 }
        let r = Double(ranks)
        let bytes = tokens * hidden * activationBytes * Double(expertsPerToken) * (r - 1) / r
        return (r - 1) * options.linkLatencySeconds + bytes / linkBytesPerSecond
    }

    /// Scale-up communication of `layers` layers for `rows` rows (tokens) in one stage of a tensor-pipeline
    /// deployment. Without expert parallelism: 2 × layers × linkAllReduce(rows × h × a, t). With e-way expert
    /// parallelism (r = e / t attention replicas, M = layers × L_moe / L of them MoE layers, the rest D dense):
    /// 2D × linkAllReduce(rows / r × h × a, t) + M × [linkAllReduce(rows / r × h × a, t) (attention output)
    /// + 2 × allToAll(rows / e tokens per device, e) (dispatch and combine)].
    func layerCommunicationSeconds(rows: Double, tensorParallel: Int, expertParallel: Int, layers: Double,
                                   _ model: CommunicationModel) -> Double {
        guard expertParallel > 1, let moe = workload.moe else {
            return 2 * layers * linkAllReduceSeconds(rows * hidden * activationBytes, ranks: tensorParallel, model)
        }
        let replicas = Double(expertParallel / tensorParallel)
        let allReduce = linkAllReduceSeconds(rows / replicas * hidden * activationBytes, ranks: tensorParallel, model)
        let moeLayers = layers * Double(moe.layerCount) / Double(workload.layerCount)
        let allToAll = allToAllSeconds(tokens: rows / Double(expertParallel), ranks: expertParallel,
                                       expertsPerToken: moe.expertsPerToken)
        return 2 * (layers - moeLayers) * allReduce + moeLayers * (allReduce + 2 * allToAll)
    }

    /// Prefill chunks for `tokens` prompt tokens over `stages` stages: max(⌈tokens / prefillChunkTokens⌉,
    /// min(stages, tokens)), at least 1.
    static func prefillChunks(tokens: Double, stages: Int) -> Double {
        max(1, (tokens / Double(prefillChunkTokens)).rounded(.up), min(Double(stages), tokens))
    }

    /// Chunked pipelined prefill of `operators` (`tokens` prompt tokens: B·N for the batch, N for one request) in
    /// k = `chunks` equal chunks over p = `stages` stages of g devices
    /// (g = t, or e with e-way expert parallelism). One chunk through the whole model on one stage group: flops and
    /// other bytes / (k g), weights / t (routed experts / g) per device (each stage re-reads its weights per chunk),
    /// time W. The fullest stage holds f = ⌈L/p⌉/L of it, so with the stages overlapping:
    /// time = (1 + (k − 1) f) × W (compute and memory scaled alike) + communication, where communication =
    /// [layers(L) + (p − 1) × message(c / g)] + (k − 1) × [layers(⌈L/p⌉) + message(c / g) when p > 1],
    /// layers(n) = `layerCommunicationSeconds` of n layers for tokens / k rows (without expert parallelism
    /// 2n × linkAllReduce(c)), c = tokens / k × hidden × activation bytes.
    private func pipelinedPrefill(_ operators: [Operator], tokens: Double, tensorParallel: Int, expertParallel: Int,
                                  stages: Int, chunks: Double) throws -> StepTimes {
        let stageDevices = max(tensorParallel, expertParallel)
        let layersPerStage = Double((workload.layerCount + stages - 1) / stages)
        let chunkRows = tokens / chunks
        let chunkBytes = chunkRows * hidden * activationBytes
        let handOff = stages > 1 ? networkMessageSeconds(chunkBytes / Double(stageDevices)) : 0
        func communication(_ model: CommunicationModel) -> Double {
            let throughAll = layerCommunicationSeconds(rows: chunkRows, tensorParallel: tensorParallel,
                                                       expertParallel: expertParallel, layers: layers, model)
                + Double(stages - 1) * handOff
            let fullestStage = layerCommunicationSeconds(rows: chunkRows, tensorParallel: tensorParallel,
                                                         expertParallel: expertParallel, layers: layersPerStage, model)
                + handOff
            return throughAll + (chunks - 1) * fullestStage
        }
        let scale = 1 + (chunks - 1) * layersPerStage / layers
        let perChunkShare = 1 / (chunks * Double(stageDevices))
        let chunk = try steps(operators, communication: { _ in 0 }) { op in
            DeviceShare(flops: perChunkShare,
                        weightBytes: 1 / weightSplit(op, tensorParallel: tensorParallel, stageDevices: stageDevices),
                        otherBytes: perChunkShare)
        }
        func pipelined(_ step: StepEstimate, _ model: CommunicationModel) -> StepEstimate {
            StepEstimate(computeSeconds: step.computeSeconds * scale, memorySeconds: step.memorySeconds * scale,
                         communicationSeconds: communication(model), seconds: step.seconds * scale + communication(model))
        }
        return StepTimes(achieved: pipelined(chunk.achieved, .assumed), bound: pipelined(chunk.bound, .assumed),
                         predicted: chunk.predicted.map { pipelined($0, .calibrated) })
    }

    // MARK: context-parallel

    /// c = n / t groups of t devices, each holding all weights and 1/c of the KV cache. Decode: weights, FLOPs and
    /// activations / t, attention and KV / (c t); communication 2L × linkAllReduce(B × h × a) + L ×
    /// networkAllReduce(B × h × 4 / t, c) (log-sum-exp merge, each device its heads' share). Prefill: everything
    /// but weights / (c t); communication 2L × linkAllReduce(B·N/c × h × a) + L (c − 1) × message(block / t),
    /// block = B·N/c × KV bytes per token / L. One request's prefill (serial schedule) is the same with B = 1.
    private func contextParallel(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        var assumptions: [LayoutAssumption] = [
            .contextGroups,
            .contextDecodeMerge(hiddenSize: workload.hiddenSize, networkLatencySeconds: options.networkLatencySeconds,
                                networkBytesPerSecond: options.networkBytesPerSecond,
                                linkLatencySeconds: options.linkLatencySeconds, linkBytesPerSecond: linkBytesPerSecond),
        ]
        if workload.prefillOperators != nil {
            assumptions.append(.contextRingPrefill(networkLatencySeconds: options.networkLatencySeconds,
                                                   networkBytesPerSecond: options.networkBytesPerSecond))
        }
        guard let devices = sizing.sizes(from: start).first(where: { sizing.contextParallelBytesPerDevice($0) <= sizing.memoryBytes }) else {
            let weightsPerDevice = sizing.weightBytes / Double(options.devicesPerNode) + sizing.allowanceBytes
            let reason = start > sizing.maxDevices ? beyondLimit(sizing, needing: start)
                : weightsPerDevice >= sizing.memoryBytes
                    ? .groupsCannotHoldAllWeights(weightBytesPerDevice: weightsPerDevice, deviceMemoryBytes: sizing.memoryBytes)
                    : beyondLimit(sizing)
            return notFitting(.contextParallel, reason, assumptions: assumptions)
        }
        let tensorParallel = sizing.groupSize(devices), contextGroups = devices / tensorParallel
        let groupDevices = Double(tensorParallel), groups = Double(contextGroups)
        func decodeCommunication(_ model: CommunicationModel) -> Double {
            2 * layers * linkAllReduceSeconds(batch * hidden * activationBytes, ranks: tensorParallel, model)
                + layers * networkAllReduceSeconds(batch * hidden * 4 / groupDevices, ranks: contextGroups)
        }
        let decode = try steps(workload.decodeOperators, communication: decodeCommunication) { op in
            Timing.sequenceKinds.contains(op.kind) ? .split(groups * groupDevices) : .split(groupDevices)
        }
        let memoryPerDevice = sizing.contextParallelBytesPerDevice(devices)
        // The prompts of `sequences` sequences, split by sequence over the groups as ring attention.
        func ringPrefill(_ ops: [Operator], sequences: Double) throws -> StepTimes {
            let tokensPerGroup = sequences * Double(workload.promptTokens ?? 0) / groups
            let kvBlockBytes = tokensPerGroup * workload.kvCacheBytesPerToken / layers
            func communication(_ model: CommunicationModel) -> Double {
                2 * layers * linkAllReduceSeconds(tokensPerGroup * hidden * activationBytes, ranks: tensorParallel, model)
                    + (contextGroups > 1 ? layers * Double(contextGroups - 1) * networkMessageSeconds(kvBlockBytes / groupDevices) : 0)
            }
            // Tokens are split across groups: everything but the weights divides by c·t; weights by t.
            let perDeviceShare = 1 / (groups * groupDevices)
            return try steps(ops, communication: communication) { _ in
                DeviceShare(flops: perDeviceShare, weightBytes: 1 / groupDevices, otherBytes: perDeviceShare)
            }
        }
        let tokensPerGroup = batch * Double(workload.promptTokens ?? 0) / groups
        let prefill = try workload.prefillOperators.map { try ringPrefill($0, sequences: batch) }
        let request = try workload.requestPrefillOperators.map { try ringPrefill($0, sequences: 1) }
        if prefill != nil {
            let tokens = tokensPerGroup.rounded(.up)
            assumptions.append(.contextPrefillActivations(
                tokensPerGroup: tokens,
                memory: prefillActivationMemory(tokens: tokens, memoryPerDevice: memoryPerDevice, sizing: sizing)))
        }
        var plan = fitted(.contextParallel, devices: devices, sizing: sizing, memoryPerDevice: memoryPerDevice,
                          decode: decode, prefill: prefill, requestPrefill: request, assumptions: assumptions)
        plan.tensorParallel = tensorParallel
        plan.contextGroups = contextGroups
        return plan
    }
}

/// Throughput and cost of a deployment.
struct Economics {
    var batch: Double
    var devices: Double
    var pricePerDeviceHourUSD: Double?

    /// batch / secondsPerStep: every sequence gains one token per decode step.
    func tokensPerSecond(_ secondsPerStep: Double) -> Double { batch / secondsPerStep }

    /// devices × price per device-hour.
    var costPerHourUSD: Double? { pricePerDeviceHourUSD.map { $0 * devices } }

    /// costPerHourUSD / (tokensPerSecond × 3600) × 1e6.
    func costPerMillionTokensUSD(_ secondsPerStep: Double) -> Double? {
        costPerHourUSD.map { $0 / (tokensPerSecond(secondsPerStep) * 3600) * 1e6 }
    }
}

extension Roofline {
    /// The same roofline with every compute and bandwidth ceiling multiplied by `factor` (an efficiency).
    func derated(by factor: Double) -> Roofline {
        var copy = self
        copy.computeCeilings = computeCeilings.map {
            ComputeCeiling(dataType: $0.dataType, flopsPerSecond: $0.flopsPerSecond * factor, source: $0.source)
        }
        copy.bandwidthCeilings = bandwidthCeilings.map {
            BandwidthCeiling(level: $0.level, bytesPerSecond: $0.bytesPerSecond * factor, source: $0.source,
                             capacityBytes: $0.capacityBytes)
        }
        return copy
    }
}
