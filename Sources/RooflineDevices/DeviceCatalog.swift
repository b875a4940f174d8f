import Foundation

/// The accelerators the tool knows: the bundled reference data plus any added from device files.
public struct DeviceCatalog: Sendable {
    public var devices: [Device]

    public init(devices: [Device]) {
        self.devices = devices
    }

    /// The bundled accelerators (`Data/accelerators.json`, a copy of the reference data with its sources, and
    /// `Data/device-extras.json`, the short names). Throws bad data when the bundle is damaged.
    public static func bundled() throws -> DeviceCatalog {
        guard let specs = Bundle.module.url(forResource: "accelerators", withExtension: "json", subdirectory: "Data"),
              let extrasURL = Bundle.module.url(forResource: "device-extras", withExtension: "json", subdirectory: "Data")
        else {
            throw RooflineError.badData("the bundled device data is missing from the installation: rebuild roofline")
        }
        let extras: [String: DeviceExtras]
        do {
            extras = try JSONDecoder().decode([String: DeviceExtras].self, from: Data(contentsOf: extrasURL))
        } catch {
            throw RooflineError.badData("the bundled device-extras.json is damaged (\(error)): rebuild roofline")
        }
        var catalog = DeviceCatalog(devices: [])
        try catalog.add(try Data(contentsOf: specs), origin: "the bundled accelerators.json", extras: extras)
        return catalog
    }

    /// The bundled devices plus those of every device file in `files` (`add(contentsOf:)`, in order).
    public static func bundled(adding files: [String]) throws -> DeviceCatalog {
        var catalog = try bundled()
        for path in files { try catalog.add(contentsOf: path) }
        return catalog
    }

    /// The device whose id or alias is `name`, ignoring case (and `_` or spaces for `-`), or whose id is the only one
    /// starting with `name` followed by `-`. Throws a usage error
    /// naming the closest ids and aliases when there is none.
    public func device(named name: String) throws -> Device {
        let key = DeviceCatalog.normalized(name)
        if let found = devices.first(where: { $0.id.lowercased() == key || $0.aliases.contains(key) }) {
            return found
        }
        // A unique start of an id is enough: `nvidia-h200` names `nvidia-h200-sxm-141gb`.
        let prefixed = devices.filter { $0.id.lowercased().hasPrefix(key + "-") }
        if prefixed.count == 1 { return prefixed[0] }
        let close = closeMatches(to: key)
        let hint = close.isEmpty
            ? "`roofline devices` lists the ids and aliases"
            : "did you mean \(close.joined(separator: ", "))? `roofline devices` lists them all"
        throw RooflineError.usage("unknown device '\(name)': \(hint), or describe one with --device-file FILE.json")
    }

    /// Adds the devices in the JSON file at `path` (`--device-file`): one object, an array or a devices document
    /// (`{"schemaVersion": 1, "devices": [...]}`, as `roofline devices --format json` writes it), each in the
    /// reference-data shape (`memory_gb`, `peak_tflops`…) or the `Device` JSON form (`memoryBytes`,
    /// `peakFlopsPerSecond`…). A device with an existing id replaces it and keeps its aliases. Throws usage when the file cannot be
    /// read, bad data when it is not valid device JSON or a name clashes with another device's.
    public mutating func add(contentsOf path: String) throws {
        let data = try InputFile.read(path, what: "device file", limitBytes: InputFile.jsonLimitBytes,
                                      fix: "check the path given to --device-file")
        try add(data, origin: "device file \(path)")
    }

    /// Decodes, validates and adds every device in `data` (a device file's contents, `origin` naming it in errors);
    /// nothing is added when any entry is wrong.
    public mutating func add(_ data: Data, origin: String) throws {
        try add(data, origin: origin, extras: [:])
    }

    /// Decodes, validates and adds every device in `data`; nothing is added when any entry is wrong.
    mutating func add(_ data: Data, origin: String, extras: [String: DeviceExtras]) throws {
        var updated = self
        do {
            let decoder = JSONDecoder()
            let isArray = data.first { !" \t\r\n".utf8.contains($0) } == UInt8(ascii: "[")
            let entries = isArray ? try decoder.decode([DeviceFileEntry].self, from: data)
                : DeviceCatalog.isDevicesDocument(data) ? try decoder.decode(DevicesDocument.self, from: data).devices
                : [try decoder.decode(DeviceFileEntry.self, from: data)]
            for entry in entries {
                var device = try entry.resolved(extras: extras).validated()
                device.aliases = device.aliases.map(DeviceCatalog.normalized)
                // A device that replaces one by id keeps the names it had: `--device h200` still finds it.
                if let replaced = updated.devices.first(where: { $0.id == device.id }) {
                    device.aliases = (device.aliases + replaced.aliases).uniqued()
                }
                updated.devices.removeAll { $0.id == device.id }
                let names = [device.id.lowercased()] + device.aliases
                if let clash = updated.devices.first(where: { other in
                    names.contains { other.id.lowercased() == $0 || other.aliases.contains($0) }
                }) {
                    throw RooflineError.badData("device \(device.id) uses a name of \(clash.id); give it other aliases")
                }
                updated.devices.append(device)
            }
        } catch let error as RooflineError {
            throw RooflineError.badData("\(origin): \(error.message)")
        } catch {
            throw RooflineError.badData(
                "\(origin) is not valid device JSON (\(RooflineError.decodingProblem(error))): see `roofline devices --format json` for the shape")
        }
        self = updated
    }

    /// The document `roofline devices --format json` writes: `{"schemaVersion": 1, "devices": [...]}`.
    private struct DevicesDocument: Decodable {
        var devices: [DeviceFileEntry]
    }

    /// Whether `data` is a JSON object with a `devices` array (a devices document) rather than one device.
    private static func isDevicesDocument(_ data: Data) -> Bool {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["devices"] is [Any]
    }

    /// Lower case, with `_` and spaces as `-`: "H200_SXM" → "h200-sxm".
    static func normalized(_ name: String) -> String {
        name.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: "_", with: "-").replacingOccurrences(of: " ", with: "-")
    }

    /// Up to five devices whose id or alias contains `key` or is contained in it, or is within
    /// max(2, ⌊length/3⌋) edits of it, nearest first, each written "alias (id)" or "id".
    func closeMatches(to key: String) -> [String] {
        let limit = max(2, key.count / 3)
        var scored: [(distance: Int, label: String)] = []
        for device in devices {
            let names = [device.id.lowercased()] + device.aliases
            let distances = names.map { name -> Int in
                name.contains(key) || (name.count >= 2 && key.contains(name)) ? 0 : DeviceCatalog.editDistance(key, name)
            }
            guard let best = distances.min(), best <= limit else { continue }
            let label = device.aliases.first.map { "\($0) (\(device.id))" } ?? device.id
            scored.append((best, label))
        }
        return scored.sorted { ($0.distance, $0.label) < ($1.distance, $1.label) }.prefix(5).map(\.label)
    }

    /// Levenshtein distance: the fewest single-character insertions, deletions or substitutions that turn
    /// `a` into `b` (dynamic programming over one row: d[j] = min(d[j] + 1, d[j−1] + 1, diagonal + cost)).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let b = Array(b)
        var row = Array(0...b.count)
        for (i, character) in a.enumerated() {
            var diagonal = row[0]
            row[0] = i + 1
            for j in stride(from: 1, through: b.count, by: 1) {
                let above = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, diagonal + (character == b[j - 1] ? 0 : 1))
                diagonal = above
            }
        }
        return row[b.count]
    }
}
