import RooflineCalibration

/// Sizes a deployment and times it under explicit layouts: values in, a `DeploymentPlan` out.
public enum DeploymentPlanner {
    /// Plans `workload` on `device`. Throws a usage error when the device lacks what the plan needs (memory
    /// capacity, bandwidth, a compute peak for the workload's matmuls) or the options are out of range.
    /// `calibration` (nil: bounds only) predicts every layout's steps beside the bound and replaces the assumed
    /// link latency of its all-reduces by the measured ones.
    public static func plan(_ workload: DeploymentWorkload, on device: Device, options: DeploymentOptions,
                            calibration: AppliedCalibration? = nil) throws -> DeploymentPlan {
        let options = try options.validated()
        if let shape = options.chosenShape, shape.expertParallel > 1 {
            guard let moe = workload.moe else {
                throw RooflineError.usage(
                    "--ep splits the routed experts of a mixture of experts, and \(workload.modelName) is dense: drop --ep")
            }
            guard moe.expertCount % shape.expertParallel == 0 else {
                throw RooflineError.usage(
                    "--ep \(shape.expertParallel) does not divide \(workload.modelName)'s \(moe.expertCount) experts per layer: use a divisor of \(moe.expertCount)")
            }
        }
        guard let memoryBytes = device.memoryBytes, let bytesPerSecond = device.memoryBytesPerSecond else {
            throw RooflineError.usage(
                "\(device.id) has no memory capacity or bandwidth in its data: pick another device or describe it with --device-file")
        }
        let reserve = options.reserveBytesPerDevice
        let workspace = workload.decodeWorkspaceBytes
        let allowance = reserve + workspace
        guard allowance < memoryBytes else {
            // Name whichever part of the allowance the user can lower: the reserve, or the batch whose decode
            // activations one device must hold.
            let fix = workspace >= reserve
                ? "the decode activations of batch \(workload.batch) (\(Format.bytes(workspace)) in one layer's largest operator) do not fit: lower --batch"
                : "lower --reserve"
            throw RooflineError.usage(
                "the allowance of \(Format.bytes(allowance)) per device leaves nothing of \(device.id)'s \(Format.bytes(memoryBytes)): \(fix)")
        }
        let sizing = Sizing(
            weightBytes: workload.weightBytes, kvCacheBytes: workload.kvCacheBytes, layerCount: workload.layerCount,
            memoryBytes: memoryBytes, allowanceBytes: allowance, devicesPerNode: options.devicesPerNode,
            maxDevices: options.maxNodes * options.devicesPerNode, chosenTensorParallel: options.chosenShape?.tensorParallel,
            expertWeightBytes: workload.moe?.routedExpertWeightBytes ?? 0,
            expertParallel: options.chosenShape?.expertParallel ?? 1)
        let kvOnly = try wholeCount(workload.kvCacheBytes / memoryBytes, of: "the KV cache")
        let minimum = try wholeCount((workload.weightBytes + workload.kvCacheBytes) / (memoryBytes - allowance),
                                     of: "the weights and KV cache")
        let deployed = options.chosenShape?.devices ?? sizing.deployment(atLeast: minimum)

        let timing = Timing(workload: workload, device: device, bytesPerSecond: bytesPerSecond, options: options,
                            calibration: calibration)
        let layouts = try options.layouts.map { try timing.plan($0, sizing: sizing, from: deployed) }

        let deployment: PlanAssumption = options.chosenShape.map { .chosenShape(shape: $0) }
            ?? .deployment(devicesPerNode: options.devicesPerNode, deployedDevices: deployed, maxNodes: options.maxNodes)
        var assumptions: [PlanAssumption] = [
            .memory(weightBytes: workload.weightBytes, kvCacheBytes: workload.kvCacheBytes, batch: workload.batch,
                    contextTokens: workload.contextTokens, kvCacheBytesPerToken: workload.kvCacheBytesPerToken,
                    kvCacheType: workload.kvCacheType, allowanceBytes: allowance, reserveBytes: reserve,
                    workspaceBytes: workspace, deviceMemoryBytes: memoryBytes, usableBytesPerDevice: memoryBytes - allowance),
            deployment,
            .peaks(deviceID: device.id, memoryBytesPerSecond: bytesPerSecond, efficiency: options.efficiency),
            .operatorTime,
        ]
        let untimed = timing.untimedTypes()
        if !untimed.isEmpty {
            assumptions.append(.noComputePeak(deviceID: device.id, dataTypes: untimed))
        }
        if device.interconnectBytesPerSecond == nil {
            assumptions.append(.noLinkBandwidth(deviceID: device.id))
        }
        assumptions.append(calibration.map { .calibrated($0.used) } ?? .noCalibration(deviceID: device.id))
        if let measured = options.measuredNetwork { assumptions.append(.measuredNetwork(network: measured)) }
        var plan = DeploymentPlan(
            model: workload.modelName, deviceID: device.id, deviceName: device.name, batch: workload.batch,
            contextTokens: workload.contextTokens, promptTokens: workload.promptTokens, weightType: workload.weightType,
            activationType: workload.activationType, kvCacheType: workload.kvCacheType, options: options,
            deviceMemoryBytes: memoryBytes, deviceBytesPerSecond: bytesPerSecond,
            pricePerDeviceHourUSD: device.pricePerHourUSD, priceNote: device.priceNote,
            weightBytes: workload.weightBytes, kvCacheBytes: workload.kvCacheBytes,
            kvCacheBytesPerToken: workload.kvCacheBytesPerToken, allowanceBytesPerDevice: allowance,
            decodeWorkspaceBytes: workspace, kvOnlyDevices: kvOnly, minimumDevices: minimum,
            deployedDevices: deployed, deployedNodes: sizing.nodes(deployed), layouts: layouts,
            assumptions: assumptions, notes: notes(layouts, workload: workload, options: options))
        plan.calibration = calibration?.used
        return plan
    }

