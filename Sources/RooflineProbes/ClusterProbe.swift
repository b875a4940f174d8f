import Foundation
import RooflineCore

/// What `probe --mpi` measures besides each node.
public struct ClusterProbeOptions: Sendable {
    public var schedule: ProbeSchedule = .sequential
    public var timing: MessageTiming = .mpi4py
    /// Message sizes for the ping-pong and the all-reduce (8 B … 64 MiB, doubling, by default).
    public var messageSizes: [Int] = MessageTiming.sizes()
    public var outlierMarginFraction = 0.10
    /// Ping-pong from fresh pages never written, as mpi4py.bench's numpy.empty buffers (for comparing with it: large
    /// sends then read the kernel's shared zero page from cache); false writes the buffers first, as real data is.
    public var untouchedBuffers = false

    public init() {}
}

/// `probe --mpi`: every rank probes its node (one after another, or all at once), rank 0 gathers the host profiles,
/// then every pair of ranks runs a ping-pong and all ranks an all-reduce over the message sizes; rank 0 returns the
/// cluster profile, the others nil.
public enum ClusterProbe {
    /// Message tags: the profiles, the go-ahead, the pairs' measurements.
    static let profileTag: Int32 = 100, goTag: Int32 = 200, pairTag: Int32 = 300

    public static func run(_ session: MPISession, options: ClusterProbeOptions, probeHost: () throws -> HostProfile,
                           progress: (String) -> Void) throws -> ClusterProfile? {
        let nodes = try gatherNodes(session, schedule: options.schedule, probeHost: probeHost, progress: progress)
        guard session.size > 1 else {
            return nodes.map { ClusterProfile(toolVersion: RooflineVersion.current, createdAt: ISO8601DateFormatter().string(from: Date()),
                                              mpiLibrary: session.library, schedule: options.schedule, nodes: $0,
                                              outlierMarginFraction: options.outlierMarginFraction, network: nil) }
        }
        if session.rank == 0 { progress("network: ping-pong between \(session.size * (session.size - 1) / 2) pairs, \(options.messageSizes.count) sizes") }
        let pairs = try pingPongs(session, options: options)
        if session.rank == 0 { progress("network: all-reduce over \(session.size) ranks") }
        let allReduce = try allReduces(session, options: options)
        guard let nodes else { return nil }
        let named = pairs.map { pair in
            var named = pair
            named.hostnameA = nodes[pair.rankA].hostname
            named.hostnameB = nodes[pair.rankB].hostname
            return named
        }
        let network = ClusterNetwork(ranks: session.size, method: options.timing, pairs: named, allReduce: allReduce,
                                     untouchedBuffers: options.untouchedBuffers)
        return ClusterProfile(toolVersion: RooflineVersion.current, createdAt: ISO8601DateFormatter().string(from: Date()),
                              mpiLibrary: session.library, schedule: options.schedule, nodes: nodes,
                              outlierMarginFraction: options.outlierMarginFraction, network: network)
    }

    /// A rank's probe result as sent to rank 0: its profile, or why it failed.
    struct Outcome: Codable {
        var hostname: String
        var profile: HostProfile?
        var error: String?
    }

    /// Probes every node on the schedule and gathers the profiles on rank 0 (nil elsewhere). Rank 0 then tells
    /// every rank whether all succeeded; a failure anywhere is thrown on every rank (rank 0 names the rank).
    static func gatherNodes(_ session: MPISession, schedule: ProbeSchedule, probeHost: () throws -> HostProfile,
                            progress: (String) -> Void) throws -> [ClusterNode]? {
        func probe() -> Outcome {
            do {
                return Outcome(hostname: session.hostname, profile: try probeHost(), error: nil)
            } catch {
                return Outcome(hostname: session.hostname, profile: nil, error: "\(error)")
            }
        }
        var mine: Outcome?
        switch schedule {
        case .concurrent:
            if session.rank == 0 { progress("probing \(session.size) nodes at once") }
            try session.barrier()
            mine = probe()
        case .sequential:
            for turn in 0..<session.size {
                if session.rank == 0 { progress("probing rank \(turn) of \(session.size)") }
                if session.rank == turn { mine = probe() }
                try session.barrier()
            }
        }
        let encoder = JSONEncoder()
        let decoder = JSONDecoder()
        guard session.rank == 0 else {
            try session.send(try encoder.encode(mine), to: 0, tag: profileTag)
            let go = try session.receive(from: 0, tag: goTag)
            guard go.isEmpty else { throw RooflineError.runtime(String(decoding: go, as: UTF8.self)) }
            return nil
        }
        var outcomes = [mine!]
        for rank in 1..<session.size {
            outcomes.append(try decoder.decode(Outcome.self, from: try session.receive(from: rank, tag: profileTag)))
        }
        let failure = outcomes.indices.first { outcomes[$0].profile == nil }.map { rank in
            "rank \(rank) (\(outcomes[rank].hostname)) could not probe its node: \(outcomes[rank].error ?? "no profile")"
        }
        for rank in 1..<session.size { try session.send(Data((failure ?? "").utf8), to: rank, tag: goTag) }
        if let failure { throw RooflineError.runtime(failure) }
        return outcomes.enumerated().map { ClusterNode(rank: $0.offset, hostname: $0.element.hostname, profile: $0.element.profile!) }
    }

    /// Ping-pong between every pair (a < b, a initiating), one pair at a time while the others wait quietly; the
    /// initiators send their pair's points to rank 0, which returns them all in order (others: empty).
    static func pingPongs(_ session: MPISession, options: ClusterProbeOptions) throws -> [PairMeasurement] {
        var mine: [PairMeasurement] = []
        for a in 0..<session.size {
            for b in (a + 1)..<max(a + 1, session.size) {
                try session.barrier()
                guard session.rank == a || session.rank == b else { continue }
                var points: [MessagePoint] = []
                for bytes in options.messageSizes {
                    let (warmup, iterations) = options.timing.counts(bytes: bytes)
                    let seconds = try session.pingPong(peer: session.rank == a ? b : a, initiator: session.rank == a,
                                                       bytes: bytes, warmup: warmup, iterations: iterations,
                                                       untouched: options.untouchedBuffers)
                    points.append(MessagePoint(bytes: bytes, warmup: warmup, seconds: seconds))
                }
                if session.rank == a { mine.append(PairMeasurement(rankA: a, rankB: b, hostnameA: "", hostnameB: "", points: points)) }
            }
        }
        try session.barrier()
        let encoder = JSONEncoder()
        guard session.rank == 0 else {
            try session.send(try encoder.encode(mine), to: 0, tag: pairTag)
            return []
        }
        var all = mine
        for rank in 1..<session.size {
            all += try JSONDecoder().decode([PairMeasurement].self, from: try session.receive(from: rank, tag: pairTag))
        }
        return all.sorted { ($0.rankA, $0.rankB) < ($1.rankA, $1.rankB) }
    }

    /// MPI_Allreduce of every size over all ranks: per timed iteration the mean over ranks of each rank's time (the
    /// OSU all-reduce test's average latency), summarised per size.
    static func allReduces(_ session: MPISession, options: ClusterProbeOptions) throws -> [MessagePoint] {
        try session.barrier()
        return try options.messageSizes.filter { $0 >= 8 }.map { bytes in
            let (warmup, iterations) = options.timing.counts(bytes: bytes)
            let mine = try session.allReduceTimes(bytes: bytes, warmup: warmup, iterations: iterations)
            let mean = try session.sum(mine).map { $0 / Double(session.size) }
            return MessagePoint(bytes: bytes, warmup: warmup, seconds: mean)
        }
    }
}
