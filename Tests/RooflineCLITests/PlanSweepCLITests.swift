import Foundation
import RooflineCore
import Testing

/// `roofline plan` with lists and ranges of batches and contexts: a sweep table instead of the single plan.
@Suite struct PlanSweepCLITests {
    static let sweep = ["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k,8k", "--batch", "1..4x2",
                        "--prompt", "1k,2k", "--price", "3"]

    func run(_ arguments: [String]) throws -> String {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return result.stdout
    }

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// `value` as key-sorted JSON, to compare two decoded documents.
    func canonical(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
    }

    /// Every point of the JSON sweep carries the layout plan that `plan` prints at its sizes, key for key.
    @Test func eachPointEqualsPlanAtItsSizes() throws {
        let sweep = try object(try run(Self.sweep + ["--format", "json"]))
        #expect(sweep["layout"] as? String == "tensor-pipeline")
        #expect(sweep["basis"] as? String == "predicted")
        let points = try #require(sweep["points"] as? [[String: Any]])
        #expect(points.map { [$0["contextTokens"] as? Int, $0["batch"] as? Int, $0["promptTokens"] as? Int] }
                == [[4_000, 1, 1_000], [4_000, 2, 1_000], [4_000, 4, 1_000], [8_000, 1, 2_000], [8_000, 2, 2_000], [8_000, 4, 2_000]])
        for point in points {
            let single = try object(try run([
                "plan", "--model", "llama-3.1-8b", "--device", "h200", "--price", "3", "--format", "json",
                "--context", "\(try #require(point["contextTokens"] as? Int))", "--batch", "\(try #require(point["batch"] as? Int))",
                "--prompt", "\(try #require(point["promptTokens"] as? Int))"]))
            let layouts = try #require(single["layouts"] as? [[String: Any]])
            let pipeline = try #require(layouts.first { $0["layout"] as? String == "tensor-pipeline" })
            #expect(try canonical(try #require(point["plan"])) == (try canonical(pipeline)))
            let predicted = try #require(point["predicted"] as? [String: Any])
            #expect(predicted["secondsPerOutputToken"] as? Double == (pipeline["decodePredicted"] as? [String: Any])?["seconds"] as? Double)
            #expect(predicted["timeToFirstTokenSeconds"] as? Double == pipeline["predictedTimeToFirstTokenSeconds"] as? Double)
        }
        let knees = try #require(sweep["knees"] as? [[String: Any]])
        #expect(knees.map { $0["contextTokens"] as? Int } == [4_000, 8_000])
    }

    @Test func textAndMarkdownShowTheTableTheKneeAndTheAssumptions() throws {
        let text = try run(Self.sweep)
        let markdown = try run(Self.sweep + ["--format", "markdown"])
        for output in [text, markdown] {
            #expect(output.contains("sweep of 6 points, layout tensor-pipeline"))
            for header in ["time/output token", "tokens/s/user", "TTFT", "input", "output", "knee"] {
                #expect(output.contains(header))
            }
            #expect(output.components(separatedBy: "◆").count - 1 == 2 + 1)   // two knees and the assumption
            #expect(output.contains("prefilled together in one step"))
            #expect(!output.contains("Memory\n"))                            // not the single plan's view
        }
        #expect(markdown.hasPrefix("## llama-3.1-8b on "))
        #expect(markdown.contains("| context | batch |") && markdown.contains("\\$"))
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("  4,000") || $0.hasPrefix("  8,000") }.count == 6)
    }

    @Test func oneBatchAndOneContextIsTheSinglePlan() throws {
        let single = try run(["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k", "--batch", "2"])
        #expect(single == (try run(["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k", "--batch", "2..2"])))
        #expect(single.contains("\nMemory\n"))
    }

    /// --prefill-schedule serial: the table names the per-request TTFT (mean, worst) apart from the batch's prefill,
    /// and the JSON carries them: at batch 4 the mean is (4 + 1)/2 = 2.5 × one request's prefill and the worst and
    /// the batch's prefill 4 ×; at batch 1 all three are the one request's prefill, the batched sweep's TTFT.
    @Test func serialPrefillScheduleNamesPerRequestTTFT() throws {
        let base = ["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k", "--batch", "1,4", "--prompt", "1k"]
        let text = try run(base + ["--prefill-schedule", "serial"])
        #expect(text.contains("TTFT/request mean") && text.contains("TTFT/request worst") && text.contains("batch prefill"))
        #expect(text.contains("prefill schedule serial"))
        let serial = try object(try run(base + ["--prefill-schedule", "serial", "--format", "json"]))
        #expect(serial["prefillSchedule"] as? String == "serial")
        let points = try #require(serial["points"] as? [[String: Any]])
        let one = try #require((points[0]["bound"] as? [String: Any])?["timeToFirstTokenSeconds"] as? Double)
        let four = try #require(points[1]["bound"] as? [String: Any])
        let request = try #require((points[1]["plan"] as? [String: Any])?["requestPrefillAtBound"] as? [String: Any])
        let t1 = try #require(request["seconds"] as? Double)
        #expect(t1.isApproximatelyEqual(to: one, relativeTolerance: 1e-12))
        #expect(try #require(four["timeToFirstTokenSeconds"] as? Double).isApproximatelyEqual(to: 2.5 * t1, relativeTolerance: 1e-12))
        #expect(try #require(four["worstTimeToFirstTokenSeconds"] as? Double).isApproximatelyEqual(to: 4 * t1, relativeTolerance: 1e-12))
        #expect(try #require(four["batchPrefillSeconds"] as? Double).isApproximatelyEqual(to: 4 * t1, relativeTolerance: 1e-12))
        let batched = try object(try run(base + ["--format", "json"]))
        #expect(batched["prefillSchedule"] as? String == "batched")
        let batchedPoints = try #require(batched["points"] as? [[String: Any]])
        let batchedOne = try #require((batchedPoints[0]["bound"] as? [String: Any])?["timeToFirstTokenSeconds"] as? Double)
        #expect(batchedOne.isApproximatelyEqual(to: one, relativeTolerance: 1e-12))
        // One point with a schedule is a one-row sweep, not the single plan.
        let single = try run(["plan", "--model", "llama-3.1-8b", "--device", "h200", "--context", "4k", "--batch", "8",
                              "--prompt", "1k", "--prefill-schedule", "serial"])
        #expect(single.contains("sweep of 1 points") || single.contains("sweep of 1 point"))
    }
}
