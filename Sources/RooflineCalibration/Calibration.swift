import Foundation
import RooflineCore

/// A device's kernel time models, fitted from measurements, with where the measurements came from. Bundled ones
/// live in `Data/calibrations` (fitted by `roofline calibrate` from `Data/measured`); a user's comes from
/// `roofline calibrate MEASUREMENTS --output my-gpu.json`.
public struct Calibration: Codable, Sendable, Equatable {
    /// Short name, e.g. `h100-sxm`.
    public var name: String
    /// Where the measurements come from (collection, engine, license).
    public var source: String
    /// The peaks the measured device has: the fractions in the models are relative to them.
    public var measuredOn: KernelPeaks
    /// Catalog ids of the devices this calibration is the closest measured architecture for.
    public var appliesTo: [String]
    public var models: [KernelTimeModel]

    public init(name: String, source: String, measuredOn: KernelPeaks, appliesTo: [String], models: [KernelTimeModel]) {
        self.name = name
        self.source = source
        self.measuredOn = measuredOn
        self.appliesTo = appliesTo
        self.models = models.sorted { $0.kernel < $1.kernel }
    }

    /// The model for `kernel`: the exact class; else the same family at bf16 (a data type not measured); for a
    /// collective the same implementation at the nearest rank count, then the other implementation; for
    /// `memory`, the model fitted from memory-bound GEMMs. Nil when the family was not measured at all.
    public func model(for kernel: KernelClass) -> KernelTimeModel? {
        if let exact = models.first(where: { $0.kernel == kernel }) { return exact }
        let family = models.filter { $0.kernel.family == kernel.family }
        if kernel.family.isCollective {
            let sameImpl = family.filter { $0.kernel.variant == kernel.variant }
            return (sameImpl.isEmpty ? family : sameImpl).min {
                (abs($0.kernel.ranks - kernel.ranks), $0.kernel.ranks) < (abs($1.kernel.ranks - kernel.ranks), $1.kernel.ranks)
            }
        }
        return family.first { $0.kernel.variant == "bf16" } ?? family.first
    }

    /// The predicted time of one call of `work` as `kernel` at `peaks` (see `KernelTimeModel.predict`).
    public func predict(_ work: KernelWork, as kernel: KernelClass, peaks: KernelPeaks,
                        withFloor: Bool = true) -> KernelPrediction? {
        model(for: kernel)?.predict(work, peaks: peaks, withFloor: withFloor)
    }

    /// Reads a calibration written by `roofline calibrate`; a missing or malformed file is a bad-data error.
    public static func load(_ path: String) throws -> Calibration {
        let data = try InputFile.read(path, what: "calibration", limitBytes: InputFile.jsonLimitBytes,
                                      fix: "write one with `roofline calibrate MEASUREMENTS --output \(path)`")
        do {
            return try JSONDecoder().decode(Calibration.self, from: data).validated()
        } catch let error as RooflineError {
            throw RooflineError.badData("\(path): \(error.message): fit a new one with `roofline calibrate MEASUREMENTS --output \(path)`")
        } catch {
            throw RooflineError.badData("\(path) is not a calibration written by `roofline calibrate` "
                + "(\(RooflineError.decodingProblem(error))): fit one with `roofline calibrate MEASUREMENTS --output \(path)`")
        }
    }
}

extension Calibration {
    /// The calibration, after checking every number a prediction divides by or adds: peaks (and the SM count)
    /// positive and finite, one model per kernel class, ranks from 1 and row counts from 0,
    /// floors and per-wave times finite and at least 0, efficiencies in (0, 1.5] (a measured kernel can beat a vendor peak a little,
    /// never by half again), curve positions finite. Throws a data error naming the field.
    public func validated() throws -> Calibration {
        let root = FieldCheck("")
        for (type, rate) in measuredOn.flopsPerSecond.sorted(by: { $0.key < $1.key }) {
            try root("measuredOn")("flopsPerSecond")(type).positive(rate)
        }
        try root("measuredOn")("memoryBytesPerSecond").positive(measuredOn.memoryBytesPerSecond)
        if let link = measuredOn.linkBytesPerSecond { try root("measuredOn")("linkBytesPerSecond").positive(link) }
        if let sms = measuredOn.streamingMultiprocessors { try root("measuredOn")("streamingMultiprocessors").positive(sms) }
        var seen = Set<KernelClass>()
        for (index, model) in models.enumerated() {
            let field = root("models")(index)
            guard seen.insert(model.kernel).inserted else {
                throw field("kernel").fail("one model per kernel class", "a second \(model.kernel)")
            }
            try field("kernel")("ranks").whole(model.kernel.ranks, in: 1...maximumThreadCount)
            try field("rows").whole(model.rows, in: 0...Int(Int32.max))
            try field("floorSeconds").nonNegative(model.floorSeconds)
            if let tau = model.secondsPerWave { try field("secondsPerWave").nonNegative(tau) }
            for (name, curve) in [("computeEfficiency", model.computeEfficiency), ("bandwidthEfficiency", model.bandwidthEfficiency)] {
                for (point, value) in curve.points.enumerated() {
                    try field(name)("points")(point)("log2Size").finite(value.log2Size)
                    guard value.efficiency.isFinite, value.efficiency > 0, value.efficiency <= 1.5 else {
                        throw field(name)("points")(point)("efficiency").fail("a fraction of peak in (0, 1.5]", "\(value.efficiency)")
                    }
                }
            }
            for (name, surface) in [("computeSurface", model.computeSurface), ("bandwidthSurface", model.bandwidthSurface)] {
                guard let surface else { continue }
                try field(name)("sizeBinLog2").positive(surface.sizeBinLog2)
                try field(name)("unitsBinLog2").positive(surface.unitsBinLog2)
                let width = surface.efficiencies.first?.count ?? 0
                for (i, row) in surface.efficiencies.enumerated() {
                    guard row.count == width else {
                        throw field(name)("efficiencies")(i).fail("\(width) cells like the first row", "\(row.count)")
                    }
                    for (j, value) in row.enumerated() where !(value.isFinite && value > 0 && value <= 1.5) {
                        throw field(name)("efficiencies")(i)(j).fail("a fraction of peak in (0, 1.5]", "\(value)")
                    }
                }
            }
        }
        return self
    }
}
