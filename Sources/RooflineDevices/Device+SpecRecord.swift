/// One accelerator in the reference-data shape (`accelerators.json`): snake_case keys and vendor units
/// (GB, TB/s, TFLOP/s, MB, GB/s, W). `aliases` and `main_memory` are optional additions.
struct DeviceSpecRecord: Decodable {
    var id: String
    var name: String
    var vendor: String?
    var memory_gb: Double?
    var memory_bw_tbps: Double?
    var peak_tflops: [String: Double?]?
    var l2_or_sram_mb: Double?
    /// Streaming multiprocessors (NVIDIA) enabled on the product.
    var sm_count: Int?
    /// Named "gbps" in the data but the values are GB/s (NVLink 4: 900), both directions added.
    var interconnect_gbps: Double?
    var interconnect_note: String?
    var tdp_w: Double?
    var price_per_hour_usd: Double?
    var price_note: String?
    var notes: String?
    var sources: [String]?
    var aliases: [String]?
    var main_memory: String?

    /// Keys that mark an object as this shape rather than the `Device` JSON form.
    static let markerKeys: Set<String> = ["peak_tflops", "memory_gb", "memory_bw_tbps"]

    /// Converts vendor units to base units: memoryBytes = memory_gb × 1e9;
    /// memoryBytesPerSecond = memory_bw_tbps × 1e12; peakFlopsPerSecond = peak_tflops × 1e12;
    /// onChipMemoryBytes = l2_or_sram_mb × 1e6; interconnectBytesPerSecond = interconnect_gbps × 1e9.
    /// `extra` supplies aliases and the main-memory name where the record has none.
    func device(extra: DeviceExtras?) throws -> Device {
        Device(
            id: id, name: name, vendor: vendor ?? "unspecified",
            aliases: aliases ?? extra?.aliases ?? [],
            memoryBytes: memory_gb.map { $0 * 1e9 },
            memoryBytesPerSecond: memory_bw_tbps.map { $0 * 1e12 },
            peakFlopsPerSecond: try Device.peaks(peak_tflops ?? [:], scale: 1e12),
            onChipMemoryBytes: l2_or_sram_mb.map { $0 * 1e6 }, streamingMultiprocessors: sm_count,
            interconnectBytesPerSecond: interconnect_gbps.map { $0 * 1e9 },
            interconnectNote: interconnect_note, tdpWatts: tdp_w, pricePerHourUSD: price_per_hour_usd,
            priceNote: price_note, notes: notes, sources: sources ?? [],
            mainMemoryLevel: main_memory ?? extra?.mainMemoryLevel ?? "HBM")
    }
}

/// What the bundled data adds to the reference records (`Data/device-extras.json`): short names and the
/// main-memory name where it is not HBM.
struct DeviceExtras: Decodable {
    var aliases: [String]
    var mainMemoryLevel: String?
}

/// A JSON object in either device shape: the reference-data shape when it has one of
/// `DeviceSpecRecord.markerKeys`, the `Device` JSON form otherwise.
enum DeviceFileEntry: Decodable {
    case record(DeviceSpecRecord)
    case device(Device)

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: Decoder) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue)
        if keys.contains(where: DeviceSpecRecord.markerKeys.contains) {
            self = .record(try DeviceSpecRecord(from: decoder))
        } else {
            self = .device(try Device(from: decoder))
        }
    }

    /// The entry as a `Device`, with `extras` (by id) filling in what a reference record lacks.
    func resolved(extras: [String: DeviceExtras]) throws -> Device {
        switch self {
        case .device(let device): device
        case .record(let record): try record.device(extra: extras[record.id])
        }
    }
}
