/// Reads typed keys from a Hugging Face `config.json` object. Every failure is a one-line `.badData` error
/// that names the file and the key.
struct ConfigReader {
    let object: [String: JSONValue]
    /// The file or preset the object came from, for messages.
    let source: String

    /// The first of `keys` present in the object (config files spell some keys two ways: `n_embd` / `hidden_size`).
    func presentKey(_ keys: [String]) -> String? {
        keys.first { object[$0] != nil }
    }

    func fail(_ message: String) -> RooflineError {
        RooflineError.badData("\(source): \(message)")
    }

    /// A required positive integer under any of `keys`; `defaultValue` when absent (nil: the key is required).
    func positiveInt(_ keys: [String], default defaultValue: Int? = nil) throws -> Int {
        guard let key = presentKey(keys), let value = object[key], value != .null else {
            if let defaultValue { return defaultValue }
            throw fail("missing required key '\(keys[0])' (a positive integer)")
        }
        return try positive(value, key: key)
    }

    /// The layer count under any of `keys`: required, positive and at most 100,000 (layer lists are built from it).
    func layerCount(_ keys: [String]) throws -> Int {
        let count = try positiveInt(keys)
        guard count <= 100_000 else {
            throw fail("key '\(presentKey(keys) ?? keys[0])' is \(count): more than 100,000 layers is not a model; check the config")
        }
        return count
    }

    /// An optional positive integer: absent → `defaultValue`, explicit `null` → nil.
    func optionalPositiveInt(_ key: String, default defaultValue: Int?) throws -> Int? {
        guard let value = object[key] else { return defaultValue }
        if value == .null { return nil }
        return try positive(value, key: key)
    }

    /// A non-negative integer (0 allowed), absent or null → `defaultValue`.
    func nonNegativeInt(_ key: String, default defaultValue: Int) throws -> Int {
        guard let value = object[key], value != .null else { return defaultValue }
        guard case .number(let number) = value, number == number.rounded(), number >= 0, number < 1e15 else {
            throw fail("key '\(key)' must be a whole number ≥ 0, got \(value.summary)")
        }
        return Int(number)
    }

    private func positive(_ value: JSONValue, key: String) throws -> Int {
        guard case .number(let number) = value, number == number.rounded(), number < 1e15 else {
            throw fail("key '\(key)' must be a positive integer, got \(value.summary)")
        }
        guard number > 0 else {
            throw fail("key '\(key)' must be positive, got \(value.summary)")
        }
        return Int(number)
    }

    /// A positive number (not necessarily whole), absent or null → nil.
    func optionalPositiveDouble(_ key: String) throws -> Double? {
        guard let value = object[key], value != .null else { return nil }
        guard case .number(let number) = value, number > 0, number.isFinite else {
            throw fail("key '\(key)' must be a positive number, got \(value.summary)")
        }
        return number
    }

    /// A boolean, absent or null → `defaultValue`.
    func bool(_ key: String, default defaultValue: Bool) throws -> Bool {
        guard let value = object[key], value != .null else { return defaultValue }
        guard case .bool(let flag) = value else {
            throw fail("key '\(key)' must be true or false, got \(value.summary)")
        }
        return flag
    }

    /// A string under any of `keys`, absent or null → `defaultValue` (nil: required).
    func string(_ keys: [String], default defaultValue: String? = nil) throws -> String {
        guard let key = presentKey(keys), let value = object[key], value != .null else {
            if let defaultValue { return defaultValue }
            throw fail("missing required key '\(keys[0])' (a string)")
        }
        guard case .string(let text) = value else {
            throw fail("key '\(key)' must be a string, got \(value.summary)")
        }
        return text
    }

    /// An array of whole numbers ≥ 0, absent or null → `defaultValue`.
    func intArray(_ key: String, default defaultValue: [Int]) throws -> [Int] {
        guard let value = object[key], value != .null else { return defaultValue }
        guard case .array(let items) = value else {
            throw fail("key '\(key)' must be an array of layer indices, got \(value.summary)")
        }
        return try items.map { item in
            guard case .number(let number) = item, number == number.rounded(), number >= 0, number < 1e15 else {
                throw fail("key '\(key)' must hold whole numbers ≥ 0, got \(item.summary)")
            }
            return Int(number)
        }
    }

    /// An array of whole numbers, absent or null → nil.
    func optionalIntArray(_ key: String) throws -> [Int]? {
        guard let value = object[key], value != .null else { return nil }
        return try intArray(key, default: [])
    }

    /// An array of strings, absent or null → nil.
    func optionalStringArray(_ key: String) throws -> [String]? {
        guard let value = object[key], value != .null else { return nil }
        guard case .array(let items) = value else {
            throw fail("key '\(key)' must be an array of strings, got \(value.summary)")
        }
        return try items.map { item in
            guard case .string(let text) = item else {
                throw fail("key '\(key)' must hold strings, got \(item.summary)")
            }
            return text
        }
    }
}
