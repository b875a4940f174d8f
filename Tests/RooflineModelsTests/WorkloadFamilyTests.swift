import Testing
@testable import RooflineModels

func named(_ ops: [Operator], _ name: String) throws -> Operator {
    try #require(ops.first { $0.name == name }, "no operator \(name) in \(ops.map(\.name))")
}

func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-12) -> Bool {
    a.isApproximatelyEqual(to: b, relativeTolerance: tolerance)
}

/// DeepSeek-V3: h 7168, 128 heads, MLA ranks q 1536 / kv 512, nope 128, rope 64, v 128; 61 layers, the first 3
/// dense (I 18432), 58 MoE (256 experts, top 8, expert I 2048, 1 shared); V 129280.
@Suite struct DeepSeekV3WorkloadTests {
    @Test func decodeCountsTheAbsorbedForm() throws {
        let ops = try workload("deepseek-v3", .decode(context: 4096)).operators()
        check(ops.filter { ["q_absorb", "attention", "v_up", "kv_write", "rope"].contains($0.name) }, [
            // q (128 + 1) × 64 rotated elements
            Expected(name: "rope", count: 61, flops: 61 * 129 * 64 * 3, activations: 61 * 2 * 129 * 64 * 2),
            // the latent 512 + RoPE key 64
            Expected(name: "kv_write", count: 61, flops: 0, activations: 61 * 576 * 2, kv: 61 * 576 * 2),
            // per head: q_nope (128) × W_UK (128 × 512)
            Expected(name: "q_absorb", count: 61, flops: 61 * 128 * 2 * 128 * 512, weights: 61 * 128 * 128 * 512 * 2,
                     activations: 61 * 128 * (128 + 512) * 2),
            // 128 heads × 4096 keys × (2·576 + 5 + 2·512); Q 128·576 and O 128·512; the latent read once
            Expected(name: "attention", count: 61, flops: 61 * 128 * 4096 * 2181, activations: 61 * 128 * (576 + 512) * 2,
                     kv: 61 * 4096 * 576 * 2),
            Expected(name: "v_up", count: 61, flops: 61 * 128 * 2 * 512 * 128, weights: 61 * 128 * 512 * 128 * 2,
                     activations: 61 * 128 * (512 + 128) * 2),
        ])
        // One token touches its 8 routed experts: 58 layers × 8 × 7168 × 4096 gate/up weights.
        let gateUp = try named(ops, "experts_gate_up")
        #expect(gateUp.count == 58)
        #expect(close(gateUp.flops, 58 * 2 * 8 * 7168 * 4096))
        #expect(close(gateUp.bytes.weights, 58 * 8 * 7168 * 4096 * 2, 1e-9))
        let router = try named(ops, "router")
        #expect(router.kind == .router)
        #expect(close(router.flops, 58 * (2 * 7168 * 256 + 256)))
        #expect(close(router.bytes.weights, 58 * (7168 * 256 + 256) * 2))
        // Σ gate_i·y_i + shared: (2·8 − 1 + 1) per element; reads 8 expert outputs + shared + 8 gate weights.
        let combine = try named(ops, "moe_combine")
        #expect(close(combine.flops, 58 * 16 * 7168))
        #expect(close(combine.bytes.activations, 58 * (9 * 7168 + 8 + 7168) * 2))
        #expect(try named(ops, "shared_gate_up_proj").bytes.weights == 58 * 7168 * 4096 * 2)
        #expect(try named(ops, "gate_up_proj").count == 3)
        #expect(try named(ops, "gate_up_proj").bytes.weights == 3 * 7168 * 36864 * 2)
    }

    @Test func prefillCountsTheNaiveForm() throws {
        let ops = try workload("deepseek-v3", .prefill(tokens: 4096)).operators()
        #expect(!ops.contains { $0.name == "q_absorb" })
        let kvB = try named(ops, "kv_b_proj")
        #expect(kvB.flops == 61 * 2 * 4096 * 512 * 128 * 256)
        let attention = try named(ops, "attention")
        // 128 heads × causal pairs × (2·192 + 5 + 2·128); K (192) and V (128) per head decompressed per token
        #expect(close(attention.flops, 61 * 128 * (4096.0 * 4097 / 2) * 645))
        #expect(close(attention.bytes.activations, 61 * 4096 * 128 * (192 + 128 + 192 + 128) * 2))
        // 4096 tokens × 8 picks over 256 experts: E(1 − (1 − 8/256)^4096) = 256 to double precision.
        #expect(close(try named(ops, "experts_down").bytes.weights, 58 * 256 * 2048 * 7168 * 2))
    }
}

