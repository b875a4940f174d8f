import RooflineCalibration
/// What the planner needs to know about a model's inference: plain numbers and operator lists, so that the
/// arithmetic can be checked by hand. Built from a model config with `DeploymentWorkload(model:…)`.
public struct DeploymentWorkload: Codable, Sendable, Equatable {
    public var modelName: String
    public var layerCount: Int
    public var hiddenSize: Int
    /// Sequences decoded together.
    public var batch: Int
    /// Tokens in each sequence's KV cache while decoding.
    public var contextTokens: Int
    /// Prompt tokens per sequence for the time to first token; nil to skip prefill.
    public var promptTokens: Int?
    public var weightType: DataType
    public var activationType: DataType
    public var kvCacheType: DataType
    /// All weights as stored (every expert of a mixture of experts), in bytes.
    public var weightBytes: Double
    /// KV cache for the whole batch at `contextTokens`, in bytes.
    public var kvCacheBytes: Double
    /// KV cache one token adds to one sequence, all layers, in bytes.
    public var kvCacheBytesPerToken: Double
    /// One decode step of the whole batch at `contextTokens` (each sequence gains one token).
    public var decodeOperators: [Operator]
    /// Prefill of `promptTokens` for the whole batch; nil without a prompt.
    public var prefillOperators: [Operator]?
    /// Prefill of one sequence's prompt alone (batch 1), for a serial prefill schedule; nil unless asked for.
    public var requestPrefillOperators: [Operator]?
    /// The mixture of experts, for expert parallelism; nil for a dense model.
    public var moe: MoEWorkload?

    public init(modelName: String, layerCount: Int, hiddenSize: Int, batch: Int, contextTokens: Int, promptTokens: Int?,
                weightType: DataType, activationType: DataType, kvCacheType: DataType, weightBytes: Double,
                kvCacheBytes: Double, kvCacheBytesPerToken: Double, decodeOperators: [Operator],
                prefillOperators: [Operator]?) {
        self.modelName = modelName
        self.layerCount = layerCount
        self.hiddenSize = hiddenSize
        self.batch = batch
        self.contextTokens = contextTokens
        self.promptTokens = promptTokens
        self.weightType = weightType
        self.activationType = activationType
        self.kvCacheType = kvCacheType
        self.weightBytes = weightBytes
        self.kvCacheBytes = kvCacheBytes
        self.kvCacheBytesPerToken = kvCacheBytesPerToken
        self.decodeOperators = decodeOperators
        self.prefillOperators = prefillOperators
    }

    /// Activation memory a decode step keeps live, estimated as the largest single operator's activation bytes
    /// in one layer: max over operators of bytes.activations / count.
    public var decodeWorkspaceBytes: Double {
        decodeOperators.map { $0.bytes.activations / Double(max($0.count, 1)) }.max() ?? 0
    }
}

/// What expert parallelism needs to know about a model's mixture of experts.
public struct MoEWorkload: Codable, Sendable, Equatable {
    /// Layers whose MLP is the mixture of experts.
    public var layerCount: Int
    /// Routed experts per MoE layer (E).
    public var expertCount: Int
    /// Experts each token is routed to (k).
    public var expertsPerToken: Int
    /// All routed experts' weights of every MoE layer, in bytes (part of `DeploymentWorkload.weightBytes`).
    public var routedExpertWeightBytes: Double
    /// The names of the operators that run the routed experts (their work is what expert parallelism spreads).
    public var expertOperatorNames: Set<String>

    public init(layerCount: Int, expertCount: Int, expertsPerToken: Int, routedExpertWeightBytes: Double,
                expertOperatorNames: Set<String>) {
        self.layerCount = layerCount
        self.expertCount = expertCount
        self.expertsPerToken = expertsPerToken
        self.routedExpertWeightBytes = routedExpertWeightBytes
        self.expertOperatorNames = expertOperatorNames
    }
}

/// How the model is spread over devices.
public enum DeploymentLayout: String, Codable, Sendable, CaseIterable {
    /// Every device streams its share of weights and KV cache at once: the bandwidth bound.
    case aggregate
    /// Tensor parallel inside a node, pipeline stages across nodes.
    case tensorPipeline = "tensor-pipeline"
    /// KV cache split across node groups by sequence, each group holding all weights.
    case contextParallel = "context-parallel"
}

