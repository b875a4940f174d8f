import RooflineDevices

/// The planner's assumptions, notes and reasons in words: one function per kind, each formatting the values the
/// plan carries (it computes no figure of its own).
public enum DeploymentPlanWording {
    /// An assumption common to every layout, as a sentence.
    public static func sentence(_ assumption: PlanAssumption) -> String {
        switch assumption {
        case let .memory(weightBytes, kvCacheBytes, batch, contextTokens, kvCacheBytesPerToken, kvCacheType, allowanceBytes,
                         reserveBytes, workspaceBytes, deviceMemoryBytes, usableBytesPerDevice):
            "Memory: weights \(Format.bytes(weightBytes)) + KV cache \(Format.bytes(kvCacheBytes)) "
                + "(batch \(batch) × context \(Format.grouped(contextTokens)) × \(Format.grouped(kvCacheBytesPerToken)) B/token at \(kvCacheType.rawValue)); "
                + "each device keeps \(Format.bytes(allowanceBytes)) free: a \(Format.bytes(reserveBytes)) reserve for runtime, communication buffers and workspaces "
                + "plus \(Format.bytes(workspaceBytes)) of decode activations (the largest operator's, one layer). "
                + "The KV-only count uses the full \(Format.bytes(deviceMemoryBytes)); the minimum count uses \(Format.bytes(usableBytesPerDevice))."
        case let .deployment(devicesPerNode, deployedDevices, maxNodes):
            "Deployment: whole nodes of \(devicesPerNode) devices, or the smallest divisor of \(devicesPerNode) that holds the model when one node suffices "
                + "(a tensor-parallel group divides the node); each layout takes the smallest such deployment, from "
                + "\(Format.grouped(deployedDevices)) device\(deployedDevices == 1 ? "" : "s") up to \(Format.grouped(maxNodes)) nodes, at which it fits."
        case let .chosenShape(shape):
            "Deployment chosen with --tp, --pp and --ep: \(shapeWords(shape)) = "
                + "\(Format.grouped(shape.devices)) devices, evaluated as given even where fewer would hold the model; stage "
                + "hand-offs go over the scale-out network."
        case let .peaks(deviceID, memoryBytesPerSecond, efficiency):
            "Peaks are dense vendor figures (\(deviceID)): \(Format.bytesPerSecond(memoryBytesPerSecond)) memory bandwidth. "
                + "The efficiency (\(Format.shortest(efficiency)); 1 = the roofline bound) scales memory bandwidth and FLOP rate alike; "
                + "links, network and latencies are not scaled. Results at the bound are shown too."
        case .operatorTime:
            "Each operator takes max(compute time, memory time) on its share; communication is added, not overlapped."
        case let .noComputePeak(deviceID, dataTypes):
            "\(deviceID) has no peak for \(dataTypes.map(\.rawValue).joined(separator: ", ")) or a wider type in its data: "
                + "those operators (norms, elementwise, softmax) are timed by their bytes alone."
        case let .noLinkBandwidth(deviceID):
            "\(deviceID) has no scale-up link bandwidth in its data: tensor-parallel all-reduces use the scale-out network figure."
        case let .calibrated(used):
            "Predicted times: calibration \(used.name) measured on \(used.measuredOn)"
                + (used.rescaled ? ", rescaled to \(used.appliedTo)'s peaks and bandwidth" : "")
                + " (per-kernel floors and achieved fractions of peak), engine profile \(used.engine.name); link all-reduces "
                + "use its measured all-reduce instead of the assumed latency; the scale-out network stays latency + bytes ÷ bandwidth. "
                + "Source: \(used.source)."
        case let .noCalibration(deviceID):
            "No kernel calibration applies to \(deviceID) (none of its architecture is measured, or --calibration none): "
                + "bounds and the efficiency override only."
        case let .measuredNetwork(network: measured):
            "Scale-out network measured, not assumed: α = \(Format.seconds(measured.latencySeconds)) per message and β = "
                + "\(Format.bytesPerSecond(measured.bytesPerSecond)), the planner's all-reduce min(ring, tree) fitted to an MPI all-reduce over "
                + "\(measured.ranks) ranks in \(measured.profile) (rms error \(Format.significant(measured.relativeRMSError * 100, digits: 3)) %); "
                + "they replace --network-latency-us and --network-gbps. The scale-up link keeps its assumed latency."
        }
    }

