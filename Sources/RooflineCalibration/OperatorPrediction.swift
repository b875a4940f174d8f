import RooflineCore

/// An operator's predicted time on a device: the kernel model that applied, its parts, and the calls counted.
public struct OperatorPrediction: Codable, Sendable, Equatable {
    /// The kernel class whose model applied (`gemm/bf16`, `decode-attention/bf16`, `memory/bytes`…).
    public var kernel: String
    /// True when the engine profile fuses the operator into a neighbour: no floor of its own.
    public var fused: Bool
    /// Kernel calls in the step: the operator's count (one per layer).
    public var calls: Int
    public var floorSecondsPerCall: Double
    public var computeEfficiency: Double
    public var bandwidthEfficiency: Double
    /// floor + max(compute ÷ η_c, memory ÷ η_m) for one call.
    public var secondsPerCall: Double
    /// secondsPerCall × calls.
    public var seconds: Double
    /// compute at peak ÷ η_c and memory at peak ÷ η_m, × calls: the achieved compute and memory times.
    public var computeSeconds: Double
    public var memorySeconds: Double
    /// The operator's FLOPs ÷ seconds: the rate it achieves at the prediction (0 without FLOPs).
    public var flopsPerSecond: Double
}

extension Calibration {
    /// The kernel class an operator runs as: matmuls (and the batched matmuls of materialized attention, and the
    /// MoE router) as `gemm` at their data type (fp8, else bf16); fused attention as `decode-attention` when it
    /// reads the KV cache, else `prefill-attention`; collectives as a custom all-reduce on 8 GPUs (one node); every
    /// other kind (norms, softmax, elementwise, embedding, KV reads and writes) as `memory`.
    public static func kernelClass(of op: Operator) -> KernelClass {
        switch op.kind {
        case .matmul, .attentionScores, .attentionValues, .router:
            return KernelClass(.gemm, op.computeType == .fp8 ? "fp8" : "bf16")
        case .attention:
            return KernelClass(op.bytes.kvCache > 0 ? .decodeAttention : .prefillAttention, "bf16")
        case .collective:
            return KernelClass(.allReduce, "custom", ranks: 8)
        case .softmax, .kvRead, .kvWrite, .norm, .elementwise, .embedding:
            return KernelClass(.memory, "bytes")
        }
    }

    /// The predicted time of `op` at `peaks` under `profile`: one call per instance (count), each of
    /// flops ÷ count FLOPs and bytes ÷ count bytes; seconds = calls × (floor + max(compute ÷ η_c, memory ÷ η_m)),
    /// the floor dropped for a kind the profile fuses. Nil when the calibration has no model for the kind.
    public func predict(_ op: Operator, peaks: KernelPeaks, profile: EngineProfile) -> OperatorPrediction? {
        let calls = max(op.count, 1)
        let work = KernelWork(flops: op.flops / Double(calls), bytes: op.bytes.total / Double(calls),
                              computeType: op.computeType, parallelUnits: op.parallelUnits)
        let fused = profile.fusedKinds.contains(op.kind)
        let kernel = Self.kernelClass(of: op)
        guard let p = predict(work, as: kernel, peaks: peaks, withFloor: !fused) else { return nil }
        let n = Double(calls)
        return OperatorPrediction(
            kernel: p.kernel.description, fused: fused, calls: calls, floorSecondsPerCall: p.floorSeconds,
            computeEfficiency: p.computeEfficiency, bandwidthEfficiency: p.bandwidthEfficiency,
            secondsPerCall: p.seconds, seconds: p.seconds * n, computeSeconds: p.computeSeconds * n,
            memorySeconds: p.memorySeconds * n, flopsPerSecond: p.seconds > 0 ? op.flops / (p.seconds * n) : 0)
    }
}
