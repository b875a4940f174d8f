import Foundation

/// The network between the ranks of a cluster profile: ping-pong between every pair, all-reduce over all ranks, and
/// the latency + bytes ÷ bandwidth fits the deployment planner uses.
public struct ClusterNetwork: Codable, Sendable, Equatable {
    public var ranks: Int
    /// How the messages were timed (the OSU / mpi4py.bench method).
    public var method: MessageTiming
    /// Whether the ping-pong sent from fresh pages never written (`--untouched-buffers`, as mpi4py.bench's
    /// numpy.empty: large sends then read the kernel's zero page from cache) instead of written buffers.
    public var untouchedBuffers: Bool
    /// Every pair of ranks (rankA < rankB, rankA initiating), in order.
    public var pairs: [PairMeasurement]
    /// MPI_Allreduce (MPI_SUM of doubles) over all ranks per message size; nil seconds for fewer than two ranks.
    public var allReduce: [MessagePoint]
    /// α + bytes ÷ β fitted to the median over pairs of each pair's median half round trip at every size. Fits use
    /// medians, not the means the tables lead with: one round trip preempted for milliseconds on a shared host moves
    /// a mean far more than the network does.
    public var pointToPointFit: AlphaBetaFit?
    /// The all-reduce points (median time per size) fitted with each of the planner's forms (ring, tree).
    public var allReduceFits: [AlphaBetaFit]
    /// The planner's model, min(ring, tree) at one α and β: the fit above whose α and β make that model closest to the
    /// measured all-reduce (lowest relative RMS error); what `plan --network-profile` uses.
    public var plannerFit: AlphaBetaFit?

    public init(ranks: Int, method: MessageTiming, pairs: [PairMeasurement], allReduce: [MessagePoint], untouchedBuffers: Bool = false) {
        self.ranks = ranks
        self.untouchedBuffers = untouchedBuffers
        self.method = method
        self.pairs = pairs
        self.allReduce = allReduce
        let medians = Self.medianOverPairs(pairs)
        pointToPointFit = AlphaBetaFit.fit(medians.map { (Double($0.bytes), $0.seconds) }, form: .pointToPoint, ranks: 2)
        let points = allReduce.map { (Double($0.bytes), $0.medianSeconds) }
        allReduceFits = ranks > 1 ? [AllReduceForm.ring, .tree].compactMap { AlphaBetaFit.fit(points, form: $0, ranks: ranks) } : []
        plannerFit = allReduceFits.map { fit in
            var planner = fit
            planner.form = .plannerMinimum
            planner.relativeRMSError = AlphaBetaFit.relativeRMSError(points) {
                AllReduceForm.plannerSeconds($0, ranks: ranks, latencySeconds: fit.latencySeconds, bytesPerSecond: fit.bytesPerSecond)
            }
            return planner
        }.min { $0.relativeRMSError < $1.relativeRMSError }
    }

    /// Per message size, the median over pairs of each pair's median half round trip.
    public static func medianOverPairs(_ pairs: [PairMeasurement]) -> [(bytes: Int, seconds: Double)] {
        guard let first = pairs.first else { return [] }
        return first.points.indices.map { index in
            let values = pairs.compactMap { $0.points.indices.contains(index) ? $0.points[index].medianSeconds : nil }
            return (first.points[index].bytes, SampleSummary(values, higherIsBetter: false).median)
        }
    }
}

/// Warm-up and timed iterations per message size, as mpi4py.bench's pingpong chooses them (after the OSU latency
/// test): `iterations` timed after `warmup` untimed ones up to largeBytes, then the large counts up to hugeBytes,
/// then the huge counts.
public struct MessageTiming: Codable, Sendable, Equatable {
    public var warmup: Int
    public var iterations: Int
    public var largeBytes: Int
    public var largeWarmup: Int
    public var largeIterations: Int
    public var hugeBytes: Int
    public var hugeWarmup: Int
    public var hugeIterations: Int

    public init(warmup: Int, iterations: Int, largeBytes: Int, largeWarmup: Int, largeIterations: Int, hugeBytes: Int,
                hugeWarmup: Int, hugeIterations: Int) {
        self.warmup = warmup
        self.iterations = iterations
        self.largeBytes = largeBytes
        self.largeWarmup = largeWarmup
        self.largeIterations = largeIterations
        self.hugeBytes = hugeBytes
        self.hugeWarmup = hugeWarmup
        self.hugeIterations = hugeIterations
    }

