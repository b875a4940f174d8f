import RooflineCalibration

/// An assumption common to every layout of a plan, with the numbers it rests on. Renderers word it
/// (`DeploymentPlanWording` in RooflineReport); as JSON it carries values, not sentences.
public enum PlanAssumption: Codable, Sendable, Equatable {
    /// Memory sizing: weights + KV cache (batch × contextTokens × kvCacheBytesPerToken at kvCacheType); each device
    /// keeps allowanceBytes = reserveBytes + workspaceBytes (decode activations of the largest operator, one layer)
    /// free. The KV-only count uses deviceMemoryBytes; the minimum count uses
    /// usableBytesPerDevice = deviceMemoryBytes − allowanceBytes.
    case memory(weightBytes: Double, kvCacheBytes: Double, batch: Int, contextTokens: Int, kvCacheBytesPerToken: Double,
                kvCacheType: DataType, allowanceBytes: Double, reserveBytes: Double, workspaceBytes: Double,
                deviceMemoryBytes: Double, usableBytesPerDevice: Double)
    /// Deployments are whole nodes of devicesPerNode, or the smallest divisor of it when one node suffices; each
    /// layout takes the smallest such deployment from deployedDevices up to maxNodes nodes at which it fits.
    case deployment(devicesPerNode: Int, deployedDevices: Int, maxNodes: Int)
    /// The user chose the shape (`--tp`, `--pp`): exactly tp × pp devices, tensor parallel within a group and the
    /// stages in series, even where fewer devices would hold the model.
    case chosenShape(shape: ParallelShape)
    /// Peaks are the device's dense vendor figures; efficiency scales memory bandwidth and FLOP rate, not links,
    /// network or latencies.
    case peaks(deviceID: String, memoryBytesPerSecond: Double, efficiency: Double)
    /// Each operator takes max(compute time, memory time) on its share; communication is added, not overlapped.
    case operatorTime
    /// The device has no compute peak for these types (or a wider one): their operators are timed by bytes alone.
    case noComputePeak(deviceID: String, dataTypes: [DataType])
    /// The device has no scale-up link bandwidth: tensor-parallel all-reduces use the scale-out network figure.
    case noLinkBandwidth(deviceID: String)
    /// Predicted times come from this calibration (floors and achieved fractions of peak per kernel, rescaled to
    /// the device's peaks when measured elsewhere, under its engine profile); link all-reduces use its measured
    /// all-reduce instead of the assumed latency. The scale-out network stays the α-β model.
    case calibrated(CalibrationUsed)
    /// No calibration applies to the device (none of its architecture is bundled, or `--calibration none`): the
    /// plan gives bounds and the efficiency override only.
    case noCalibration(deviceID: String)
    /// The scale-out network's latency and bandwidth are measured (`plan --network-profile`): the α and β of the
    /// planner's all-reduce, min(ring, tree), fitted to an MPI all-reduce; they replace the stated network latency and
    /// bandwidth. The scale-up link keeps its assumed latency (MPI between hosts does not measure it).
    case measuredNetwork(network: MeasuredNetwork)
}

