/// The JSON form of a `Device` (what `roofline devices --format json` prints and `--device-file` accepts):
/// the property names as keys, `peakFlopsPerSecond` as an object keyed by data type (`{"bf16": 9.894e14}`),
/// and a missing value left out or written null. The price is `pricePerDeviceHourUSD` (as in `plan`); the older
/// `pricePerHourUSD` is read too.
extension Device: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, name, vendor, aliases, memoryBytes, memoryBytesPerSecond, peakFlopsPerSecond, onChipMemoryBytes
        case streamingMultiprocessors
        case interconnectBytesPerSecond, interconnectNote, tdpWatts, priceNote, notes, sources
        case mainMemoryLevel
        /// The price of one device for one hour, under the key `plan` uses for it.
        case pricePerHourUSD = "pricePerDeviceHourUSD"
        /// The key files written before schema version 1 used for the price; still read.
        case legacyPricePerHourUSD = "pricePerHourUSD"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let peaks = try c.decodeIfPresent([String: Double?].self, forKey: .peakFlopsPerSecond) ?? [:]
        self.init(
            id: try c.decode(String.self, forKey: .id),
            name: try c.decode(String.self, forKey: .name),
            vendor: try c.decodeIfPresent(String.self, forKey: .vendor) ?? "unspecified",
            aliases: try c.decodeIfPresent([String].self, forKey: .aliases) ?? [],
            memoryBytes: try c.decodeIfPresent(Double.self, forKey: .memoryBytes),
            memoryBytesPerSecond: try c.decodeIfPresent(Double.self, forKey: .memoryBytesPerSecond),
            peakFlopsPerSecond: try Device.peaks(peaks, scale: 1),
            onChipMemoryBytes: try c.decodeIfPresent(Double.self, forKey: .onChipMemoryBytes),
            streamingMultiprocessors: try c.decodeIfPresent(Int.self, forKey: .streamingMultiprocessors),
            interconnectBytesPerSecond: try c.decodeIfPresent(Double.self, forKey: .interconnectBytesPerSecond),
            interconnectNote: try c.decodeIfPresent(String.self, forKey: .interconnectNote),
            tdpWatts: try c.decodeIfPresent(Double.self, forKey: .tdpWatts),
            pricePerHourUSD: try c.decodeIfPresent(Double.self, forKey: .pricePerHourUSD)
                ?? c.decodeIfPresent(Double.self, forKey: .legacyPricePerHourUSD),
            priceNote: try c.decodeIfPresent(String.self, forKey: .priceNote),
            notes: try c.decodeIfPresent(String.self, forKey: .notes),
            sources: try c.decodeIfPresent([String].self, forKey: .sources) ?? [],
            mainMemoryLevel: try c.decodeIfPresent(String.self, forKey: .mainMemoryLevel) ?? "HBM")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(vendor, forKey: .vendor)
        try c.encode(aliases, forKey: .aliases)
        try c.encode(memoryBytes, forKey: .memoryBytes)
        try c.encode(memoryBytesPerSecond, forKey: .memoryBytesPerSecond)
        try c.encode(Dictionary(uniqueKeysWithValues: peakFlopsPerSecond.map { ($0.key.rawValue, $0.value) }),
                     forKey: .peakFlopsPerSecond)
        try c.encode(onChipMemoryBytes, forKey: .onChipMemoryBytes)
        try c.encodeIfPresent(streamingMultiprocessors, forKey: .streamingMultiprocessors)
        try c.encode(interconnectBytesPerSecond, forKey: .interconnectBytesPerSecond)
        try c.encode(interconnectNote, forKey: .interconnectNote)
        try c.encode(tdpWatts, forKey: .tdpWatts)
        try c.encode(pricePerHourUSD, forKey: .pricePerHourUSD)
        try c.encode(priceNote, forKey: .priceNote)
        try c.encode(notes, forKey: .notes)
        try c.encode(sources, forKey: .sources)
        try c.encode(mainMemoryLevel, forKey: .mainMemoryLevel)
    }

    /// Peaks keyed by data-type name, nulls dropped, each multiplied by `scale` (1e12 for TFLOP/s).
    /// Throws bad data for a key that is not a data type.
    static func peaks(_ values: [String: Double?], scale: Double) throws -> [DataType: Double] {
        var result: [DataType: Double] = [:]
        for (key, value) in values {
            guard let type = DataType(rawValue: key) else {
                throw RooflineError.badData(
                    "unknown data type '\(key)' in peak FLOP/s: use \(DataType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            if let value { result[type] = value * scale }
        }
        return result
    }
}