    /// ⌈x⌉ as a device count, ignoring a relative excess of 1e-12 from rounding (so 43.000000000001 is 43).
    /// Throws a usage error when x exceeds 1e15 devices.
    static func wholeCount(_ x: Double, of what: String) throws -> Int {
        guard x.isFinite, x <= 1e15 else {
            throw RooflineError.usage("\(what) would need more than 10^15 devices: shorten --context or lower --batch")
        }
        return max(1, Int((x * (1 - 1e-12)).rounded(.up)))
    }

    /// Findings: why nothing fits, how far the aggregate figure is from a tensor-pipeline layout with more than one
    /// stage, and what context parallelism costs in devices.
    static func notes(_ layouts: [LayoutPlan], workload: DeploymentWorkload, options: DeploymentOptions) -> [PlanNote] {
        var notes: [PlanNote] = []
        let aggregate = layouts.first { $0.layout == .aggregate }
        if let aggregate, !aggregate.fits, let reason = aggregate.reason {
            notes.append(.nothingFits(reason: reason))
        }
        if let aggregate, let devices = aggregate.devices, let fast = aggregate.tokensPerSecond,
           let bound = aggregate.boundTokensPerSecond,
           let pipeline = layouts.first(where: { $0.layout == .tensorPipeline }), let slow = pipeline.tokensPerSecond,
           let stages = pipeline.pipelineStages, stages > 1, let microBatches = pipeline.microBatches, slow < fast {
            let schedule: PipelineSchedule = microBatches >= stages ? .allStagesBusy
                : microBatches == 1 ? .oneMicroBatch : .someStagesIdle
            notes.append(.aggregateVersusPipeline(
                aggregateBoundTokensPerSecond: bound, aggregateTokensPerSecond: fast, efficiency: options.efficiency,
                aggregateDevices: devices, batch: workload.batch, pipelineStages: stages, microBatches: microBatches,
                idleStages: stages - min(microBatches, stages), schedule: schedule, pipelineTokensPerSecond: slow,
                slowdownFactor: fast / slow))
        }
        if let aggregate, let context = layouts.first(where: { $0.layout == .contextParallel }),
           let base = aggregate.devices, let devices = context.devices, devices > base {
            notes.append(.contextParallelDevices(groupDevices: context.tensorParallel ?? 0, devices: devices, aggregateDevices: base))
        }
        return notes
    }
}