@Suite struct MoEWorkloadTests {
    @Test func expectedDistinctExperts() {
        // E = 8, k = 2: one token touches 2; two tokens 8·(1 − (6/8)²) = 3.5; a billion touch all 8.
        #expect(close(OperatorBuilder.expectedDistinctExperts(experts: 8, perToken: 2, routedTokens: 1), 2))
        #expect(close(OperatorBuilder.expectedDistinctExperts(experts: 8, perToken: 2, routedTokens: 2), 3.5))
        #expect(OperatorBuilder.expectedDistinctExperts(experts: 8, perToken: 2, routedTokens: 1e9) == 8)
        #expect(OperatorBuilder.expectedDistinctExperts(experts: 8, perToken: 8, routedTokens: 1) == 8)
    }

    @Test func mixtralBatchTwoDecodeReadsThreeAndAHalfExperts() throws {
        // Mixtral 8x7B: h 4096, expert I 14336, 32 layers.
        let ops = try workload("mixtral-8x7b-v0.1", .decode(context: 1000), batch: 2).operators()
        let gateUp = try named(ops, "experts_gate_up")
        #expect(close(gateUp.bytes.weights, 32 * 3.5 * 4096 * 28672 * 2))
        // FLOPs follow the 2 × 2 token-expert pairs, not the experts read.
        #expect(close(gateUp.flops, 32 * 2 * 4 * 4096 * 28672))
        #expect(close(try named(ops, "router").flops, 32 * 2 * 2 * 4096 * 8))
        #expect(close(try named(ops, "moe_combine").flops, 32 * 2 * 3 * 4096))
        #expect(!ops.contains { $0.name.hasPrefix("shared_") })
    }

    @Test func qwen3UsesPerHeadNormsAndMoEEverywhere() throws {
        // Qwen3-235B-A22B: 94 layers, 64 heads, 4 KV heads, head dim 128, 128 experts, top 8, expert I 1536.
        let ops = try workload("qwen3-235b-a22b", .decode(context: 4096)).operators()
        let qkNorm = try named(ops, "qk_norm")
        #expect(qkNorm.flops == 94 * 68 * 128 * 4)
        #expect(qkNorm.bytes.weights == 94 * 256 * 2)
        #expect(try named(ops, "experts_down").count == 94)
        #expect(!ops.contains { $0.name == "gate_up_proj" })
        #expect(try named(ops, "attention").bytes.kvCache == 94 * 4096 * 4 * 256 * 2)
    }
}

@Suite struct OtherFamilyWorkloadTests {
    @Test func gemma2SplitsGlobalAndSlidingLayers() throws {
        // Gemma 2 27B: h 4608, 32 heads, 16 KV heads, head dim 128, 46 layers (23 sliding at 4096), soft-capped logits.
        let ops = try workload("gemma-2-27b", .decode(context: 10_000_000)).operators()
        let global = try named(ops, "attention")
        let local = try named(ops, "attention (window 4096)")
        #expect(global.count == 23 && local.count == 23)
        // 32 heads × keys × (2·128 + 5 softmax + 3 soft-cap + 2·128)
        #expect(close(global.flops, 23 * 32 * 10_000_000 * 520))
        #expect(close(local.flops, 23 * 32 * 4096 * 520))
        #expect(close(global.bytes.kvCache, 23 * 10_000_000 * 16 * 256 * 2))
        #expect(close(local.bytes.kvCache, 23 * 4096 * 16 * 256 * 2))
        #expect(ops.filter { $0.kind == .norm }.map(\.name) == ["attn_norm", "post_attn_norm", "mlp_norm", "post_mlp_norm", "final_norm"])
        #expect(try named(ops, "embedding").flops == 4608)  // × √h
        #expect(try named(ops, "lm_head").bytes.weights == 256_000 * 4608 * 2)  // tied, still read
        // GeLU-tanh 9 + gate 1 on I = 36864.
        #expect(try named(ops, "act_mul").flops == 46 * 36864 * 10)
        // Final logits soft-capped: 256000 × 3 FLOPs, read and written.
        let softcap = try named(ops, "logit_softcap")
        #expect(softcap.flops == 256_000 * 3)
        #expect(softcap.bytes.activations == 2 * 256_000 * 2)
        #expect(ops.last?.name == "logit_softcap")
    }

