import Foundation
import RooflineCore

/// What one CPU inference engine reaches of the host roofline's bound on one host, per phase and weight type:
/// fitted from the engine's measured tokens/s on models other than the one predicted (scripts/bench-llamacpp.py
/// writes it with `--fit`), so a prediction is held against models the fit never saw.
///
/// Predicted step time = bound ÷ fractionOfBound + layers × secondsPerLayer for the step's phase and weight type.
/// The first term is the kernels' own work per weight (dequantization, integer dot products, scale handling:
/// llama.cpp's q8_0 prefill reaches a fifth of the int8 bound where f32 reaches half of the FMA bound), which scales
/// with the weights as the bound does; the second is what each layer costs besides its bytes and FLOPs (the engine
/// synchronises its threads after every graph node, quantizes activations per matmul, dispatches per op), which is
/// why a small model with many layers falls further short of its bound than a large one.
public struct HostEngineCalibration: Codable, Sendable, Equatable {
    public static let kind = "host-engine"
    public static let currentSchemaVersion = 1

    public struct Entry: Codable, Sendable, Equatable {
        /// "prefill" or "decode".
        public var phase: String
        /// The weight type as the model names it: a ggml type for GGUF files (`q8_0`, `q4_K`, `f16`), else a data type.
        public var weights: String
        /// The bound's share of the time the engine takes for the bound's work: fitted with `secondsPerLayer` by
        /// least squares over the fitted rows (measured seconds = bound ÷ fraction + layers × secondsPerLayer).
        public var fractionOfBound: Double
        /// Seconds each layer adds per step beyond its share of the bound (≥ 0; 0 in files fitted without it).
        public var secondsPerLayer: Double?
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
        let calibration: HostEngineCalibration
        do {
            calibration = try JSONDecoder().decode(HostEngineCalibration.self, from: data)
        } catch {
            throw RooflineError.badData("\(path): not a host-engine calibration (\(RooflineError.decodingProblem(error))): write it with scripts/bench-llamacpp.py --fit")
        }
        guard calibration.schemaVersion == currentSchemaVersion else {
            throw RooflineError.badData("\(path): host-engine calibration schemaVersion \(calibration.schemaVersion), this roofline reads \(currentSchemaVersion): fit it again")
        }
        for entry in calibration.entries {
            guard ["prefill", "decode"].contains(entry.phase) else {
                throw RooflineError.badData("\(path): entry phase '\(entry.phase)': use prefill or decode")
            }
            guard (entry.secondsPerLayer ?? 0).isFinite, (entry.secondsPerLayer ?? 0) >= 0 else {
                throw RooflineError.badData("\(path): \(entry.phase) \(entry.weights) secondsPerLayer \(entry.secondsPerLayer ?? 0) is negative: fit it again")
            }
            guard entry.fractionOfBound.isFinite, entry.fractionOfBound > 0, entry.fractionOfBound <= 1 else {
                throw RooflineError.badData("\(path): \(entry.phase) \(entry.weights) fractionOfBound \(entry.fractionOfBound) is outside (0, 1]: a bound an engine beats is a bug to report, not to calibrate")
            }
        }
        return calibration
    }
}

/// A step's predicted time on the host from a `HostEngineCalibration`: the bound ÷ the fraction the engine reaches.
public struct HostPrediction: Codable, Sendable, Equatable {
    public var engine: String
    /// The CPU and thread count the engine was measured with (the calibration's), which may not be this profile's.
    public var cpuModel: String
    public var threads: Int
    public var fittedOn: [String]
    public var phase: String
    public var weights: String
    public var fractionOfBound: Double
    public var secondsPerLayer: Double
    public var layers: Int
    /// boundSeconds ÷ fractionOfBound + layers × secondsPerLayer.
    public var seconds: Double

    /// The prediction of a step of `layers` layers whose bound is `boundSeconds`, or nil when the calibration has no
    /// entry for its phase and weights.
    public init?(boundSeconds: Double, layers: Int, phase: String, weights: String, calibration: HostEngineCalibration) {
        guard let entry = calibration.entry(phase: phase, weights: weights) else { return nil }
        engine = calibration.engine
        cpuModel = calibration.cpuModel
        threads = calibration.threads
        fittedOn = calibration.fittedOn
        self.phase = phase
        self.weights = entry.weights
        fractionOfBound = entry.fractionOfBound
        secondsPerLayer = entry.secondsPerLayer ?? 0
        self.layers = layers
        seconds = boundSeconds / entry.fractionOfBound + Double(layers) * secondsPerLayer
    }
}
