import Foundation

/// Human-readable numbers with decimal units (GB = 1e9 bytes, TFLOP/s = 1e12 FLOP/s).
public enum Format {
    /// `value` scaled to the largest decimal prefix ≤ value, with `digits` significant-ish decimals:
    /// 5.16e12 with unit "B" → "5.16 TB".
    public static func decimal(_ value: Double, unit: String, digits: Int = 3) -> String {
        guard value.isFinite else { return "n/a" }
        let prefixes: [(Double, String)] = [(1e18, "E"), (1e15, "P"), (1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k")]
        let magnitude = abs(value)
        for (scale, prefix) in prefixes where magnitude >= scale {
            return "\(significant(value / scale, digits: digits)) \(prefix)\(unit)"
        }
        return "\(significant(value, digits: digits)) \(unit)"
    }

    /// Bytes in decimal units: 516096 → "516 kB".
    public static func bytes(_ value: Double) -> String { decimal(value, unit: "B") }
    /// Bytes per second in decimal units: 4.8e12 → "4.8 TB/s".
    public static func bytesPerSecond(_ value: Double) -> String { decimal(value, unit: "B/s") }
    /// FLOP per second in decimal units: 9.894e14 → "989 TFLOP/s".
    public static func flopsPerSecond(_ value: Double) -> String { decimal(value, unit: "FLOP/s") }
    /// FLOP count in decimal units.
    public static func flops(_ value: Double) -> String { decimal(value, unit: "FLOP") }

    /// Seconds in the most readable unit (ns, µs, ms, s, h).
    public static func seconds(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        let magnitude = abs(value)
        if magnitude == 0 { return "0 s" }
        if magnitude < 1e-6 { return "\(significant(value * 1e9, digits: 3)) ns" }
        if magnitude < 1e-3 { return "\(significant(value * 1e6, digits: 3)) µs" }
        if magnitude < 1 { return "\(significant(value * 1e3, digits: 3)) ms" }
        if magnitude < 3600 { return "\(significant(value, digits: 3)) s" }
        return "\(significant(value / 3600, digits: 3)) h"
    }

    /// A number with about `digits` significant digits, without exponent for everyday magnitudes.
    public static func significant(_ value: Double, digits: Int = 3) -> String {
        guard value.isFinite else { return "n/a" }
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || magnitude < 1e-3 { return String(format: "%.\(max(digits - 1, 0))e", value) }
        let integerDigits = Int(floor(log10(magnitude))) + 1
        let decimals = max(0, digits - integerDigits)
        return String(format: "%.\(decimals)f", value)
    }

    /// US dollars: whole and grouped from $100 ("$1,036"), cents below ("$3.00"); "n/a" when not finite.
    public static func dollars(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return value >= 100 ? "$" + grouped(value) : String(format: "$%.2f", value)
    }

    /// An integer with thousands separators: 516096 → "516,096".
    public static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    /// A whole number with thousands separators, rounded: 108394.4 → "108,394"; values of 1e15 and beyond (which
    /// no integer type need hold) in `significant` form, "n/a" when not finite. Any Double formats.
    public static func grouped(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        return abs(value) < 1e15 ? grouped(Int(value.rounded())) : significant(value)
    }

    /// Bytes in binary units for cache sizes (32 KiB, 1 MiB), since caches come in powers of two.
    public static func binaryBytes(_ value: Int) -> String {
        let units: [(Int, String)] = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (scale, unit) in units where value >= scale {
            let scaled = Double(value) / Double(scale)
            return scaled == scaled.rounded() ? "\(Int(scaled)) \(unit)" : "\(significant(scaled)) \(unit)"
        }
        return "\(value) B"
    }

    /// A count or rate for prose: whole numbers grouped from 1,000 ("2,608", "1,234,567"), 3 significant digits
    /// below ("38.6", "1.00"); `significant` from 1e15 on.
    public static func countOrRate(_ value: Double) -> String {
        abs(value) >= 1000 ? grouped(value) : significant(value)
    }

    /// A short number as written by hand, C's %g: 0.78, 2, 0.5 (no trailing zeros).
    public static func shortest(_ value: Double) -> String { String(format: "%g", value) }
}
