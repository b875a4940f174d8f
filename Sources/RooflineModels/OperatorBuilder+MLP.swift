import Foundation

extension OperatorBuilder {
    /// MLP block of every layer: pre-norm (none when one norm feeds attention and MLP in parallel, as in Cohere),
    /// the dense MLP on dense layers, the MoE on MoE layers, Gemma 2/3's post-norm.
    func mlpBlock() -> [Operator] {
        var ops = model.normsPerLayer == 1 ? [] : [hiddenNorm("mlp_norm", layers: model.layerCount)]
        if model.denseLayerCount > 0 {
            ops += denseMLP(prefix: "", group: .mlp, rows: rows, intermediate: Double(model.intermediateSize),
                            layers: model.denseLayerCount)
        }
        if let moe = model.moe, model.moeLayerCount > 0 {
            ops += moeOperators(moe, layers: model.moeLayerCount)
        }
        if model.normsPerLayer == 4 { ops.append(hiddenNorm("post_mlp_norm", layers: model.layerCount)) }
        return ops
    }

    /// A dense MLP over `rows` rows with intermediate size I (the activation uses I, not h).
    ///
    /// Gated: gate_up_proj h → 2·I (one fused matmul); act_mul act(gate)·up over rows·I elements, FLOPs
    /// (act + 1) per element, reads 2·rows·I, writes rows·I; down_proj I → h.
    /// Plain (GPT-2): up_proj h → I; act over rows·I elements, FLOPs act per element, reads and writes rows·I;
    /// down_proj I → h. Biases where the config has them.
    func denseMLP(prefix: String, group: WeightGroup, rows: Double, intermediate: Double, layers: Int) -> [Operator] {
        let bias = model.mlpBias
        let activationCost = FlopCosts.activation(model.activation)
        let elements = rows * intermediate
        if model.gatedMLP {
            return [
                matmul(prefix + "gate_up_proj", group: group, rows: rows, input: hidden, output: 2 * intermediate, bias: bias, layers: layers),
                elementwise(prefix + "act_mul", elements: elements, flopsPerElement: activationCost + FlopCosts.gateMultiply,
                            readElements: 2 * elements, writtenElements: elements, layers: layers),
                matmul(prefix + "down_proj", group: group, rows: rows, input: intermediate, output: hidden, bias: bias, layers: layers),
            ]
        }
        return [
            matmul(prefix + "up_proj", group: group, rows: rows, input: hidden, output: intermediate, bias: bias, layers: layers),
            elementwise(prefix + "act", elements: elements, flopsPerElement: activationCost,
                        readElements: elements, writtenElements: elements, layers: layers),
            matmul(prefix + "down_proj", group: group, rows: rows, input: intermediate, output: hidden, bias: bias, layers: layers),
        ]
    }

    /// The routed experts' operators, named once (`MoEConfig.routedExpertOperatorNames` lists them).
    static let expertsGateUp = "experts_gate_up", expertsActMul = "experts_act_mul", expertsDown = "experts_down"

    /// Expected distinct experts a layer touches when `routedTokens` tokens each pick k of E experts uniformly:
    /// E · (1 − (1 − k/E)^T), computed as −E · expm1(T · log1p(−k/E)) so that huge T neither overflows nor loses
    /// precision. T = 1 gives k; large T gives E.
    static func expectedDistinctExperts(experts: Int, perToken: Int, routedTokens: Double) -> Double {
        let e = Double(experts), k = Double(perToken)
        return -e * expm1(routedTokens * log1p(-k / e))
    }

    /// The MoE of `layers` layers, M tokens, E experts, k per token, expert size I_e, s shared experts,
    /// D = `expectedDistinctExperts(E, k, M)`:
    ///
    /// router: matmul M rows h → E (FLOPs 2·M·h·E; + M·E for DeepSeek-V3's selection bias; one more output for
    /// Qwen2-MoE's shared-expert gate). The gate's softmax/sigmoid, top-k and DeepSeek's routed scaling (O(M·E)
    /// and O(M·h)) are not counted.
    /// experts_gate_up: M·k rows h → 2·I_e, weights of D experts; experts_act_mul over M·k·I_e elements;
    /// experts_down: M·k rows I_e → h, weights of D experts; both biased where the MLP is (gpt-oss). FLOPs follow
    /// the k active experts per token, weight bytes the experts actually touched.
    /// shared_*: a dense gated MLP with intermediate I_s (`MoEConfig.sharedIntermediateSize`) over all M rows.
    /// moe_combine: Σ gate_i · y_i (+ shared output): (2k − 1 + [s > 0]) · M·h FLOPs; reads the k (+1) outputs
    /// and the k gate weights (M·(k + [s > 0])·h + M·k elements), writes M·h.
    func moeOperators(_ moe: MoEConfig, layers: Int) -> [Operator] {
        let (e, k, size) = (Double(moe.expertCount), Double(moe.expertsPerToken), Double(moe.expertIntermediateSize))
        let touched = Self.expectedDistinctExperts(experts: moe.expertCount, perToken: moe.expertsPerToken, routedTokens: rows)
        let pairs = rows * k
        let shared = moe.sharedExpertCount > 0 ? 1.0 : 0
        var ops = [
            matmul("router", kind: .router, group: .router, rows: rows, input: hidden,
                   output: e + (moe.sharedExpertGate ? 1 : 0), bias: moe.routerBias, layers: layers),
            matmul(Self.expertsGateUp, group: .experts, rows: pairs, input: hidden, output: 2 * size, bias: model.mlpBias,
                   layers: layers, matrices: touched),
            elementwise(Self.expertsActMul, elements: pairs * size,
                        flopsPerElement: FlopCosts.activation(model.activation) + FlopCosts.gateMultiply,
                        readElements: 2 * pairs * size, writtenElements: pairs * size, layers: layers),
            matmul(Self.expertsDown, group: .experts, rows: pairs, input: size, output: hidden, bias: model.mlpBias,
                   layers: layers, matrices: touched),
        ]
        if moe.sharedExpertCount > 0 {
            ops += denseMLP(prefix: "shared_", group: .sharedExperts, rows: rows,
                            intermediate: Double(moe.sharedIntermediateSize), layers: layers)
        }
        ops.append(elementwise("moe_combine", elements: rows * hidden, flopsPerElement: 2 * k - 1 + shared,
                               readElements: rows * (k + shared) * hidden + rows * k, writtenElements: rows * hidden,
                               layers: layers))
        return ops
    }
}
