extension ConfigReader {
    /// A nested object under `key`, absent or null → nil; anything else is a bad-data error.
    func optionalObject(_ key: String) throws -> ConfigReader? {
        guard let value = object[key], value != .null else { return nil }
        guard case .object(let nested) = value else {
            throw fail("key '\(key)' must be an object, got \(value.summary)")
        }
        return ConfigReader(object: nested, source: "\(source) \(key)")
    }

    /// Module names under `key` (a list of strings), absent or null → [].
    func moduleNames(_ key: String) throws -> [String] {
        try optionalStringArray(key) ?? []
    }
}

extension ModelConfig {
    /// The checkpoint's weight storage: `torch_dtype` (or `dtype`) as the base type (bf16 when absent), and the
    /// format `quantization_config` gives the linear layers. Methods and their byte formulas (`WeightFormat`):
    ///
    /// - `awq`: `bits`-bit values, per `group_size` (128) one fp16 scale and, with `zero_point` (default true), one
    ///   `bits`-bit zero point packed as the values are (AutoAWQ's qweight/qzeros/scales tensors).
    /// - `gptq`: `bits`-bit values, per `group_size` one fp16 scale and one `bits`-bit zero point, which GPTQ
    ///   checkpoints store even when `sym` is true (qzeros); the int32 `g_idx` of k entries per matrix is left out
    ///   (k·4 bytes, under 0.1 % of a k × n matrix at n ≥ 4096 and 4-bit values).
    /// - `fp8`: fp8 values with `weight_block_size` [r, c] → one fp32 scale per r × c block (DeepSeek-V3's
    ///   `weight_scale_inv`), else one fp32 scale per tensor. `fbgemm_fp8`: one fp32 scale per output channel.
    /// - `compressed-tensors`: the first config group's `weights`: `num_bits`, `type` int/float, `strategy`
    ///   tensor/channel/group/block, `group_size` / `block_structure`, zero points when not `symmetric`; scales at
    ///   the base type (bf16: 2 bytes), as llm-compressor writes them.
    /// - `bitsandbytes`: `load_in_4bit`: 4-bit nf4/fp4 in blocks of 64 with one fp32 absmax each, or with
    ///   `bnb_4bit_use_double_quant` one uint8 absmax per 64 plus one fp32 per 256 absmaxes (1 + 4/256 bytes per 64);
    ///   `load_in_8bit`: int8 with one fp32 scale per output row (LLM.int8's SCB).
    /// - `mxfp4`: fp4 (E2M1) values, one E8M0 scale byte per 32 (OCP Microscaling v1.0; gpt-oss).
    ///
    /// The linear groups (attention, MLP, experts, shared experts) are quantized unless `modules_to_not_convert`,
    /// `ignore` or `llm_int8_skip_modules` name them; embeddings, lm_head, the router and vectors stay at the base type.
    static func decodeWeightScheme(_ reader: ConfigReader) throws -> WeightScheme {
        let dtypeName = try reader.string(["torch_dtype", "dtype"], default: "bfloat16")
        let base: DataType
        do {
            base = try DataType(parsing: dtypeName)
        } catch {
            throw reader.fail("torch_dtype '\(dtypeName)' is not a data type: use bfloat16, float16 or float32")
        }
        guard [.fp32, .bf16, .fp16].contains(base) else {
            throw reader.fail("torch_dtype '\(dtypeName)' is not a checkpoint type: use bfloat16, float16 or float32 "
                + "(quantized weights are described by quantization_config)")
        }
        guard let quant = try reader.optionalObject("quantization_config") else { return .uniform(base) }
        let method = try quant.string(["quant_method"], default: "")
        let format: WeightFormat
        var skipped: [String]
        switch method.lowercased() {
        case "awq":
            let bits = try quant.positiveInt(["bits", "w_bit"], default: 4)
            let group = try quant.positiveInt(["group_size", "q_group_size"], default: 128)
            let zero = try quant.bool("zero_point", default: true)
            format = WeightFormat(type: try integerType(bits: bits, quant), valueBits: Double(bits),
                                  scales: .group(size: group, scaleBytes: 2, zeroPointBytes: zero ? Double(bits) / 8 : 0),
                                  method: "awq")
            skipped = try quant.moduleNames("modules_to_not_convert")
        case "gptq":
            let bits = try quant.positiveInt(["bits"], default: 4)
            let group = try quant.positiveInt(["group_size"], default: 128)
            format = WeightFormat(type: try integerType(bits: bits, quant), valueBits: Double(bits),
                                  scales: .group(size: group, scaleBytes: 2, zeroPointBytes: Double(bits) / 8),
                                  method: "gptq")
            skipped = try quant.moduleNames("modules_to_not_convert")
        case "fp8":
            if let block = try quant.optionalIntArray("weight_block_size") {
                guard block.count == 2, block.allSatisfy({ $0 > 0 }) else {
                    throw quant.fail("weight_block_size must be two positive integers, got \(block)")
                }
                format = WeightFormat(type: .fp8, scales: .block(rows: block[0], columns: block[1], scaleBytes: 4), method: "fp8")
            } else {
                format = WeightFormat(type: .fp8, scales: .perTensor(scaleBytes: 4), method: "fp8")
            }
            skipped = try quant.moduleNames("modules_to_not_convert") + quant.moduleNames("ignored_layers")
        case "fbgemm_fp8":
            format = WeightFormat(type: .fp8, scales: .perChannel(scaleBytes: 4), method: "fbgemm_fp8")
            skipped = try quant.moduleNames("modules_to_not_convert")
        case "compressed-tensors", "compressed_tensors":
            format = try compressedTensorsFormat(quant, base: base)
            skipped = try quant.moduleNames("ignore")
        case "bitsandbytes":
            format = try bitsAndBytesFormat(quant)
            skipped = try quant.moduleNames("llm_int8_skip_modules")
        case "mxfp4":
            format = WeightFormat(type: .fp4, valueBits: 4, scales: .group(size: 32, scaleBytes: 1, zeroPointBytes: 0),
                                  method: "mxfp4")
            skipped = try quant.moduleNames("modules_to_not_convert")
        default:
            throw quant.fail("quant_method '\(method)' is not supported: supported are awq, gptq, fp8, fbgemm_fp8, "
                + "compressed-tensors, bitsandbytes and mxfp4 (or pass --weights to choose a type)")
        }
        skipped = skipped.map { $0.hasPrefix("re:") ? String($0.dropFirst(3)) : $0 }
        var groups = WeightGroup.linear
        var unmodelled: [String] = []
        for name in skipped {
            let matched = WeightGroup.groups(namedBy: name)
            if matched.isEmpty { continue }
            if name.contains(where: \.isNumber) && matched.contains(where: WeightGroup.linear.contains) {
                unmodelled.append(name)
            } else {
                groups.subtract(matched)
            }
        }
        return WeightScheme(base: base, quantized: format, quantizedGroups: groups, unmodelledExclusions: unmodelled)
    }