/// The scale-out network's α and β fitted to an all-reduce measured with MPI (a cluster profile's planner fit).
public struct MeasuredNetwork: Codable, Sendable, Equatable {
    /// The cluster profile's file, as given.
    public var profile: String
    /// Ranks the all-reduce ran over.
    public var ranks: Int
    public var latencySeconds: Double
    public var bytesPerSecond: Double
    /// The fit's √(mean (model ÷ measured − 1)²) over the measured sizes.
    public var relativeRMSError: Double

    public init(profile: String, ranks: Int, latencySeconds: Double, bytesPerSecond: Double, relativeRMSError: Double) {
        self.profile = profile
        self.ranks = ranks
        self.latencySeconds = latencySeconds
        self.bytesPerSecond = bytesPerSecond
        self.relativeRMSError = relativeRMSError
    }
}

/// The planner's settings. Defaults: 8 devices per node, efficiency 1.0 (the roofline bound), 1 GB reserved per
/// device, 400 Gb/s (50 GB/s) scale-out network per device with 10 µs per message, 5 µs per scale-up message,
/// at most 1,000 nodes.
public struct DeploymentOptions: Codable, Sendable, Equatable {
    public var devicesPerNode: Int = 8
    /// Fraction of peak memory bandwidth and peak FLOP rate achieved (communication is not scaled).
    public var efficiency: Double = 1.0
    /// Memory each device keeps for the runtime, communication buffers and workspaces, in bytes.
    public var reserveBytesPerDevice: Double = 1e9
    /// Scale-out network bandwidth per device, one direction, in bytes per second (400 Gb/s = 50e9 B/s).
    public var networkBytesPerSecond: Double = 50e9
    /// Latency of one message over the scale-out network, in seconds.
    public var networkLatencySeconds: Double = 10e-6
    /// Latency of one message (one ring step) over the scale-up link (NVLink, Infinity Fabric, ICI), in seconds.
    public var linkLatencySeconds: Double = 5e-6
    /// The largest deployment considered, in nodes.
    public var maxNodes: Int = 1000
    public var layouts: [DeploymentLayout] = DeploymentLayout.allCases
    /// A deployment shape the user chose (`--tp`, `--pp`, `--ep`); nil: the smallest deployment that holds the model.
    public var chosenShape: ParallelShape?
    /// Where networkLatencySeconds and networkBytesPerSecond were measured (`plan --network-profile`); nil: they
    /// are the stated assumptions.
    public var measuredNetwork: MeasuredNetwork?

    public init() {}

    /// Throws a usage error naming the option when a setting is out of range.
    public func validated() throws -> DeploymentOptions {
        guard (1...1024).contains(devicesPerNode) else {
            throw RooflineError.usage("--gpus-per-node must be between 1 and 1024, got \(devicesPerNode)")
        }
        guard efficiency > 0, efficiency <= 1 else {
            throw RooflineError.usage("--efficiency must be in (0, 1] (1.0 = the roofline bound), got \(efficiency)")
        }
        guard reserveBytesPerDevice >= 0, reserveBytesPerDevice.isFinite else {
            throw RooflineError.usage("--reserve must be a size of at least 0 bytes")
        }
        guard networkBytesPerSecond > 0, networkBytesPerSecond.isFinite else {
            throw RooflineError.usage("--network-gbps must be a positive number of gigabits per second")
        }
        guard networkLatencySeconds >= 0, networkLatencySeconds.isFinite, linkLatencySeconds >= 0, linkLatencySeconds.isFinite else {
            throw RooflineError.usage("--network-latency-us and --link-latency-us must be finite and at least 0")
        }
        guard (1...1_000_000).contains(maxNodes) else {
            throw RooflineError.usage("--max-nodes must be between 1 and 1,000,000, got \(maxNodes)")
        }
        guard !layouts.isEmpty else { throw RooflineError.usage("give at least one --layout") }
        if let chosenShape {
            guard chosenShape.tensorParallel >= 1, chosenShape.pipelineStages >= 1 else {
                throw RooflineError.usage("--tp and --pp must be at least 1, got tp \(chosenShape.tensorParallel), pp \(chosenShape.pipelineStages)")
            }
            guard chosenShape.tensorParallel <= devicesPerNode else {
                throw RooflineError.usage("--tp \(chosenShape.tensorParallel) exceeds a node of \(devicesPerNode) devices (--gpus-per-node): a tensor-parallel group stays within a node")
            }
            guard chosenShape.expertParallel >= 1 else {
                throw RooflineError.usage("--ep must be at least 1, got \(chosenShape.expertParallel)")
            }
            guard chosenShape.expertParallel == 1 || chosenShape.expertParallel % chosenShape.tensorParallel == 0 else {
                throw RooflineError.usage("--ep \(chosenShape.expertParallel) is not a multiple of --tp \(chosenShape.tensorParallel): expert parallelism spans whole tensor-parallel groups (use --ep \(chosenShape.tensorParallel), \(2 * chosenShape.tensorParallel), …)")
            }
            guard chosenShape.stageDevices <= devicesPerNode else {
                throw RooflineError.usage("--ep \(chosenShape.expertParallel) exceeds a node of \(devicesPerNode) devices (--gpus-per-node): an expert-parallel group stays within a node")
            }
            guard chosenShape.pipelineStages <= maxNodes else {
                throw RooflineError.usage("--pp \(chosenShape.pipelineStages) needs \(chosenShape.pipelineStages) nodes, more than --max-nodes \(maxNodes)")
            }
            guard layouts == [.tensorPipeline] else {
                throw RooflineError.usage("--tp and --pp choose a tensor-pipeline deployment: use --layout tensor-pipeline or all")
            }
        }
        return self
    }
}

