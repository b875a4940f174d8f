import RooflineCore

extension OperatorBuilder {
    /// The matmul `name` with a GGUF checkpoint's own tensors (`GGUFTensorTable.matmuls`), nil when the model has
    /// no GGUF table or the operator no tensors there (then the group format applies).
    ///
    /// FLOPs, activations and the bias FLOPs are `Counting.matmul`'s. Weights are exact: Σ over the operator's
    /// tensors in its layers of `GGUFTensorInfo.bytes`, plus its bias tensors; a stacked expert tensor (E matrices)
    /// counts `matrices` ÷ E of its bytes (the experts the step touches). Each tensor's kernel
    /// (`GGMLMatmulKernel`) gives the compute type and the side work of `rows` rows through that tensor (one
    /// expert's matrix per row for stacked experts), summed by name and type. When the tensors mix kernels of
    /// different compute types (rare: a tensor left at F16 beside quantized ones), the operator computes at the type
    /// with the most weights, and the dot products of the others, 2 · rows · k · n each, move from `flops` to side
    /// work on their own ceilings.
    func ggufMatmul(_ name: String, kind: OperatorKind, rows: Double, input k: Double, output n: Double, bias: Bool,
                    layers: Int, matrices: Double) -> Operator? {
        guard let table = workload.precision.weightScheme.gguf,
              let plan = GGUFTensorTable.matmuls(of: model).first(where: { $0.operatorName == name }),
              let (weights, biases) = table.tensors(of: plan) else { return nil }
        var weightBytes = biases.reduce(0.0) { $0 + Double($1.bytes) }
        var dotProducts: [DataType: Double] = [:]
        var side: [SideWork] = []
        for tensor in weights {
            guard let kernel = GGMLMatmulKernel(weights: tensor.type) else { return nil }
            let (input, output) = (Double(tensor.dimensions[0]), Double(tensor.rows))
            weightBytes += Double(tensor.bytes) * (tensor.matrices > 1 ? matrices / Double(tensor.matrices) : 1)
            dotProducts[kernel.computeType, default: 0] += 2 * rows * input * output
            side += kernel.sideWork(rows: rows, input: input, output: output)
        }
        guard let main = dotProducts.max(by: { ($0.value, $1.key) < ($1.value, $0.key) })?.key else { return nil }
        for (type, operations) in dotProducts.sorted(by: { $0.key < $1.key }) where type != main {
            side.append(SideWork(name: "\(type.rawValue) dot products", operations: operations, dataType: type))
        }
        var op = Counting.matmul(name, kind: kind, rows: rows, input: k, output: n, bias: bias, layers: layers,
                                 matrices: matrices, elementBytes: elementBytes, computeType: main)
        op.bytes.weights = weightBytes
        op.flops -= dotProducts.filter { $0.key != main }.values.reduce(0, +)
        op.sideWork = Self.merged(side)
        return op
    }

    /// Side work summed per (name, type), in first-seen order; nil when there is none.
    static func merged(_ work: [SideWork]) -> [SideWork]? {
        var merged: [SideWork] = []
        for item in work {
            if let index = merged.firstIndex(where: { $0.name == item.name && $0.dataType == item.dataType }) {
                merged[index].operations += item.operations
            } else {
                merged.append(item)
            }
        }
        return merged.isEmpty ? nil : merged
    }

    /// Bytes of one embedding row: a GGUF token_embd row (`GGUFTensorInfo.bytes` ÷ rows), else the embedding
    /// group's format for h inputs.
    var embeddingRowBytes: Double {
        if let table = workload.precision.weightScheme.gguf, let embedding = table.tensor("token_embd.weight"),
           embedding.dimensions.count >= 2, embedding.dimensions[1] > 0 {
            return Double(embedding.bytes) / Double(embedding.dimensions[1])
        }
        return format(.embedding).matrixBytes(input: hidden, output: 1)
    }
}