    /// An assumption of one layout, as a sentence.
    public static func sentence(_ assumption: LayoutAssumption) -> String {
        switch assumption {
        case .aggregateStreaming:
            "Every device streams 1/n of the weights and KV cache and does 1/n of the FLOPs, all at once, with no communication: "
                + "the bandwidth bound, the usual back-of-envelope view."
        case let .pipelineStages(layerCount):
            "Tensor parallel over the devices of a node, pipeline stages across nodes, each stage ⌈L/p⌉ of the \(layerCount) layers "
                + "(weights, KV cache and work spread evenly over layers)."
        case .pipelineMicroBatches:
            "Decode splits the batch into m = min(batch, stages) micro-batches; a period (every sequence gains a token) lasts p stage-times of one "
                + "micro-batch, and each stage reads its weights once per micro-batch. With m = p every stage is busy; with m < p each stage idles "
                + "p − m of every p turns (at batch 1 a token passes the stages one after another)."
        case let .pipelineAllReduces(hiddenSize, activationBytesPerElement, linkLatencySeconds, linkBytesPerSecond):
            "Per layer 2 all-reduces of the micro-batch's hidden state (rows × \(Format.grouped(hiddenSize)) × \(Format.shortest(activationBytesPerElement)) B) "
                + "over the scale-up link, each the faster of a ring (2(t−1) steps of \(Format.seconds(linkLatencySeconds)) + 2(t−1)/t × bytes at "
                + "\(Format.bytesPerSecond(linkBytesPerSecond)) one way) and a tree (2⌈log₂t⌉ steps + 2 × bytes), as NCCL picks by size."
        case let .expertParallel(expertParallel, tensorParallel, expertCount, expertsPerToken, moeLayerCount, hiddenSize,
                                 activationBytesPerElement, linkLatencySeconds, linkBytesPerSecond):
            "Expert parallelism: each stage's \(expertParallel) devices hold \(Format.grouped(expertCount / expertParallel)) of the "
                + "\(Format.grouped(expertCount)) routed experts each (routing assumed balanced), and attention runs as "
                + "\(expertParallel / tensorParallel) data-parallel replica\(expertParallel / tensorParallel == 1 ? "" : "s") of tp \(tensorParallel). "
                + "In each of the \(moeLayerCount) MoE layers an all-to-all dispatch and an all-to-all combine replace the MLP's all-reduce: "
                + "each device sends its tokens × \(Format.grouped(hiddenSize)) × \(Format.shortest(activationBytesPerElement)) B × top-\(expertsPerToken) "
                + "× (e − 1)/e each way, (e − 1) × \(Format.seconds(linkLatencySeconds)) + bytes at \(Format.bytesPerSecond(linkBytesPerSecond)) one way."
        case let .pipelineHandOffs(networkLatencySeconds, networkBytesPerSecond):
            "Per micro-batch one hand-off per stage over the scale-out network (the last returns the token to the first stage). The hidden state "
                + "leaves a stage split over its t devices (as after the reduce-scatter half of an all-reduce, whose all-gather half is already counted), "
                + "so each device sends 1/t of it over its own NIC: \(Format.seconds(networkLatencySeconds)) + bytes / t at "
                + "\(Format.bytesPerSecond(networkBytesPerSecond))."
        case let .pipelineChunkedPrefill(chunkTokens):
            "Prefill is chunked: the B·N prompt tokens are cut into k = max(⌈B·N / \(Format.grouped(chunkTokens))⌉, min(p, B·N)) equal chunks "
                + "(at most \(Format.grouped(chunkTokens)) tokens, at least p so the stages overlap); time = one chunk through all stages + (k − 1) × "
                + "one chunk on the fullest stage (⌈L/p⌉/L of the work), each stage re-reading its weights for every chunk; per chunk 2 all-reduces "
                + "per layer and p − 1 hand-offs of 1/t of the chunk's hidden state per device. Chunks count as equal shares of the work: causal "
                + "attention makes later chunks heavier, so fill and drain are slightly underestimated."
        case let .pipelinePrefillActivations(chunks, chunkTokens, memory):
            "Prefill activations: \(Markdown.count(chunks)) chunk\(chunks == 1 ? "" : "s") of up to \(Markdown.count(chunkTokens)) tokens here; "
                + "one chunk keeps about tokens × " + activationMemory(memory)
        case .contextGroups:
            "c groups of t devices (a node each); every group holds all weights (tensor parallel over t) and 1/c of the KV cache, split by sequence."
        case let .contextDecodeMerge(hiddenSize, networkLatencySeconds, networkBytesPerSecond, linkLatencySeconds, linkBytesPerSecond):
            "Decode: each group runs every layer on its whole batch (weights read in every group) and attention over its share of the cache; "
                + "per layer the partial outputs (batch × \(Format.grouped(hiddenSize)) × 4 B, fp32, split over the t devices by head) are merged by "
                + "log-sum-exp in one all-reduce over the c groups, each device over its own NIC with its 1/t: the faster of a ring (2(c−1) steps of "
                + "\(Format.seconds(networkLatencySeconds)) + 2(c−1)/c × bytes / t at \(Format.bytesPerSecond(networkBytesPerSecond))) and a tree "
                + "(2⌈log₂c⌉ steps + 2 × bytes / t), as NCCL picks by size; besides 2 tensor-parallel all-reduces per layer over the scale-up link, "
                + "each the faster of a ring (2(t−1) steps of \(Format.seconds(linkLatencySeconds)) + 2(t−1)/t × bytes at "
                + "\(Format.bytesPerSecond(linkBytesPerSecond))) and a tree."
        case let .contextRingPrefill(networkLatencySeconds, networkBytesPerSecond):
            "Prefill splits the prompt across the c groups (ring attention, load balanced), each group's B·N/c tokens passing "
                + "every layer together: per layer each group passes its KV block (B·N/c tokens' KV for one layer) on c − 1 times over the network, "
                + "the KV heads split over the t devices so each sends 1/t of the block over its own NIC: (c − 1) × "
                + "(\(Format.seconds(networkLatencySeconds)) + block / t at \(Format.bytesPerSecond(networkBytesPerSecond))), not overlapped with compute."
        case let .contextPrefillActivations(tokensPerGroup, memory):
            "Prefill activations: \(Markdown.count(tokensPerGroup)) tokens per group at once (unchunked) × " + activationMemory(memory)
        }
    }

