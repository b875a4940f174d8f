import RooflineModels

/// Whether one device holds a step's weights and KV cache, and, when it does not, how many the deployment planner
/// would use (with its default options: 8 devices per node, 1 GB reserve, the decode workspace).
public struct CapacityCheck: Codable, Sendable, Equatable {
    /// Weights + KV cache after the step, in bytes.
    public var weightsAndKVCacheBytes: Double
    public var deviceMemoryBytes: Double
    /// weightsAndKVCacheBytes ≤ deviceMemoryBytes.
    public var fits: Bool
    /// The planner's fewest devices and the count it deploys (whole nodes), when one device is not enough.
    public var plannerMinimumDevices: Int?
    public var plannerDeployedDevices: Int?

    /// Nil when the device has no capacity figure. The planner sizes the serving deployment of the same
    /// model, batch, precision and context (the prompt length for a prefill step).
    public init?(workload: Workload, model: ModelConfig, device: Device) throws {
        guard let memory = device.memoryBytes else { return nil }
        weightsAndKVCacheBytes = workload.weightBytes + workload.kvCacheBytes
        deviceMemoryBytes = memory
        fits = weightsAndKVCacheBytes <= memory
        guard !fits else { return }
        let context: Int = switch workload.phase {
        case .prefill(let tokens): tokens
        case .decode(let context): context
        }
        let plan = try DeploymentPlanner.plan(
            DeploymentWorkload(model: model, sizes: try StepSizes(batch: workload.batch, contextTokens: context, promptTokens: nil),
                               precision: workload.precision),
            on: device, options: DeploymentOptions())
        plannerMinimumDevices = plan.minimumDevices
        plannerDeployedDevices = plan.deployedDevices
    }
}
