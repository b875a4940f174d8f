import Foundation
import Testing

/// Every command's JSON output against its schema in `Schemas/`, and the validator failing wrong documents.
@Suite struct SchemaCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let measured = "Sources/RooflineCalibration/Data/measured/"

    /// A schema file and a command whose JSON output it describes (run from the repository root).
    struct Case: CustomTestStringConvertible, Sendable {
        var schema: String
        var arguments: [String]
        var testDescription: String { "\(schema): \(arguments.prefix(6).joined(separator: " "))" }
    }

    /// Schema name, then the command line (words split on spaces; `M/` is the bundled measured tables' folder).
    static let commandLines: [(String, String)] = [
        ("probe", "probe --phases bandwidth,flops,latency --kernels triad --threads 1 --sizes 64KiB --samples 2"),
        // A cluster profile: one rank without mpirun (an MPI singleton), and a kept one of three namespace hosts read
        // back by plan and report (MPICLITests validates real multi-rank outputs too).
        ("cluster-profile", "probe --mpi --phases flops --threads 1 --samples 2"),
        ("plan", "plan --model llama-3.1-70b --device h200 --context 8k --network-profile Reports/dev-cluster-profile.json"),
        ("report", "report --profile Reports/dev-cluster-profile.json --model llama-3.1-8b --device h200 -q"),
        ("validate", "validate --profile Reports/dev-host-profile.json --kernels rmsnorm,softmax"),
        ("models", "models"),
        ("models", "models --kv fp8 --model deepseek-v3"),
        ("models", "models --model Tests/RooflineModelsTests/Fixtures/gguf/tiny-llama-mixed.gguf"),
        ("devices", "devices"),
        ("devices", "devices --device h200"),
        ("classify", "classify --model llama-3.1-8b --phase decode --context 4k --device h100"),
        ("classify", "classify --model deepseek-v3 --phase prefill --tokens 2k --device b200 --weights fp8"),
        ("classify", "classify --model gpt3-175b --phase prefill --tokens 2048 --device Reports/dev-host-profile.json"),
        ("classify", "classify --model qwen3-235b-a22b --phase decode --context 8k --batch 4 --device gaudi3"),
        // A GGUF checkpoint: per-tensor kernels with their side work.
        ("classify", "classify --model Tests/RooflineModelsTests/Fixtures/gguf/tiny-llama-mixed.gguf --phase prefill --tokens 64 --device Reports/dev-host-profile.json --activations fp32"),
        ("plan", "plan --model llama-3.1-70b --device mi300x --context 8k --prompt 4096 --batch 32"),
        ("plan", "plan --model llama-3.1-405b --device tpu-v5e --context 10M --batch 64"),
        // Devices without a price or a calibration, communication-bound steps and every layout's assumptions.
        ("plan", "plan --model llama-3.1-70b --device gaudi3 --context 32k --prompt 2k --batch 8"),
        ("plan", "plan --model llama-3.1-8b --device h100 --context 4k --calibration none"),
        ("plan-sweep", "plan --model qwen3-235b-a22b --device l40s --context 8k,128k --batch 1,32 --prompt 2k"),
        ("plan-sweep", "plan --model mixtral-8x22b-v0.1 --device mi300x --context 1M --batch 1,4 --prompt 64k --layout context-parallel"),
        ("plan-sweep", "plan --model deepseek-v3 --device h200 --context 128k,1M --batch 1,16 --prompt 8k --layout tensor-pipeline"),
        ("plan-sweep", "plan --model llama-3.1-8b --device h200 --context 4k,8k --batch 1..4x2 --prompt 1k,2k --price 3"),
        ("plan-sweep", "plan --model llama-3.1-405b --device h200 --context 1M,10M --batch 1,64"),
        // Latency targets (choices and the serving front), a chosen tensor-pipeline shape, several devices.
        ("plan-sweep", "plan --model llama-3.1-70b --device h200 --context 8k --batch 1..64x2 --prompt 1k --max-tpot 50ms --max-ttft 2s"),
        ("plan-sweep", "plan --model llama-3.1-70b --device mi300x --context 8k --batch 1..8x2 --max-tpot 1ms"),
        ("plan", "plan --model llama-3.1-70b --device h200 --context 8k --tp 4 --pp 1"),
        ("plan-sweep", "plan --model llama-3.1-70b --device h200 --context 8k --batch 1,512 --tp 2 --pp 1"),
        // Expert parallelism: a chosen ep shape, and the latency search over ep sizes of a mixture of experts.
        ("plan", "plan --model mixtral-8x7b-v0.1 --device h200 --context 4k --batch 64 --prompt 1k --tp 2 --ep 8"),
        ("plan-sweep", "plan --model mixtral-8x7b-v0.1 --device h200 --context 4k --batch 1,64 --prompt 1k --max-tpot 50ms"),
        // Prompts prefilled one after another (mean and worst request, the batch's prefill), every layout's request prefill.
        ("plan-sweep", "plan --model llama-3.1-8b --device h200 --context 4k --batch 1,8 --prompt 2k --prefill-schedule serial --max-ttft 1s --efficiency 0.7"),
        ("plan-sweep", "plan --model llama-3.1-70b --device h200 --context 1M --batch 2 --prompt 8k --prefill-schedule serial --layout context-parallel"),
        ("plan-devices", "plan --model llama-3.1-70b --device h200,b200,mi300x --context 8k --batch 1..16x2 --max-tpot 50ms"),
        ("plan-devices", "plan --model llama-3.1-8b --device h200,mi300x --context 4k --prompt 1k"),
        // A report's values: host, measured operators, both attention forms, two devices; a serving sweep with a
        // latency target; quantized weights and KV cache on an MLA mixture of experts.
        ("report", "report --profile Reports/dev-host-profile.json --validation Reports/dev-host-operators.json --model llama-3.1-8b --device h200,mi300x --prompt 512 --context 2k --attention both -q"),
        ("report", "report --probe none --model llama-3.1-70b --device h200 --context 4k,8k --batch 1,8 --prompt 1k --price 3 --max-tpot 50ms -q"),
        ("report", "report --probe none --model deepseek-v3 --weights fp8 --kv fp8 --device h200,b200 --context 8k --prompt 1k -q"),
        ("report", "report --probe none --model mixtral-8x7b-v0.1 --device h200 --context 4k --batch 1,16 --prompt 1k --tp 1 --ep 8 --prefill-schedule serial -q"),
        // Side by side: two models × two weight types on two devices (one without a calibration), one table.
        ("report", "report --probe none --model llama-3.1-8b,mixtral-8x7b-v0.1 --weights bf16,fp8 --device h200,mi300x --prompt 1k --context 4k --batch 8 -q"),
        // Checkpoints' own weight formats: MXFP4 groups (gpt-oss), fp8 per tensor.
        ("report", "report --probe none --model Tests/RooflineModelsTests/Fixtures/configs/gpt-oss-120b.json --device h200 -q"),
        ("report", "report --probe none --model Tests/RooflineModelsTests/Fixtures/configs/Meta-Llama-3.1-8B-Instruct-FP8.json --device h200 -q"),
        ("report", "report --probe none --model Tests/RooflineModelsTests/Fixtures/gguf/tiny-llama-mixed.gguf --device h200 --context 2k --prompt 512 -q"),
        // A GGUF on a host profile with the kept llama.cpp host-engine calibration: the predicted step beside the bound.
        ("classify", "classify --model Tests/RooflineModelsTests/Fixtures/gguf/tiny-llama-f16.gguf --phase decode --context 1k --device Reports/dev-host-profile.json --calibration Reports/llamacpp-host-calibration.json --kv fp16 --activations fp32"),
        ("calibration", "calibrate M/h100_sxm_gemm.csv M/h100_sxm_generation_attention.csv --device h100"),
        ("calibration-check", "calibrate M/h100_sxm_collectives.csv --device h200 --check"),
        ("calibration-check", "calibrate M/h100_sxm_collectives.csv --device h200 --check --summary-only"),
    ]

    /// Kept input documents that no command prints, and their schemas.
    static let keptDocuments: [(schema: String, path: String)] = [
        ("host-engine-calibration", "Reports/llamacpp-host-calibration.json"),
    ]

    @Test func keptDocumentsMatchTheirSchemas() throws {
        for (schema, path) in Self.keptDocuments {
            let document = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.root.appendingPathComponent(path)))
            let problems = try Self.validator(schema).problems(in: document)
            #expect(problems.isEmpty, "\(path): \(problems.prefix(10).joined(separator: "\n"))")
        }
    }

    static let cases: [Case] = commandLines.map { schema, line in
        Case(schema: schema, arguments: line.split(separator: " ").map {
            $0.hasPrefix("M/") ? measured + $0.dropFirst(2) : String($0)
        })
    }

    static func validator(_ name: String) throws -> JSONSchemaValidator {
        try JSONSchemaValidator(contentsOf: root.appendingPathComponent("Schemas/\(name).schema.json"))
    }

    @Test(arguments: cases) func outputMatchesItsSchema(_ item: Case) throws {
        let result = try CLIRunner.run(item.arguments + ["--format", "json"], currentDirectory: Self.root)
        #expect(result.status == 0, "\(result.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let problems = try Self.validator(item.schema).problems(in: document)
        #expect(problems.isEmpty, "\(problems.prefix(10).joined(separator: "\n"))")
        // Each device's entry is the document `plan` gives for that device alone, less its schemaVersion.
        for entry in (document as? [String: Any])?["devices"] as? [[String: Any]] ?? [] {
            for (key, schema) in [("plan", "plan"), ("sweep", "plan-sweep")] {
                guard var single = entry[key] as? [String: Any] else { continue }
                single["schemaVersion"] = 1
                let inner = try Self.validator(schema).problems(in: single)
                #expect(inner.isEmpty, "\(entry["deviceID"] ?? ""): \(inner.prefix(10).joined(separator: "\n"))")
            }
        }
    }

    /// A device described with only its memory, bandwidth and one peak (no price, links or sources).
    @Test func aSparseDeviceFileMatchesTheSchemas() throws {
        let file = try CLIRunner.temporaryFile("device.json", contents: Data("""
            {"id": "test-accel", "name": "Test accelerator", "memory_gb": 100, "memory_bw_tbps": 2, "peak_tflops": {"bf16": 400}}
            """.utf8))
        let runs: [(String, [String])] = [
            ("devices", ["devices"]), ("devices", ["devices", "--device", "test-accel"]),
            ("plan", ["plan", "--model", "llama-3.1-8b", "--device", "test-accel", "--context", "4k", "--prompt", "1k"]),
            ("plan-sweep", ["plan", "--model", "llama-3.1-8b", "--device", "test-accel", "--context", "4k,8k", "--batch", "1,8"]),
            ("report", ["report", "--probe", "none", "--model", "llama-3.1-8b", "--device", "test-accel", "--batch", "1,8", "-q"]),
        ]
        for (schema, arguments) in runs {
            let result = try CLIRunner.run(arguments + ["--device-file", file.path, "--format", "json"])
            #expect(result.status == 0, "\(result.stderr)")
            let problems = try Self.validator(schema).problems(in: try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)))
            #expect(problems.isEmpty, "\(arguments): \(problems.prefix(10).joined(separator: "\n"))")
        }
    }

    @Test func everySchemaFileIsTested() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Schemas").path)
        let names = Set(files.filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) })
        #expect(names == Set(Self.cases.map(\.schema) + Self.keptDocuments.map(\.schema)))
    }

    /// A wrong type, a missing required key, an unknown key, a value outside an enum and a wrong schemaVersion fail.
    @Test func wrongDocumentsFailValidation() throws {
        let result = try CLIRunner.run(["models", "--format", "json", "--model", "llama-3.1-8b"])
        let good = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let validator = try Self.validator("models")
        #expect(try validator.problems(in: good).isEmpty)
        func changed(_ change: (inout [String: Any]) -> Void) throws -> [String] {
            var model = try #require((good["models"] as? [[String: Any]])?.first)
            change(&model)
            var document = good
            document["models"] = [model]
            return try validator.problems(in: document)
        }
        #expect(try changed { $0["layers"] = "32" }.contains { $0.contains("is not number") })
        #expect(try changed { $0["weightBytes"] = nil }.contains { $0.contains("required key weightBytes is missing") })
        #expect(try changed { $0["surprise"] = 1 }.contains { $0.contains("key surprise is not in the schema") })
        #expect(try changed { $0["kvCacheDataType"] = "fp7" }.contains { $0.contains("is not one of") })
        var version = good
        version["schemaVersion"] = 2
        #expect(try !validator.problems(in: version).isEmpty)
        #expect(try !validator.problems(in: [good]).isEmpty)
        let devices = try Self.validator("devices")
        let listed = try CLIRunner.run(["devices", "--format", "json", "--device", "h200"])
        var device = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [String: Any])
        #expect(try devices.problems(in: device).isEmpty)
        device["schemaVersion"] = nil
        #expect(try devices.problems(in: device).contains { $0.contains("oneOf") })
    }
}