    @Test func gemma2PrefillBeyondTheWindowCapsPairs() throws {
        let fused = try workload("gemma-2-27b", .prefill(tokens: 10_000)).operators()
        // Σ min(i, 4096) for i = 1…10000 = 4096·4097/2 + (10000 − 4096)·4096 pairs; per pair 2·(128 + 128) + 5 + 3
        // (soft-capping) = 520 FLOPs.
        let pairs = 4096.0 * 4097 / 2 + 5904 * 4096
        #expect(close(try named(fused, "attention (window 4096)").flops, 23 * 32 * pairs * 520))
        #expect(close(try named(fused, "attention").flops, 23 * 32 * (10_000.0 * 10_001 / 2) * 520))
        // Materialized computes and writes the whole 10000 × 10000 square in both, and masks it afterwards.
        let materialized = try workload("gemma-2-27b", .prefill(tokens: 10_000), attention: .materialized).operators()
        #expect(close(try named(materialized, "softmax (window 4096)").flops, 23 * 32 * 10_000.0 * 10_000 * 8))
        #expect(close(try named(materialized, "softmax").flops, 23 * 32 * 10_000.0 * 10_000 * 8))
    }

    @Test func qwen25HasQKVBiasesButNoOutputBias() throws {
        // Qwen2.5 72B: h 8192, 64 heads, 8 KV heads × 128 → q, k, v output (64 + 16)·128 = 10240; 80 layers.
        let ops = try workload("qwen2.5-72b-instruct", .decode(context: 4096)).operators()
        let qkv = try named(ops, "qkv_proj")
        #expect(qkv.flops == 80 * (2 * 8192 * 10240 + 10240))
        #expect(qkv.bytes.weights == 80 * (8192 * 10240 + 10240) * 2)
        #expect(try named(ops, "o_proj").flops == 80 * 2 * 8192 * 8192)
    }

    @Test func qwen25BiasedProjectionAtPrefillAddsOneBiasPerRowAndOutput() throws {
        // Prefill of 512 tokens × batch 2: M = 1,024 rows, each adding the 10,240 biases once per layer, so
        // FLOPs = 80 · (2 · 1,024 · 8,192 · 10,240 + 1,024 · 10,240) = 13,744,734,208,000 (a bias counted once per
        // layer instead of once per row would give 13,743,896,166,400); weights read once whatever the rows.
        let ops = try workload("qwen2.5-72b-instruct", .prefill(tokens: 512), batch: 2).operators()
        let qkv = try named(ops, "qkv_proj")
        #expect(qkv.flops == 13_744_734_208_000)
        #expect(qkv.bytes.weights == 13_423_411_200)
        #expect(qkv.bytes.activations == 80 * 1024 * (8192 + 10240) * 2)
    }

    @Test func mistralDecodeReadsOnlyTheWindow() throws {
        // Mistral 7B: every layer slides 4096; 32 layers, 8 KV heads × 128, 32 query heads.
        let ops = try workload("mistral-7b-v0.1", .decode(context: 1_000_000)).operators()
        let attention = try named(ops, "attention (window 4096)")
        #expect(attention.bytes.kvCache == 32 * 4096 * 8 * 256 * 2)
        #expect(attention.flops == 32 * 32 * 4096 * 517)
        #expect(!ops.contains { $0.name == "attention" })
    }

    @Test func gpt3UsesLearnedPositionsBiasesAndPlainMLP() throws {
        // GPT-3 175B: h 12288, 96 heads × 128, 96 layers, I 49152, LayerNorm, GeLU-tanh.
        let ops = try workload("gpt3-175b", .decode(context: 2048)).operators()
        #expect(ops.map(\.name) == ["embedding", "position_embedding", "attn_norm", "qkv_proj", "kv_write", "attention",
                                    "o_proj", "residual_add", "mlp_norm", "up_proj", "act", "down_proj", "final_norm",
                                    "lm_head"])
        let qkv = try named(ops, "qkv_proj")
        #expect(qkv.flops == 96 * (2 * 12288 * 36864 + 36864))
        #expect(qkv.bytes.weights == 96 * (12288 * 36864 + 36864) * 2)
        let norm = try named(ops, "attn_norm")
        #expect(norm.flops == 96 * 12288 * 7)
        #expect(norm.bytes.weights == 96 * 2 * 12288 * 2)
        #expect(try named(ops, "act").flops == 96 * 49152 * 9)
        #expect(try named(ops, "up_proj").bytes.weights == 96 * (12288 * 49152 + 49152) * 2)
        #expect(try named(ops, "position_embedding").bytes.weights == 12288 * 2)
    }
}

