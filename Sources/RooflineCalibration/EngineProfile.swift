import RooflineCore

/// What an inference engine does that changes the count of kernels, as a named profile: which operators run
/// inside a neighbour's kernel (no launch of their own: no floor, only their bytes at the achieved bandwidth), and
/// whether decode replays CUDA graphs (the measured floors were taken under CUDA-graph replay).
public struct EngineProfile: Codable, Sendable, Equatable {
    public var name: String
    public var summary: String
    /// Operator kinds fused into a neighbouring kernel.
    public var fusedKinds: [OperatorKind]
    /// True when kernels are launched from a CUDA graph (the floors in the bundled tables were measured so).
    public var cudaGraphs: Bool

    public init(name: String, summary: String, fusedKinds: [OperatorKind], cudaGraphs: Bool) {
        self.name = name
        self.summary = summary
        self.fusedKinds = fusedKinds
        self.cudaGraphs = cudaGraphs
    }

    /// TensorRT-LLM and vLLM as the bundled tables measured them: RoPE and the KV-cache write run inside the
    /// attention kernel (the TRT-LLM prefill rows time RoPE, KV write and FMHA together; `Data/measured/README.md`),
    /// residual adds inside the fused add-RMSNorm kernel, the SiLU·up gate inside the gate/up GEMM's epilogue or its
    /// activation kernel; every GEMM, norm and attention call is its own kernel; CUDA graphs in decode.
    public static let fusedGraphs = EngineProfile(
        name: "fused-graphs",
        summary: "elementwise operators (RoPE, residual adds, gating) and KV-cache writes fused into neighbouring kernels; CUDA graphs",
        fusedKinds: [.elementwise, .kvWrite], cudaGraphs: true)

    /// Every operator its own kernel with its own floor (an engine without fusion), still under CUDA graphs.
    public static let unfused = EngineProfile(
        name: "unfused", summary: "every operator its own kernel with its own floor; CUDA graphs",
        fusedKinds: [], cudaGraphs: true)

    public static let all = [fusedGraphs, unfused]

    /// The profile named `name`; a usage error listing the names otherwise.
    public static func named(_ name: String) throws -> EngineProfile {
        guard let profile = all.first(where: { $0.name == name.lowercased() }) else {
            throw RooflineError.usage("unknown engine profile '\(name)': use \(all.map(\.name).joined(separator: " or "))")
        }
        return profile
    }
}