/// Memory per device under each layout, and the deployment sizes tried.
struct Sizing {
    var weightBytes: Double
    var kvCacheBytes: Double
    var layerCount: Int
    var memoryBytes: Double
    var allowanceBytes: Double
    var devicesPerNode: Int
    var maxDevices: Int
    /// The tensor-parallel group size the user chose (`--tp`); nil: min(n, devicesPerNode).
    var chosenTensorParallel: Int? = nil
    /// The routed experts' share of weightBytes (0 for a dense model).
    var expertWeightBytes: Double = 0
    /// Devices the routed experts are split over in each stage (`--ep`; 1 without expert parallelism).
    var expertParallel: Int = 1

    /// The smallest deployment of at least `minimum` devices: the smallest divisor of devicesPerNode ≥ minimum
    /// when minimum ≤ devicesPerNode, else ⌈minimum / devicesPerNode⌉ × devicesPerNode.
    func deployment(atLeast minimum: Int) -> Int {
        if minimum <= devicesPerNode { return (minimum...devicesPerNode).first { devicesPerNode % $0 == 0 } ?? devicesPerNode }
        return (minimum + devicesPerNode - 1) / devicesPerNode * devicesPerNode
    }

    /// Nodes a deployment of `devices` occupies: ⌈devices / devicesPerNode⌉.
    func nodes(_ devices: Int) -> Int { (devices + devicesPerNode - 1) / devicesPerNode }

    /// Deployment sizes from `start` up to maxDevices: divisors of the node size, then whole nodes.
    func sizes(from start: Int) -> [Int] {
        guard start <= maxDevices else { return [] }
        var sizes: [Int] = []
        var n = start
        while n <= maxDevices {
            sizes.append(n)
            n = deployment(atLeast: n + 1)
        }
        return sizes
    }

    /// Devices in one tensor-parallel group of a deployment of n: the chosen `--tp`, else min(n, devicesPerNode).
    func groupSize(_ n: Int) -> Int { chosenTensorParallel ?? min(n, devicesPerNode) }

    /// Aggregate: (weights + KV) / n + allowance.
    func aggregateBytesPerDevice(_ n: Int) -> Double {
        (weightBytes + kvCacheBytes) / Double(n) + allowanceBytes
    }

    /// Devices in one pipeline stage of a deployment of n: max(groupSize(n), expertParallel).
    func stageSize(_ n: Int) -> Int { max(groupSize(n), expertParallel) }

    /// Tensor-pipeline with p = n / g stages of g = `stageSize(n)` devices: the fullest stage holds ⌈L/p⌉ of L
    /// layers, weights and KV spread evenly over layers. Without expert parallelism (g = t):
    /// ⌈L/p⌉ / L × (weights + KV) / t + allowance. With e-way expert parallelism (g = e, attention replicated
    /// e / t times, each replica holding its sequences' KV): ⌈L/p⌉ / L × ((weights − experts) / t + experts / e
    /// + KV / e) + allowance. Nil when p > L or p < 1.
    func pipelineBytesPerDevice(_ n: Int) -> Double? {
        let tensorParallel = groupSize(n), stageDevices = stageSize(n), stages = n / stageDevices
        guard stages >= 1, stages <= layerCount else { return nil }
        let fullest = Double((layerCount + stages - 1) / stages) / Double(layerCount)
        guard stageDevices > tensorParallel else {
            return fullest * (weightBytes + kvCacheBytes) / Double(tensorParallel) + allowanceBytes
        }
        let g = Double(stageDevices)
        return fullest * ((weightBytes - expertWeightBytes) / Double(tensorParallel) + expertWeightBytes / g + kvCacheBytes / g)
            + allowanceBytes
    }

    /// Context-parallel with c = n / t groups of t devices, each group holding all weights:
    /// weights / t + KV / (c × t) + allowance.
    func contextParallelBytesPerDevice(_ n: Int) -> Double {
        let tensorParallel = groupSize(n), contextGroups = n / tensorParallel
        return weightBytes / Double(tensorParallel) + kvCacheBytes / Double(contextGroups * tensorParallel) + allowanceBytes
    }
}
