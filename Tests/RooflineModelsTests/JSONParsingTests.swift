import Foundation
import Testing
@testable import RooflineModels

/// `JSONValue.parse` reads configs as Python's `json.loads` does (Hugging Face's loader).
@Suite struct JSONParsingTests {
    func parse(_ text: String) throws -> JSONValue { try JSONValue.parse(Data(text.utf8)) }

    @Test func aRepeatedKeyKeepsItsLastValueAsInPython() throws {
        #expect(try parse(#"{"num_hidden_layers": 32, "num_hidden_layers": 2}"#) == .object(["num_hidden_layers": .number(2)]))
    }

    @Test func pythonsNonFiniteLiteralsAreNumbers() throws {
        guard case .array(let values) = try parse("[NaN, Infinity, -Infinity, -0.5e-3, 0, 1E2]") else {
            Issue.record("not an array")
            return
        }
        #expect(values.count == 6)
        if case .number(let nan) = values[0] { #expect(nan.isNaN) }
        #expect(values[1] == .number(.infinity) && values[2] == .number(-.infinity))
        #expect(values[3] == .number(-0.0005) && values[4] == .number(0) && values[5] == .number(100))
    }

    @Test func deepNestingIsReadUpToTheLimitAndNamedBeyondIt() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: Never.self) { try parse(#"{"a": \#(deep)}"#) }
        let tooDeep = String(repeating: "[", count: JSONValue.maximumDepth + 1)
        #expect { try parse(tooDeep) } throws: { ($0 as? RooflineError)?.message.contains("nested deeper than 5000 levels") == true }
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""a\"b\\c\/d\n\u00e9\ud83d\ude00""#) == .string("a\"b\\c/d\né😀"))
        #expect(try parse("\u{FEFF}{}") == .object([:]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", ".5", "+1", "tru", "\"\\x\"", "\"\\u12g4\"",
                      "\"a\nb\"", "{\"a\":1} x", "[1 2]", "{1: 2}", "-", "1e", "\"\\u+123\""])
    func malformedTextIsADataErrorNamingTheByte(_ text: String) {
        #expect { try parse(text) } throws: { error in
            guard let error = error as? RooflineError else { return false }
            return error.category == .badData && error.message.hasPrefix("not valid JSON: ") && error.message.contains(" at byte ")
        }
    }

    @Test func randomBytesNeverCrashTheParser() {
        // A fixed-seed generator, so a failure repeats: 20,000 inputs of up to 64 bytes, biased towards JSON's own
        // characters so that many get deep into the grammar.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let alphabet = Array("{}[]\":,0123456789.-+eEtrufalsnNIy\\u \n".utf8)
        var parsed = 0
        for _ in 0..<20_000 {
            let count = Int(next() % 64)
            let bytes = (0..<count).map { _ -> UInt8 in
                let roll = next()
                return roll % 4 == 0 ? UInt8(truncatingIfNeeded: roll >> 8) : alphabet[Int((roll >> 8) % UInt64(alphabet.count))]
            }
            if (try? JSONValue.parse(Data(bytes))) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }
}
