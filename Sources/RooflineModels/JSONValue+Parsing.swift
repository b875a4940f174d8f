import Foundation

extension JSONValue {
    /// The deepest nesting `parse` accepts: far beyond any config (Python's own limit is about 1,000 through its
    /// recursion limit), shallow enough that the recursive parser stays within a thread's stack.
    static let maximumDepth = 5_000

    /// Parses JSON text as Python's `json.loads` does, which is how Hugging Face reads a config: a key given twice
    /// keeps its last value, `NaN`, `Infinity` and `-Infinity` are numbers, and nesting is limited only by
    /// `maximumDepth` (Foundation's decoder stops at 512 levels). Throws a data error saying what is wrong and at
    /// which byte.
    static func parse(_ data: Data) throws -> JSONValue {
        var parser = Parser(bytes: Array(data))
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.fail("text after the JSON value") }
        return value
    }

    /// A recursive-descent reader over UTF-8 bytes.
    struct Parser {
        let bytes: [UInt8]
        var index = 0

        init(bytes: [UInt8]) {
            self.bytes = bytes
            // A UTF-8 byte order mark is allowed before the text, as Python's utf-8-sig reading allows it.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        }

        func fail(_ what: String) -> RooflineError {
            RooflineError.badData("not valid JSON: \(what) at byte \(index)")
        }

        mutating func skipWhitespace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < JSONValue.maximumDepth else {
                throw RooflineError.badData("JSON nested deeper than \(JSONValue.maximumDepth) levels: not a model config")
            }
            guard index < bytes.count else { throw fail("the text ends where a value should start") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth)
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            case UInt8(ascii: "N"): return try literal("NaN", .number(.nan))
            case UInt8(ascii: "I"): return try literal("Infinity", .number(.infinity))
            default: return .number(try number())
            }
        }

        mutating func literal(_ word: String, _ value: JSONValue) throws -> JSONValue {
            let expected = Array(word.utf8)
            guard bytes.count - index >= expected.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw fail("an unexpected character")
            }
            index += expected.count
            return value
        }

        mutating func object(depth: Int) throws -> JSONValue {
            index += 1
            var members: [String: JSONValue] = [:]
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("a key that is not a string") }
                let key = try string()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("a missing ':'") }
                index += 1
                skipWhitespace()
                members[key] = try value(depth: depth + 1)  // a repeated key keeps its last value, as in Python
                skipWhitespace()
                guard index < bytes.count else { throw fail("an object that is not closed") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "}") else { throw fail("a missing ',' or '}'") }
                index += 1
                return .object(members)
            }
        }

        mutating func array(depth: Int) throws -> JSONValue {
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            while true {
                skipWhitespace()
                elements.append(try value(depth: depth + 1))
                skipWhitespace()
                guard index < bytes.count else { throw fail("an array that is not closed") }
                if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                guard bytes[index] == UInt8(ascii: "]") else { throw fail("a missing ',' or ']'") }
                index += 1
                return .array(elements)
            }
        }

        /// A number as JSON writes it (and Python's `-Infinity`).
        mutating func number() throws -> Double {
            let start = index
            if index < bytes.count, bytes[index] == UInt8(ascii: "-") {
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "I") {
                    _ = try literal("Infinity", .null)
                    return -.infinity
                }
            }
            let numberBytes = Set("0123456789+-.eE".utf8)
            while index < bytes.count, numberBytes.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard !text.isEmpty, Self.isJSONNumber(text), let value = Double(text) else {
                index = start
                throw fail(text.isEmpty ? "an unexpected character" : "'\(text)', which is not a number")
            }
            return value
        }

        /// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        static func isJSONNumber(_ text: String) -> Bool {
            var characters = Substring(text)
            if characters.first == "-" { characters = characters.dropFirst() }
            let integer = characters.prefix { $0.isASCII && $0.isNumber }
            guard !integer.isEmpty, integer == "0" || integer.first != "0" else { return false }
            characters = characters.dropFirst(integer.count)
            if characters.first == "." {
                let fraction = characters.dropFirst().prefix { $0.isASCII && $0.isNumber }
                guard !fraction.isEmpty else { return false }
                characters = characters.dropFirst(1 + fraction.count)
            }
            if characters.first == "e" || characters.first == "E" {
                characters = characters.dropFirst()
                if characters.first == "+" || characters.first == "-" { characters = characters.dropFirst() }
                let exponent = characters.prefix { $0.isASCII && $0.isNumber }
                guard !exponent.isEmpty else { return false }
                characters = characters.dropFirst(exponent.count)
            }
            return characters.isEmpty
        }

        /// A string with JSON's escapes, surrogate pairs joined; control characters must be escaped.
        mutating func string() throws -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var run: [UInt8] = []
            func flush() {
                scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
                run.removeAll(keepingCapacity: true)
            }
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    flush()
                    return String(scalars)
                case UInt8(ascii: "\\"):
                    flush()
                    index += 1
                    guard index < bytes.count else { throw fail("a string that is not closed") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""): scalars.append("\"")
                    case UInt8(ascii: "\\"): scalars.append("\\")
                    case UInt8(ascii: "/"): scalars.append("/")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "u"): scalars.append(try unicodeEscape())
                    default: throw fail("an unknown escape '\\\(Character(UnicodeScalar(escape)))'")
                    }
                case 0..<0x20:
                    throw fail("a control character inside a string")
                default:
                    run.append(byte)
                    index += 1
                }
            }
            throw fail("a string that is not closed")
        }

        /// The scalar of `\uXXXX` (the `\u` already read), joining a surrogate pair; a lone surrogate becomes
        /// U+FFFD, as a lenient reader would show it.
        mutating func unicodeEscape() throws -> UnicodeScalar {
            let high = try hexQuad()
            if (0xD800..<0xDC00).contains(high), bytes.count - index >= 6, bytes[index] == UInt8(ascii: "\\"),
               bytes[index + 1] == UInt8(ascii: "u") {
                let saved = index
                index += 2
                let low = try hexQuad()
                if (0xDC00..<0xE000).contains(low) {
                    return UnicodeScalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) ?? "\u{FFFD}"
                }
                index = saved
            }
            return UnicodeScalar(high) ?? "\u{FFFD}"
        }

        mutating func hexQuad() throws -> UInt32 {
            guard bytes.count - index >= 4, bytes[index..<index + 4].allSatisfy({ Character(UnicodeScalar($0)).isHexDigit }),
                  let value = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                throw fail("a \\u escape without four hexadecimal digits")
            }
            index += 4
            return value
        }
    }
}
