import Foundation
import Testing

/// `roofline plan` on several devices and with latency targets.
@Suite struct PlanDevicesCLITests {
    static let base = ["plan", "--model", "llama-3.1-70b", "--context", "8k"]

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A list of devices gives one JSON document with one entry per device, in the order given, each the single
    /// plan that device alone gives.
    @Test func deviceListGivesOneEntryPerDevice() throws {
        let result = try CLIRunner.run(Self.base + ["--device", "h200,mi300x", "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try #require(try object(result.stdout)["devices"] as? [[String: Any]])
        #expect(entries.map { $0["deviceID"] as? String } == ["nvidia-h200-sxm-141gb", "amd-mi300x"])
        let alone = try CLIRunner.run(Self.base + ["--device", "mi300x", "--format", "json"])
        var aloneObject = try object(alone.stdout)
        aloneObject["schemaVersion"] = nil  // the document's version, not the plan's
        let single = try JSONSerialization.data(withJSONObject: aloneObject, options: [.sortedKeys])
        let entry = try JSONSerialization.data(withJSONObject: try #require(entries[1]["plan"]), options: [.sortedKeys])
        #expect(single == entry)
        let text = try CLIRunner.run(Self.base + ["--device", "h200,mi300x"])
        #expect(text.stdout.contains("H200") && text.stdout.contains("MI300X"))
    }

    /// A device named twice (by alias or id) and --price with several devices are usage errors.
    @Test(arguments: [["--device", "h200,h200"], ["--device", "h200,nvidia-h200-sxm-141gb"],
                      ["--device", "h200,b200", "--price", "3"], ["--device", "h200,"]])
    func badDeviceListsAreUsageErrors(_ extra: [String]) throws {
        let result = try CLIRunner.run(Self.base + extra)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty && !result.stderr.isEmpty)
    }

    /// --max-tpot marks one chosen point per device in a sweep and carries the choice in JSON.
    @Test func latencyTargetChoosesAPointPerDevice() throws {
        let result = try CLIRunner.run(Self.base + ["--device", "h200,b200", "--batch", "1..256x2", "--max-tpot", "50ms",
                                                    "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let entries = try #require(try object(result.stdout)["devices"] as? [[String: Any]])
        for entry in entries {
            let sweep = try #require(entry["sweep"] as? [String: Any])
            let choices = try #require(sweep["choices"] as? [[String: Any]])
            #expect(choices.count == 1 && (choices[0]["point"] as? [String: Any])?["batch"] as? Int != nil)
            let points = try #require(sweep["points"] as? [[String: Any]])
            #expect(points.filter { $0["chosen"] as? Bool == true }.count == 1)
        }
        let text = try CLIRunner.run(Self.base + ["--device", "h200", "--batch", "1..8", "--max-tpot", "1us"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("no configuration of this sweep"))
    }

    @Test(arguments: ["50", "0ms", "-1s", "fast", "1e400s"])
    func badDurationsAreUsageErrors(_ duration: String) throws {
        let result = try CLIRunner.run(Self.base + ["--device", "h200", "--batch", "1,2", "--max-tpot", duration])
        #expect(result.status == 64)
    }

    @Test func ttftTargetNeedsAPrompt() throws {
        let result = try CLIRunner.run(Self.base + ["--device", "h200", "--batch", "1,2", "--max-ttft", "2s"])
        #expect(result.status == 64 && result.stderr.contains("--prompt"))
    }

    /// --tp/--pp evaluate the shape given; one that does not hold the model, a tp beyond the node and a pp beyond
    /// the layers are usage errors naming why.
    @Test func chosenShapeIsEvaluatedOrRefused() throws {
        let shaped = try CLIRunner.run(Self.base + ["--device", "b200", "--tp", "4", "--pp", "2", "--format", "json"])
        #expect(shaped.status == 0, "\(shaped.stderr)")
        let layouts = try #require(try object(shaped.stdout)["layouts"] as? [[String: Any]])
        #expect(layouts.count == 1 && layouts[0]["devices"] as? Int == 8 && layouts[0]["tensorParallel"] as? Int == 4)
        for (extra, words) in [(["--tp", "1"], "141 GB a device has"), (["--tp", "16"], "exceeds a node"),
                               (["--tp", "1", "--pp", "81"], "80 layers"), (["--tp", "2", "--layout", "aggregate"], "tensor-pipeline")] {
            let result = try CLIRunner.run(Self.base + ["--device", "h200"] + extra)
            #expect(result.status == 64 && result.stderr.contains(words), "\(extra): \(result.stderr)")
        }
    }

    /// --ep splits a mixture of experts' routed experts: Mixtral 8x7B at tp 2 × ep 8 is 8 devices, each holding
    /// (W − X) / 2 + X / 8 + KV / 8 + allowance, X = 90,194,313,216 B of experts; a dense model refuses --ep.
    @Test func expertParallelShapeOnAMixtureOfExperts() throws {
        let args = ["plan", "--model", "mixtral-8x7b-v0.1", "--device", "h200", "--context", "4k", "--batch", "64",
                    "--tp", "2", "--ep", "8"]
        let result = try CLIRunner.run(args + ["--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let plan = try object(result.stdout)
        let layouts = try #require(plan["layouts"] as? [[String: Any]])
        #expect(layouts.count == 1 && layouts[0]["devices"] as? Int == 8 && layouts[0]["expertParallel"] as? Int == 8)
        let weights = try #require(plan["weightBytes"] as? Double), kv = try #require(plan["kvCacheBytes"] as? Double)
        let allowance = try #require(plan["allowanceBytesPerDevice"] as? Double)
        let memory = try #require(layouts[0]["memoryPerDeviceBytes"] as? Double)
        let experts = 90_194_313_216.0
        #expect(abs(memory - ((weights - experts) / 2 + experts / 8 + kv / 8 + allowance)) < 1)
        let text = try CLIRunner.run(args)
        #expect(text.status == 0 && text.stdout.contains("8 (tp 2 × ep 8)") && text.stdout.contains("all-to-all dispatch"))
        let dense = try CLIRunner.run(Self.base + ["--device", "h200", "--ep", "2"])
        #expect(dense.status == 64 && dense.stderr.contains("is dense: drop --ep"), "\(dense.stderr)")
    }
}