    /// The end of a prefill-activations sentence: "16,384 × 2 B × 4 live tensors = 1.07 GB per device, within the
    /// 1.00 GB allowance."
    static func activationMemory(_ memory: PrefillActivationMemory) -> String {
        let allowance = "the \(Format.bytes(memory.allowanceBytes)) allowance"
        let beside = "the \(Format.bytes(memory.roomBesideWeightsBytes)) left beside weights and KV cache on the fullest device"
        let verdict = switch memory.verdict {
        case .withinAllowance: "within \(allowance)"
        case .withinRoomBesideWeights: "more than \(allowance) but within \(beside)"
        case .doesNotFit: "more than \(beside): it does not fit as modelled (smaller chunks or more devices are needed)"
        }
        return "\(Format.grouped(memory.hiddenSize)) × \(Format.shortest(memory.activationBytesPerElement)) B × "
            + "\(Format.shortest(memory.liveTensors)) live tensors = \(Format.bytes(memory.bytesPerDevice)) per device, \(verdict)."
    }

    /// A finding, as a sentence.
    public static func sentence(_ note: PlanNote) -> String {
        switch note {
        case let .nothingFits(reason):
            return "Nothing fits: \(clause(reason))."
        case let .aggregateVersusPipeline(aggregateBoundTokensPerSecond, aggregateTokensPerSecond, efficiency, aggregateDevices, batch,
                                          pipelineStages, microBatches, idleStages, schedule, pipelineTokensPerSecond, slowdownFactor):
            let atEfficiency = efficiency < 1
                ? " (\(Format.countOrRate(aggregateTokensPerSecond)) at efficiency \(Format.shortest(efficiency)))" : ""
            let stages = switch schedule {
            case .allStagesBusy:
                "batch \(batch) in \(microBatches) micro-batches keeps all \(pipelineStages) stages busy, but each stage reads its weights "
                    + "once per micro-batch and every micro-batch waits for its all-reduces and hand-offs"
            case .oneMicroBatch:
                "batch \(batch) is one micro-batch, so a token passes the stages one after another and \(idleStages) of the \(pipelineStages) stages wait"
            case .someStagesIdle:
                "batch \(batch) in \(microBatches) micro-batches keeps only \(microBatches) of the \(pipelineStages) stages busy at a time"
            }
            return "The aggregate figure, \(Format.countOrRate(aggregateBoundTokensPerSecond)) tokens/s\(atEfficiency), assumes all "
                + "\(Format.grouped(aggregateDevices)) devices read their share of weights and KV cache at once. With tensor parallelism inside "
                + "each node and \(pipelineStages) pipeline stages, \(stages): \(Format.countOrRate(pipelineTokensPerSecond)) tokens/s, "
                + "\(Format.significant(slowdownFactor, digits: 2))× slower."
        case let .contextParallelDevices(groupDevices, devices, aggregateDevices):
            return "Context parallelism keeps all weights in every group of \(groupDevices) devices, "
                + "so it needs \(Format.grouped(devices)) devices instead of \(Format.grouped(aggregateDevices))."
        }
    }