/// A tensor-pipeline deployment shape: each of `pipelineStages` stages in series (one per node) is a group of
/// `stageDevices` devices within a node. Attention and dense weights are split `tensorParallel` ways; with
/// `expertParallel` e > 1 (a mixture of experts, e a multiple of tensorParallel) the stage has e devices, each
/// holding E / e of the routed experts whole, and its attention runs as e / tensorParallel data-parallel replicas
/// of tensorParallel devices, each replica serving its share of the batch.
public struct ParallelShape: Codable, Sendable, Equatable, Hashable {
    public var tensorParallel: Int
    public var pipelineStages: Int
    /// Devices the routed experts are split over (1: no expert parallelism, experts split like the dense MLP).
    public var expertParallel: Int

    public init(tensorParallel: Int, pipelineStages: Int, expertParallel: Int = 1) {
        self.tensorParallel = tensorParallel
        self.pipelineStages = pipelineStages
        self.expertParallel = expertParallel
    }

    /// Devices in one stage: max(tensorParallel, expertParallel).
    public var stageDevices: Int { max(tensorParallel, expertParallel) }

    /// stageDevices × pipelineStages.
    public var devices: Int { stageDevices * pipelineStages }
}

/// What limits a step: the FLOP rate, memory bandwidth, or communication.
public enum StepBound: String, Codable, Sendable {
    case compute, memory, communication
}

/// The time of one step on one device of a layout.
///
/// computeSeconds = Σ flops / (peak × efficiency); memorySeconds = Σ bytes / (bandwidth × efficiency), both over
/// the operators' shares on one device; seconds = Σ per operator max(compute, memory) + communicationSeconds
/// (communication is not overlapped). `bound` names the largest of compute, memory and communication time.
public struct StepEstimate: Codable, Sendable, Equatable {
    public var computeSeconds: Double
    public var memorySeconds: Double
    public var communicationSeconds: Double
    public var seconds: Double
    public var bound: StepBound

    public init(computeSeconds: Double, memorySeconds: Double, communicationSeconds: Double, seconds: Double) {
        self.computeSeconds = computeSeconds
        self.memorySeconds = memorySeconds
        self.communicationSeconds = communicationSeconds
        self.seconds = seconds
        if communicationSeconds > max(computeSeconds, memorySeconds) {
            bound = .communication
        } else {
            bound = computeSeconds >= memorySeconds ? .compute : .memory
        }
    }
}

