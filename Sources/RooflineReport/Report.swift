import Foundation
import RooflineDevices
import RooflineModels

/// What was analysed, as values: the model, the step sizes, the data types, and the devices.
public struct ReportSubject: Sendable, Encodable {
    public var model: ModelConfig
    /// Prompt tokens per sequence (the prefill step); nil when the report has no prefill.
    public var promptTokens: Int?
    /// Tokens in the KV cache of each sequence while decoding (the decode step).
    public var contextTokens: Int
    public var batch: Int
    public var precision: Precision
    /// The attention forms analysed; the first is the main one.
    public var attention: [AttentionMode]
    /// Bytes of all weights at the weight type (`Workload.weightBytes`).
    public var weightBytes: Double
    /// KV-cache bytes one token adds to one sequence (`ModelConfig.kvCacheBytesPerToken`).
    public var kvCacheBytesPerToken: Double
    /// KV-cache bytes of the batch at the context (`Workload.kvCacheBytes` of the decode step).
    public var kvCacheBytes: Double
    /// The accelerators the step is placed on.
    public var devices: [Device]
    /// Assumptions and sanity warnings about the model and sizes (`ModelConfig.notes`, `sanityWarnings`).
    public var notes: [String]

    public init(model: ModelConfig, promptTokens: Int?, contextTokens: Int, batch: Int, precision: Precision,
                attention: [AttentionMode], weightBytes: Double, kvCacheBytesPerToken: Double, kvCacheBytes: Double,
                devices: [Device], notes: [String] = []) {
        self.notes = notes
        self.model = model
        self.promptTokens = promptTokens
        self.contextTokens = contextTokens
        self.batch = batch
        self.precision = precision
        self.attention = attention
        self.weightBytes = weightBytes
        self.kvCacheBytesPerToken = kvCacheBytesPerToken
        self.kvCacheBytes = kvCacheBytes
        self.devices = devices
    }
}

/// A step computed one way (fused or materialized attention) and placed on several rooflines.
public struct ReportAttentionForm: Sendable, Encodable {
    public var mode: AttentionMode
    /// The same operators on each roofline; the first is the baseline of the comparison (the host when present).
    public var analyses: [NamedAnalysis]

    public init(mode: AttentionMode, analyses: [NamedAnalysis]) {
        self.mode = mode
        self.analyses = analyses
    }

    /// "fused", "materialized".
    public var name: String { mode.rawValue }
}

/// One phase of inference (prefill or decode) in the report.
public struct ReportPhase: Sendable, Encodable {
    public var kind: PhaseKind
    /// Prompt tokens per sequence (prefill) or the context each new token attends to (decode).
    public var tokens: Int
    public var batch: Int
    public var forms: [ReportAttentionForm]

    public init(kind: PhaseKind, tokens: Int, batch: Int, forms: [ReportAttentionForm]) {
        self.kind = kind
        self.tokens = tokens
        self.batch = batch
        self.forms = forms
    }

    /// Tokens the step produces or processes, for time per token and tokens/s: tokens × batch for prefill (every
    /// prompt token of every sequence), batch for decode (one new token per sequence).
    public var tokensPerStep: Double {
        switch kind {
        case .prefill: Double(tokens) * Double(batch)
        case .decode: Double(batch)
        }
    }
}

/// One device's deployment plan, or why it has none.
public struct DevicePlan: Sendable, Encodable {
    public var deviceName: String
    public var plan: Result<DeploymentPlan, RooflineError>

    public init(deviceName: String, plan: Result<DeploymentPlan, RooflineError>) {
        self.deviceName = deviceName
        self.plan = plan
    }

    private enum CodingKeys: String, CodingKey { case deviceName, plan, error }

    /// `deviceName`, then `plan` (the plan's values) or `error` (why there is none, one line).
    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(deviceName, forKey: .deviceName)
        switch plan {
        case .success(let plan): try container.encode(plan, forKey: .plan)
        case .failure(let error): try container.encode(error.message, forKey: .error)
        }
    }
}

/// How the host's figures were measured, as values the method section words.
public struct HostMethod: Sendable, Equatable {
    /// Kernels the level ceilings come from, each once, in order.
    public var kernels: [String]
    /// The most timed repetitions behind one figure.
    public var samples: Int
    /// Whether a sweep of sizes was measured (some kernel at 4 or more working sets).
    public var swept: Bool
    /// Threads of the ceilings the host roofline uses: the largest count measured.
    public var threads: Int
    public var measuredLatency: Bool

    /// Reads the method off `profile`: kernels and threads of its level ceilings, the largest sample count, whether
    /// any kernel was measured at 4 or more sizes.
    public init(_ profile: HostProfile) {
        kernels = profile.levels.map(\.kernel).uniqued()
        samples = profile.levels.map(\.bytesPerSecond.count).max() ?? 0
        swept = Dictionary(grouping: profile.bandwidth, by: \.kernel).values.contains { Set($0.map(\.workingSetBytes)).count >= 4 }
        threads = profile.levels.map(\.threads).max() ?? 1
        measuredLatency = !profile.latency.isEmpty
    }
}

/// The rendered report: the markdown and the SVG charts it links to.
public struct RenderedReport: Sendable, Equatable {
    public var markdown: String
    public var charts: [ReportFile]
}

/// A file the report writes: its name (relative to the markdown's folder) and contents.
public struct ReportFile: Sendable, Equatable {
    public var name: String
    public var contents: String

    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// Everything a report shows, as finished values (built by RooflineAnalysis' `ReportAssembly`). `render(baseName:)`
/// turns it into markdown and SVG; nothing here measures, counts, places or plans. Its `Encodable` form is the
/// same values for `report --format json`.
public struct Report: Sendable, Encodable {
    /// ISO 8601 time the report was made.
    public var createdAt: String
    public var toolVersion: String
    /// The command line that reproduces the report.
    public var command: String
    public var subject: ReportSubject
    /// The host's profile; nil leaves the host sections out.
    public var host: HostProfile?
    /// The host's roofline used for operators (when the host is analysed), drawn as the hierarchical roofline.
    public var hostRoofline: Roofline?
    public var phases: [ReportPhase]
    /// One plan per device for the deployment section; nil leaves the section out.
    public var deployment: [DevicePlan]?
    /// Real operators measured on the host against its roofline; nil leaves the section out.
    public var operators: OperatorValidation?
    /// One serving sweep per device (with its fronts, knees and latency choice); empty leaves the Serving section out.
    public var serving: [DeploymentSweep] = []
    /// The cluster the host profile came from (`report --profile CLUSTER.json`: the host is rank 0's node); nil
    /// leaves the Cluster section out.
    public var cluster: ClusterProfile?

    public init(createdAt: String, toolVersion: String, command: String, subject: ReportSubject, host: HostProfile?,
                hostRoofline: Roofline?, phases: [ReportPhase], deployment: [DevicePlan]?,
                operators: OperatorValidation? = nil) {
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.command = command
        self.subject = subject
        self.host = host
        self.hostRoofline = hostRoofline
        self.phases = phases
        self.deployment = deployment
        self.operators = operators
    }
}

extension Report {
    /// A name as it goes into a file name: lower case, letters and digits, runs of anything else as one `-`.
    public static func slug(_ name: String) -> String {
        var out = ""
        for character in name.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) {
                out.append(character)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "chart" : out
    }
}
