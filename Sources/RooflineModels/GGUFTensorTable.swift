import RooflineCore

/// The tensor table of a GGUF checkpoint: each tensor's ggml type and shape, so that every matmul's weight bytes
/// are exact and its kernel known (`OperatorBuilder.ggufMatmul`).
public struct GGUFTensorTable: Codable, Sendable, Equatable {
    public var tensors: [GGUFTensorInfo]
    private var index: [String: Int]

    public init(tensors: [GGUFTensorInfo]) {
        self.tensors = tensors
        index = Dictionary(tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func tensor(_ name: String) -> GGUFTensorInfo? { index[name].map { tensors[$0] } }

    /// JSON carries the tensors; the name index is rebuilt from them.
    private enum CodingKeys: String, CodingKey { case tensors }

    public init(from decoder: Decoder) throws {
        self.init(tensors: try decoder.container(keyedBy: CodingKeys.self).decode([GGUFTensorInfo].self, forKey: .tensors))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tensors, forKey: .tensors)
    }

    /// Bytes of every tensor in the file: Σ `GGUFTensorInfo.bytes` (the checkpoint's weight bytes, exact).
    public var totalBytes: Double { tensors.reduce(0) { $0 + Double($1.bytes) } }

    /// Bytes per ggml type, largest first.
    public var bytesByType: [(type: GGMLType, bytes: Double)] {
        Dictionary(grouping: tensors, by: \.type).map { ($0.key, $0.value.reduce(0) { $0 + Double($1.bytes) }) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// The type holding the most bytes among the matrices (2-D and up), the weights' headline type.
    public var headlineType: GGMLType {
        let matrices = GGUFTensorTable(tensors: tensors.filter { $0.dimensions.count >= 2 })
        return matrices.bytesByType.first?.type ?? bytesByType.first?.type ?? .f32
    }

    /// For messages: `GGUF Q4_K 78 %, Q6_K 20 %, F32 2 %` (shares of the bytes, types under 0.5 % left out).
    public var summary: String {
        let total = totalBytes
        guard total > 0 else { return "GGUF (no tensors)" }
        let parts = bytesByType.filter { $0.bytes / total >= 0.005 }
            .map { "\($0.type.name) \(Int((100 * $0.bytes / total).rounded())) %" }
        return "GGUF " + parts.joined(separator: ", ")
    }

    /// One matmul of the operator model and the GGUF tensors that hold its weights.
    struct MatmulTensors {
        /// The operator's name (`qkv_proj`, `down_proj`, `experts_gate_up`, `lm_head`, …).
        var operatorName: String
        /// The layers it covers (empty for lm_head, which is not in a block).
        var layers: [Int]
        /// Alternatives of tensor roles (`attn_q`, `attn_k`, `attn_v` or the fused `attn_qkv`): the first whose
        /// tensors exist is used.
        var roles: [[String]]
        /// The input size every role's rows must have.
        var input: Int
        /// The outputs the roles of one layer (one expert) give together.
        var output: Int
    }

    /// The matmuls `model` builds and where their weights are, by llama.cpp's tensor names (src/llama-arch.cpp
    /// `LLM_TENSOR_NAMES`: `blk.{i}.attn_q`, `ffn_gate_exps`, `output`, …).
    static func matmuls(of model: ModelConfig) -> [MatmulTensors] {
        let all = Array(0..<model.layerCount)
        let moeLayers = model.moe?.layerIndices ?? []
        let dense = all.filter { !Set(moeLayers).contains($0) }
        let h = model.hiddenSize
        let (nh, nkv, d) = (model.headCount, model.kvHeadCount, model.headDim)
        var list = [
            MatmulTensors(operatorName: "qkv_proj", layers: all, roles: [["attn_q", "attn_k", "attn_v"], ["attn_qkv"]],
                          input: h, output: (nh + 2 * nkv) * d),
            MatmulTensors(operatorName: "o_proj", layers: all, roles: [["attn_output"]], input: nh * d, output: h),
        ]
        if !dense.isEmpty {
            let size = model.intermediateSize
            list.append(model.gatedMLP
                ? MatmulTensors(operatorName: "gate_up_proj", layers: dense, roles: [["ffn_gate", "ffn_up"], ["ffn_up"]],
                                input: h, output: 2 * size)
                : MatmulTensors(operatorName: "up_proj", layers: dense, roles: [["ffn_up"]], input: h, output: size))
            list.append(MatmulTensors(operatorName: "down_proj", layers: dense, roles: [["ffn_down"]], input: size, output: h))
        }
        if let moe = model.moe, !moeLayers.isEmpty {
            let size = moe.expertIntermediateSize
            list.append(MatmulTensors(operatorName: "router", layers: moeLayers,
                                      roles: moe.sharedExpertGate ? [["ffn_gate_inp", "ffn_gate_inp_shexp"]] : [["ffn_gate_inp"]],
                                      input: h, output: moe.expertCount + (moe.sharedExpertGate ? 1 : 0)))
            list.append(MatmulTensors(operatorName: "experts_gate_up", layers: moeLayers,
                                      roles: [["ffn_gate_exps", "ffn_up_exps"], ["ffn_gate_up_exps"]], input: h, output: 2 * size))
            list.append(MatmulTensors(operatorName: "experts_down", layers: moeLayers, roles: [["ffn_down_exps"]],
                                      input: size, output: h))
            if moe.sharedExpertCount > 0 {
                let shared = moe.sharedIntermediateSize
                list.append(MatmulTensors(operatorName: "shared_gate_up_proj", layers: moeLayers,
                                          roles: [["ffn_gate_shexp", "ffn_up_shexp"]], input: h, output: 2 * shared))
                list.append(MatmulTensors(operatorName: "shared_down_proj", layers: moeLayers, roles: [["ffn_down_shexp"]],
                                          input: shared, output: h))
            }
        }
        list.append(MatmulTensors(operatorName: "lm_head", layers: [], roles: [["output"], ["token_embd"]], input: h,
                                  output: model.vocabularySize))
        return list
    }

    /// The tensor name of `role` in `layer` (nil: outside the blocks).
    static func name(_ role: String, layer: Int?, suffix: String = "weight") -> String {
        layer.map { "blk.\($0).\(role).\(suffix)" } ?? "\(role).\(suffix)"
    }

    /// The weight tensors of `matmul` (the first alternative whose tensors all exist in every layer) and the bias
    /// tensors beside them; nil when no alternative is complete.
    func tensors(of matmul: MatmulTensors) -> (weights: [GGUFTensorInfo], biases: [GGUFTensorInfo])? {
        let layers: [Int?] = matmul.layers.isEmpty ? [nil] : matmul.layers.map { $0 }
        for roles in matmul.roles {
            let found = layers.flatMap { layer in roles.map { tensor(Self.name($0, layer: layer)) } }
            guard found.allSatisfy({ $0 != nil }) else { continue }
            let biases = layers.flatMap { layer in roles.compactMap { tensor(Self.name($0, layer: layer, suffix: "bias")) } }
            return (found.compactMap { $0 }, biases)
        }
        return nil
    }

    /// Checks that every matmul of `model` finds its tensors, with rows of the input size the metadata gives, the
    /// outputs it gives per layer (summed over its roles: q + k + v = (nh + 2·nkv)·d, gate + up = 2·I) and a ggml
    /// type whose CPU kernel is modelled; a bad-data error naming the tensors otherwise.
    func validate(for model: ModelConfig, source: String) throws {
        for matmul in Self.matmuls(of: model) {
            guard let (weights, _) = tensors(of: matmul) else {
                let expected = matmul.roles.map { roles in
                    roles.map { Self.name($0, layer: matmul.layers.first) }.joined(separator: " + ")
                }.joined(separator: " or ")
                throw RooflineError.badData("\(source): the tensor table lacks the weights of \(matmul.operatorName) "
                    + "(\(expected)\(matmul.layers.count > 1 ? " in each of \(matmul.layers.count) layers" : "")): "
                    + "the file is not a complete \(model.family.rawValue) checkpoint")
            }
            let perLayer = max(1, weights.count / max(1, matmul.layers.count))
            for layerTensors in stride(from: 0, to: weights.count, by: perLayer).map({ weights[$0..<min($0 + perLayer, weights.count)] }) {
                let outputs = layerTensors.reduce(0) { $0 + $1.rows }
                guard outputs == matmul.output else {
                    throw RooflineError.badData("\(source): tensors \(layerTensors.map(\.name).joined(separator: ", ")) give "
                        + "\(outputs) outputs but \(matmul.operatorName) has \(matmul.output) per the metadata: the metadata and the tensors disagree")
                }
            }
            for tensor in weights {
                guard tensor.dimensions[0] == matmul.input else {
                    throw RooflineError.badData("\(source): tensor \(tensor.name) has shape \(tensor.dimensions) but "
                        + "\(matmul.operatorName) takes \(matmul.input) inputs per the metadata: the metadata and the tensors disagree")
                }
                guard GGMLMatmulKernel(weights: tensor.type) != nil else {
                    throw RooflineError.badData("\(source): tensor \(tensor.name) is \(tensor.type.name), whose llama.cpp CPU "
                        + "matmul is not modelled: supported are "
                        + GGMLMatmulKernel.supportedWeightTypes.map(\.name).joined(separator: ", "))
                }
            }
        }
        if let embedding = tensor("token_embd.weight"), embedding.dimensions.count < 2 || embedding.dimensions[0] != model.hiddenSize {
            throw RooflineError.badData("\(source): token_embd.weight has shape \(embedding.dimensions) but the hidden size is "
                + "\(model.hiddenSize): the metadata and the tensors disagree")
        }
    }
}
