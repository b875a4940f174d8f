import Foundation

/// Sizes a deployment and times it under explicit layouts: values in, a `DeploymentPlan` out.
public enum DeploymentPlanner {
    /// Plans `workload` on `device`. Throws a usage error when the device lacks what the plan needs (memory
    /// capacity, bandwidth, a compute peak for the workload's matmuls) or the options are out of range.
    public static func plan(_ workload: DeploymentWorkload, on device: Device, options: DeploymentOptions) throws
        -> DeploymentPlan {
        let options = try options.validated()
        guard let memoryBytes = device.memoryBytes, let bytesPerSecond = device.memoryBytesPerSecond else {
            throw RooflineError.usage(
                "\(device.id) has no memory capacity or bandwidth in its data: pick another device or describe it with --device-file")
        }
        let reserve = options.reserveBytesPerDevice
        let workspace = workload.decodeWorkspaceBytes
        let allowance = reserve + workspace
        guard allowance < memoryBytes else {
            throw RooflineError.usage(
                "the allowance of \(Format.bytes(allowance)) per device leaves nothing of \(device.id)'s \(Format.bytes(memoryBytes)): lower --reserve")
        }
        let sizing = Sizing(
            weightBytes: workload.weightBytes, kvCacheBytes: workload.kvCacheBytes, layerCount: workload.layerCount,
            memoryBytes: memoryBytes, allowanceBytes: allowance, devicesPerNode: options.devicesPerNode,
            maxDevices: options.maxNodes * options.devicesPerNode)
        let kvOnly = try wholeCount(workload.kvCacheBytes / memoryBytes, of: "the KV cache")
        let minimum = try wholeCount((workload.weightBytes + workload.kvCacheBytes) / (memoryBytes - allowance),
                                     of: "the weights and KV cache")
        let deployed = sizing.deployment(atLeast: minimum)

        let timing = Timing(workload: workload, device: device, bytesPerSecond: bytesPerSecond, options: options)
        let layouts = try options.layouts.map { try timing.plan($0, sizing: sizing, from: deployed) }

        let g = options.devicesPerNode
        var assumptions = [
            "Memory: weights \(Format.bytes(workload.weightBytes)) + KV cache \(Format.bytes(workload.kvCacheBytes)) "
                + "(batch \(workload.batch) × context \(Format.grouped(workload.contextTokens)) × \(Format.grouped(Int(workload.kvCacheBytesPerToken))) B/token at \(workload.kvCacheType.rawValue)); "
                + "each device keeps \(Format.bytes(allowance)) free: a \(Format.bytes(reserve)) reserve for runtime, communication buffers and workspaces "
                + "plus \(Format.bytes(workspace)) of decode activations (the largest operator's, one layer). "
                + "The KV-only count uses the full \(Format.bytes(memoryBytes)); the minimum count uses \(Format.bytes(memoryBytes - allowance)).",
            "Deployment: whole nodes of \(g) devices, or the smallest divisor of \(g) that holds the model when one node suffices "
                + "(a tensor-parallel group divides the node); each layout takes the smallest such deployment, from \(Format.grouped(deployed)) device\(deployed == 1 ? "" : "s") up to \(Format.grouped(options.maxNodes)) nodes, at which it fits.",
            "Peaks are dense vendor figures (\(device.id)): \(Format.bytesPerSecond(bytesPerSecond)) memory bandwidth. "
                + "The efficiency (\(plain(options.efficiency)); 1 = the roofline bound) scales memory bandwidth and FLOP rate alike; "
                + "links, network and latencies are not scaled. Results at the bound are shown too.",
            "Each operator takes max(compute time, memory time) on its share; communication is added, not overlapped.",
        ]
        let untimed = timing.untimedTypes()
        if !untimed.isEmpty {
            assumptions.append("\(device.id) has no peak for \(untimed.map(\.rawValue).joined(separator: ", ")) or a wider type in its data: "
                + "those operators (norms, elementwise, softmax) are timed by their bytes alone.")
        }
        if device.interconnectBytesPerSecond == nil {
            assumptions.append("\(device.id) has no scale-up link bandwidth in its data: tensor-parallel all-reduces use the scale-out network figure.")
        }
        return DeploymentPlan(
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
    }

    /// ⌈x⌉ as a device count, ignoring a relative excess of 1e-12 from rounding (so 43.000000000001 is 43).
    /// Throws a usage error when x exceeds 1e15 devices.
    static func wholeCount(_ x: Double, of what: String) throws -> Int {
        guard x.isFinite, x <= 1e15 else {
            throw RooflineError.usage("\(what) would need more than 10^15 devices: shorten --context or lower --batch")
        }
        return max(1, Int((x * (1 - 1e-12)).rounded(.up)))
    }

    /// Findings: how far the aggregate figure is from a tensor-pipeline layout with more than one stage, and
    /// what context parallelism costs in devices.
    static func notes(_ layouts: [LayoutPlan], workload: DeploymentWorkload, options: DeploymentOptions) -> [String] {
        var notes: [String] = []
        let aggregate = layouts.first { $0.layout == .aggregate }
        if let aggregate, !aggregate.fits, let reason = aggregate.reason {
            notes.append("Nothing fits: \(reason).")
        }
        if let aggregate, let devices = aggregate.devices, let fast = aggregate.tokensPerSecond,
           let bound = aggregate.boundTokensPerSecond,
           let pipeline = layouts.first(where: { $0.layout == .tensorPipeline }), let slow = pipeline.tokensPerSecond,
           let stages = pipeline.pipelineStages, stages > 1, let micro = pipeline.microBatches, slow < fast {
            let atEfficiency = options.efficiency < 1
                ? " (\(Format.significant(fast)) at efficiency \(plain(options.efficiency)))" : ""
            notes.append(
                "The aggregate figure, \(Format.significant(bound)) tokens/s\(atEfficiency), assumes all \(Format.grouped(devices)) devices "
                    + "read their share of weights and KV cache at once. With tensor parallelism inside each node and \(stages) pipeline stages, "
                    + "batch \(workload.batch) in \(micro) micro-batch\(micro == 1 ? "" : "es") runs the stages one after another: "
                    + "\(Format.significant(slow)) tokens/s, \(Format.significant(fast / slow, digits: 2))× slower.")
        }
        if let aggregate, let context = layouts.first(where: { $0.layout == .contextParallel }),
           let base = aggregate.devices, let devices = context.devices, devices > base {
            notes.append("Context parallelism keeps all weights in every group of \(context.tensorParallel ?? 0) devices, "
                + "so it needs \(Format.grouped(devices)) devices instead of \(Format.grouped(base)).")
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

    /// The smallest deployment of at least `minimum` devices: the smallest divisor of devicesPerNode ≥ minimum
    /// when minimum ≤ devicesPerNode, else ⌈minimum / devicesPerNode⌉ × devicesPerNode.
    func deployment(atLeast minimum: Int) -> Int {
        let g = devicesPerNode
        if minimum <= g { return (minimum...g).first { g % $0 == 0 } ?? g }
        return (minimum + g - 1) / g * g
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

    /// Devices in one tensor-parallel group of a deployment of n: min(n, devicesPerNode).
    func groupSize(_ n: Int) -> Int { min(n, devicesPerNode) }

    /// Aggregate: (weights + KV) / n + allowance.
    func aggregateBytesPerDevice(_ n: Int) -> Double {
        (weightBytes + kvCacheBytes) / Double(n) + allowanceBytes
    }

    /// Tensor-pipeline with p = n / t stages of t devices: the fullest stage holds ⌈L/p⌉ of L layers, weights and
    /// KV spread evenly over layers: ⌈L/p⌉ / L × (weights + KV) / t + allowance. Nil when p > L.
    func pipelineBytesPerDevice(_ n: Int) -> Double? {
        let t = groupSize(n), p = n / t
        guard p <= layerCount else { return nil }
        let layersPerStage = Double((layerCount + p - 1) / p)
        return layersPerStage / Double(layerCount) * (weightBytes + kvCacheBytes) / Double(t) + allowanceBytes
    }

    /// Context-parallel with c = n / t groups of t devices, each group holding all weights:
    /// weights / t + KV / (c × t) + allowance.
    func contextParallelBytesPerDevice(_ n: Int) -> Double {
        let t = groupSize(n), c = n / t
        return weightBytes / Double(t) + kvCacheBytes / Double(c * t) + allowanceBytes
    }
}

/// A short number as written by hand: 0.78, 2, 0.5 (no trailing zeros).
func plain(_ value: Double) -> String { String(format: "%g", value) }
