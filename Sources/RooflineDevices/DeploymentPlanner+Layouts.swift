import Foundation

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

    /// An all-reduce of `bytes` over `ranks` devices on the scale-up link: one latency plus the ring volume,
    /// α_link + 2(ranks − 1)/ranks × bytes / linkBytesPerSecond; 0 for one rank.
    func linkAllReduceSeconds(_ bytes: Double, ranks: Int) -> Double {
        guard ranks > 1 else { return 0 }
        let r = Double(ranks)
        return options.linkLatencySeconds + 2 * (r - 1) / r * bytes / linkBytesPerSecond
    }

    /// An all-reduce of `bytes` over `ranks` groups on the scale-out network:
    /// α_net + 2(ranks − 1)/ranks × bytes / networkBytesPerSecond; 0 for one rank.
    func networkAllReduceSeconds(_ bytes: Double, ranks: Int) -> Double {
        guard ranks > 1 else { return 0 }
        let r = Double(ranks)
        return options.networkLatencySeconds + 2 * (r - 1) / r * bytes / options.networkBytesPerSecond
    }

    /// One point-to-point message of `bytes` over the network: α_net + bytes / networkBytesPerSecond.
    func networkMessageSeconds(_ bytes: Double) -> Double {
        options.networkLatencySeconds + bytes / options.networkBytesPerSecond
    }

    /// Times `operators` with each one's `share` on one device at `efficiency`, plus `communicationSeconds`.
    /// Per operator: compute = flops × share / (peak × efficiency), memory = bytes × share / (bandwidth ×
    /// efficiency), time = max of the two (`Roofline.place` on a roofline derated by efficiency, which times an
    /// operator with no peak for its type by its bytes when it has no FLOPs or is vector work).
    func step(_ operators: [Operator], efficiency: Double, communicationSeconds: Double,
              share: (Operator) -> DeviceShare) throws -> StepEstimate {
        let roofline = device.roofline.derated(by: efficiency)
        var compute = 0.0, bytesTime = 0.0, total = 0.0
        for op in operators {
            let s = share(op)
            let scaled = Operator(
                name: op.name, kind: op.kind, flops: op.flops * s.flops,
                bytes: ByteCounts(weights: op.bytes.weights * s.weightBytes, activations: op.bytes.activations * s.otherBytes,
                                  kvCache: op.bytes.kvCache * s.otherBytes),
                computeType: op.computeType, count: op.count)
            let placement = try roofline.place(scaled)
            compute += placement.computeSeconds
            bytesTime += placement.memorySeconds
            total += placement.seconds
        }
        return StepEstimate(computeSeconds: compute, memorySeconds: bytesTime, communicationSeconds: communicationSeconds,
                            seconds: total + communicationSeconds)
    }

    /// Data types of operators with FLOPs that `step` times by bytes alone on this device (none on most).
    func untimedTypes() -> [DataType] {
        let roofline = device.roofline
        let ops = workload.decodeOperators + (workload.prefillOperators ?? [])
        return Set(ops.filter { $0.flops > 0 && roofline.computeCeiling(for: $0.computeType) == nil }.map(\.computeType)).sorted()
    }

    /// A step at the given efficiency and at the bound (efficiency 1).
    func stepPair(_ operators: [Operator], communicationSeconds: Double,
                  share: (Operator) -> DeviceShare) throws -> (achieved: StepEstimate, bound: StepEstimate) {
        (try step(operators, efficiency: options.efficiency, communicationSeconds: communicationSeconds, share: share),
         try step(operators, efficiency: 1, communicationSeconds: communicationSeconds, share: share))
    }

    /// Sizes `layout` to the smallest deployment from `start` at which it fits and times it there.
    func plan(_ layout: DeploymentLayout, sizing: Sizing, from start: Int) throws -> LayoutPlan {
        switch layout {
        case .aggregate: try aggregate(sizing: sizing, from: start)
        case .tensorPipeline: try tensorPipeline(sizing: sizing, from: start)
        case .contextParallel: try contextParallel(sizing: sizing, from: start)
        }
    }

    private func notFitting(_ layout: DeploymentLayout, _ reason: String, assumptions: [String]) -> LayoutPlan {
        LayoutPlan(layout: layout, fits: false, reason: reason, assumptions: assumptions)
    }

    /// Why nothing up to the node limit fits, in words.
    private func beyondLimit(_ sizing: Sizing, needing devices: Int? = nil) -> String {
        let limit = "\(Format.grouped(options.maxNodes)) nodes of \(options.devicesPerNode) (\(Format.grouped(sizing.maxDevices)) devices)"
        guard let devices else { return "it does not fit in \(limit)" }
        return "it needs \(Format.grouped(devices)) devices (\(Format.grouped(sizing.nodes(devices))) nodes), more than \(limit)"
    }

    /// Fills in the performance and cost of a fitting layout.
    private func fitted(_ layout: DeploymentLayout, devices n: Int, sizing: Sizing, memoryPerDevice: Double,
                        decode: (achieved: StepEstimate, bound: StepEstimate),
                        prefill: (achieved: StepEstimate, bound: StepEstimate)?, assumptions: [String]) -> LayoutPlan {
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
        return plan
    }

    // MARK: aggregate

    private func aggregate(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        let assumptions = [
            "Every device streams 1/n of the weights and KV cache and does 1/n of the FLOPs, all at once, with no communication: "
                + "the bandwidth bound, the usual back-of-envelope view.",
        ]
        guard start <= sizing.maxDevices else {
            return notFitting(.aggregate, beyondLimit(sizing, needing: start), assumptions: assumptions)
        }
        let n = Double(start)
        let decode = try stepPair(workload.decodeOperators, communicationSeconds: 0) { _ in .split(n) }
        let prefill = try workload.prefillOperators.map { try stepPair($0, communicationSeconds: 0) { _ in .split(n) } }
        return fitted(.aggregate, devices: start, sizing: sizing, memoryPerDevice: sizing.aggregateBytesPerDevice(start),
                      decode: decode, prefill: prefill, assumptions: assumptions)
    }

    // MARK: tensor-pipeline

    private func tensorPipeline(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        let link = Format.bytesPerSecond(linkBytesPerSecond)
        let network = Format.bytesPerSecond(options.networkBytesPerSecond)
        var assumptions = [
            "Tensor parallel over the devices of a node, pipeline stages across nodes, each stage ⌈L/p⌉ of the \(workload.layerCount) layers "
                + "(weights and KV cache spread evenly over layers).",
            "Decode splits the batch into m = min(batch, stages) micro-batches; a token passes every stage in turn, so at batch 1 the stages "
                + "run one after another and each reads its weights once per micro-batch.",
            "Per layer 2 all-reduces of the micro-batch's hidden state (rows × \(workload.hiddenSize) × \(plain(activationBytes)) B) over the scale-up link: "
                + "\(Format.seconds(options.linkLatencySeconds)) + ring volume 2(t−1)/t at \(link) one way.",
            "Per token one hand-off per stage over the scale-out network (the last returns the token to the first stage): "
                + "\(Format.seconds(options.networkLatencySeconds)) + bytes at \(network) per device.",
        ]
        if workload.prefillOperators != nil {
            assumptions.append("Prefill runs the whole prompt batch through the stages in turn (no chunked pipelining): p − 1 hand-offs.")
        }
        guard let n = sizing.sizes(from: start).first(where: {
            sizing.pipelineBytesPerDevice($0).map { $0 <= sizing.memoryBytes } ?? false
        }) else {
            let stageLimit = min(workload.layerCount, sizing.maxDevices / options.devicesPerNode)
            return notFitting(.tensorPipeline, start > sizing.maxDevices ? beyondLimit(sizing, needing: start)
                : "even \(stageLimit) stages of \(options.devicesPerNode) devices (one layer or more each) do not hold it within \(Format.grouped(options.maxNodes)) nodes",
                assumptions: assumptions)
        }
        let t = sizing.groupSize(n), p = n / t
        let m = min(workload.batch, p)
        let tt = Double(t), mm = Double(m)
        let microRows = batch / mm
        let hiddenBytes = microRows * hidden * activationBytes
        let decodeCommunication = 2 * layers * linkAllReduceSeconds(hiddenBytes, ranks: t)
            + (p > 1 ? Double(p) * networkMessageSeconds(hiddenBytes) : 0)
        // Per period (every sequence gains a token): each device reads its stage's weights once per micro-batch
        // and its share of KV and activations once: flops and other bytes / (m t), weights / t.
        let decode = try stepPair(workload.decodeOperators, communicationSeconds: decodeCommunication) { _ in
            DeviceShare(flops: 1 / (mm * tt), weightBytes: 1 / tt, otherBytes: 1 / (mm * tt))
        }
        let prefill = try workload.prefillOperators.map { ops -> (achieved: StepEstimate, bound: StepEstimate) in
            let promptBytes = batch * Double(workload.promptTokens ?? 0) * hidden * activationBytes
            let communication = 2 * layers * linkAllReduceSeconds(promptBytes, ranks: t)
                + Double(p - 1) * networkMessageSeconds(promptBytes)
            return try stepPair(ops, communicationSeconds: communication) { _ in .split(tt) }
        }
        var plan = fitted(.tensorPipeline, devices: n, sizing: sizing, memoryPerDevice: sizing.pipelineBytesPerDevice(n) ?? 0,
                          decode: decode, prefill: prefill, assumptions: assumptions)
        plan.tensorParallel = t
        plan.pipelineStages = p
        plan.microBatches = m
        return plan
    }

    // MARK: context-parallel

    private func contextParallel(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        let network = Format.bytesPerSecond(options.networkBytesPerSecond)
        var assumptions = [
            "c groups of t devices (a node each); every group holds all weights (tensor parallel over t) and 1/c of the KV cache, split by sequence.",
            "Decode: each group runs every layer on its whole batch (weights read in every group) and attention over its share of the cache; "
                + "per layer the partial outputs (batch × \(workload.hiddenSize) × 4 B, fp32) are merged by log-sum-exp in one all-reduce over the network "
                + "(\(Format.seconds(options.networkLatencySeconds)) + ring volume at \(network)), besides 2 tensor-parallel all-reduces per layer over the scale-up link.",
        ]
        if workload.prefillOperators != nil {
            assumptions.append("Prefill splits the prompt across the c groups (ring attention, load balanced): per layer each group passes "
                + "its KV block on c − 1 times over the network, not overlapped with compute.")
        }
        guard let n = sizing.sizes(from: start).first(where: { sizing.contextParallelBytesPerDevice($0) <= sizing.memoryBytes }) else {
            let weightsPerDevice = sizing.weightBytes / Double(options.devicesPerNode) + sizing.allowanceBytes
            let reason = start > sizing.maxDevices ? beyondLimit(sizing, needing: start)
                : weightsPerDevice >= sizing.memoryBytes
                    ? "every group holds all weights: \(Format.bytes(weightsPerDevice)) per device with the allowance, more than the \(Format.bytes(sizing.memoryBytes)) a device has"
                    : beyondLimit(sizing)
            return notFitting(.contextParallel, reason, assumptions: assumptions)
        }
        let t = sizing.groupSize(n), c = n / t
        let tt = Double(t), cc = Double(c)
        let decodeCommunication = 2 * layers * linkAllReduceSeconds(batch * hidden * activationBytes, ranks: t)
            + layers * networkAllReduceSeconds(batch * hidden * 4, ranks: c)
        let decode = try stepPair(workload.decodeOperators, communicationSeconds: decodeCommunication) { op in
            Timing.sequenceKinds.contains(op.kind) ? .split(cc * tt) : .split(tt)
        }
        let prefill = try workload.prefillOperators.map { ops -> (achieved: StepEstimate, bound: StepEstimate) in
            let tokensPerGroup = batch * Double(workload.promptTokens ?? 0) / cc
            let kvBlockBytes = tokensPerGroup * workload.kvCacheBytesPerToken / layers
            let communication = 2 * layers * linkAllReduceSeconds(tokensPerGroup * hidden * activationBytes, ranks: t)
                + (c > 1 ? layers * Double(c - 1) * networkMessageSeconds(kvBlockBytes) : 0)
            // Tokens are split across groups: everything but the weights divides by c·t; weights by t.
            return try stepPair(ops, communicationSeconds: communication) { _ in
                DeviceShare(flops: 1 / (cc * tt), weightBytes: 1 / tt, otherBytes: 1 / (cc * tt))
            }
        }
        var plan = fitted(.contextParallel, devices: n, sizing: sizing, memoryPerDevice: sizing.contextParallelBytesPerDevice(n),
                          decode: decode, prefill: prefill, assumptions: assumptions)
        plan.tensorParallel = t
        plan.contextGroups = c
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
