/// A compute ceiling: the peak rate for one data type.
public struct ComputeCeiling: Codable, Sendable, Equatable {
    public var dataType: DataType
    public var flopsPerSecond: Double
    /// Where the number comes from (a measurement, a datasheet).
    public var source: String

    public init(dataType: DataType, flopsPerSecond: Double, source: String) {
        self.dataType = dataType
        self.flopsPerSecond = flopsPerSecond
        self.source = source
    }
}

/// A bandwidth ceiling: the peak rate of one memory level (L1, L2, L3, DRAM, HBM).
public struct BandwidthCeiling: Codable, Sendable, Equatable {
    public var level: String
    public var bytesPerSecond: Double
    public var source: String
    /// Capacity of the level in bytes, where known (a working set that fits is served from it).
    public var capacityBytes: Double?

    public init(level: String, bytesPerSecond: Double, source: String, capacityBytes: Double? = nil) {
        self.level = level
        self.bytesPerSecond = bytesPerSecond
        self.source = source
        self.capacityBytes = capacityBytes
    }
}

/// Whether the roofline puts an operator under the compute roof or under the bandwidth slope.
public enum Bound: String, Codable, Sendable {
    case compute
    case memory
}

/// A set of ceilings: everything downstream takes a `Roofline` and never asks where it came from.
public struct Roofline: Codable, Sendable, Equatable {
    public var name: String
    public var computeCeilings: [ComputeCeiling]
    /// Ordered from the level nearest the cores to main memory.
    public var bandwidthCeilings: [BandwidthCeiling]
    /// The level that model weights and KV cache stream from (DRAM on a host, HBM on an accelerator).
    public var mainMemoryLevel: String

    public init(name: String, computeCeilings: [ComputeCeiling], bandwidthCeilings: [BandwidthCeiling], mainMemoryLevel: String) {
        self.name = name
        self.computeCeilings = computeCeilings
        self.bandwidthCeilings = bandwidthCeilings
        self.mainMemoryLevel = mainMemoryLevel
    }

    /// The compute ceiling for `dataType`; where the device has none, the nearest wider type it has
    /// (`fellBackFrom` then names the requested type). Nil when no type in the chain has a ceiling.
    public func computeCeiling(for dataType: DataType) -> (ceiling: ComputeCeiling, fellBackFrom: DataType?)? {
        if let exact = computeCeilings.first(where: { $0.dataType == dataType }) { return (exact, nil) }
        for wider in dataType.widerTypes {
            if let ceiling = computeCeilings.first(where: { $0.dataType == wider }) { return (ceiling, dataType) }
        }
        return nil
    }

    /// This roofline with the bandwidth of `level` set to `bytesPerSecond` (capacity kept); unchanged when it has
    /// no such level.
    public func replacingBandwidth(of level: String, with bytesPerSecond: Double, source: String) -> Roofline {
        var copy = self
        copy.bandwidthCeilings = bandwidthCeilings.map { c in
            c.level == level
                ? BandwidthCeiling(level: level, bytesPerSecond: bytesPerSecond, source: source, capacityBytes: c.capacityBytes)
                : c
        }
        return copy
    }

    /// The bandwidth ceiling named `level`, or main memory's when `level` is nil.
    public func bandwidthCeiling(level: String? = nil) -> BandwidthCeiling? {
        let wanted = level ?? mainMemoryLevel
        return bandwidthCeilings.first { $0.level == wanted }
    }

    /// Ridge point in FLOP per byte: peak FLOP/s ÷ bandwidth bytes/s. Operators with a higher intensity are
    /// compute-bound.
    public func ridgeFlopsPerByte(dataType: DataType, level: String? = nil) -> Double? {
        guard let compute = computeCeiling(for: dataType)?.ceiling, let memory = bandwidthCeiling(level: level),
              memory.bytesPerSecond > 0 else { return nil }
        return compute.flopsPerSecond / memory.bytesPerSecond
    }

    /// Operator kinds that are vector work on the memory system: where a device states no peak for their data type
    /// (or a wider one), they are timed by their bytes alone rather than refused.
    public static let vectorKinds: Set<OperatorKind> = [.norm, .elementwise, .embedding, .softmax, .kvRead, .kvWrite, .collective]

    /// Places one operator on this roofline, reading its bytes from `level` (main memory by default).
    ///
    /// compute time = flops / peak + Σ over its side work of operations / peak of the side work's type (the side
    /// work of a quantized matmul, its fp32 block scales and activation quantization, issues on the same vector
    /// units as its integer dot products, so the two add rather than overlap); memory time = bytes / bandwidth;
    /// time = max of the two; attainable FLOP/s = min(flops / compute time, intensity × bandwidth), which is
    /// min(peak, intensity × bandwidth) without side work. Bound is compute when compute time ≥ memory time
    /// (an operator exactly at the ridge counts as compute-bound), memory otherwise; an operator with no FLOPs
    /// is memory-bound. Without a peak for the operator's type or a wider one, an operator with no FLOPs or of a
    /// vector kind is timed by its bytes (`computeCeilingMissing`); any other is a usage error.
    public func place(_ op: Operator, level: String? = nil) throws -> Placement {
        guard let memory = bandwidthCeiling(level: level) else {
            throw RooflineError.usage("\(name) has no bandwidth ceiling for memory level \(level ?? mainMemoryLevel)")
        }
        let found = computeCeiling(for: op.computeType)
        if found == nil && op.flops > 0 && !Self.vectorKinds.contains(op.kind) {
            throw RooflineError.usage(
                "\(name) has no compute ceiling for \(op.computeType.rawValue) or any wider type, needed for \(op.name): describe the device with --device-file")
        }
        let peak = found?.ceiling.flopsPerSecond
        let sideSeconds = try (op.sideWork ?? []).reduce(0.0) { (sum: Double, work: SideWork) throws -> Double in
            guard let ceiling = computeCeiling(for: work.dataType)?.ceiling else {
                throw RooflineError.usage("\(name) has no compute ceiling for \(work.dataType.rawValue) or any wider type, "
                    + "needed for the \(work.name) of \(op.name): describe the device with --device-file")
            }
            return sum + work.operations / ceiling.flopsPerSecond
        }
        let computeSeconds = (peak.map { op.flops / $0 } ?? 0) + sideSeconds
        let memorySeconds = op.bytes.total / memory.bytesPerSecond
        let bound: Bound = (op.flops > 0 && peak != nil && computeSeconds >= memorySeconds) ? .compute : .memory
        let intensity = op.flopsPerByte
        let roof = intensity * memory.bytesPerSecond
        let attainable = op.flops == 0 ? 0 : peak.map { min(sideSeconds > 0 ? op.flops / computeSeconds : $0, roof) } ?? roof
        return Placement(
            operator: op, arithmeticIntensity: intensity, attainableFlopsPerSecond: attainable,
            computeSeconds: computeSeconds, memorySeconds: memorySeconds, seconds: max(computeSeconds, memorySeconds),
            bound: bound, ceilingDataType: found?.ceiling.dataType ?? op.computeType, fellBackFrom: found?.fellBackFrom,
            memoryLevel: memory.level, computeCeilingMissing: found == nil)
    }