    /// int4 for up to 4-bit integers, int8 up to 8; wider is not a quantized format.
    private static func integerType(bits: Int, _ reader: ConfigReader) throws -> DataType {
        switch bits {
        case 1...4: return .int4
        case 5...8: return .int8
        default: throw reader.fail("bits is \(bits): quantized weights have 1 to 8 bits")
        }
    }

    /// compressed-tensors (llm-compressor): the weights of the first entry of `config_groups`.
    private static func compressedTensorsFormat(_ quant: ConfigReader, base: DataType) throws -> WeightFormat {
        guard let groups = try quant.optionalObject("config_groups"),
              let first = groups.object.keys.sorted().first,
              let group = try groups.optionalObject(first),
              let weights = try group.optionalObject("weights") else {
            throw quant.fail("compressed-tensors config has no config_groups with weights: check the config")
        }
        let bits = try weights.positiveInt(["num_bits"], default: 8)
        let isFloat = try weights.string(["type"], default: "int") == "float"
        let type: DataType = isFloat ? (bits <= 4 ? .fp4 : .fp8) : try integerType(bits: bits, weights)
        let scale = base.bytesPerElement
        let zero = try weights.bool("symmetric", default: true) ? 0 : Double(bits) / 8
        let strategy = try weights.string(["strategy"], default: "tensor")
        let scales: WeightFormat.Scales
        switch strategy {
        case "tensor": scales = .perTensor(scaleBytes: scale)
        case "channel": scales = .perChannel(scaleBytes: scale)
        case "group", "tensor_group":
            scales = .group(size: try weights.positiveInt(["group_size"], default: 128), scaleBytes: scale, zeroPointBytes: zero)
        case "block":
            let block = try weights.optionalIntArray("block_structure") ?? [128, 128]
            guard block.count == 2, block.allSatisfy({ $0 > 0 }) else {
                throw weights.fail("block_structure must be two positive integers, got \(block)")
            }
            scales = .block(rows: block[0], columns: block[1], scaleBytes: scale)
        default:
            throw weights.fail("strategy '\(strategy)' is not supported: use tensor, channel, group or block")
        }
        return WeightFormat(type: type, valueBits: Double(bits), scales: scales, method: "compressed-tensors")
    }