/// Properties that hold for every bundled model.
@Suite struct WorkloadInvariantTests {
    @Test(arguments: ModelConfig.presetNames)
    func decodeReadsEveryActiveWeightOnceAndTheWholeCache(preset: String) throws {
        let context = longest(preset, 10_000_000)
        let w = try workload(preset, .decode(context: context))
        let ops = w.operators()
        let model = w.model
        // Every active weight once, except the embedding tables: one token row (and one position row), and a tied
        // lm_head reads the table again.
        let h = Double(model.hiddenSize)
        let tables = Double(model.embeddingParameterCount)
        let rowsRead = model.learnedPositionCount == nil ? h : 2 * h
        let tiedHead = model.tiedEmbeddings ? Double(model.vocabularySize) * h : 0
        let expected = (Double(model.activeParameterCount) - tables + rowsRead + tiedHead) * 2
        #expect(close(ops.reduce(0) { $0 + $1.bytes.weights }, expected, 1e-9))
        // KV: the attention reads exactly the cache a 10M context holds (windows capped); the write adds one token.
        let reads = ops.filter { $0.kind != .kvWrite }.reduce(0) { $0 + $1.bytes.kvCache }
        #expect(close(reads, model.kvCacheBytes(context: context, batch: 1, kvType: .bf16)))
        #expect(try named(ops, "kv_write").bytes.kvCache == model.kvCacheBytesPerToken(kvType: .bf16))
        #expect(w.weightBytes == Double(model.parameterCount) * 2)
    }

    @Test(arguments: ModelConfig.presetNames)
    func extremeSizesStayFinite(preset: String) throws {
        let model = try ModelConfig.load(preset)
        let roofline = h200
        let top = longest(preset, 1_000_000_000)
        for phase in [Phase.decode(context: 1), .decode(context: top), .prefill(tokens: 1), .prefill(tokens: top)] {
            for attention in AttentionMode.allCases {
                for batch in [1, 1024] {
                    let w = try Workload(model: model, phase: phase, batch: batch, precision: .bf16, attention: attention)
                    let analysis = try roofline.analyze(w.operators())
                    for p in analysis.placements {
                        let values = [p.operator.flops, p.operator.bytes.total, p.arithmeticIntensity,
                                      p.attainableFlopsPerSecond, p.seconds]
                        #expect(values.allSatisfy { $0.isFinite && $0 >= 0 }, "\(preset) \(phase) \(p.operator.name): \(values)")
                    }
                    #expect(analysis.totalSeconds.isFinite && analysis.totalSeconds > 0)
                }
            }
        }
    }

    @Test func learnedPositionsLimitTheSequence() throws {
        let gpt3 = try ModelConfig.load("gpt3-175b")
        #expect(try Workload(model: gpt3, phase: .decode(context: 2048), batch: 1, precision: .bf16, attention: .fused)
            .operators().isEmpty == false)
        #expect {
            try Workload(model: gpt3, phase: .decode(context: 2049), batch: 1, precision: .bf16, attention: .fused)
        } throws: { ($0 as? RooflineError)?.message.contains("2048 learned positions") == true }
    }

    @Test func invalidStepsAreUsageErrors() throws {
        let model = try ModelConfig.load("llama-2-7b")
        let cases: [(Phase, Int, Precision)] = [
            (.decode(context: 0), 1, .bf16), (.prefill(tokens: -1), 1, .bf16), (.decode(context: 10), 0, .bf16),
            (.decode(context: 10), 1, Precision(weights: .tf32, activations: .bf16, kvCache: .bf16)),
            (.decode(context: 10), 1, Precision(weights: .bf16, activations: .bf16, kvCache: .fp64)),
        ]
        for (phase, batch, precision) in cases {
            #expect(throws: RooflineError.self) {
                try Workload(model: model, phase: phase, batch: batch, precision: precision, attention: .fused)
            }
        }
    }

    @Test func dataTypesScaleBytesSeparately() throws {
        let mixed = Precision(weights: .int4, activations: .bf16, kvCache: .fp8)
        let ops = try workload("llama-3.1-405b", .decode(context: 4096), precision: mixed).operators()
        let qkv = try named(ops, "qkv_proj")
        #expect(qkv.bytes.weights == 126 * 16384 * 18432 * 0.5)
        #expect(qkv.bytes.activations == 126 * (16384 + 18432) * 2)
        #expect(qkv.computeType == .bf16)  // int4 weights are widened to the bf16 activations
        let attention = try named(ops, "attention")
        #expect(attention.bytes.kvCache == 126 * 4096 * 2048 * 1)
        #expect(attention.computeType == .bf16)
        let fp8 = try workload("llama-3.1-405b", .decode(context: 4096),
                               precision: Precision(weights: .fp8, activations: .fp8, kvCache: .fp8)).operators()
        #expect(try named(fp8, "qkv_proj").computeType == .fp8)
    }
}
