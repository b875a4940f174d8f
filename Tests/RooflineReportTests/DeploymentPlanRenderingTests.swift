import Foundation
import RooflineDevices
import RooflineModels
import Testing
@testable import RooflineReport

@Suite struct DeploymentPlanRenderingTests {
    /// Llama 3.1 405B in bf16, batch 1, planned with the default options at `efficiency`.
    static func plan405B(context: Int, device: String = "h200", price: Double? = 3, efficiency: Double = 1) throws -> DeploymentPlan {
        var device = try DeviceCatalog.bundled().device(named: device)
        if let price { device = device.pricedAt(price, note: "test") }
        var options = DeploymentOptions()
        options.efficiency = efficiency
        let workload = try DeploymentWorkload(model: try ModelConfig.load("llama-3.1-405b"),
                                              sizes: try StepSizes(batch: 1, contextTokens: context, promptTokens: nil),
                                              precision: .bf16)
        return try DeploymentPlanner.plan(workload, on: device, options: options)
    }

    @Test func textShowsSizingLayoutsEconomicsAndAssumptions() throws {
        let text = DeploymentPlanRendering.text(try Self.plan405B(context: 10_000_000, efficiency: 0.78))
        #expect(text.contains("devices for the KV cache alone  37"))
        #expect(text.contains("minimum devices                 43"))
        #expect(text.contains("48 (6 nodes of 8)"))
        #expect(text.contains("efficiency 0.78"))
        // Economics: 38.6 tokens/s at the bound, 30.1 at 0.78; $144/hour; $1,328 per million tokens.
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("aggregate") && $0.contains("$") })
        #expect(row.contains("30.1 (38.6)"))
        #expect(row.contains("$144"))
        #expect(row.contains("$1,328"))
        #expect(text.contains("48 (tp 8 × pp 6)"))
        #expect(text.contains("136 (tp 8 × cp 17)"))
        #expect(text.contains("assumes all 48 devices read their share"))
        #expect(text.contains("tensor-pipeline:\n    - Tensor parallel"))
        #expect(!text.contains("Prefill of"))
    }

    @Test func markdownHasTheSameTables() throws {
        let markdown = DeploymentPlanRendering.markdown(try Self.plan405B(context: 10_000_000, efficiency: 0.78))
        #expect(markdown.contains("| aggregate | 48 | 30.1 (38.6) | 108,394 | \\$144 | \\$1,328 (\\$1,036) |"))
        #expect(markdown.contains("### Assumptions"))
        #expect(markdown.contains("- **context-parallel**"))
    }

    @Test func nothingFitsAndNoPriceAreSaidPlainly() throws {
        let text = DeploymentPlanRendering.text(try Self.plan405B(context: 100_000_000_000, device: "gb200", price: nil))
        #expect(text.contains("Layouts that do not fit"))
        #expect(text.contains("more than 1,000 nodes"))
        #expect(text.contains("not known: give --price"))
        #expect(text.contains("Nothing fits"))
    }
}
