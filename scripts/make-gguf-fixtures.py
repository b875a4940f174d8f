#!/usr/bin/env python3
"""Writes the tiny GGUF fixtures of Tests/RooflineModelsTests/Fixtures/gguf with gguf-py's GGUFWriter, and beside
each one the tensor table (name, ggml type, shape, n_bytes; NAME.tensors.tsv) and the metadata (key, type, value;
NAME.metadata.tsv) that gguf-py's GGUFReader reads back from it, which the Swift tests compare with our parser.

    python3 scripts/make-gguf-fixtures.py          # gguf-py 0.19.0 (pip install gguf)

tiny-llama-mixed.gguf: a Llama-shaped model (2 layers, hidden 64, 4 heads of 16, 2 KV heads, FFN 256, vocabulary
48), random weights (never zeros), each matmul tensor at another ggml type the way llama.cpp's mixes do (Q4_K_M puts
Q6_K on some ffn_down and attn_v): quantized tensors are random bytes of the type's block layout (written raw: the
parser reads types and shapes, never values), F32/F16/BF16 tensors random numbers. Norms F32 as llama.cpp writes them.
tiny-llama-f16.gguf: the same attention shapes with FFN 64, every matrix F16 (norms F32) and the output head tied to
the embedding (no output.weight).
"""
import os
import numpy as np
import gguf

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "RooflineModelsTests", "Fixtures", "gguf")
LAYERS, HIDDEN, HEADS, KV_HEADS, FFN, VOCAB = 2, 64, 4, 2, 256, 48
HEAD_DIM = HIDDEN // HEADS
Q = gguf.GGMLQuantizationType
rng = np.random.default_rng(15)


def add(writer, name, shape, qtype):
    """A tensor of ggml shape (ne0, ne1, ...) at qtype, with random contents."""
    numpy_shape = tuple(reversed(shape))
    if qtype == Q.F32:
        writer.add_tensor(name, rng.standard_normal(numpy_shape).astype(np.float32) * 0.02 + 0.001)
    elif qtype == Q.F16:
        writer.add_tensor(name, (rng.standard_normal(numpy_shape) * 0.02 + 0.001).astype(np.float16))
    else:
        block, type_size = gguf.GGML_QUANT_SIZES[qtype]
        assert shape[0] % block == 0, (name, shape, qtype)
        row_bytes = shape[0] // block * type_size
        raw = rng.integers(1, 255, size=numpy_shape[:-1] + (row_bytes,), dtype=np.uint8)
        writer.add_tensor(name, raw, raw_dtype=qtype)


def write(path, types, tied, ffn=FFN):
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("tiny-llama")
    writer.add_block_count(LAYERS)
    writer.add_context_length(2048)
    writer.add_embedding_length(HIDDEN)
    writer.add_feed_forward_length(ffn)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_rope_freq_base(500000.0)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_file_type(int(gguf.LlamaFileType.MOSTLY_Q4_K_M if not tied else gguf.LlamaFileType.MOSTLY_F16))
    writer.add_tokenizer_model("llama")
    writer.add_token_list([f"tok{i}" for i in range(VOCAB)])
    writer.add_token_scores([float(-i) for i in range(VOCAB)])
    writer.add_bos_token_id(1)
    writer.add_add_bos_token(True)
    writer.add_array("general.tags", ["test", "roofline"])
    writer.add_float64("general.test_f64", 0.5)
    writer.add_int8("general.test_i8", -3)
    writer.add_uint16("general.test_u16", 65535)
    writer.add_int64("general.test_i64", -(1 << 40))
    add(writer, "token_embd.weight", (HIDDEN, VOCAB), types["token_embd"])
    for layer in range(LAYERS):
        p = f"blk.{layer}."
        add(writer, p + "attn_norm.weight", (HIDDEN,), Q.F32)
        add(writer, p + "attn_q.weight", (HIDDEN, HEADS * HEAD_DIM), types["attn_q"][layer])
        add(writer, p + "attn_k.weight", (HIDDEN, KV_HEADS * HEAD_DIM), types["attn_k"][layer])
        add(writer, p + "attn_v.weight", (HIDDEN, KV_HEADS * HEAD_DIM), types["attn_v"][layer])
        add(writer, p + "attn_output.weight", (HEADS * HEAD_DIM, HIDDEN), types["attn_output"][layer])
        add(writer, p + "ffn_norm.weight", (HIDDEN,), Q.F32)
        add(writer, p + "ffn_gate.weight", (HIDDEN, ffn), types["ffn_gate"][layer])
        add(writer, p + "ffn_up.weight", (HIDDEN, ffn), types["ffn_up"][layer])
        add(writer, p + "ffn_down.weight", (ffn, HIDDEN), types["ffn_down"][layer])
    add(writer, "output_norm.weight", (HIDDEN,), Q.F32)
    if not tied:
        add(writer, "output.weight", (HIDDEN, VOCAB), types["output"])
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    reader = gguf.GGUFReader(path)
    with open(path[:-len(".gguf")] + ".tensors.tsv", "w") as table:
        table.write("# name\ttype\tshape (ne0,ne1,...)\tn_bytes, as gguf-py's GGUFReader reads them\n")
        for t in reader.tensors:
            table.write(f"{t.name}\t{t.tensor_type.name}\t{','.join(str(int(d)) for d in t.shape)}\t{int(t.n_bytes)}\n")
    with open(path[:-len(".gguf")] + ".metadata.tsv", "w") as table:
        table.write("# key\tgguf type\telement type\tvalue (arrays: count, then elements joined by |), as GGUFReader reads them\n")
        for key, field in reader.fields.items():
            if key.startswith("GGUF."):
                continue
            kind = field.types[0]
            if kind == gguf.GGUFValueType.ARRAY:
                values = field.contents()
                shown = "|".join(text(v) for v in values) if len(values) <= 8 else ""
                table.write(f"{key}\t{int(kind)}\t{int(field.types[1])}\t{len(values)}\t{shown}\n")
            else:
                table.write(f"{key}\t{int(kind)}\t-\t{text(field.contents())}\n")
    print(path, os.path.getsize(path), "bytes,", len(reader.tensors), "tensors")


def text(value):
    """A scalar as the Swift test prints it: bools true/false, floats by repr, the rest by str."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value) if isinstance(value, float) else str(value)


mixed = {
    "token_embd": Q.Q4_0,
    "attn_q": [Q.Q8_0, Q.Q4_1],
    "attn_k": [Q.Q4_0, Q.Q5_0],
    "attn_v": [Q.Q5_1, Q.Q8_0],
    "attn_output": [Q.F16, Q.BF16],
    "ffn_gate": [Q.IQ4_NL, Q.Q8_0],
    "ffn_up": [Q.Q5_0, Q.IQ4_NL],
    "ffn_down": [Q.Q4_K, Q.Q6_K],
    "output": Q.Q8_0,
}
write(os.path.join(HERE, "tiny-llama-mixed.gguf"), mixed, tied=False)
f16 = {k: ([Q.F16] * LAYERS if isinstance(v, list) else Q.F16) for k, v in mixed.items()}
write(os.path.join(HERE, "tiny-llama-f16.gguf"), f16, tied=True, ffn=64)
