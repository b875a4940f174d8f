import Foundation

/// One device as `roofline devices --format json` prints it: the `Device` JSON form plus the derived ridge
/// points and the bundled calibration that applies (`Device.bundledCalibrationDescription`), in one object, so
/// that the output can be edited and read back with `--device-file` (which ignores the derived keys).
public struct DeviceListing: Encodable, Sendable {
    public var device: Device

    public init(device: Device) {
        self.device = device
    }

    private enum CodingKeys: String, CodingKey { case ridgeFlopsPerByte, calibration }

    public func encode(to encoder: Encoder) throws {
        try device.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Dictionary(uniqueKeysWithValues: device.ridgeFlopsPerByte.map { ($0.key.rawValue, $0.value) }),
                     forKey: .ridgeFlopsPerByte)
        try c.encodeIfPresent(device.bundledCalibrationDescription, forKey: .calibration)
    }
}

/// Text and markdown views of devices: renderers only, no arithmetic beyond the derived ridge points.
public enum DeviceRendering {
    /// The data types the overview table shows (the detail view shows every type a device has).
    static let overviewTypes: [DataType] = [.bf16, .fp8, .fp4]

    static let footnote = """
        Dense peaks (no 2:4 sparsity); ridge = peak FLOP/s ÷ memory bandwidth, in FLOP/B; - = not published.
        `roofline devices --device ID` shows every data type, the notes and the sources.
        """

    private static func overview(_ devices: [Device]) -> Table {
        var header = ["id", "aliases", "memory", "bandwidth"]
        for type in overviewTypes { header += ["\(type.rawValue) peak", "ridge"] }
        header.append("$/hour")
        let rows = devices.map { device -> [String] in
            var row = [device.id, device.aliases.joined(separator: ", "),
                       device.memoryBytes.map(Format.bytes) ?? "-",
                       device.memoryBytesPerSecond.map(Format.bytesPerSecond) ?? "-"]
            for type in overviewTypes {
                row.append(device.peakFlopsPerSecond[type].map(Format.flopsPerSecond) ?? "-")
                row.append(device.ridgeFlopsPerByte[type].map { Format.significant($0) } ?? "-")
            }
            row.append(device.pricePerHourUSD.map { String(format: "%.2f", $0) } ?? "-")
            return row
        }
        return Table(headers: header, rows: rows, alignments: [.left, .left])
    }

    /// All devices in one aligned table.
    public static func text(_ devices: [Device]) -> String {
        overview(devices).text + "\n" + footnote + "\n"
    }

    /// All devices in one markdown table.
    public static func markdown(_ devices: [Device]) -> String {
        overview(devices).markdown + "\n" + footnote + "\n"
    }

    /// Per data type: dense peak and ridge point.
    private static func peaks(_ device: Device) -> Table {
        Table(headers: ["data type", "dense peak", "ridge (FLOP/B)"], rows: DataType.allCases.compactMap { type in
            device.peakFlopsPerSecond[type].map {
                // Integer peaks are operations, not floating-point operations, per second.
                [type.rawValue, type == .int8 || type == .int4 ? Format.decimal($0, unit: "OP/s") : Format.flopsPerSecond($0),
                 device.ridgeFlopsPerByte[type].map { Format.significant($0) } ?? "-"]
            }
        })
    }

    /// Label/value lines for one device's scalar fields; missing values say so.
    private static func facts(_ device: Device) -> [(String, String)] {
        func annotated(_ value: String?, _ note: String?) -> String {
            guard let value else { return "not published" + (note.map { " (\($0))" } ?? "") }
            return value + (note.map { " (\($0))" } ?? "")
        }
        return [
            ("vendor", device.vendor),
            ("aliases", device.aliases.isEmpty ? "none" : device.aliases.joined(separator: ", ")),
            ("memory", device.memoryBytes.map { "\(Format.bytes($0)) \(device.mainMemoryLevel)" } ?? "not published"),
            ("bandwidth", device.memoryBytesPerSecond.map(Format.bytesPerSecond) ?? "not published"),
            ("on-chip memory", device.onChipMemoryBytes.map(Format.bytes) ?? "not published"),
            ("interconnect", annotated(device.interconnectBytesPerSecond.map(Format.bytesPerSecond), device.interconnectNote)),
            ("TDP", device.tdpWatts.map { "\(Format.significant($0)) W" } ?? "not published"),
            ("price", annotated(device.pricePerHourUSD.map { String(format: "$%.2f per device-hour", $0) }, device.priceNote)),
            ("calibration", device.bundledCalibrationDescription ?? "none bundled: bounds only"),
        ]
    }

    /// One device in full: values, peaks and ridge points per data type, notes, sources.
    public static func detailText(_ device: Device) -> String {
        let lines = facts(device)
        let width = lines.map(\.0.count).max() ?? 0
        var out = "\(device.name) (\(device.id))\n"
        for (label, value) in lines {
            out += "  \(label.padding(toLength: width, withPad: " ", startingAt: 0))  \(value)\n"
        }
        out += "\n" + peaks(device).text
        if let notes = device.notes { out += "\nnotes: \(notes)\n" }
        out += "\nsources:" + (device.sources.isEmpty ? " none given\n" : "\n" + device.sources.map { "  - \($0)\n" }.joined())
        return out
    }

    /// One device in full as markdown.
    public static func detailMarkdown(_ device: Device) -> String {
        var out = "## \(device.name) (`\(device.id)`)\n\n"
        out += Table(headers: ["property", "value"], rows: facts(device).map { [$0.0, $0.1] }, alignments: [.left, .left]).markdown
        out += "\n" + peaks(device).markdown
        if let notes = device.notes { out += "\n**Notes.** \(notes)\n" }
        out += "\n**Sources.**" + (device.sources.isEmpty ? " None given.\n" : "\n\n" + device.sources.map { "- \($0)\n" }.joined())
        return out
    }
}
