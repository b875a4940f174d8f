import Foundation
import Testing
@testable import RooflineDevices

@Suite struct DeploymentPlanRenderingTests {
    @Test func textShowsSizingLayoutsEconomicsAndAssumptions() throws {
        let text = DeploymentPlanRendering.text(try plan(llama405BLike(context: 10_000_000), efficiency: 0.78))
        #expect(text.contains("devices for the KV cache alone  37"))
        #expect(text.contains("minimum devices                 43"))
        #expect(text.contains("48 (6 nodes of 8)"))
        #expect(text.contains("efficiency 0.78"))
        // Economics: 38.6 tokens/s at the bound, 30.1 at 0.78; $144/hour; $1,329 per million tokens.
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("aggregate") && $0.contains("$") })
        #expect(row.contains("30.1 (38.6)"))
        #expect(row.contains("$144"))
        #expect(row.contains("$1,329"))
        #expect(text.contains("48 (tp 8 × pp 6)"))
        #expect(text.contains("136 (tp 8 × cp 17)"))
        #expect(text.contains("assumes all 48 devices read their share"))
        #expect(text.contains("tensor-pipeline:\n    - Tensor parallel"))
        #expect(!text.contains("Prefill of"))
    }

    @Test func markdownHasTheSameTables() throws {
        let markdown = DeploymentPlanRendering.markdown(try plan(llama405BLike(context: 10_000_000), efficiency: 0.78))
        #expect(markdown.contains("| aggregate | 48 | 30.1 (38.6) | 108,320 | \\$144 | \\$1,329 (\\$1,037) |"))
        #expect(markdown.contains("### Assumptions"))
        #expect(markdown.contains("- **context-parallel**"))
    }

    @Test func nothingFitsAndNoPriceAreSaidPlainly() throws {
        let text = DeploymentPlanRendering.text(try plan(llama405BLike(context: 100_000_000_000), "gb200", price: nil))
        #expect(text.contains("Layouts that do not fit"))
        #expect(text.contains("more than 1,000 nodes"))
        #expect(text.contains("not known: give --price"))
        #expect(text.contains("Nothing fits"))
    }
}