/// An assumption of one layout, with the numbers it rests on.
public enum LayoutAssumption: Codable, Sendable, Equatable {
    /// Aggregate: every device streams 1/n of weights and KV cache and does 1/n of the FLOPs at once, with no
    /// communication (the bandwidth bound).
    case aggregateStreaming
    /// Tensor-pipeline: tensor parallel inside a node, pipeline stages across nodes, each stage ⌈L/p⌉ of the
    /// layerCount layers.
    case pipelineStages(layerCount: Int)
    /// Tensor-pipeline: decode in m = min(batch, stages) micro-batches, each stage reading its weights once per
    /// micro-batch.
    case pipelineMicroBatches
    /// Tensor-pipeline: 2 all-reduces per layer of rows × hiddenSize × activationBytesPerElement over the scale-up
    /// link, the faster of a ring and a tree.
    case pipelineAllReduces(hiddenSize: Int, activationBytesPerElement: Double, linkLatencySeconds: Double,
                            linkBytesPerSecond: Double)
    /// Tensor-pipeline with expert parallelism: each stage of expertParallel devices holds expertCount /
    /// expertParallel routed experts per device and runs attention as expertParallel / tensorParallel replicas of
    /// tensorParallel devices; routing is assumed balanced. Each of the moeLayerCount MoE layers replaces the MLP
    /// all-reduce by an all-to-all dispatch and an all-to-all combine over the scale-up link, each device sending
    /// its tokens × hiddenSize × activationBytesPerElement × expertsPerToken × (e − 1)/e bytes:
    /// (e − 1) × linkLatencySeconds + bytes / linkBytesPerSecond each way.
    case expertParallel(expertParallel: Int, tensorParallel: Int, expertCount: Int, expertsPerToken: Int,
                        moeLayerCount: Int, hiddenSize: Int, activationBytesPerElement: Double,
                        linkLatencySeconds: Double, linkBytesPerSecond: Double)
    /// Tensor-pipeline: one hand-off per stage and micro-batch over the scale-out network, 1/t of the hidden state
    /// per device: networkLatencySeconds + bytes / t at networkBytesPerSecond.
    case pipelineHandOffs(networkLatencySeconds: Double, networkBytesPerSecond: Double)
    /// Tensor-pipeline: prefill in k = max(⌈B·N / chunkTokens⌉, min(p, B·N)) equal chunks of at most chunkTokens.
    case pipelineChunkedPrefill(chunkTokens: Int)
    /// Tensor-pipeline: `chunks` prefill chunks of up to chunkTokens tokens here, and one chunk's activation memory.
    case pipelinePrefillActivations(chunks: Double, chunkTokens: Double, memory: PrefillActivationMemory)
    /// Context-parallel: c groups of t devices, each group holding all weights and 1/c of the KV cache.
    case contextGroups
    /// Context-parallel decode: a log-sum-exp merge of batch × hiddenSize × 4 B per layer over the c groups on the
    /// network, besides 2 tensor-parallel all-reduces per layer on the scale-up link.
    case contextDecodeMerge(hiddenSize: Int, networkLatencySeconds: Double, networkBytesPerSecond: Double,
                            linkLatencySeconds: Double, linkBytesPerSecond: Double)
    /// Context-parallel prefill as ring attention: per layer (c − 1) KV-block passes of
    /// networkLatencySeconds + block / t at networkBytesPerSecond.
    case contextRingPrefill(networkLatencySeconds: Double, networkBytesPerSecond: Double)
    /// Context-parallel: tokensPerGroup prompt tokens per group at once (unchunked), and their activation memory.
    case contextPrefillActivations(tokensPerGroup: Double, memory: PrefillActivationMemory)
}

/// Prefill activation memory on one device, and where it fits on the fullest device.
public struct PrefillActivationMemory: Codable, Sendable, Equatable {
    public var hiddenSize: Int
    public var activationBytesPerElement: Double
    /// Hidden-sized tensors per token assumed live at once.
    public var liveTensors: Double
    /// tokens × hiddenSize × activationBytesPerElement × liveTensors.
    public var bytesPerDevice: Double
    /// The memory each device keeps free beside weights and KV cache (reserve + decode workspace).
    public var allowanceBytes: Double
    /// Memory left on the fullest device beside weights and KV cache: device memory − memory per device + allowance.
    public var roomBesideWeightsBytes: Double
    public var verdict: PrefillMemoryVerdict

