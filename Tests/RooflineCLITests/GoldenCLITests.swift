import Foundation
import Testing

/// Holds every build to the outputs saved in `Golden/`: a fixed set of commands (every subcommand, the 405B-at-10M
/// plan, several presets, phases and devices, reports from the kept host profile) listed in `Golden/commands.tsv`.
/// Counted and planned outputs must match byte for byte; measured ones (probe, validate) must keep their JSON keys
/// and value kinds. `scripts/regenerate-golden.sh` rewrites the files for a change that means to alter an output.
@Suite struct GoldenCLITests {
    /// One line of `commands.tsv`.
    struct Case: CustomTestStringConvertible, Sendable {
        enum Comparison: String, Sendable { case exact, keys, report }
        var name: String
        var comparison: Comparison
        var arguments: [String]
        var testDescription: String { name }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    static let cases: [Case] = {
        let text = (try? String(contentsOf: golden.appendingPathComponent("commands.tsv"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3, let comparison = Case.Comparison(rawValue: fields[1]) else { return nil }
            return Case(name: fields[0], comparison: comparison,
                        arguments: fields[2].split(separator: " ").map(String.init))
        }
    }()

    @Test func theCommandListIsReadWhole() {
        #expect(Self.cases.count >= 25)
        let subcommands = Set(Self.cases.compactMap(\.arguments.first))
        #expect(subcommands == ["models", "devices", "classify", "plan", "report", "probe", "validate"])
    }

    @Test(arguments: cases) func outputMatchesTheSavedOne(_ golden: Case) throws {
        switch golden.comparison {
        case .exact, .keys:
            let result = try CLIRunner.run(golden.arguments, currentDirectory: Self.root)
            #expect(result.status == 0, "\(golden.name): \(result.stderr)")
            let expected = try String(contentsOf: Self.golden.appendingPathComponent("\(golden.name).out"), encoding: .utf8)
            if golden.comparison == .exact {
                #expect(result.stdout == expected, "\(golden.name) differs from Golden/\(golden.name).out")
            } else {
                #expect(try Self.keyPaths(result.stdout) == Self.keyPaths(expected), "\(golden.name): JSON keys differ")
            }
        case .report:
            let folder = try CLIRunner.temporaryFolder()
            defer { try? FileManager.default.removeItem(at: folder) }
            let arguments = golden.arguments.map { $0.replacingOccurrences(of: "OUT/", with: folder.path + "/") }
            let result = try CLIRunner.run(arguments, currentDirectory: Self.root)
            #expect(result.status == 0, "\(golden.name): \(result.stderr)")
            let expectedFolder = Self.golden.appendingPathComponent(golden.name)
            let written = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            #expect(written == (try FileManager.default.contentsOfDirectory(atPath: expectedFolder.path).sorted()))
            for file in written {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                let normalised = text.replacingOccurrences(of: folder.path + "/", with: "OUT/")
                    .split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("Generated ") }
                    .joined(separator: "\n")
                let expected = try String(contentsOf: expectedFolder.appendingPathComponent(file), encoding: .utf8)
                #expect(normalised == expected, "\(golden.name): \(file) differs")
            }
        }
    }

    /// Every key path of a JSON document with the kind of its value ("checks[].bound: number"); arrays contribute
    /// the union of their elements' paths.
    static func keyPaths(_ json: String) throws -> Set<String> {
        var paths = Set<String>()
        func walk(_ value: Any, _ path: String) {
            switch value {
            case let object as [String: Any]:
                paths.insert("\(path): object")
                for (key, child) in object { walk(child, path + "." + key) }
            case let array as [Any]:
                paths.insert("\(path): array")
                for child in array { walk(child, path + "[]") }
            case is String: paths.insert("\(path): string")
            case is NSNull: paths.insert("\(path): null")
            default: paths.insert("\(path): number or bool")
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(json.utf8)), "")
        return paths
    }
}