    /// bitsandbytes 4-bit (blocks of 64) or 8-bit (row scales).
    private static func bitsAndBytesFormat(_ quant: ConfigReader) throws -> WeightFormat {
        if try quant.bool("load_in_4bit", default: false) {
            let double = try quant.bool("bnb_4bit_use_double_quant", default: false)
            let absmax = double ? 1 + 4.0 / 256 : 4
            let kind = try quant.string(["bnb_4bit_quant_type"], default: "fp4")
            return WeightFormat(type: kind == "nf4" ? .int4 : .fp4, valueBits: 4,
                                scales: .group(size: 64, scaleBytes: absmax, zeroPointBytes: 0),
                                method: "bitsandbytes " + kind)
        }
        if try quant.bool("load_in_8bit", default: false) {
            return WeightFormat(type: .int8, scales: .perChannel(scaleBytes: 4), method: "bitsandbytes int8")
        }
        throw quant.fail("bitsandbytes config sets neither load_in_4bit nor load_in_8bit")
    }
}

extension WeightGroup {
    /// The groups a module name from `modules_to_not_convert` / `ignore` names: `lm_head`, `embed_tokens`,
    /// `self_attn`, `router` / `mlp.gate`, `shared_expert`, `experts`, `mlp`; vision modules name none (the vision
    /// tower is not counted).
    static func groups(namedBy name: String) -> Set<WeightGroup> {
        let n = name.lowercased()
        if ["vision", "visual", "multi_modal_projector", "mm_projector", "patch_embed"].contains(where: n.contains) { return [] }
        if n.contains("lm_head") || n.contains("output_layer") { return [.lmHead] }
        if n.contains("embed") || n.hasSuffix("wte") { return [.embedding] }
        if n.contains("router") || n.hasSuffix("mlp.gate") || n.hasSuffix("mlp.gate$") || n == "gate"
            || n.hasSuffix("block_sparse_moe.gate") || n.hasSuffix("shared_expert_gate") { return [.router] }
        if n.contains("shared_expert") { return [.sharedExperts] }
        if n.contains("experts") { return [.experts] }
        if n.contains("attn") || n.contains("attention") || ["q_proj", "k_proj", "v_proj", "o_proj", "qkv_proj"].contains(where: n.contains) {
            return [.attention]
        }
        if n.contains("mlp") || n.contains("feed_forward") { return [.mlp, .experts, .sharedExperts] }
        return []
    }
}