/// One layout sized to the smallest deployment at which it fits, with its decode and prefill times and cost.
/// Performance fields are nil when the layout does not fit.
public struct LayoutPlan: Codable, Sendable, Equatable {
    public var layout: DeploymentLayout
    public var fits: Bool
    /// Why the layout does not fit; nil when it does.
    public var reason: UnfitReason?
    public var devices: Int?
    public var nodes: Int?
    /// Devices in one tensor-parallel group.
    public var tensorParallel: Int?
    /// Devices the routed experts are split over in each stage (tensor-pipeline with `--ep`); nil without expert
    /// parallelism.
    public var expertParallel: Int?
    public var pipelineStages: Int?
    /// Groups the KV cache is split across by sequence.
    public var contextGroups: Int?
    /// Micro-batches in flight through the pipeline while decoding.
    public var microBatches: Int?
    /// Bytes held by the fullest device, allowance included.
    public var memoryPerDeviceBytes: Double?
    /// One decode step at the given efficiency, and at the bound (efficiency 1).
    public var decode: StepEstimate?
    public var decodeAtBound: StepEstimate?
    /// Prefill of the prompt (time to first token) at the given efficiency, and at the bound.
    public var prefill: StepEstimate?
    public var prefillAtBound: StepEstimate?
    /// Seconds between two tokens of one sequence: decode.seconds.
    public var secondsPerToken: Double?
    /// Tokens per second of the whole batch: batch / secondsPerToken.
    public var tokensPerSecond: Double?
    /// tokensPerSecond × 3600.
    public var tokensPerHour: Double?
    /// devices × price per device-hour.
    public var costPerHourUSD: Double?
    /// costPerHourUSD / tokensPerHour × 1e6.
    public var costPerMillionTokensUSD: Double?
    /// Tokens per second and cost per million tokens at the bound (efficiency 1).
    public var boundTokensPerSecond: Double?
    public var boundCostPerMillionTokensUSD: Double?
    public var timeToFirstTokenSeconds: Double?
    /// Decode and prefill predicted by the calibration (its measured all-reduce on the link), and the tokens per
    /// second, cost per million tokens and time to first token they give; nil without a calibration.
    public var decodePredicted: StepEstimate?
    public var prefillPredicted: StepEstimate?
    public var predictedTokensPerSecond: Double?
    public var predictedCostPerMillionTokensUSD: Double?
    public var predictedTimeToFirstTokenSeconds: Double?
    /// Prefill of one request's prompt alone on the same deployment (for a serial prefill schedule) at the given
    /// efficiency, at the bound and predicted; nil unless the workload asks for it (`requestPrefillOperators`).
    public var requestPrefill: StepEstimate?
    public var requestPrefillAtBound: StepEstimate?
    public var requestPrefillPredicted: StepEstimate?
    /// What the layout assumes, with the numbers used.
    public var assumptions: [LayoutAssumption]
}

/// The answer to "how many devices, how fast, at what cost": memory sizing, then each layout.
public struct DeploymentPlan: Codable, Sendable, Equatable {
    public var model: String
    public var deviceID: String
    public var deviceName: String
    public var batch: Int
    public var contextTokens: Int
    public var promptTokens: Int?
    public var weightType: DataType
    public var activationType: DataType
    public var kvCacheType: DataType
    public var options: DeploymentOptions
    public var deviceMemoryBytes: Double
    public var deviceBytesPerSecond: Double
    public var pricePerDeviceHourUSD: Double?
    public var priceNote: String?
    public var weightBytes: Double
    /// batch × context × kvCacheBytesPerToken (sliding windows capped by the model).
    public var kvCacheBytes: Double
    public var kvCacheBytesPerToken: Double
    /// Bytes each device keeps free: reserveBytesPerDevice + decodeWorkspaceBytes.
    public var allowanceBytesPerDevice: Double
    public var decodeWorkspaceBytes: Double
    /// ⌈kvCacheBytes / deviceMemoryBytes⌉: devices for the cache alone, full capacity.
    public var kvOnlyDevices: Int
    /// ⌈(weightBytes + kvCacheBytes) / (deviceMemoryBytes − allowanceBytesPerDevice)⌉.
    public var minimumDevices: Int
    /// minimumDevices rounded up to whole nodes (or to a divisor of the node size when one node suffices).
    public var deployedDevices: Int
    public var deployedNodes: Int
    public var layouts: [LayoutPlan]
    /// Assumptions common to every layout.
    public var assumptions: [PlanAssumption]
    /// Findings worth reading first (for example how far the aggregate figure is from a pipelined layout).
    public var notes: [PlanNote]
    /// The calibration behind the layouts' predicted times; nil for bounds only.
    public var calibration: CalibrationUsed?

    /// What the devices must hold besides their allowance: weightBytes + kvCacheBytes.
    public var weightAndKVCacheBytes: Double { weightBytes + kvCacheBytes }
    /// KV-cache bytes per token averaged over the context and batch: kvCacheBytes ÷ (context × batch); below
    /// kvCacheBytesPerToken where sliding-window layers cap the cache.
    public var averageKVCacheBytesPerToken: Double { kvCacheBytes / (Double(contextTokens) * Double(batch)) }
    /// Whether sliding-window layers hold less than the full context: the average per token differs from the full
    /// figure by more than a relative 1e-9.
    public var slidingWindowsCapTheCache: Bool {
        !averageKVCacheBytesPerToken.isApproximatelyEqual(to: kvCacheBytesPerToken, relativeTolerance: 1e-9)
    }
}
