import Foundation
import RooflineCore
import Testing
@testable import RooflineModels

/// Tests/RooflineModelsTests/Fixtures: `hub/` is a Hugging Face cache (refs, snapshots, symlinks to blobs);
/// `configs/` holds published configs, each citing its source URL under `_source`.
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let hub = HubCache(root: folder.appendingPathComponent("hub"))
    static func config(_ name: String) -> String { folder.appendingPathComponent("configs/\(name).json").path }
}

@Suite struct HubCacheTests {
    @Test func resolvesAHubIDThroughRefsMainToItsSnapshot() throws {
        let model = try ModelConfig.load("meta-llama/Llama-3.1-8B", cache: Fixtures.hub)
        #expect(model.name == "meta-llama/Llama-3.1-8B")
        #expect(model.parameterCount == 8_030_261_248)
        #expect(model.maxPositionEmbeddings == 131_072)
    }

    @Test func resolvesARevisionByRefAndByCommit() throws {
        let byRef = try ModelConfig.load("meta-llama/Llama-3.1-8B", revision: "v3", cache: Fixtures.hub)
        #expect(byRef.maxPositionEmbeddings == 8192)
        let commit = try String(contentsOf: Fixtures.hub.repositoryFolder("meta-llama/Llama-3.1-8B")
            .appendingPathComponent("refs/v3"), encoding: .utf8)
        let byCommit = try ModelConfig.load("meta-llama/Llama-3.1-8B", revision: commit, cache: Fixtures.hub)
        #expect(byCommit.maxPositionEmbeddings == 8192)
        #expect(byCommit.name == "meta-llama/Llama-3.1-8B")
    }

    @Test func aSnapshotPathIsNamedByItsHubID() throws {
        let url = try Fixtures.hub.configURL(id: "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4")
        let model = try ModelConfig.load(url.deletingLastPathComponent().path)
        #expect(model.name == "hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4")
        #expect(model.weights.quantized?.method == "awq")
    }

    @Test func aMissingIDFailsNamingTheSearchedPathsAndTheDownload() throws {
        let error = try #require(throws: RooflineError.self) {
            try ModelConfig.load("acme/missing-model", cache: Fixtures.hub)
        }
        #expect(error.category == .usage)
        let repository = Fixtures.hub.repositoryFolder("acme/missing-model").path
        #expect(error.message.contains(repository + "/refs/main"))
        #expect(error.message.contains(repository + "/snapshots/main/config.json"))
        #expect(error.message.contains("huggingface-cli download acme/missing-model config.json"))
        #expect(!error.message.contains("\n"))
    }

    @Test func aMissingRevisionFailsNamingIt() throws {
        let error = try #require(throws: RooflineError.self) {
            try ModelConfig.load("meta-llama/Llama-3.1-8B", revision: "nope", cache: Fixtures.hub)
        }
        #expect(error.message.contains("refs/nope"))
        #expect(error.message.contains("--revision nope"))
    }

    @Test func theCacheFolderFollowsHuggingFaceHubPrecedence() {
        #expect(HubCache(environment: ["HF_HUB_CACHE": "/a", "HF_HOME": "/b", "HOME": "/c"]).root.path == "/a")
        #expect(HubCache(environment: ["HF_HOME": "/b", "HOME": "/c"]).root.path == "/b/hub")
        #expect(HubCache(environment: ["HOME": "/c"]).root.path == "/c/.cache/huggingface/hub")
    }

    @Test func onlyOrgSlashNameIsAHubID() {
        #expect(HubCache.isHubID("meta-llama/Llama-3.1-8B"))
        #expect(!HubCache.isHubID("llama-3.1-8b"))
        #expect(!HubCache.isHubID("a/b/c"))
        #expect(!HubCache.isHubID("../x"))
        #expect(!HubCache.isHubID("org/"))
    }
}
