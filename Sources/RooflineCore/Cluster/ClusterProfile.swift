import Foundation

/// What `roofline probe --mpi` writes: every rank's host profile, the nodes that fall short of the others, and the
/// network between them measured with MPI.
public struct ClusterProfile: Codable, Sendable, Equatable {
    public var toolVersion: String
    /// ISO 8601, when rank 0 wrote the profile.
    public var createdAt: String
    /// The MPI library the ranks ran on (the dlopen'ed name) and its ABI ("OpenMPI").
    public var mpiLibrary: String
    /// How the nodes were probed: one after another (the others waiting without spinning) or all at once.
    public var schedule: ProbeSchedule
    /// Every rank, in rank order.
    public var nodes: [ClusterNode]
    /// The median of each ceiling over the nodes that have it.
    public var medians: NodeCeilings
    /// A node is an outlier when a ceiling is more than this fraction worse than the median: a bandwidth or FLOP
    /// rate below (1 − margin) × median, a latency above (1 + margin) × median.
    public var outlierMarginFraction: Double
    public var outliers: [NodeOutlier]
    /// The network between the ranks; nil for one rank.
    public var network: ClusterNetwork?

    public init(toolVersion: String, createdAt: String, mpiLibrary: String, schedule: ProbeSchedule, nodes: [ClusterNode],
                outlierMarginFraction: Double, network: ClusterNetwork?) {
        self.toolVersion = toolVersion
        self.createdAt = createdAt
        self.mpiLibrary = mpiLibrary
        self.schedule = schedule
        self.nodes = nodes
        self.outlierMarginFraction = outlierMarginFraction
        self.network = network
        medians = NodeCeilings.medians(of: nodes.map(\.ceilings))
        outliers = NodeOutlier.find(in: nodes, medians: medians, marginFraction: outlierMarginFraction)
    }
}

/// How the ranks' host probes are scheduled.
public enum ProbeSchedule: String, Codable, Sendable {
    /// One rank after another, so nodes sharing a fabric or a host do not disturb each other's measurement.
    case sequential
    /// All ranks at once, to see contention.
    case concurrent
}

/// One rank: where it ran and what its host measured.
public struct ClusterNode: Codable, Sendable, Equatable {
    public var rank: Int
    /// MPI_Get_processor_name (the host name).
    public var hostname: String
    public var ceilings: NodeCeilings
    public var profile: HostProfile

    public init(rank: Int, hostname: String, profile: HostProfile) {
        self.rank = rank
        self.hostname = hostname
        self.profile = profile
        ceilings = NodeCeilings(profile)
    }
}

/// The headline ceilings of one node that outliers are judged on.
public struct NodeCeilings: Codable, Sendable, Equatable {
    /// DRAM bandwidth at the most threads measured: the best of the `load` kernel, else of any kernel, at the largest
    /// working set (as the host roofline takes it).
    public var dramBytesPerSecond: Double?
    /// The best measured FMA rate (fp64 or fp32) at the most threads measured.
    public var peakFlopsPerSecond: Double?
    /// Median DRAM load-to-use latency (the pointer chase at the largest working set); nil when latency was not probed.
    public var latencySeconds: Double?

    public init(dramBytesPerSecond: Double?, peakFlopsPerSecond: Double?, latencySeconds: Double?) {
        self.dramBytesPerSecond = dramBytesPerSecond
        self.peakFlopsPerSecond = peakFlopsPerSecond
        self.latencySeconds = latencySeconds
    }

    /// The ceilings of a host profile, as described on each property.
    public init(_ profile: HostProfile) {
        let threads = profile.flops.map(\.threads).max() ?? profile.levels.map(\.threads).max() ?? 1
        let dram = profile.levels.filter { $0.level == "DRAM" && $0.threads == threads }
        let reads = dram.filter { HostProfile.readKernels.contains($0.kernel) }
        let dramPick = (reads.isEmpty ? dram : reads).max {
            ($0.fromWorkingSetBytes.max() ?? 0, $0.bytesPerSecond.best) < ($1.fromWorkingSetBytes.max() ?? 0, $1.bytesPerSecond.best)
        }
        // The FMA probe's peak (fp64/fp32): the int8/bf16/fp16 paths differ by CPU feature, not by node health.
        let flops = profile.flops.filter { $0.threads == threads && ($0.path ?? "fma") == "fma" }.map(\.flopsPerSecond.best).max()
        let latency = profile.latency.max { $0.workingSetBytes < $1.workingSetBytes }
        self.init(dramBytesPerSecond: dramPick?.bytesPerSecond.best, peakFlopsPerSecond: flops,
                  latencySeconds: latency.map { $0.nanosecondsPerLoad.median * 1e-9 })
    }

    /// The value of one ceiling.
    public subscript(ceiling: NodeCeiling) -> Double? {
        switch ceiling {
        case .dramBandwidth: dramBytesPerSecond
        case .flopPeak: peakFlopsPerSecond
        case .latency: latencySeconds
        }
    }

