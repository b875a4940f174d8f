/// One accelerator as data: every value carries its unit in its name, and a value the sources do not give
/// stays nil (never 0).
///
/// Peaks are dense (no 2:4 structured sparsity); `notes` keeps the pitfalls (sparse figures printed as
/// headline numbers, sources that disagree). Capacities are decimal (1 GB = 1e9 B), as vendors quote them.
public struct Device: Sendable, Equatable {
    /// Stable identifier, e.g. `nvidia-h200-sxm-141gb`.
    public var id: String
    public var name: String
    public var vendor: String
    /// Short names accepted by `--device` (`h200`, `mi300x`), lower case.
    public var aliases: [String]
    /// Capacity of main memory (HBM on most parts) in bytes.
    public var memoryBytes: Double?
    /// Peak main-memory bandwidth in bytes per second (vendor figure).
    public var memoryBytesPerSecond: Double?
    /// Dense peak per data type in FLOP/s (operations per second for integer types).
    public var peakFlopsPerSecond: [DataType: Double]
    /// On-chip memory in bytes: L2, last-level cache or SRAM, whichever the vendor quotes.
    public var onChipMemoryBytes: Double?
    /// Streaming multiprocessors the product enables (NVIDIA; the units its kernels' thread blocks are spread
    /// over, which the calibrated kernel time model counts work per); nil when not in the data.
    public var streamingMultiprocessors: Int?
    /// Scale-up interconnect bandwidth per device in bytes per second, both directions added, as vendors quote
    /// it (NVLink 4: 900 GB/s = 450 GB/s each way).
    public var interconnectBytesPerSecond: Double?
    public var interconnectNote: String?
    public var tdpWatts: Double?
    /// On-demand price of one device for one hour in US dollars, dated in `priceNote`.
    public var pricePerHourUSD: Double?
    public var priceNote: String?
    /// Pitfalls and disagreements between sources.
    public var notes: String?
    /// Where each value comes from.
    public var sources: [String]
    /// Name of the memory level weights and KV cache stream from: "HBM", "GDDR6", "SRAM".
    public var mainMemoryLevel: String

    public init(
        id: String, name: String, vendor: String, aliases: [String] = [],
        memoryBytes: Double?, memoryBytesPerSecond: Double?, peakFlopsPerSecond: [DataType: Double],
        onChipMemoryBytes: Double? = nil, streamingMultiprocessors: Int? = nil, interconnectBytesPerSecond: Double? = nil, interconnectNote: String? = nil,
        tdpWatts: Double? = nil, pricePerHourUSD: Double? = nil, priceNote: String? = nil, notes: String? = nil,
        sources: [String] = [], mainMemoryLevel: String = "HBM"
    ) {
        self.id = id
        self.name = name
        self.vendor = vendor
        self.aliases = aliases
        self.memoryBytes = memoryBytes
        self.memoryBytesPerSecond = memoryBytesPerSecond
        self.peakFlopsPerSecond = peakFlopsPerSecond
        self.onChipMemoryBytes = onChipMemoryBytes
        self.streamingMultiprocessors = streamingMultiprocessors
        self.interconnectBytesPerSecond = interconnectBytesPerSecond
        self.interconnectNote = interconnectNote
        self.tdpWatts = tdpWatts
        self.pricePerHourUSD = pricePerHourUSD
        self.priceNote = priceNote
        self.notes = notes
        self.sources = sources
        self.mainMemoryLevel = mainMemoryLevel
    }

    /// The device's roofline: one compute ceiling per data type it has a dense peak for, one bandwidth ceiling
    /// for main memory (with its capacity). A device without a bandwidth figure has no bandwidth ceiling.
    public var roofline: Roofline {
        let compute = DataType.allCases.compactMap { type in
            peakFlopsPerSecond[type].map {
                ComputeCeiling(dataType: type, flopsPerSecond: $0, source: "spec \(id): dense peak, no sparsity")
            }
        }
        let bandwidth = memoryBytesPerSecond.map {
            [BandwidthCeiling(level: mainMemoryLevel, bytesPerSecond: $0, source: "spec \(id): vendor peak",
                              capacityBytes: memoryBytes)]
        } ?? []
        return Roofline(name: name, computeCeilings: compute, bandwidthCeilings: bandwidth,
                        mainMemoryLevel: mainMemoryLevel)
    }

    /// Ridge point per data type the device has a peak for, in FLOP per byte:
    /// peakFlopsPerSecond[type] / memoryBytesPerSecond. Empty without a bandwidth figure.
    public var ridgeFlopsPerByte: [DataType: Double] {
        guard let bandwidth = memoryBytesPerSecond else { return [:] }
        return peakFlopsPerSecond.mapValues { $0 / bandwidth }
    }

    /// The same device at another price (`--price`): the note says where the price came from.
    public func pricedAt(_ usdPerHour: Double, note: String) -> Device {
        var copy = self
        copy.pricePerHourUSD = usdPerHour
        copy.priceNote = note
        return copy
    }

    /// Checks what a device file can get wrong: an empty id, and any number that is not finite and positive
    /// (a missing value is written null, never 0). Throws a bad-data `RooflineError` naming the field.
    public func validated() throws -> Device {
        guard !id.isEmpty, !id.contains(where: \.isWhitespace) else {
            throw RooflineError.badData("device id '\(id)' must be non-empty without spaces")
        }
        let numbers: [(String, Double?)] = [
            ("memoryBytes", memoryBytes), ("memoryBytesPerSecond", memoryBytesPerSecond),
            ("onChipMemoryBytes", onChipMemoryBytes), ("interconnectBytesPerSecond", interconnectBytesPerSecond),
            ("tdpWatts", tdpWatts), ("pricePerHourUSD", pricePerHourUSD),
        ] + peakFlopsPerSecond.sorted { $0.key < $1.key }.map { ("peakFlopsPerSecond.\($0.key.rawValue)", $0.value) }
        for case let (field, value?) in numbers where !(value.isFinite && value > 0) {
            throw RooflineError.badData(
                "device \(id): \(field) is \(value); give a positive number, or null when it is not known")
        }
        return self
    }
}
