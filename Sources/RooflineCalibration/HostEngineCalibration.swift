import Foundation
import RooflineCore

/// What one CPU inference engine reaches of the host roofline on one host, per phase and weight type: fitted from
/// the engine's measured tokens/s on models other than the one predicted (scripts/bench-llamacpp.py
/// `--write-calibration`), so a prediction is held against models the fit never saw.
///
/// Predicted step time = M ÷ memoryFraction + C ÷ computeFraction + A ÷ attentionFraction + L × secondsPerLayer,
/// where M and C are the memory and compute times at the roofline's ceilings summed over the step's operators other
/// than attention, A the attention operators' bound and L the layers. With every fraction ≤ 1 the prediction is never
/// below the bound (M + C ≥ the sum of each operator's max). The terms:
/// - memory: the weights and activations streamed at a share of the DRAM read ceiling, one share per phase for every
///   weight type (the same loads);
/// - compute: each weight type's kernels at their own share of the ceiling their kernel uses, which is where
///   dequantization, integer dot products and scale handling go (llama.cpp's q8_0 decode on 2 Zen 5 threads spends
///   about 11× its int8 compute bound, f32 about 2.6× its FMA bound): on a few threads they do not hide under the
///   streaming, so they add to it, and a quantized step does not speed up when the memory system does;
/// - attention: the engine's attention runs apart from the weights' kernels (llama.cpp's CPU attention takes f16 dot
///   products over the cache at a small share of its bound whatever the weights), and is what makes a step at a long
///   context slower than one at a short context (SmolLM2-360M q8_0 at 2 threads: 83.5 tokens/s at depth 0, 59.0 at
///   1024, where the bound moves from 138.5 to 125.0);
/// - per layer: what each layer costs besides its bytes and FLOPs (the engine synchronises its threads after every
///   graph node, quantizes activations per matmul, dispatches per op), which is why a small model with many layers
///   falls further short of its bound than a large one.
public struct HostEngineCalibration: Codable, Sendable, Equatable {
    public static let kind = "host-engine"
    public static let currentSchemaVersion = 2
    /// The smallest fraction a file may hold: below it the prediction is not a time anyone would act on (and a
    /// fraction near 0 makes it infinite).
    public static let minimumFraction = 1e-6
    /// The largest time per layer a file may hold: a minute per layer per step is no engine's overhead.
    public static let maximumSecondsPerLayer = 60.0

    public struct Entry: Codable, Sendable, Equatable {
        /// "prefill" or "decode".
        public var phase: String
        /// The weight type as the model names it: a ggml type for GGUF files (`q8_0`, `q4_K`, `f16`), else a data type.
        public var weights: String
        /// The share of the memory time at the ceiling the engine reaches; fitted per phase, the same in every entry
        /// of the phase.
        public var memoryFraction: Double
        /// The share of the compute time at the ceiling this weight type's kernels reach.
        public var computeFraction: Double
        /// The share of the attention operators' bound (`OperatorKind.attentionKinds`) the engine reaches; fitted per
        /// phase.
        public var attentionFraction: Double
        /// Seconds each layer adds per step beyond its work (≥ 0); fitted per phase.
        public var secondsPerLayer: Double
        /// Rows fitted, and the smallest and largest measured ÷ bound among them.
        public var rows: Int
        public var minimumFraction: Double
        public var maximumFraction: Double
    }

    public var schemaVersion: Int
    /// Always "host-engine": tells this file from a GPU calibration.
    public var kind: String
    /// The engine and its version ("llama.cpp 0c1e570").
    public var engine: String
    /// The host it was measured on (`HostInfo.cpuModel`) and the threads the engine used.
    public var cpuModel: String
    public var threads: Int
    /// The models whose measurements were fitted.
    public var fittedOn: [String]
    /// How the measurements were made (the command).
    public var source: String
    public var entries: [Entry]

    public init(engine: String, cpuModel: String, threads: Int, fittedOn: [String], source: String, entries: [Entry]) {
        schemaVersion = Self.currentSchemaVersion
        kind = Self.kind
        self.engine = engine
        self.cpuModel = cpuModel
        self.threads = threads
        self.fittedOn = fittedOn
        self.source = source
        self.entries = entries
    }

    /// The entry for `phase` and `weights` (case-insensitive), or nil.
    public func entry(phase: String, weights: String) -> Entry? {
        entries.first { $0.phase == phase && $0.weights.lowercased() == weights.lowercased() }
    }

