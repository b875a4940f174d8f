/// Latency targets a serving configuration must meet; nil targets are not checked.
public struct LatencyTargets: Codable, Sendable, Equatable {
    /// The longest time per output token (TPOT) allowed, in seconds.
    public var maxSecondsPerOutputToken: Double?
    /// The longest time to first token (TTFT) of any request of the batch allowed, in seconds.
    public var maxTimeToFirstTokenSeconds: Double?

    public init(maxSecondsPerOutputToken: Double? = nil, maxTimeToFirstTokenSeconds: Double? = nil) {
        self.maxSecondsPerOutputToken = maxSecondsPerOutputToken
        self.maxTimeToFirstTokenSeconds = maxTimeToFirstTokenSeconds
    }

    /// Whether any target is set.
    public var isEmpty: Bool { maxSecondsPerOutputToken == nil && maxTimeToFirstTokenSeconds == nil }

    /// Whether `figures` meet every target: secondsPerOutputToken ≤ maxSecondsPerOutputToken and
    /// worstTimeToFirstTokenSeconds ≤ maxTimeToFirstTokenSeconds, the last request's time to first token (the
    /// batch's prefill when prompts are prefilled together; a point without a TTFT misses a TTFT target).
    public func met(by figures: SweepFigures) -> Bool {
        if let limit = maxSecondsPerOutputToken, !(figures.secondsPerOutputToken <= limit) { return false }
        if let limit = maxTimeToFirstTokenSeconds {
            guard let ttft = figures.worstTimeToFirstTokenSeconds, ttft <= limit else { return false }
        }
        return true
    }
}

/// How a latency choice ranks the points that meet the targets.
public enum ServingCriterion: String, Codable, Sendable {
    /// Lowest $ per million output tokens (devices × price per hour × TPOT ÷ batch), then fewest devices.
    case cheapestOutputTokens
    /// No price known: fewest devices, then the most tokens/s.
    case fewestDevices
}

/// One context's cheapest configuration meeting the latency targets, judged on the sweep's basis figures (the
/// calibrated prediction where one applies, else the efficiency override, else the bound).
public struct ServingChoice: Codable, Sendable, Equatable {
    public var contextTokens: Int
    /// The chosen configuration (batch and deployment, with its plan and figures); nil when no fitting
    /// configuration of this context meets the targets.
    public var point: SweepPoint?
    public var criterion: ServingCriterion

    /// The chosen batch.
    public var batch: Int? { point?.batch }

    /// Over `points` of one context with their figures on `basis`: those that fit and meet `targets`, ranked by
    /// `criterion` (ties: the larger batch, more tokens/s); nil batch when none meets them.
    public static func choose(_ points: [SweepPoint], contextTokens: Int, targets: LatencyTargets, basis: SweepBasis,
                              criterion: ServingCriterion) -> ServingChoice {
        let meeting = points.compactMap { point -> (SweepPoint, SweepFigures)? in
            guard point.contextTokens == contextTokens, let figures = point.figures(basis), targets.met(by: figures)
            else { return nil }
            return (point, figures)
        }
        func better(_ a: (SweepPoint, SweepFigures), _ b: (SweepPoint, SweepFigures)) -> Bool {
            let devicesA = a.0.plan.devices ?? Int.max, devicesB = b.0.plan.devices ?? Int.max
            if criterion == .cheapestOutputTokens,
               let costA = a.1.costPerMillionOutputTokensUSD, let costB = b.1.costPerMillionOutputTokensUSD, costA != costB {
                return costA < costB
            }
            if devicesA != devicesB { return devicesA < devicesB }
            return a.1.tokensPerSecond > b.1.tokensPerSecond
        }
        let best = meeting.min(by: better)
        return ServingChoice(contextTokens: contextTokens, point: best?.0, criterion: criterion)
    }
}

/// The serving Pareto front of one context of a sweep: throughput per device (tokens/s ÷ devices) against the
/// tokens/s one user sees (1 ÷ TPOT), over the fitting points, on the sweep's basis figures. A point is on the
/// front when no other point is at least as good on both axes and better on one.
public struct ServingFront: Codable, Sendable, Equatable {
    public struct Point: Codable, Sendable, Equatable {
        public var batch: Int
        public var devices: Int
        /// The deployment's shape where it has one (tensor-pipeline).
        public var tensorParallel: Int?
        public var pipelineStages: Int?
        /// Devices the routed experts are split over per stage, with expert parallelism; nil without.
        public var expertParallel: Int?
        /// tokensPerSecond ÷ devices.
        public var tokensPerSecondPerDevice: Double
        /// 1 ÷ secondsPerOutputToken.
        public var tokensPerSecondPerUser: Double
    }

    public var contextTokens: Int
    /// Every evaluated fitting configuration of the context, in the order evaluated.
    public var evaluated: [Point]
    /// The non-dominated points, by descending tokens/s per user (ascending tokens/s per device).
    public var front: [Point]

    /// The front of `points`: sorted by tokens/s per user descending (then per device descending), a point is kept
    /// when its tokens/s per device exceeds every kept point's.
    public static func nonDominated(_ points: [Point]) -> [Point] {
        let sorted = points.sorted {
            ($0.tokensPerSecondPerUser, $0.tokensPerSecondPerDevice) > ($1.tokensPerSecondPerUser, $1.tokensPerSecondPerDevice)
        }
        var kept: [Point] = []
        for point in sorted where point.tokensPerSecondPerDevice > (kept.last?.tokensPerSecondPerDevice ?? -.infinity) {
            kept.append(point)
        }
        return kept
    }

    /// The front of one context of `points` on `basis`.
    public init(_ points: [SweepPoint], contextTokens: Int, basis: SweepBasis) {
        self.contextTokens = contextTokens
        evaluated = points.compactMap { point in
            guard point.contextTokens == contextTokens, let devices = point.plan.devices,
                  let figures = point.figures(basis) else { return nil }
            return Point(batch: point.batch, devices: devices, tensorParallel: point.plan.tensorParallel,
                         pipelineStages: point.plan.pipelineStages, expertParallel: point.plan.expertParallel,
                         tokensPerSecondPerDevice: figures.tokensPerSecond / Double(devices),
                         tokensPerSecondPerUser: figures.tokensPerSecondPerUser)
        }
        front = Self.nonDominated(evaluated)
    }
}
