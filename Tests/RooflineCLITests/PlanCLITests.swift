import Foundation
import RooflineCore
import Testing

@Suite struct PlanCLITests {
    /// `roofline plan` with `arguments` as JSON, with its layouts keyed by name.
    func planJSON(_ arguments: [String]) throws -> (plan: [String: Any], layouts: [String: [String: Any]]) {
        let result = try CLIRunner.run(["plan", "--format", "json"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        // Only warnings (a context beyond the trained positions, an overridden weight type) reach stderr.
        #expect(!result.stderr.contains("error"))
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let list = try #require(plan["layouts"] as? [[String: Any]])
        var layouts: [String: [String: Any]] = [:]
        for layout in list { layouts[try #require(layout["layout"] as? String)] = layout }
        return (plan, layouts)
    }

    @Test func the405BAt10MExampleInBF16() throws {
        let (plan, layouts) = try planJSON(["--model", "llama-3.1-405b", "--device", "h200", "--context", "10M",
                                            "--price", "3", "--efficiency", "0.78"])
        #expect(plan["weightBytes"] as? Double == 405_853_388_800.0 * 2)
        #expect(plan["kvCacheBytes"] as? Double == 516_096.0 * 10_000_000)
        #expect(plan["kvOnlyDevices"] as? Int == 37)
        #expect(plan["minimumDevices"] as? Int == 43)
        #expect(plan["deployedDevices"] as? Int == 48)
        let aggregate = try #require(layouts["aggregate"])
        #expect(aggregate["fits"] as? Bool == true)
        // 38.6 tokens/s at the bound; × 0.78 = 30.1 tokens/s; $144/hour / 108k tokens/hour = $1,329 per million.
        let bound = 48 * 4.8e12 / (405_853_388_800 * 2 + 516_096 * 1e7)
        let rate = try #require(aggregate["tokensPerSecond"] as? Double)
        #expect(rate.isApproximatelyEqual(to: bound * 0.78, relativeTolerance: 0.002))
        #expect(try #require(aggregate["secondsPerToken"] as? Double).isApproximatelyEqual(to: 1 / rate, relativeTolerance: 1e-9))
        #expect(try #require(aggregate["boundTokensPerSecond"] as? Double).isApproximatelyEqual(to: 38.6, relativeTolerance: 0.002))
        #expect(try #require(aggregate["costPerMillionTokensUSD"] as? Double).isApproximatelyEqual(
            to: 144 / (rate * 3600) * 1e6, relativeTolerance: 1e-9))
        for name in ["tensor-pipeline", "context-parallel"] {
            let layout = try #require(layouts[name])
            #expect(layout["fits"] as? Bool == true)
            #expect(layout["tokensPerSecond"] is Double && layout["costPerMillionTokensUSD"] is Double)
        }
        #expect(try #require(layouts["tensor-pipeline"]?["tokensPerSecond"] as? Double) < rate / 5)
    }

    @Test func the405BAt10MExampleInFP8() throws {
        let (plan, layouts) = try planJSON(["--model", "llama-3.1-405b", "--device", "h200", "--context", "10M",
                                            "--price", "3", "--efficiency", "0.78", "--weights", "fp8", "--kv", "fp8",
                                            "--layout", "aggregate"])
        #expect(plan["minimumDevices"] as? Int == 22)
        #expect(plan["deployedDevices"] as? Int == 24)
        #expect(layouts.keys.sorted() == ["aggregate"])
        let bound = 24 * 4.8e12 / (405_853_388_800 + 258_048 * 1e7)
        let cost = try #require(layouts["aggregate"]?["costPerMillionTokensUSD"] as? Double)
        #expect(cost.isApproximatelyEqual(to: 72 / (bound * 0.78 * 3600) * 1e6, relativeTolerance: 0.002))   // ≈ $665
    }

    @Test func textSaysWhatTheUsualFigureAssumes() throws {
        let result = try CLIRunner.run(["plan", "--model", "llama-3.1-405b", "--device", "h200", "--context", "10M",
                                        "--price", "3", "--efficiency", "0.78"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("assumes all 48 devices read their share of weights and KV cache at once"))
        #expect(result.stdout.contains("6 pipeline stages"))
        #expect(result.stdout.contains("30.1 (38.6)"))
        #expect(result.stdout.contains("Assumptions"))
    }

    @Test func nothingFitsIsAnAnswerNotACrash() throws {
        let (plan, layouts) = try planJSON(["--model", "llama-3.1-405b", "--device", "h200", "--context", "100G"])
        #expect(try #require(plan["deployedDevices"] as? Int) > 8_000)
        // The reason is a value: {"beyondNodeLimit": {"devicesNeeded": …, "nodesNeeded": …, "maxNodes": 1000, …}}.
        for layout in layouts.values {
            #expect(layout["fits"] as? Bool == false)
            let reason = try #require(layout["reason"] as? [String: Any])
            let beyond = try #require(reason["beyondNodeLimit"] as? [String: Any])
            #expect(beyond["devicesNeeded"] as? Int == plan["deployedDevices"] as? Int)
            #expect(beyond["nodesNeeded"] as? Int == plan["deployedNodes"] as? Int)
            #expect(beyond["maxNodes"] as? Int == 1_000)
            #expect(beyond["maxDevices"] as? Int == 8_000)
        }
    }

    @Test func markdownAndOutputFile() throws {
        let folder = try CLIRunner.temporaryFolder()
        let path = folder.appendingPathComponent("plan.md").path
        let result = try CLIRunner.run(["plan", "--model", "llama-3.1-8b", "--device", "b200", "--context", "8k",
                                        "--prompt", "4k", "--format", "markdown", "--output", path])
        #expect(result.status == 0)
        #expect(result.stdout.isEmpty)
        let markdown = try String(contentsOfFile: path, encoding: .utf8)
        #expect(markdown.contains("### Prefill of 4,000 tokens"))
        #expect(markdown.contains("| aggregate | 1 |"))
    }

    @Test(arguments: [
        (["--device", "h300"], "unknown device 'h300'"),
        (["--device", "h200", "--efficiency", "1.5"], "--efficiency must be in (0, 1]"),
        (["--device", "h200", "--layout", "ring"], "unknown --layout 'ring'"),
        (["--device", "h200", "--prompt", "20k"], "longer than the context"),
        ([], "plan needs --device"),
    ])
    func badInputExits64(extra: [String], message: String) throws {
        let result = try CLIRunner.run(["plan", "--model", "llama-3.1-8b", "--context", "8k"] + extra)
        #expect(result.status == 64)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }
}
