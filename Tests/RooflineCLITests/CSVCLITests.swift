import Foundation
import Testing

/// `--format csv`: RFC 4180 tables whose first column names the table, numbers plain in base units.
@Suite struct CSVCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The records of an RFC 4180 document (quoted fields may hold commas, quotes and line breaks); an empty line
    /// is an empty record, which separates tables.
    static func records(_ text: String) -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, atStart = true
        var characters = Array(text.unicodeScalars)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" { field.unicodeScalars.append("\""); characters.removeFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(character) }
            } else if character == "\"" && atStart {
                quoted = true
            } else if character == "," {
                record.append(field); field = ""; atStart = true; continue
            } else if character == "\r" && characters.first == "\n" {
                characters.removeFirst()
                record.append(field)
                records.append(record == [""] ? [] : record)
                record = []; field = ""; atStart = true; continue
            } else {
                field.unicodeScalars.append(character)
            }
            atStart = false
        }
        return records
    }

    /// The tables of a CSV result by name: header and rows, every row as wide as its header, every row's first
    /// field the table's name.
    static func tables(_ text: String) throws -> [String: (header: [String], rows: [[String]])] {
        var tables: [String: (header: [String], rows: [[String]])] = [:]
        for block in records(text).split(whereSeparator: \.isEmpty) {
            let header = try #require(block.first)
            #expect(header.first == "table")
            let rows = Array(block.dropFirst())
            let name = try #require(rows.first?.first)
            for row in rows {
                #expect(row.count == header.count)
                #expect(row.first == name)
            }
            tables[name] = (header, rows)
        }
        return tables
    }

    func csv(_ arguments: [String]) throws -> [String: (header: [String], rows: [[String]])] {
        let result = try CLIRunner.run(arguments + ["--format", "csv"], currentDirectory: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("\r\n"))
        return try Self.tables(result.stdout)
    }

    /// The values of `column` in `table`.
    func column(_ tables: [String: (header: [String], rows: [[String]])], _ table: String, _ column: String) throws -> [String] {
        let found = try #require(tables[table], "no table \(table) in \(tables.keys)")
        let index = try #require(found.header.firstIndex(of: column), "no column \(column) in \(found.header)")
        return found.rows.map { $0[index] }
    }

    @Test func everyTableCommandWritesCSV() throws {
        let models = try csv(["models"])
        #expect(try column(models, "models", "weight_bytes").allSatisfy { Double($0) != nil })
        #expect(try column(models, "models", "weight_format").contains { $0.contains(", ") })   // quoted commas
        #expect(try column(try csv(["devices"]), "devices", "memory_bytes_per_second").contains("4800000000000"))
        #expect(try column(try csv(["devices", "--device", "h200"]), "devices", "id") == ["nvidia-h200-sxm-141gb"])
        let classify = try csv(["classify", "--model", "llama-3.1-8b", "--phase", "decode", "--context", "4k", "--device", "h200"])
        #expect(try column(classify, "operators", "seconds").allSatisfy { Double($0) != nil })
        #expect(try column(classify, "totals", "tokens_per_second").count == 1)
        let plan = try csv(["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k", "--prompt", "4k"])
        #expect(Set(plan.keys) == ["decode", "prefill", "economics"])
        #expect(try column(plan, "decode", "layout") == ["aggregate", "tensor-pipeline", "context-parallel"])
        #expect(try column(plan, "prefill", "time_to_first_token_seconds").allSatisfy { Double($0) != nil })
        #expect(try column(plan, "economics", "cost_per_hour_usd").allSatisfy { Double($0) != nil })
        let sweep = try csv(["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k,8k", "--batch", "1,2"])
        #expect(try column(sweep, "sweep", "batch") == ["1", "2", "1", "2"])
        let validate = try csv(["validate", "--profile", "Reports/dev-host-profile.json", "--kernels", "rmsnorm"])
        #expect(try column(validate, "operators", "predicted_seconds").allSatisfy { Double($0) != nil })
        let measured = "Sources/RooflineCalibration/Data/measured/h100_sxm_collectives.csv"
        let check = try csv(["calibrate", measured, "--device", "h200", "--check"])
        #expect(Set(check.keys) == ["rows", "summaries"])
        #expect(Set(try csv(["calibrate", measured, "--device", "h200", "--check", "--summary-only"]).keys) == ["summaries"])
        let probe = try csv(["probe", "--phases", "bandwidth,flops", "--kernels", "triad", "--threads", "1",
                             "--sizes", "64KiB", "--samples", "2", "-q"])
        #expect(try column(probe, "bandwidth", "working_set_bytes").allSatisfy { (Int($0) ?? 0) > 60_000 })
        #expect(try !column(probe, "flops", "flops_per_second_median").isEmpty)
    }

    @Test func theCSVExtensionChoosesCSVAndACalibrationHasNoTables() throws {
        let folder = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("models.csv")
        #expect(try CLIRunner.run(["models", "--output", file.path]).status == 0)
        #expect(try String(contentsOf: file, encoding: .utf8).hasPrefix("table,name,"))
        let measured = "Sources/RooflineCalibration/Data/measured/h100_sxm_gemm.csv"
        let fit = try CLIRunner.run(["calibrate", measured, "--device", "h100", "--format", "csv"], currentDirectory: Self.root)
        #expect(fit.status == 64)
        #expect(fit.stderr.contains("no tables for --format csv"))
    }

    /// `report --csv`: beside the markdown and its charts, one CSV file per table, each one table with its header,
    /// and nothing else; in a folder named with spaces too.
    @Test func aReportWritesEachTableAsCSVBesideItsMarkdown() throws {
        let temporary = try CLIRunner.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: temporary) }
        let folder = temporary.appendingPathComponent("my reports")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        let output = folder.appendingPathComponent("r.md").path
        let result = try CLIRunner.run(["report", "--probe", "none", "--model", "llama-3.1-8b", "--device", "h200",
                                        "--prompt", "512", "--context", "4k,8k", "--batch", "1,2", "--attention", "both",
                                        "--csv", "-q", "--output", output])
        #expect(result.status == 0, "\(result.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        let csvFiles = files.filter { $0.hasSuffix(".csv") }
        #expect(files == (["r.md"] + csvFiles + files.filter { $0.hasSuffix(".svg") }).sorted())
        let expected: [String: (table: String, column: String)] = [
            "r-steps.csv": ("steps", "tokens_per_second"),
            "r-operators-prefill-fused-h200.csv": ("operators", "attainable_flops_per_second"),
            "r-operators-decode-fused-h200.csv": ("operators", "memory_seconds"),
            "r-operators-decode-materialized-h200.csv": ("operators", "kv_bytes"),
            "r-deployment-nvidia-h200-sxm-141gb-decode.csv": ("decode", "tokens_per_second"),
            "r-deployment-nvidia-h200-sxm-141gb-prefill.csv": ("prefill", "layout"),
            "r-serving-nvidia-h200-sxm-141gb.csv": ("sweep", "context_tokens"),
        ]
        #expect(Set(csvFiles) == Set(expected.keys).union(["r-deployment-nvidia-h200-sxm-141gb-economics.csv", "r-operators-prefill-materialized-h200.csv"]))
        // The markdown links every CSV file beside it, and nothing else ending in .csv.
        let markdown = try String(contentsOfFile: output, encoding: .utf8)
        let linked = markdown.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
            .filter { $0.hasSuffix(".csv") }
        #expect(linked.sorted() == csvFiles.sorted(), "\(linked)")
        for file in csvFiles {
            let text = try String(contentsOfFile: folder.appendingPathComponent(file).path, encoding: .utf8)
            let tables = try Self.tables(text)
            #expect(tables.count == 1, "\(file)")
            guard let (table, column) = expected[file] else { continue }
            let header = try #require(tables[table]?.header, "\(file) has no table \(table)")
            #expect(header.contains(column), "\(file): \(header)")
        }
        let refused = try CLIRunner.run(["report", "--probe", "none", "--csv", "--format", "json"])
        #expect(refused.status == 64 && refused.stderr.contains("--csv writes CSV beside a markdown report"))
    }

    @Test func fieldsAreQuotedAsRFC4180Says() throws {
        #expect(Self.records("table,a\r\nt,\"x, \"\"y\"\"\r\nz\"\r\n") == [["table", "a"], ["t", "x, \"y\"\r\nz"]])
    }
}