    /// Per ceiling, the median over the nodes that have it (the mean of the middle two for an even count).
    public static func medians(of all: [NodeCeilings]) -> NodeCeilings {
        func median(_ ceiling: NodeCeiling) -> Double? {
            let values = all.compactMap { $0[ceiling] }
            return values.isEmpty ? nil : SampleSummary(values, higherIsBetter: true).median
        }
        return NodeCeilings(dramBytesPerSecond: median(.dramBandwidth), peakFlopsPerSecond: median(.flopPeak),
                            latencySeconds: median(.latency))
    }
}

/// A ceiling outliers are judged on.
public enum NodeCeiling: String, Codable, Sendable, CaseIterable {
    case dramBandwidth, flopPeak, latency

    /// Whether a larger value is better (bandwidth, FLOP rate) or worse (latency).
    public var higherIsBetter: Bool { self != .latency }
}

/// A node whose ceiling is worse than the median by more than the margin.
public struct NodeOutlier: Codable, Sendable, Equatable {
    public var rank: Int
    public var hostname: String
    public var ceiling: NodeCeiling
    public var value: Double
    public var median: Double
    /// value ÷ median − 1: negative for a bandwidth or FLOP rate below the median, positive for a latency above it.
    public var deviationFraction: Double

    /// The nodes whose ceiling c has value ÷ median − 1 < −margin (bandwidth, FLOP rate) or > +margin (latency),
    /// in rank order, then ceiling order. Needs at least two nodes with the ceiling.
    public static func find(in nodes: [ClusterNode], medians: NodeCeilings, marginFraction: Double) -> [NodeOutlier] {
        find(ceilings: nodes.map { ($0.rank, $0.hostname, $0.ceilings) }, medians: medians, marginFraction: marginFraction)
    }

    /// `find(in:)` on each node's rank, host name and ceilings.
    static func find(ceilings nodes: [(rank: Int, hostname: String, ceilings: NodeCeilings)], medians: NodeCeilings,
                     marginFraction: Double) -> [NodeOutlier] {
        var found: [NodeOutlier] = []
        for node in nodes {
            for ceiling in NodeCeiling.allCases {
                guard nodes.filter({ $0.ceilings[ceiling] != nil }).count > 1,
                      let value = node.ceilings[ceiling], let median = medians[ceiling], median > 0 else { continue }
                let deviation = value / median - 1
                let worse = ceiling.higherIsBetter ? deviation < -marginFraction : deviation > marginFraction
                if worse {
                    found.append(NodeOutlier(rank: node.rank, hostname: node.hostname, ceiling: ceiling, value: value,
                                             median: median, deviationFraction: deviation))
                }
            }
        }
        return found
    }
}

extension ClusterProfile {
    /// The profile, after checking what a hand-edited or damaged file could get wrong before it reaches the planner
    /// or a chart: every node's host profile (`HostProfile.validated`) and ceilings, rank numbers within the ranks,
    /// message sizes and times, and the network fits (latency ≥ 0, bandwidth positive). Throws a data error naming
    /// the field.
    public func validated() throws -> ClusterProfile {
        let root = FieldCheck("")
        for (index, node) in nodes.enumerated() {
            let field = root("nodes")(index)
            try field("rank").whole(node.rank, in: 0...(maximumThreadCount - 1))
            _ = try node.profile.validated()
            try field("ceilings").check(node.ceilings)
        }
        try root("medians").check(medians)
        try root("outlierMarginFraction").nonNegative(outlierMarginFraction)
        guard let network else { return self }
        let net = root("network")
        try net("ranks").whole(network.ranks, in: 1...maximumThreadCount)
        for (index, pair) in network.pairs.enumerated() {
            let field = net("pairs")(index)
            try field("rankA").whole(pair.rankA, in: 0...(network.ranks - 1))
            try field("rankB").whole(pair.rankB, in: 0...(network.ranks - 1))
            for (p, point) in pair.points.enumerated() { try field("points")(p).check(point) }
        }
        for (index, point) in network.allReduce.enumerated() { try net("allReduce")(index).check(point) }
        let fits = [("pointToPointFit", network.pointToPointFit), ("plannerFit", network.plannerFit)]
            + network.allReduceFits.enumerated().map { ("allReduceFits[\($0.offset)]", Optional($0.element)) }
        for case let (name, fit?) in fits {
            try net(name)("latencySeconds").nonNegative(fit.latencySeconds)
            try net(name)("bytesPerSecond").positive(fit.bytesPerSecond)
        }
        return self
    }
}

extension FieldCheck {
    /// Each ceiling a node reports positive where present.
    func check(_ ceilings: NodeCeilings) throws {
        if let value = ceilings.dramBytesPerSecond { try self("dramBytesPerSecond").positive(value) }
        if let value = ceilings.peakFlopsPerSecond { try self("peakFlopsPerSecond").positive(value) }
        if let value = ceilings.latencySeconds { try self("latencySeconds").positive(value) }
    }

    /// A message point: bytes at least 0, its times and rate positive (the rate 0 for an empty message).
    func check(_ point: MessagePoint) throws {
        guard point.bytes >= 0 else { throw self("bytes").fail("a whole number ≥ 0", "\(point.bytes)") }
        try self("meanSeconds").positive(point.meanSeconds)
        try self("medianSeconds").positive(point.medianSeconds)
        try self("minimumSeconds").positive(point.minimumSeconds)
        try self("bytesPerSecond").nonNegative(point.bytesPerSecond)
    }
}
