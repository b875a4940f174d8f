import Foundation

extension Quantity {
    /// How durations are written, for help texts and errors.
    public static let durationForms = "a duration with its unit such as 50ms, 2s, 500us or 500µs"

    /// Parses a positive duration with a unit into seconds: `s` (×1), `ms` (×1e-3), `us` or `µs` (×1e-6): `50ms` is
    /// 0.05. A number without a unit, zero, a negative or a non-finite value is a usage error naming `name`.
    public static func parseDuration(_ text: String, name: String) throws -> Double {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, seconds: Double)] = [("ms", 1e-3), ("µs", 1e-6), ("μs", 1e-6), ("us", 1e-6), ("s", 1)]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count).trimmingCharacters(in: .whitespaces)
            guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                  let value = Double(number), value.isFinite, value > 0 else { break }
            return value * unit.seconds
        }
        throw RooflineError.usage("\(name) '\(text)' is not \(durationForms), above zero")
    }
}
