import RooflineCore
import RooflineModels
import RooflineCalibration
import RooflineDevices

/// The result of `roofline classify` as a value: what the JSON carries and the text and markdown render.
struct ClassifyReport: Encodable {
    /// One operator placed on the roofline.
    struct Row: Encodable {
        var name: String
        var kind: OperatorKind
        var count: Int
        var flops: Double
        var bytes: Double
        var weightBytes: Double
        var activationBytes: Double
        var kvBytes: Double
        var computeType: DataType
        var ceilingDataType: DataType
        var fellBackFrom: DataType?
        var arithmeticIntensity: Double
        var attainableFlopsPerSecond: Double
        var computeSeconds: Double
        var memorySeconds: Double
        var seconds: Double
        var bound: Bound
        /// Fraction of the step's time.
        var share: Double
        /// The calibrated prediction (nil with --calibration none or without a calibration for the device).
        var predicted: OperatorPrediction?
        /// Work besides the FLOPs that adds to the compute time (`Operator.sideWork`: a GGUF matmul's block scales
        /// and activation quantization); absent when there is none.
        var sideWork: [SideWork]?
    }

    /// Sums over the step (operators run one after another).
    struct Totals: Encodable {
        var flops: Double
        var bytes: Double
        var weightBytes: Double
        var activationBytes: Double
        var kvBytes: Double
        /// `Analysis.arithmeticIntensity`: flops ÷ bytes.
        var arithmeticIntensity: Double
        var seconds: Double
        var computeBoundSeconds: Double
        var memoryBoundSeconds: Double
        /// `Workload.tokensPerStep` (B·N prefill, B decode) ÷ seconds.
        var tokensPerSecond: Double
        /// `StepPrediction.totalSeconds` and tokensPerStep ÷ it; nil without a calibration.
        var predictedSeconds: Double?
        var predictedTokensPerSecond: Double?
        /// `StepPrediction.floorSeconds` and `.kernelLaunches`.
        var predictedFloorSeconds: Double?
        var kernelLaunches: Int?
    }



    /// The roofline the step was placed on.
    struct Device: Encodable {
        var name: String
        var mainMemoryLevel: String
        var bandwidthBytesPerSecond: Double
        var computeCeilings: [ComputeCeiling]
        var bandwidthCeilings: [BandwidthCeiling]
    }

    var model: String
    var family: ModelFamily
    var phase: PhaseKind
    /// The prefill's prompt length (nil for decode) and the decode step's context (nil for prefill), named as in
    /// `plan`'s JSON.
    var promptTokens: Int?
    var contextTokens: Int?
    var batch: Int
    var precision: Precision
    var attention: AttentionMode
    var lmHeadAllPositions: Bool
    var device: Device
    /// Ridge of the matmul data type: peak FLOP/s ÷ main-memory bytes/s.
    var ridgeFlopsPerByte: Double?
    var ridgeDataType: DataType
    /// Bytes of all weights (the footprint) and of the KV cache after the step.
    var weightBytes: Double
    var kvCacheBytes: Double
    /// The calibration that produced the predicted times.
    var calibration: CalibrationUsed?
    /// On a host roofline with a host-engine calibration: the step predicted from the engine's measured fraction of
    /// the bound (its seconds are also `totals.predictedSeconds`).
    var hostPrediction: HostPrediction?
    /// Whether one device holds the weights and KV cache (nil on a host or a device without a capacity figure).
    var capacity: CapacityCheck?
    var notes: [String]
    var operators: [Row]
    var totals: Totals

    /// One row per operator of `analysis`, in its order, with the calibrated prediction beside it when given
    /// (also a report's operator tables, `report --csv`).
    static func rows(_ analysis: Analysis, prediction: StepPrediction?) -> [Row] {
        analysis.placements.enumerated().map { index, p in
            Row(name: p.operator.name, kind: p.operator.kind, count: p.operator.count, flops: p.operator.flops,
                bytes: p.operator.bytes.total, weightBytes: p.operator.bytes.weights,
                activationBytes: p.operator.bytes.activations, kvBytes: p.operator.bytes.kvCache,
                computeType: p.operator.computeType, ceilingDataType: p.ceilingDataType, fellBackFrom: p.fellBackFrom,
                arithmeticIntensity: p.arithmeticIntensity, attainableFlopsPerSecond: p.attainableFlopsPerSecond,
                computeSeconds: p.computeSeconds, memorySeconds: p.memorySeconds, seconds: p.seconds, bound: p.bound,
                share: analysis.share(of: p), predicted: prediction?.operators[index], sideWork: p.operator.sideWork)
        }
    }