    /// Places every operator and sums the step.
    public func analyze(_ operators: [Operator], level: String? = nil) throws -> Analysis {
        let placements = try operators.map { try place($0, level: level) }
        return Analysis(roofline: self, placements: placements)
    }
}

/// An operator placed on a roofline: all derived values.
public struct Placement: Codable, Sendable, Equatable {
    public var `operator`: Operator
    public var arithmeticIntensity: Double
    public var attainableFlopsPerSecond: Double
    public var computeSeconds: Double
    public var memorySeconds: Double
    public var seconds: Double
    public var bound: Bound
    /// The data type whose ceiling was used (differs from the operator's when the device lacks it).
    public var ceilingDataType: DataType
    public var fellBackFrom: DataType?
    public var memoryLevel: String
    /// True when the roofline has no peak for the operator's type or a wider one: it was timed by its bytes alone.
    public var computeCeilingMissing: Bool
}

/// A step's operators on one roofline, with totals.
public struct Analysis: Codable, Sendable, Equatable {
    public var roofline: Roofline
    public var placements: [Placement]

    public init(roofline: Roofline, placements: [Placement]) {
        self.roofline = roofline
        self.placements = placements
    }

    /// Sum of every operator's time (operators run one after another).
    public var totalSeconds: Double { placements.reduce(0) { $0 + $1.seconds } }
    public var totalFlops: Double { placements.reduce(0) { $0 + $1.operator.flops } }
    public var totalBytes: ByteCounts { placements.reduce(ByteCounts()) { $0 + $1.operator.bytes } }
    /// The step's arithmetic intensity in FLOP per byte: totalFlops ÷ totalBytes.total (0 when nothing is moved).
    public var arithmeticIntensity: Double {
        let bytes = totalBytes.total
        return bytes > 0 ? totalFlops / bytes : 0
    }
    /// Time of the operators bound by `bound`: Σ seconds over placements with that bound.
    public func seconds(boundBy bound: Bound) -> Double {
        placements.filter { $0.bound == bound }.reduce(0) { $0 + $1.seconds }
    }
    /// Fraction of the step's time spent in memory-bound operators: seconds(boundBy: .memory) ÷ totalSeconds.
    public var memoryBoundShare: Double {
        totalSeconds > 0 ? seconds(boundBy: .memory) / totalSeconds : 0
    }
    /// The placements of operators whose kind is in `kinds`, as an analysis of their own (for their totals).
    public func restricted(to kinds: Set<OperatorKind>) -> Analysis {
        Analysis(roofline: roofline, placements: placements.filter { kinds.contains($0.operator.kind) })
    }
    /// Fraction of the step's time spent in the operators of `kinds`: restricted(to: kinds).totalSeconds ÷ totalSeconds.
    public func shareOfTime(kinds: Set<OperatorKind>) -> Double {
        totalSeconds > 0 ? restricted(to: kinds).totalSeconds / totalSeconds : 0
    }
    /// How many times faster this step is than `baseline`: baseline.totalSeconds ÷ totalSeconds.
    public func speedUp(over baseline: Analysis) -> Double { baseline.totalSeconds / totalSeconds }
    /// Tokens per second when the step produces or processes `tokensPerStep` tokens: tokensPerStep ÷ totalSeconds
    /// (0 for a step that takes no time).
    public func tokensPerSecond(tokensPerStep: Double) -> Double {
        totalSeconds > 0 ? tokensPerStep / totalSeconds : 0
    }
    /// Fraction of the step's time spent in `placement`: its seconds / totalSeconds (0 when the step takes no time).
    public func share(of placement: Placement) -> Double {
        totalSeconds > 0 ? placement.seconds / totalSeconds : 0
    }
    /// Data types with FLOPs that the roofline has no peak for (timed by their bytes alone).
    public var untimedTypes: [DataType] {
        Set(placements.filter { $0.computeCeilingMissing && $0.operator.flops > 0 }.map(\.operator.computeType)).sorted()
    }

    /// Data types the roofline lacked, with the type used instead.
    public var fallbacks: [(requested: DataType, used: DataType)] {
        var seen: [DataType: DataType] = [:]
        for p in placements { if let from = p.fellBackFrom { seen[from] = p.ceilingDataType } }
        return seen.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
