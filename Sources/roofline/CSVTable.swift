import Foundation
import RooflineCore

/// One table of a `--format csv` result: rows taken from a command's JSON form, nested objects flattened into
/// columns (`decode.seconds` → `decode_seconds`), keys in snake case with their units (`weight_bytes`, `seconds`,
/// `flops_per_second`, `cost_per_hour_usd`), numbers plain in base units.
///
/// Every CSV the tool writes starts each row with a `table` column naming its table; a command with several tables
/// writes them one after another, each with its own header line, separated by one empty line.
struct CSVTable {
    /// The table's name, the value of every row's `table` column.
    var name: String
    /// The flattened rows: column name → the text of its field.
    var rows: [[String: String]]

    /// The rows of `values` (each encoding as a JSON object), keeping the top-level keys `keep` accepts.
    init<Row: Encodable>(_ name: String, rows values: [Row], keep: (String) -> Bool = { _ in true }) throws {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = nonConformingFloats
        let objects = try JSONSerialization.jsonObject(with: encoder.encode(values)) as? [[String: Any]] ?? []
        self.name = name
        rows = objects.map { object in
            var row: [String: String] = [:]
            for (key, value) in object where keep(key) { Self.flatten(value, into: &row, column: Self.snakeCase(key)) }
            return row
        }
    }

    /// Adds `value` to `row` under `column`: an object's fields as `column_field`, an array of plain values joined
    /// with "; ", an array of objects left out (notes and assumptions belong to the JSON form).
    private static func flatten(_ value: Any, into row: inout [String: String], column: String) {
        switch value {
        case let object as [String: Any]:
            for (key, child) in object { flatten(child, into: &row, column: column + "_" + snakeCase(key)) }
        case let array as [Any]:
            guard !array.contains(where: { $0 is [String: Any] || $0 is [Any] }) else { return }
            row[column] = array.map(field).joined(separator: "; ")
        default:
            row[column] = field(value)
        }
    }

    /// A plain value as a field: numbers plain (whole numbers without a fraction), booleans true/false.
    private static func field(_ value: Any) -> String {
        switch value {
        case let string as String: return string
        case let number as NSNumber:
            if String(cString: number.objCType) == "c" { return number.boolValue ? "true" : "false" }
            let double = number.doubleValue
            if double.rounded() == double && abs(double) < 1e15 { return String(Int64(double)) }
            return "\(double)"
        default: return ""
        }
    }

    /// `weightBytes` → `weight_bytes`, `costPerHourUSD` → `cost_per_hour_usd`, `deviceID` → `device_id`.
    static func snakeCase(_ key: String) -> String {
        let characters = Array(key)
        var out = ""
        for (index, character) in characters.enumerated() {
            if character.isUppercase, index > 0 {
                let previous = characters[index - 1]
                let nextIsLower = index + 1 < characters.count && characters[index + 1].isLowercase
                if previous.isLowercase || previous.isNumber || (previous.isUppercase && nextIsLower) { out += "_" }
            }
            out += character.lowercased()
        }
        return out
    }

    /// Columns that name a row come first, in this order; the rest follow alphabetically.
    static let leadingColumns = ["model", "name", "id", "layout", "kernel", "context_tokens", "prompt_tokens", "batch"]

    /// The table as RFC 4180 CSV (CRLF line ends, fields with a comma, quote or line break quoted): a header line
    /// whose first column is `table`, then one line per row.
    var text: String {
        let present = Set(rows.flatMap(\.keys))
        let columns = Self.leadingColumns.filter(present.contains)
            + present.subtracting(Self.leadingColumns).sorted()
        let lines = [["table"] + columns] + rows.map { row in [name] + columns.map { row[$0] ?? "" } }
        return lines.map { $0.map(Self.quoted).joined(separator: ",") + "\r\n" }.joined()
    }

    /// `field`, quoted when it holds a comma, a double quote or a line break (its quotes doubled).
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// Several tables, one after another, separated by one empty line.
    static func document(_ tables: [CSVTable]) -> String {
        tables.map(\.text).joined(separator: "\r\n")
    }
}