    /// mpi4py 4.1's `python3 -m mpi4py.bench pingpong` defaults (bench.py: --skip 100 --loop 10000, above 16 KiB
    /// --skip-large 10 --loop-large 1000, above 1 MiB --skip-huge 1 --loop-huge 10).
    public static let mpi4py = MessageTiming(warmup: 100, iterations: 10_000, largeBytes: 1 << 14, largeWarmup: 10,
                                             largeIterations: 1000, hugeBytes: 1 << 20, hugeWarmup: 1, hugeIterations: 10)
    /// A tenth of the iterations (at least 5 timed, 1 warm-up) for `--quick`.
    public static let quick = MessageTiming(warmup: 10, iterations: 1000, largeBytes: 1 << 14, largeWarmup: 2,
                                            largeIterations: 100, hugeBytes: 1 << 20, hugeWarmup: 1, hugeIterations: 5)

    /// (warm-up, timed iterations) for a message of `bytes`.
    public func counts(bytes: Int) -> (warmup: Int, iterations: Int) {
        bytes > hugeBytes ? (hugeWarmup, hugeIterations) : bytes > largeBytes ? (largeWarmup, largeIterations) : (warmup, iterations)
    }

    /// Message sizes from `minimumBytes` to `maximumBytes`, doubling (8 B … 64 MiB by default).
    public static func sizes(from minimumBytes: Int = 8, to maximumBytes: Int = 64 << 20) -> [Int] {
        Array(sequence(first: max(1, minimumBytes)) { $0 <= maximumBytes / 2 ? $0 * 2 : nil })
    }
}

/// Ping-pong between two ranks over every message size.
public struct PairMeasurement: Codable, Sendable, Equatable {
    public var rankA: Int
    public var rankB: Int
    public var hostnameA: String
    public var hostnameB: String
    public var points: [MessagePoint]

    public init(rankA: Int, rankB: Int, hostnameA: String, hostnameB: String, points: [MessagePoint]) {
        self.rankA = rankA
        self.rankB = rankB
        self.hostnameA = hostnameA
        self.hostnameB = hostnameB
        self.points = points
    }
}

/// One message size's timings: per iteration a half round trip (ping-pong) or one all-reduce.
public struct MessagePoint: Codable, Sendable, Equatable {
    public var bytes: Int
    public var warmup: Int
    public var iterations: Int
    /// The mean over the timed iterations: the headline, as the OSU benchmarks and mpi4py.bench report it.
    public var meanSeconds: Double
    public var medianSeconds: Double
    public var minimumSeconds: Double
    /// bytes ÷ meanSeconds (mpi4py.bench's bandwidth; for a ping-pong the one-way rate).
    public var bytesPerSecond: Double

    /// The summary of `seconds` (one value per timed iteration) for a message of `bytes`.
    public init(bytes: Int, warmup: Int, seconds: [Double]) {
        precondition(!seconds.isEmpty, "a message point needs at least one timed iteration")
        self.bytes = bytes
        self.warmup = warmup
        iterations = seconds.count
        meanSeconds = seconds.reduce(0, +) / Double(seconds.count)
        let summary = SampleSummary(seconds, higherIsBetter: false)
        medianSeconds = summary.median
        minimumSeconds = summary.best
        bytesPerSecond = Double(bytes) / meanSeconds
    }
}

/// How the time of an all-reduce or a message grows with its size: time = a × α + b × bytes ÷ β.
public enum AllReduceForm: String, Codable, Sendable {
    /// One message: α + bytes ÷ β (a = 1, b = 1).
    case pointToPoint
    /// Ring all-reduce over r ranks: 2(r − 1) α + 2(r − 1)/r × bytes ÷ β (reduce-scatter then all-gather).
    case ring
    /// Tree all-reduce: 2⌈log₂ r⌉ α + 2 × bytes ÷ β (reduce up a binary tree, broadcast down).
    case tree
    /// The planner's all-reduce: min(ring, tree) at one α and β.
    case plannerMinimum

    /// (a, b) of time = a × α + b × bytes ÷ β over `ranks` ranks; nil for the planner's minimum, which is not linear.
    public func coefficients(ranks: Int) -> (latency: Double, bytes: Double)? {
        let r = Double(ranks)
        switch self {
        case .pointToPoint: return (1, 1)
        case .ring: return (2 * (r - 1), 2 * (r - 1) / r)
        case .tree: return (2 * log2(r).rounded(.up), 2)
        case .plannerMinimum: return nil
        }
    }

