import Foundation

/// A small JSON Schema validator for the schemas in `Schemas/`: `type`, `const`, `enum`, `properties`, `required`,
/// `additionalProperties` (false or a schema), `propertyNames`, `minProperties`, `maxProperties`, `items`, `$ref` to `#/$defs/NAME`, `oneOf`, `anyOf`
/// and `allOf`. An unknown keyword is an error, so a schema cannot say more than this checks.
struct JSONSchemaValidator {
    /// The root schema, whose `$defs` a `$ref` names.
    let root: [String: Any]

    /// The keywords this validator checks, or ignores as annotations.
    static let keywords: Set<String> = [
        "$schema", "$id", "title", "description", "$defs", "type", "const", "enum", "properties", "required",
        "additionalProperties", "propertyNames", "minProperties", "maxProperties", "items", "$ref", "oneOf", "anyOf", "allOf",
    ]

    /// Reads the schema file at `url`.
    init(contentsOf url: URL) throws {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
        guard let root = object as? [String: Any] else { throw SchemaError("\(url.lastPathComponent) is not an object") }
        self.root = root
    }

    /// A schema that cannot be used: an unknown keyword, a bad `$ref`.
    struct SchemaError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Every place `instance` breaks the schema, as "path: problem"; empty when it conforms.
    func problems(in instance: Any) throws -> [String] {
        try problems(instance, root, "$")
    }

    private func problems(_ value: Any, _ schema: [String: Any], _ path: String) throws -> [String] {
        if let unknown = schema.keys.first(where: { !Self.keywords.contains($0) }) {
            throw SchemaError("unknown keyword \(unknown) at \(path)")
        }
        var found: [String] = []
        if let reference = schema["$ref"] as? String {
            found += try problems(value, try resolve(reference), path)
        }
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String].compactMap { $0 }
            if !types.contains(where: { Self.matches(value, type: $0) }) {
                found.append("\(path): \(Self.describe(value)) is not \(types.joined(separator: " or "))")
            }
        }
        if let constant = schema["const"], !Self.equal(value, constant) {
            found.append("\(path): \(Self.describe(value)) is not \(constant)")
        }
        if let values = schema["enum"] as? [Any], !values.contains(where: { Self.equal(value, $0) }) {
            found.append("\(path): \(Self.describe(value)) is not one of \(values)")
        }
        if let object = value as? [String: Any] {
            found += try objectProblems(object, schema, path)
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() { found += try problems(element, items, "\(path)[\(index)]") }
        }
        for part in schema["allOf"] as? [[String: Any]] ?? [] { found += try problems(value, part, path) }
        if let choices = schema["anyOf"] as? [[String: Any]],
           try !choices.contains(where: { try problems(value, $0, path).isEmpty }) {
            found.append("\(path): \(Self.describe(value)) matches none of anyOf")
        }
        if let choices = schema["oneOf"] as? [[String: Any]] {
            let matching = try choices.filter { try problems(value, $0, path).isEmpty }.count
            if matching != 1 { found.append("\(path): \(Self.describe(value)) matches \(matching) of oneOf, not 1") }
        }
        return found
    }

    private func objectProblems(_ object: [String: Any], _ schema: [String: Any], _ path: String) throws -> [String] {
        var found: [String] = []
        let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
        for key in schema["required"] as? [String] ?? [] where object[key] == nil {
            found.append("\(path): required key \(key) is missing")
        }
        if let least = schema["minProperties"] as? Int, object.count < least {
            found.append("\(path): \(object.count) keys, fewer than \(least)")
        }
        if let most = schema["maxProperties"] as? Int, object.count > most {
            found.append("\(path): \(object.count) keys, more than \(most)")
        }
        for (key, child) in object.sorted(by: { $0.key < $1.key }) {
            if let names = schema["propertyNames"] as? [String: Any] {
                found += try problems(key, names, "\(path) key \(key)")
            }
            if let property = properties[key] {
                found += try problems(child, property, "\(path).\(key)")
            } else if let additional = schema["additionalProperties"] as? [String: Any] {
                found += try problems(child, additional, "\(path).\(key)")
            } else if (schema["additionalProperties"] as? Bool) == false {
                found.append("\(path): key \(key) is not in the schema")
            }
        }
        return found
    }

    /// The schema `#/$defs/NAME` names.
    private func resolve(_ reference: String) throws -> [String: Any] {
        let prefix = "#/$defs/"
        guard reference.hasPrefix(prefix), let definitions = root["$defs"] as? [String: Any],
              let schema = definitions[String(reference.dropFirst(prefix.count))] as? [String: Any] else {
            throw SchemaError("cannot resolve $ref \(reference)")
        }
        return schema
    }

    /// Whether `value` (as JSONSerialization returns it) is of JSON type `type`.
    static func matches(_ value: Any, type: String) -> Bool {
        switch type {
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "null": return value is NSNull
        case "boolean": return isBoolean(value)
        case "number": return value is NSNumber && !isBoolean(value)
        case "integer":
            guard let number = value as? NSNumber, !isBoolean(value) else { return false }
            return number.doubleValue.rounded() == number.doubleValue
        default: return false
        }
    }

    /// JSONSerialization gives booleans as NSNumber too; their Objective-C type ("c", a char) tells them apart from
    /// parsed numbers (integers and doubles).
    static func isBoolean(_ value: Any) -> Bool {
        guard let number = value as? NSNumber else { return false }
        return String(cString: number.objCType) == "c"
    }

    /// Equality of two JSON values of a `const` or `enum`: strings, numbers, booleans and null.
    static func equal(_ left: Any, _ right: Any) -> Bool {
        if let left = left as? String, let right = right as? String { return left == right }
        if isBoolean(left) || isBoolean(right) {
            return isBoolean(left) && isBoolean(right) && (left as? Bool) == (right as? Bool)
        }
        if let left = left as? NSNumber, let right = right as? NSNumber { return left.doubleValue == right.doubleValue }
        return left is NSNull && right is NSNull
    }

    /// A short description of a value for a problem line.
    static func describe(_ value: Any) -> String {
        switch value {
        case is [String: Any]: return "an object"
        case is [Any]: return "an array"
        case let string as String: return "\"\(string.prefix(40))\""
        default: return "\(value)"
        }
    }
}
