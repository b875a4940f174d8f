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
    static func allReduceSeconds(_ bytes: Double, ranks: Int, latencySeconds: Double, bytesPerSecond: Double) -> Double {
        guard ranks > 1 else { return 0 }
        let r = Double(ranks)
        let ring = 2 * (r - 1) * latencySeconds + 2 * (r - 1) / r * bytes / bytesPerSecond
        let tree = 2 * log2(r).rounded(.up) * latencySeconds + 2 * bytes / bytesPerSecond
        return min(ring, tree)
    }

    /// An all-reduce over `ranks` devices on the scale-up link (`allReduceSeconds` with α_link, one-way link bandwidth).
    func linkAllReduceSeconds(_ bytes: Double, ranks: Int) -> Double {
        Timing.allReduceSeconds(bytes, ranks: ranks, latencySeconds: options.linkLatencySeconds, bytesPerSecond: linkBytesPerSecond)
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

    /// Prefill activation memory on one device with `tokens` tokens in one layer at once:
    /// tokens × hidden × activation bytes × prefillLiveTensors.
    func prefillActivationBytes(tokens: Double) -> Double {
        tokens * hidden * activationBytes * Timing.prefillLiveTensors
    }

    /// Whether `bytes` of prefill activations fit on the fullest device, in words: within the allowance, else
    /// within the room left beside weights and KV cache (memory − memoryPerDevice + allowance), else not.
    func prefillMemoryVerdict(_ bytes: Double, memoryPerDevice: Double, sizing: Sizing) -> String {
        let room = sizing.memoryBytes - memoryPerDevice + sizing.allowanceBytes
        let allowance = "the \(Format.bytes(sizing.allowanceBytes)) allowance"
        if bytes <= sizing.allowanceBytes { return "within \(allowance)" }
        let beside = "the \(Format.bytes(room)) left beside weights and KV cache on the fullest device"
        if bytes <= room { return "more than \(allowance) but within \(beside)" }
        return "more than \(beside): it does not fit as modelled (smaller chunks or more devices are needed)"
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

    /// Tensor parallel over t devices of a node, p = n / t pipeline stages across nodes, m = min(batch, p) decode
    /// micro-batches. Decode per period (every sequence gains a token) = p stage-times of one micro-batch: per device
    /// flops and other bytes / (m t), weights / t; communication 2L × linkAllReduce(rows × h × a) + p hand-offs of
    /// rows × h × a / t per device (rows = batch / m). Prefill is chunked: see `pipelinedPrefill`.
    private func tensorPipeline(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        let link = Format.bytesPerSecond(linkBytesPerSecond)
        let network = Format.bytesPerSecond(options.networkBytesPerSecond)
        let chunk = Format.grouped(Timing.prefillChunkTokens)
        var assumptions = [
            "Tensor parallel over the devices of a node, pipeline stages across nodes, each stage ⌈L/p⌉ of the \(workload.layerCount) layers "
                + "(weights, KV cache and work spread evenly over layers).",
            "Decode splits the batch into m = min(batch, stages) micro-batches; a period (every sequence gains a token) lasts p stage-times of one "
                + "micro-batch, and each stage reads its weights once per micro-batch. With m = p every stage is busy; with m < p each stage idles "
                + "p − m of every p turns (at batch 1 a token passes the stages one after another).",
            "Per layer 2 all-reduces of the micro-batch's hidden state (rows × \(Format.grouped(workload.hiddenSize)) × \(plain(activationBytes)) B) over the scale-up link, "
                + "each the faster of a ring (2(t−1) steps of \(Format.seconds(options.linkLatencySeconds)) + 2(t−1)/t × bytes at \(link) one way) "
                + "and a tree (2⌈log₂t⌉ steps + 2 × bytes), as NCCL picks by size.",
            "Per micro-batch one hand-off per stage over the scale-out network (the last returns the token to the first stage). The hidden state "
                + "leaves a stage split over its t devices (as after the reduce-scatter half of an all-reduce, whose all-gather half is already counted), "
                + "so each device sends 1/t of it over its own NIC: \(Format.seconds(options.networkLatencySeconds)) + bytes / t at \(network).",
        ]
        if workload.prefillOperators != nil {
            assumptions.append("Prefill is chunked: the B·N prompt tokens are cut into k = max(⌈B·N / \(chunk)⌉, min(p, B·N)) equal chunks "
                + "(at most \(chunk) tokens, at least p so the stages overlap); time = one chunk through all stages + (k − 1) × one chunk on the "
                + "fullest stage (⌈L/p⌉/L of the work), each stage re-reading its weights for every chunk; per chunk 2 all-reduces per layer and "
                + "p − 1 hand-offs of 1/t of the chunk's hidden state per device. Chunks count as equal shares of the work: causal attention makes "
                + "later chunks heavier, so fill and drain are slightly underestimated.")
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
            + (p > 1 ? Double(p) * networkMessageSeconds(hiddenBytes / tt) : 0)
        // Per period (every sequence gains a token): each device reads its stage's weights once per micro-batch
        // and its share of KV and activations once: flops and other bytes / (m t), weights / t.
        let decode = try stepPair(workload.decodeOperators, communicationSeconds: decodeCommunication) { _ in
            DeviceShare(flops: 1 / (mm * tt), weightBytes: 1 / tt, otherBytes: 1 / (mm * tt))
        }
        let memoryPerDevice = sizing.pipelineBytesPerDevice(n) ?? 0
        var prefill: (achieved: StepEstimate, bound: StepEstimate)?
        if let ops = workload.prefillOperators {
            let promptTokens = batch * Double(workload.promptTokens ?? 0)
            let chunks = Timing.prefillChunks(tokens: promptTokens, stages: p)
            prefill = try pipelinedPrefill(ops, groupSize: t, stages: p, chunks: chunks)
            let largest = (promptTokens / chunks).rounded(.up)
            let bytes = prefillActivationBytes(tokens: largest)
            assumptions.append("Prefill activations: \(readable(chunks)) chunk\(chunks == 1 ? "" : "s") of up to \(readable(largest)) tokens here; "
                + "one chunk keeps about tokens × \(Format.grouped(workload.hiddenSize)) × \(plain(activationBytes)) B × \(plain(Timing.prefillLiveTensors)) live tensors "
                + "= \(Format.bytes(bytes)) per device, "
                + prefillMemoryVerdict(bytes, memoryPerDevice: memoryPerDevice, sizing: sizing) + ".")
        }
        var plan = fitted(.tensorPipeline, devices: n, sizing: sizing, memoryPerDevice: memoryPerDevice,
                          decode: decode, prefill: prefill, assumptions: assumptions)
        plan.tensorParallel = t
        plan.pipelineStages = p
        plan.microBatches = m
        return plan
    }

    /// Prefill chunks for `tokens` prompt tokens over `stages` stages: max(⌈tokens / prefillChunkTokens⌉,
    /// min(stages, tokens)), at least 1.
    static func prefillChunks(tokens: Double, stages: Int) -> Double {
        max(1, (tokens / Double(prefillChunkTokens)).rounded(.up), min(Double(stages), tokens))
    }

    /// Chunked pipelined prefill of `operators` in k = `chunks` equal chunks over p = `stages` stages of t devices.
    /// One chunk through the whole model on one group: flops and other bytes / (k t), weights / t per device (each
    /// stage re-reads its weights per chunk), time W. The fullest stage holds f = ⌈L/p⌉/L of it, so with the stages
    /// overlapping: time = (1 + (k − 1) f) × W (compute and memory scaled alike) + communication, where
    /// communication = [2L × linkAllReduce(c) + (p − 1) × message(c / t)] + (k − 1) × [2⌈L/p⌉ × linkAllReduce(c)
    /// + message(c / t) when p > 1], c = B·N / k × hidden × activation bytes.
    private func pipelinedPrefill(_ operators: [Operator], groupSize t: Int, stages p: Int, chunks kk: Double) throws
        -> (achieved: StepEstimate, bound: StepEstimate) {
        let tt = Double(t)
        let layersPerStage = Double((workload.layerCount + p - 1) / p)
        let chunkBytes = batch * Double(workload.promptTokens ?? 0) / kk * hidden * activationBytes
        let handOff = p > 1 ? networkMessageSeconds(chunkBytes / tt) : 0
        let throughAll = 2 * layers * linkAllReduceSeconds(chunkBytes, ranks: t) + Double(p - 1) * handOff
        let fullestStage = 2 * layersPerStage * linkAllReduceSeconds(chunkBytes, ranks: t) + handOff
        let communication = throughAll + (kk - 1) * fullestStage
        let scale = 1 + (kk - 1) * layersPerStage / layers
        let chunk = try stepPair(operators, communicationSeconds: 0) { _ in
            DeviceShare(flops: 1 / (kk * tt), weightBytes: 1 / tt, otherBytes: 1 / (kk * tt))
        }
        func pipelined(_ step: StepEstimate) -> StepEstimate {
            StepEstimate(computeSeconds: step.computeSeconds * scale, memorySeconds: step.memorySeconds * scale,
                         communicationSeconds: communication, seconds: step.seconds * scale + communication)
        }
        return (pipelined(chunk.achieved), pipelined(chunk.bound))
    }

    // MARK: context-parallel

    /// c = n / t groups of t devices, each holding all weights and 1/c of the KV cache. Decode: weights, FLOPs and
    /// activations / t, attention and KV / (c t); communication 2L × linkAllReduce(B × h × a) + L ×
    /// networkAllReduce(B × h × 4 / t, c) (log-sum-exp merge, each device its heads' share). Prefill: everything
    /// but weights / (c t); communication 2L × linkAllReduce(B·N/c × h × a) + L (c − 1) × message(block / t),
    /// block = B·N/c × KV bytes per token / L.
    private func contextParallel(sizing: Sizing, from start: Int) throws -> LayoutPlan {
        let link = Format.bytesPerSecond(linkBytesPerSecond)
        let network = Format.bytesPerSecond(options.networkBytesPerSecond)
        var assumptions = [
            "c groups of t devices (a node each); every group holds all weights (tensor parallel over t) and 1/c of the KV cache, split by sequence.",
            "Decode: each group runs every layer on its whole batch (weights read in every group) and attention over its share of the cache; "
                + "per layer the partial outputs (batch × \(Format.grouped(workload.hiddenSize)) × 4 B, fp32, split over the t devices by head) are merged by log-sum-exp "
                + "in one all-reduce over the c groups, each device over its own NIC with its 1/t: the faster of a ring (2(c−1) steps of "
                + "\(Format.seconds(options.networkLatencySeconds)) + 2(c−1)/c × bytes / t at \(network)) and a tree (2⌈log₂c⌉ steps + 2 × bytes / t), "
                + "as NCCL picks by size; besides 2 tensor-parallel all-reduces per layer over the scale-up link, each the faster of a ring "
                + "(2(t−1) steps of \(Format.seconds(options.linkLatencySeconds)) + 2(t−1)/t × bytes at \(link)) and a tree.",
        ]
        if workload.prefillOperators != nil {
            assumptions.append("Prefill splits the prompt across the c groups (ring attention, load balanced), each group's B·N/c tokens passing "
                + "every layer together: per layer each group passes its KV block (B·N/c tokens' KV for one layer) on c − 1 times over the network, "
                + "the KV heads split over the t devices so each sends 1/t of the block over its own NIC: (c − 1) × "
                + "(\(Format.seconds(options.networkLatencySeconds)) + block / t at \(network)), not overlapped with compute.")
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
            + layers * networkAllReduceSeconds(batch * hidden * 4 / tt, ranks: c)
        let decode = try stepPair(workload.decodeOperators, communicationSeconds: decodeCommunication) { op in
            Timing.sequenceKinds.contains(op.kind) ? .split(cc * tt) : .split(tt)
        }
        let memoryPerDevice = sizing.contextParallelBytesPerDevice(n)
        let tokensPerGroup = batch * Double(workload.promptTokens ?? 0) / cc
        let prefill = try workload.prefillOperators.map { ops -> (achieved: StepEstimate, bound: StepEstimate) in
            let kvBlockBytes = tokensPerGroup * workload.kvCacheBytesPerToken / layers
            let communication = 2 * layers * linkAllReduceSeconds(tokensPerGroup * hidden * activationBytes, ranks: t)
                + (c > 1 ? layers * Double(c - 1) * networkMessageSeconds(kvBlockBytes / tt) : 0)
            // Tokens are split across groups: everything but the weights divides by c·t; weights by t.
            return try stepPair(ops, communicationSeconds: communication) { _ in
                DeviceShare(flops: 1 / (cc * tt), weightBytes: 1 / tt, otherBytes: 1 / (cc * tt))
            }
        }
        if prefill != nil {
            let tokens = tokensPerGroup.rounded(.up)
            let bytes = prefillActivationBytes(tokens: tokens)
            assumptions.append("Prefill activations: \(readable(tokens)) tokens per group at once (unchunked) × \(Format.grouped(workload.hiddenSize)) "
                + "× \(plain(activationBytes)) B × \(plain(Timing.prefillLiveTensors)) live tensors = \(Format.bytes(bytes)) per device, "
                + prefillMemoryVerdict(bytes, memoryPerDevice: memoryPerDevice, sizing: sizing) + ".")
        }
        var plan = fitted(.contextParallel, devices: n, sizing: sizing, memoryPerDevice: memoryPerDevice,
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