    /// Why a layout does not fit, as a clause ("it needs 368,632 devices (46,079 nodes), more than …").
    public static func clause(_ reason: UnfitReason) -> String {
        switch reason {
        case let .beyondNodeLimit(devicesNeeded, nodesNeeded, maxNodes, devicesPerNode, maxDevices):
            "it needs \(Format.grouped(devicesNeeded)) devices (\(Format.grouped(nodesNeeded)) nodes), more than "
                + nodeLimit(maxNodes: maxNodes, devicesPerNode: devicesPerNode, maxDevices: maxDevices)
        case let .notWithinNodeLimit(maxNodes, devicesPerNode, maxDevices):
            "it does not fit in " + nodeLimit(maxNodes: maxNodes, devicesPerNode: devicesPerNode, maxDevices: maxDevices)
        case let .stagesDoNotHoldIt(stages, devicesPerStage, maxNodes):
            "even \(stages) stages of \(devicesPerStage) devices (one layer or more each) do not hold it within \(Format.grouped(maxNodes)) nodes"
        case let .groupsCannotHoldAllWeights(weightBytesPerDevice, deviceMemoryBytes):
            "every group holds all weights: \(Format.bytes(weightBytesPerDevice)) per device with the allowance, "
                + "more than the \(Format.bytes(deviceMemoryBytes)) a device has"
        case let .chosenShapeDoesNotHoldIt(shape, bytesPerDevice, deviceMemoryBytes, layerCount):
            if let bytesPerDevice {
                "\(shapeWords(shape)) needs \(Format.bytes(bytesPerDevice)) on the fullest "
                    + "device with the allowance, more than the \(Format.bytes(deviceMemoryBytes)) a device has"
            } else {
                "pp \(shape.pipelineStages) is more stages than the model's \(layerCount) layers"
            }
        }
    }

    /// "tp 2 × pp 1", or with expert parallelism "ep 8 (attention tp 2) × pp 1": each stage's devices times the stages.
    public static func shapeWords(_ shape: ParallelShape) -> String {
        shape.expertParallel > 1
            ? "ep \(shape.expertParallel) (attention tp \(shape.tensorParallel)) × pp \(shape.pipelineStages)"
            : "tp \(shape.tensorParallel) × pp \(shape.pipelineStages)"
    }

    /// "1,000 nodes of 8 (8,000 devices)".
    static func nodeLimit(maxNodes: Int, devicesPerNode: Int, maxDevices: Int) -> String {
        "\(Format.grouped(maxNodes)) nodes of \(devicesPerNode) (\(Format.grouped(maxDevices)) devices)"
    }
}