    /// The deployment planner's all-reduce of `bytes` held by each of `ranks` ranks: min(ring, tree) with latency α
    /// per step and bandwidth β, as NCCL chooses between them (small messages by tree, large ones by ring);
    /// 0 for one rank.
    public static func plannerSeconds(_ bytes: Double, ranks: Int, latencySeconds: Double, bytesPerSecond: Double) -> Double {
        guard ranks > 1 else { return 0 }
        let times = [AllReduceForm.ring, .tree].map { form -> Double in
            let (a, b) = form.coefficients(ranks: ranks)!
            return a * latencySeconds + b * bytes / bytesPerSecond
        }
        return times.min()!
    }
}

/// α and β of one form fitted to measured (bytes, seconds) points.
public struct AlphaBetaFit: Codable, Sendable, Equatable {
    public var form: AllReduceForm
    public var ranks: Int
    /// α: the latency of one step (one message), seconds.
    public var latencySeconds: Double
    /// β: bytes per second.
    public var bytesPerSecond: Double
    /// √(mean over the points of (model ÷ measured − 1)²).
    public var relativeRMSError: Double

    public init(form: AllReduceForm, ranks: Int, latencySeconds: Double, bytesPerSecond: Double, relativeRMSError: Double) {
        self.form = form
        self.ranks = ranks
        self.latencySeconds = latencySeconds
        self.bytesPerSecond = bytesPerSecond
        self.relativeRMSError = relativeRMSError
    }

    /// The model time of a message of `bytes`.
    public func seconds(_ bytes: Double) -> Double {
        if let (a, b) = form.coefficients(ranks: ranks) { return a * latencySeconds + b * bytes / bytesPerSecond }
        return AllReduceForm.plannerSeconds(bytes, ranks: ranks, latencySeconds: latencySeconds, bytesPerSecond: bytesPerSecond)
    }

    /// Fits t = c₀ + c₁ × bytes to `points` by least squares on the relative error (weights 1 ÷ t², so a 1 µs point
    /// counts as much as a 10 ms one): with w = 1/t², the normal equations [Σw Σwx; Σwx Σwx²] (c₀, c₁) = (Σwt, Σwxt);
    /// then α = c₀ ÷ a and β = b ÷ c₁ for the form's (a, b). A negative c₀ is refitted as 0 (c₁ = Σwxt ÷ Σwx²).
    /// Nil with fewer than two sizes or no growth with size (c₁ ≤ 0).
    public static func fit(_ points: [(bytes: Double, seconds: Double)], form: AllReduceForm, ranks: Int) -> AlphaBetaFit? {
        let usable = points.filter { $0.seconds > 0 && $0.seconds.isFinite }
        guard Set(usable.map(\.bytes)).count > 1, let (a, b) = form.coefficients(ranks: ranks), a > 0 else { return nil }
        var sw = 0.0, swx = 0.0, swxx = 0.0, swt = 0.0, swxt = 0.0
        for (x, t) in usable {
            let w = 1 / (t * t)
            sw += w; swx += w * x; swxx += w * x * x; swt += w * t; swxt += w * x * t
        }
        let determinant = sw * swxx - swx * swx
        guard determinant > 0 else { return nil }
        var c0 = (swt * swxx - swx * swxt) / determinant
        var c1 = (sw * swxt - swx * swt) / determinant
        if c0 < 0 {
            c0 = 0
            c1 = swxt / swxx
        }
        guard c1 > 0 else { return nil }
        var fit = AlphaBetaFit(form: form, ranks: ranks, latencySeconds: c0 / a, bytesPerSecond: b / c1, relativeRMSError: 0)
        fit.relativeRMSError = relativeRMSError(usable, model: fit.seconds)
        return fit
    }

    /// √(mean of (model(bytes) ÷ seconds − 1)²) over `points`.
    public static func relativeRMSError(_ points: [(bytes: Double, seconds: Double)], model: (Double) -> Double) -> Double {
        guard !points.isEmpty else { return 0 }
        let squares = points.map { pow(model($0.bytes) / $0.seconds - 1, 2) }
        return (squares.reduce(0, +) / Double(points.count)).squareRoot()
    }
}
