import RooflineDevices

extension DeploymentPlan {
    /// "48 (6 nodes of 8)", or "2 (part of a node of 8)" when one node is more than enough.
    public var deployedDescription: String {
        let perNode = options.devicesPerNode
        if deployedDevices < perNode { return "\(Format.grouped(deployedDevices)) (part of a node of \(perNode))" }
        return "\(Format.grouped(deployedDevices)) (\(Format.grouped(deployedNodes)) node\(deployedNodes == 1 ? "" : "s") of \(perNode))"
    }

    /// "5.16 TB (516,096 B/token × 10,000,000 tokens × batch 1)"; where sliding-window layers cap the cache, the
    /// per-token figure is `averageKVCacheBytesPerToken`.
    public var kvCacheDescription: String {
        let head = "\(Format.bytes(kvCacheBytes)) ("
        let tail = " × \(Format.grouped(contextTokens)) tokens × batch \(batch))"
        if !slidingWindowsCapTheCache {
            return head + "\(Format.grouped(kvCacheBytesPerToken)) B/token" + tail
        }
        return head + "on average \(Format.grouped(averageKVCacheBytesPerToken)) B/token" + tail
            + "; sliding-window layers hold at most their window, \(Format.grouped(kvCacheBytesPerToken)) B/token for the first window"
    }
}

extension LayoutPlan {
    /// Devices of a layout with its shape: "48 (tp 8 × pp 6)", "8 (tp 2 × ep 8)" (ep devices per stage); "–" when the layout does not fit.
    public var shapeDescription: String {
        guard let devices else { return "–" }
        var parts: [String] = []
        if let devicesPerGroup = tensorParallel, devicesPerGroup > 1 { parts.append("tp \(devicesPerGroup)") }
        if let experts = expertParallel, experts > 1 { parts.append("ep \(experts)") }
        if let stages = pipelineStages, stages > 1 { parts.append("pp \(stages)") }
        if let groups = contextGroups, groups > 1 { parts.append("cp \(groups)") }
        return Format.grouped(devices) + (parts.isEmpty ? "" : " (\(parts.joined(separator: " × ")))")
    }
}
