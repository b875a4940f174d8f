import Foundation

/// Parsing of counts and sizes as users type them.
public enum Quantity {
    /// How sizes are written, for help texts and errors: decimal suffixes k, M, G (128k = 128,000), binary ones
    /// Ki, Mi, Gi (128Ki = 131,072); no commas, no hexadecimal.
    public static let countForms = "a whole number such as 4096, 128k (128,000), 128Ki (131,072) or 10M"

    /// Parses a token count with an optional decimal suffix: `4096`, `128k` (128,000), `10M` (10,000,000),
    /// `1G`/`1B` (1e9). A `Ki`/`Mi` suffix is binary (128Ki = 131,072). Rejects zero, negatives, non-integers,
    /// commas (`1,8` is neither 18 nor a list here) and anything but decimal digits.
    public static func parseCount(_ text: String, name: String) throws -> Int {
        let value = try parseScaled(text, name: name, forms: countForms)
        guard value >= 1 else {
            throw RooflineError.usage("\(name) must be at least 1, got '\(text)'")
        }
        guard value <= 1e15, value.rounded() == value else {
            throw RooflineError.usage("\(name) '\(text)' is not a whole number up to 1e15")
        }
        return Int(value)
    }

    /// How byte sizes are written: decimal K, M, G, T (1e3…1e12), binary KiB, MiB, GiB, TiB, an optional B.
    public static let byteForms = "a size such as 512M, 1G (1e9 bytes) or 32KiB (32,768 bytes)"

    /// Parses a byte size. Suffixes `K`, `M`, `G`, `T` are decimal (1e3, 1e6, 1e9, 1e12); `KiB`, `MiB`, `GiB`
    /// (or `Ki`, `Mi`, `Gi`) are binary (1024, 1024², 1024³). A trailing `B` is optional: `32KiB` = 32,768 bytes,
    /// `0B` = 0. Zero is accepted only with `allowZero`.
    public static func parseBytes(_ text: String, name: String, allowZero: Bool = false) throws -> Int {
        var t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("B") || t.hasSuffix("b") { t.removeLast() }
        let value = try parseScaled(t, name: name, forms: byteForms, original: text)
        guard value >= (allowZero ? 0 : 1), value.rounded() == value, value < 1e18 else {
            throw RooflineError.usage("\(name) must be a \(allowZero ? "" : "positive ")whole number of bytes, got '\(text)'")
        }
        return Int(value)
    }

    /// The number in `text` times its suffix's factor. The number is plain decimal (digits, one point, an
    /// exponent, `_` between digits); anything else is a usage error that names `forms`.
    private static func parseScaled(_ text: String, name: String, forms: String, original: String? = nil) throws -> Double {
        let shown = original ?? text
        var body = text.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "_", with: "")
        if body.contains(",") {
            throw RooflineError.usage("\(name) '\(shown)' has a comma: it takes one value, \(forms); a comma is never a thousands separator")
        }
        var multiplier = 1.0
        let lower = body.lowercased()
        let binary: [(String, Double)] = [("ki", 1024), ("mi", 1048576), ("gi", 1073741824), ("ti", 1099511627776)]
        let decimal: [(String, Double)] = [("k", 1e3), ("m", 1e6), ("g", 1e9), ("b", 1e9), ("t", 1e12), ("p", 1e15)]
        if let (suffix, factor) = binary.first(where: { lower.hasSuffix($0.0) }) {
            body.removeLast(suffix.count)
            multiplier = factor
        } else if let (suffix, factor) = decimal.first(where: { lower.hasSuffix($0.0) }) {
            body.removeLast(suffix.count)
            multiplier = factor
        }
        guard isPlainDecimal(body), let number = Double(body), number.isFinite else {
            throw RooflineError.usage("\(name) '\(shown)' is not a number: write \(forms)")
        }
        return number * multiplier
    }

    /// Digits with at most one decimal point and an optional exponent (`e`, a sign, digits); a leading sign.
    static func isPlainDecimal(_ text: String) -> Bool {
        var characters = Substring(text)
        if characters.first == "-" || characters.first == "+" { characters = characters.dropFirst() }
        let parts = characters.lowercased().split(separator: "e", maxSplits: 1, omittingEmptySubsequences: false)
        guard let mantissa = parts.first, !mantissa.isEmpty, mantissa != "." else { return false }
        let digits = mantissa.filter { $0 != "." }
        guard mantissa.filter({ $0 == "." }).count <= 1, !digits.isEmpty, digits.allSatisfy(\.isASCII),
              digits.allSatisfy(\.isNumber) else { return false }
        guard parts.count == 2 else { return true }
        var exponent = parts[1]
        if exponent.first == "-" || exponent.first == "+" { exponent = exponent.dropFirst() }
        return !exponent.isEmpty && exponent.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