    /// The activations of `tokens` tokens at once on a device of deviceMemoryBytes whose fullest holds
    /// memoryPerDeviceBytes (allowance included): bytesPerDevice = tokens × hiddenSize × activationBytesPerElement ×
    /// liveTensors, roomBesideWeightsBytes = deviceMemoryBytes − memoryPerDeviceBytes + allowanceBytes; the verdict
    /// is withinAllowance when bytesPerDevice ≤ allowanceBytes, else withinRoomBesideWeights when it is ≤ the room,
    /// else doesNotFit.
    public init(tokens: Double, hiddenSize: Int, activationBytesPerElement: Double, liveTensors: Double,
                memoryPerDeviceBytes: Double, deviceMemoryBytes: Double, allowanceBytes: Double) {
        self.hiddenSize = hiddenSize
        self.activationBytesPerElement = activationBytesPerElement
        self.liveTensors = liveTensors
        self.allowanceBytes = allowanceBytes
        bytesPerDevice = tokens * Double(hiddenSize) * activationBytesPerElement * liveTensors
        roomBesideWeightsBytes = deviceMemoryBytes - memoryPerDeviceBytes + allowanceBytes
        verdict = bytesPerDevice <= allowanceBytes ? .withinAllowance
            : bytesPerDevice <= roomBesideWeightsBytes ? .withinRoomBesideWeights : .doesNotFit
    }
}

/// Where prefill activations fit: within the allowance, else within the room beside weights and KV cache, else not.
public enum PrefillMemoryVerdict: String, Codable, Sendable {
    case withinAllowance, withinRoomBesideWeights, doesNotFit
}

/// A finding worth reading first, with its numbers.
public enum PlanNote: Codable, Sendable, Equatable {
    /// No layout fits (the aggregate layout's reason).
    case nothingFits(reason: UnfitReason)
    /// The aggregate figure beside a tensor-pipeline layout of more than one stage:
    /// slowdownFactor = aggregateTokensPerSecond / pipelineTokensPerSecond (both at the plan's efficiency);
    /// idleStages = pipelineStages − min(microBatches, pipelineStages).
    case aggregateVersusPipeline(aggregateBoundTokensPerSecond: Double, aggregateTokensPerSecond: Double, efficiency: Double,
                                 aggregateDevices: Int, batch: Int, pipelineStages: Int, microBatches: Int, idleStages: Int,
                                 schedule: PipelineSchedule, pipelineTokensPerSecond: Double, slowdownFactor: Double)
    /// Context parallelism holds all weights in every group of groupDevices, so it needs `devices` instead of
    /// aggregateDevices.
    case contextParallelDevices(groupDevices: Int, devices: Int, aggregateDevices: Int)
}

/// How a decode period keeps the pipeline stages busy.
public enum PipelineSchedule: String, Codable, Sendable {
    /// At least one micro-batch per stage: every stage busy, weights read once per micro-batch.
    case allStagesBusy
    /// One micro-batch: a token passes the stages one after another, the others wait.
    case oneMicroBatch
    /// Fewer micro-batches than stages: only microBatches stages busy at a time.
    case someStagesIdle
}

/// Why a layout does not fit. The node limit is maxNodes nodes of devicesPerNode, maxDevices in all.
public enum UnfitReason: Codable, Sendable, Equatable {
    /// The deployment needs devicesNeeded devices (nodesNeeded nodes), more than the node limit.
    case beyondNodeLimit(devicesNeeded: Int, nodesNeeded: Int, maxNodes: Int, devicesPerNode: Int, maxDevices: Int)
    /// No deployment within the node limit holds it.
    case notWithinNodeLimit(maxNodes: Int, devicesPerNode: Int, maxDevices: Int)
    /// Even `stages` stages of devicesPerStage (one layer or more each) do not hold it within maxNodes nodes.
    case stagesDoNotHoldIt(stages: Int, devicesPerStage: Int, maxNodes: Int)
    /// Every context-parallel group holds all weights: weightBytesPerDevice (allowance included) exceeds
    /// deviceMemoryBytes.
    case groupsCannotHoldAllWeights(weightBytesPerDevice: Double, deviceMemoryBytes: Double)
    /// The chosen shape (`--tp`, `--pp`, `--ep`) does not hold it: bytesPerDevice (the fullest stage's device,
    /// ⌈L/pp⌉/L × (weights + KV) / tp + allowance, `Sizing.pipelineBytesPerDevice` with expert parallelism) exceeds deviceMemoryBytes, or pp exceeds the layerCount layers
    /// (bytesPerDevice nil).
    case chosenShapeDoesNotHoldIt(shape: ParallelShape, bytesPerDevice: Double?, deviceMemoryBytes: Double, layerCount: Int)
}