    /// The step's sums over `analysis`, tokens/s from `tokensPerStep`, and the prediction's when given (also a
    /// report's step table, `report --csv`).
    static func totals(_ analysis: Analysis, prediction: StepPrediction?, tokensPerStep: Double) -> Totals {
        let bytes = analysis.totalBytes
        return Totals(
            flops: analysis.totalFlops, bytes: bytes.total, weightBytes: bytes.weights,
            activationBytes: bytes.activations, kvBytes: bytes.kvCache, arithmeticIntensity: analysis.arithmeticIntensity,
            seconds: analysis.totalSeconds, computeBoundSeconds: analysis.seconds(boundBy: .compute),
            memoryBoundSeconds: analysis.seconds(boundBy: .memory),
            tokensPerSecond: analysis.tokensPerSecond(tokensPerStep: tokensPerStep),
            predictedSeconds: prediction?.totalSeconds,
            predictedTokensPerSecond: prediction?.tokensPerSecond(tokensPerStep: tokensPerStep),
            predictedFloorSeconds: prediction?.floorSeconds, kernelLaunches: prediction?.kernelLaunches)
    }

    init(workload: Workload, analysis: Analysis, prediction: StepPrediction?, hostPrediction: HostPrediction? = nil,
         capacity: CapacityCheck?, deviceNotes: [String]) {
        let roofline = analysis.roofline
        model = workload.model.name
        family = workload.model.family
        batch = workload.batch
        precision = workload.precision
        attention = workload.attention
        lmHeadAllPositions = workload.lmHeadAllPositions
        phase = workload.phase.kind
        switch workload.phase {
        case .prefill(let count): promptTokens = count
        case .decode(let length): contextTokens = length
        }
        device = Device(name: roofline.name, mainMemoryLevel: roofline.mainMemoryLevel,
                        bandwidthBytesPerSecond: roofline.bandwidthCeiling()?.bytesPerSecond ?? 0,
                        computeCeilings: roofline.computeCeilings, bandwidthCeilings: roofline.bandwidthCeilings)
        ridgeDataType = analysis.placements.first { $0.operator.kind == .matmul }?.operator.computeType
            ?? workload.precision.activations
        ridgeFlopsPerByte = roofline.ridgeFlopsPerByte(dataType: ridgeDataType)
        weightBytes = workload.weightBytes
        kvCacheBytes = workload.kvCacheBytes
        operators = Self.rows(analysis, prediction: prediction)
        totals = Self.totals(analysis, prediction: prediction, tokensPerStep: workload.tokensPerStep)
        if let hostPrediction {
            totals.predictedSeconds = hostPrediction.seconds
            totals.predictedTokensPerSecond = hostPrediction.seconds > 0 ? workload.tokensPerStep / hostPrediction.seconds : 0
        }
        self.hostPrediction = hostPrediction
        calibration = prediction?.calibration
        self.capacity = capacity
        notes = deviceNotes
        for fallback in analysis.fallbacks {
            notes.append("\(roofline.name) has no \(fallback.requested.rawValue) compute ceiling: "
                + "\(fallback.requested.rawValue) operators use the \(fallback.used.rawValue) ceiling")
        }
        for type in analysis.untimedTypes {
            notes.append("\(roofline.name) has no \(type.rawValue) or wider compute ceiling: \(type.rawValue) vector operators are timed by their bytes alone")
        }
        notes.append("vector operators (norms, softmax, RoPE, activations, adds) use the fp32 ceiling")
        if workload.attention == .fused {
            notes.append("fused attention reads K and V once per layer and sequence (query blocks re-use them on chip): "
                + "a lower bound on memory traffic")
        }
        if workload.model.mla != nil {
            notes.append(phase == .decode
                ? "MLA decode counted in the absorbed form (attention over the cached latent)"
                : "MLA prefill counted in the naive form (K and V decompressed by kv_b_proj)")
        }
        let sideWork = analysis.placements.flatMap { $0.operator.sideWork ?? [] }
        if !sideWork.isEmpty {
            let byType = Dictionary(grouping: sideWork, by: \.dataType).sorted { $0.key < $1.key }
                .map { "\(Format.decimal($0.value.reduce(0) { $0 + $1.operations }, unit: "op")) on \($0.key.rawValue)" }
            notes.append("quantized matmuls add their dequantization work (block scales, activation quantization) to "
                + "their compute time, on the ceiling each part runs on: " + byType.joined(separator: ", ")
                + " (sideWork in JSON); bit unpacking is not counted")
        }
        if workload.model.moe != nil {
            notes.append("MoE expert weights counted for the expected distinct experts E·(1 − (1 − k/E)^T), uniform routing")
        }
    }
}
