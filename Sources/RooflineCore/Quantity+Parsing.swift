import Foundation

/// Parsing of counts and sizes as users type them.
public enum Quantity {
    /// Parses a token count with an optional decimal suffix: `4096`, `128k` (128,000), `10M` (10,000,000),
    /// `1G`/`1B` (1e9). A `ki`/`Mi` suffix is binary (128Ki = 131,072). Rejects zero, negatives and non-integers.
    public static func parseCount(_ text: String, name: String) throws -> Int {
        let value = try parseScaled(text, name: name, decimalBase: 1000, allowBinary: true)
        guard value >= 1 else {
            throw RooflineError.usage("\(name) must be at least 1, got '\(text)'")
        }
        guard value <= 1e15, value.rounded() == value else {
            throw RooflineError.usage("\(name) '\(text)' is not a whole number up to 1e15")
        }
        return Int(value)
    }

    /// Parses a byte size. Suffixes `K`, `M`, `G`, `T` are decimal (1e3, 1e6, 1e9, 1e12); `KiB`, `MiB`, `GiB`
    /// (or `Ki`, `Mi`, `Gi`) are binary (1024, 1024², 1024³). A trailing `B` is optional: `32KiB` = 32,768 bytes.
    public static func parseBytes(_ text: String, name: String) throws -> Int {
        var t = text
        if t.hasSuffix("B") || t.hasSuffix("b") { t.removeLast() }
        let value = try parseScaled(t, name: name, decimalBase: 1000, allowBinary: true)
        guard value >= 1, value.rounded() == value, value < 1e18 else {
            throw RooflineError.usage("\(name) must be a positive whole number of bytes, got '\(text)'")
        }
        return Int(value)
    }

    private static func parseScaled(_ text: String, name: String, decimalBase: Double, allowBinary: Bool) throws -> Double {
        var body = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
            .replacingOccurrences(of: ",", with: "")
        var multiplier = 1.0
        let lower = body.lowercased()
        let binary: [(String, Double)] = [("ki", 1024), ("mi", 1048576), ("gi", 1073741824), ("ti", 1099511627776)]
        let decimal: [(String, Double)] = [("k", 1e3), ("m", 1e6), ("g", 1e9), ("b", 1e9), ("t", 1e12), ("p", 1e15)]
        if allowBinary, let (suffix, factor) = binary.first(where: { lower.hasSuffix($0.0) }) {
            body.removeLast(suffix.count)
            multiplier = factor
        } else if let (suffix, factor) = decimal.first(where: { lower.hasSuffix($0.0) }) {
            body.removeLast(suffix.count)
            multiplier = factor
        }
        guard !body.isEmpty, let number = Double(body), number.isFinite else {
            throw RooflineError.usage("\(name) '\(text)' is not a number: write it like 4096, 128k or 10M")
        }
        return number * multiplier
    }
}