    /// Reads and checks a calibration file; nil when the file is JSON of another kind (a GPU calibration).
    /// Throws a data error (exit 65) naming the problem when it claims to be a host calibration but is malformed.
    public static func load(_ data: Data, path: String) throws -> HostEngineCalibration? {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              object["kind"] as? String == kind else { return nil }
        if let version = object["schemaVersion"] as? Int, version != currentSchemaVersion {
            throw RooflineError.badData("\(path): host-engine calibration schemaVersion \(version), this roofline reads \(currentSchemaVersion): fit it again with scripts/bench-llamacpp.py --write-calibration")
        }
        let calibration: HostEngineCalibration
        do {
            calibration = try JSONDecoder().decode(HostEngineCalibration.self, from: data)
        } catch {
            throw RooflineError.badData("\(path): not a host-engine calibration (\(RooflineError.decodingProblem(error))): write it with scripts/bench-llamacpp.py --write-calibration")
        }
        for entry in calibration.entries {
            guard ["prefill", "decode"].contains(entry.phase) else {
                throw RooflineError.badData("\(path): entry phase '\(entry.phase)': use prefill or decode")
            }
            guard entry.secondsPerLayer.isFinite, entry.secondsPerLayer >= 0, entry.secondsPerLayer <= maximumSecondsPerLayer else {
                throw RooflineError.badData("\(path): \(entry.phase) \(entry.weights) secondsPerLayer \(entry.secondsPerLayer) is outside 0…\(Int(maximumSecondsPerLayer)) s: fit it again")
            }
            for (name, fraction) in [("memoryFraction", entry.memoryFraction), ("computeFraction", entry.computeFraction),
                                     ("attentionFraction", entry.attentionFraction)] {
                guard fraction.isFinite, fraction > 0, fraction <= 1 else {
                    throw RooflineError.badData("\(path): \(entry.phase) \(entry.weights) \(name) \(fraction) is outside (0, 1]: a bound an engine beats is a bug to report, not to calibrate")
                }
                guard fraction >= minimumFraction else {
                    throw RooflineError.badData("\(path): \(entry.phase) \(entry.weights) \(name) \(fraction) is below \(minimumFraction): no engine runs a million times slower than its bound; fit it again")
                }
            }
        }
        return calibration
    }
}

/// A step's predicted time on the host from a `HostEngineCalibration` (see there for the form).
public struct HostPrediction: Codable, Sendable, Equatable {
    public var engine: String
    /// The CPU and thread count the engine was measured with (the calibration's), which may not be this profile's.
    public var cpuModel: String
    public var threads: Int
    public var fittedOn: [String]
    public var phase: String
    public var weights: String
    /// The step's memory and compute times at the roofline's ceilings over its operators other than attention, and
    /// its attention operators' bound.
    public var memorySeconds: Double
    public var computeSeconds: Double
    public var attentionBoundSeconds: Double
    /// The entry's fractions and time per layer.
    public var memoryFraction: Double
    public var computeFraction: Double
    public var attentionFraction: Double
    public var secondsPerLayer: Double
    public var layers: Int
    /// memorySeconds ÷ memoryFraction + computeSeconds ÷ computeFraction + attentionBoundSeconds ÷ attentionFraction
    /// + layers × secondsPerLayer.
    public var seconds: Double

    /// The prediction of a step of `layers` layers from its parts (see the properties), or nil when the calibration
    /// has no entry for its phase and weights.
    public init?(memorySeconds: Double, computeSeconds: Double, attentionBoundSeconds: Double, layers: Int,
                 phase: String, weights: String, calibration: HostEngineCalibration) {
        guard let entry = calibration.entry(phase: phase, weights: weights) else { return nil }
        engine = calibration.engine
        cpuModel = calibration.cpuModel
        threads = calibration.threads
        fittedOn = calibration.fittedOn
        self.phase = phase
        self.weights = entry.weights
        self.memorySeconds = memorySeconds
        self.computeSeconds = computeSeconds
        self.attentionBoundSeconds = attentionBoundSeconds
        memoryFraction = entry.memoryFraction
        computeFraction = entry.computeFraction
        attentionFraction = entry.attentionFraction
        secondsPerLayer = entry.secondsPerLayer
        self.layers = layers
        seconds = memorySeconds / memoryFraction + computeSeconds / computeFraction
            + attentionBoundSeconds / attentionFraction + Double(layers) * secondsPerLayer
    }
}
