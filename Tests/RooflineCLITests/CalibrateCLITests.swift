import Foundation
import Testing

@Suite(.serialized) struct CalibrateCLITests {
    /// A temporary file holding `text`.
    func file(_ text: String, named name: String = "m.csv") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("roofline-calibrate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: ["", "a,b\n1,2\n", "dtype,m,n,k,latency_us\nbf16,1,2\n", "dtype,m,n,k,latency_us\nbf16,1,2,3,0\n"])
    func malformedMeasurementsExit65WithOneLine(text: String) throws {
        let path = try file(text)
        for extra in [[], ["--check"]] {
            let result = try CLIRunner.run(["calibrate", path, "--device", "h100"] + extra)
            #expect(result.status == 65, "\(result.stderr)")
            #expect(result.stderrLines.count == 1)
            #expect(result.stdout.isEmpty)
        }
        // A path that cannot be read is the command line's fault, as for every other input file.
        let missing = try CLIRunner.run(["calibrate", "/nonexistent/m.csv", "--device", "h100"])
        #expect(missing.status == 64)
    }

    @Test func fitsAUsersTableAndClassifyUsesIt() throws {
        let rows = (0..<6).map { i in "bf16,\(1 << (2 * i)),4096,4096,\(10 + 30 * i)" }.joined(separator: "\n")
        let measurements = try file("dtype,m,n,k,latency_us\n" + rows + "\n")
        let output = URL(fileURLWithPath: measurements).deletingLastPathComponent().appendingPathComponent("my-gpu.json").path
        let gemmOnly = try CLIRunner.run(["calibrate", measurements, "--device", "h100", "--name", "my-gpu", "--output", output])
        #expect(gemmOnly.status == 0, "\(gemmOnly.stderr)")
        // Without attention rows the step cannot be predicted: a usage error that names the fix.
        let partial = try CLIRunner.run(["classify", "--model", "llama-3.1-8b", "--phase", "decode", "--context", "4k",
                                         "--device", "h100", "--calibration", output])
        #expect(partial.status == 64)
        #expect(partial.stderr.contains("has no model for attention"))
        let attention = try file("batch,kv_len,num_heads,num_kv_heads,head_dim,window,kv_dtype,latency_us\n"
            + "1,1024,32,8,128,0,bf16,9\n1,4096,32,8,128,0,bf16,15\n8,4096,32,8,128,0,bf16,60\n", named: "attention.csv")
        let fit = try CLIRunner.run(["calibrate", measurements, attention, "--device", "h100", "--name", "my-gpu",
                                     "--output", output])
        #expect(fit.status == 0, "\(fit.stderr)")
        let classify = try CLIRunner.run(["classify", "--model", "llama-3.1-8b", "--phase", "decode", "--context", "4k",
                                          "--device", "h100", "--calibration", output])
        #expect(classify.status == 0, "\(classify.stderr)")
        #expect(classify.stdout.contains("calibration my-gpu"))
        // Its own rows check against it.
        let check = try CLIRunner.run(["calibrate", measurements, "--device", "h100", "--check", "--calibration", output,
                                       "--format", "json"])
        #expect(check.status == 0, "\(check.stderr)")
        let object = try #require(JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [String: Any])
        #expect((object["rows"] as? [Any])?.count == 6)
    }

    @Test func checkPrintsTheModelBesideTheBound() throws {
        let measurements = try file("impl,collective,num_gpus,message_bytes,latency_us\nnccl,all_reduce,8,1048576,40\n")
        let result = try CLIRunner.run(["calibrate", measurements, "--device", "h200", "--check"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("calibration h100-sxm applied with the peaks of nvidia-h200-sxm-141gb"))
        #expect(result.stdout.contains("bound median"))
        #expect(result.stdout.contains("1048576 B on 8 GPUs"))
        let summary = try CLIRunner.run(["calibrate", measurements, "--device", "h200", "--check", "--summary-only"])
        #expect(!summary.stdout.contains("1048576 B on 8 GPUs"))
        #expect(summary.stdout.contains("all-reduce/nccl"))
    }

    @Test func classifyPredictsBesideTheBoundOrNotAtAll() throws {
        let step = ["classify", "--model", "llama-3.1-8b", "--phase", "decode", "--context", "4k", "--format", "json"]
        func totals(_ arguments: [String]) throws -> [String: Any] {
            let result = try CLIRunner.run(step + arguments)
            #expect(result.status == 0, "\(result.stderr)")
            let object = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
            return try #require(object["totals"] as? [String: Any])
        }
        let calibrated = try totals(["--device", "h100"])
        let bound = try #require(calibrated["seconds"] as? Double)
        let predicted = try #require(calibrated["predictedSeconds"] as? Double)
        #expect(predicted > bound)
        #expect(try totals(["--device", "h100", "--calibration", "none"])["predictedSeconds"] == nil)
        #expect(try totals(["--device", "mi300x"])["predictedSeconds"] == nil)
        let unfused = try #require(try totals(["--device", "h100", "--engine", "unfused"])["predictedSeconds"] as? Double)
        #expect(unfused > predicted)
        let bad = try CLIRunner.run(step + ["--device", "h100", "--engine", "eager"])
        #expect(bad.status == 64)
        let unknown = try CLIRunner.run(step + ["--device", "h100", "--calibration", "h300-sxm"])
        #expect(unknown.status == 64)
        let notCalibration = try CLIRunner.run(step + ["--device", "h100", "--calibration", try file("{\"x\": 1}", named: "c.json")])
        #expect(notCalibration.status == 65)
        #expect(notCalibration.stderrLines.count == 1)
    }

    @Test func classifySaysWhenTheDeviceCannotHoldTheStep() throws {
        let result = try CLIRunner.run(["classify", "--model", "llama-3.1-405b", "--phase", "decode", "--context", "10M",
                                        "--device", "h200"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("does not fit: weights + KV cache 5.97 TB"))
        #expect(result.stdout.contains("deploys 48"))
    }
}
