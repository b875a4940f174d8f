#!/usr/bin/env python3
"""Holds roofline's host predictions against llama.cpp on this machine (a benchmark, not a test).

For each model shape × weight type it writes a random-weight GGUF (normal, std 0.02, never zeros) with the `gguf`
package, quantizes it with llama.cpp's own llama-quantize (`--pure`, so every matrix has the named type), measures
prompt processing (pp) and token generation (tg) with llama-bench at two sizes each, and prints, per row, llama.cpp's
tokens/s, our bound's and our prediction's, and measured ÷ bound and measured ÷ prediction. A bound that llama.cpp
beats is a bug; the prediction's target is ±25 %.

The main-memory bandwidth of a virtual machine drifts with its host's other tenants (on this project's 2-vCPU guest,
2-thread DRAM reads measured 48 GB/s and 84 GB/s within minutes), so a profile measured at one time can be beaten by an
engine measured at another. The profile is probed with `--dram-window 60s` (a minute per DRAM read kernel and thread
count, to catch the host's quiet moments), and each llama-bench run is bracketed by two short DRAM read probes
(`roofline probe --kernels load,load4`, 1 GB). Every row has two bounds: the profile's, which llama.cpp must never
beat, and the window's — the profile with its DRAM read ceiling set to the best the read kernels reached around that
run. The fit and the prediction use the window's (on a quiet machine the two are the same); both are printed.

llama.cpp is built once from PyPI's llama-cpp-python sdist (which vendors llama.cpp) into ~/.cache/roofline
(cmake, release, native CPU; ~10 minutes on 2 cores), outside the repository; GGUF files are cached there too.

Usage: python3 scripts/bench-llamacpp.py [--binary .build/release/roofline] [--profile host.json]
         [--models smollm2-360m,llama-3.2-1b] [--types f32,f16,q8_0,q4_K] [--threads 2] [--repetitions 3]
Progress goes to stderr, the table to stdout.
"""
import argparse
import glob
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile

import numpy

CACHE = os.path.expanduser(os.environ.get("ROOFLINE_CACHE", "~/.cache/roofline"))
LLAMA_CPP_PYTHON = "llama-cpp-python==0.3.36"

# Shapes of real checkpoints (Llama architecture; SmolLM2 and Llama 3.2 tie the output to the embedding), from their
# Hugging Face config.json files:
# https://huggingface.co/HuggingFaceTB/SmolLM2-135M/blob/main/config.json
# https://huggingface.co/HuggingFaceTB/SmolLM2-360M/blob/main/config.json
# https://huggingface.co/meta-llama/Llama-3.2-1B/blob/main/config.json
# https://huggingface.co/TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T/blob/main/config.json
MODELS = {
    "smollm2-135m": dict(hidden=576, intermediate=1536, layers=30, heads=9, kv_heads=3, vocab=49152,
                         rope_theta=100000.0, rms_eps=1e-5),
    "smollm2-360m": dict(hidden=960, intermediate=2560, layers=32, heads=15, kv_heads=5, vocab=49152,
                         rope_theta=100000.0, rms_eps=1e-5),
    "llama-3.2-1b": dict(hidden=2048, intermediate=8192, layers=16, heads=32, kv_heads=8, vocab=128256,
                         rope_theta=500000.0, rms_eps=1e-5),
    "tinyllama-1.1b": dict(hidden=2048, intermediate=5632, layers=22, heads=32, kv_heads=4, vocab=32000,
                           rope_theta=10000.0, rms_eps=1e-5, tied=False),
    # Llama 3.1 8B's layer (4096 wide, 14,336 intermediate, 32/8 heads) with 8 of its 32 layers and a tied output:
    # the "8-layer, 4096-wide" model of issue 15, 2.3 billion parameters, and one more size whose rows are a multiple
    # of 256 (so q4_K stays Q4_K). https://huggingface.co/meta-llama/Llama-3.1-8B/blob/main/config.json
    "llama-3.1-8b-8layers": dict(hidden=4096, intermediate=14336, layers=8, heads=32, kv_heads=8, vocab=128256,
                                 rope_theta=500000.0, rms_eps=1e-5),
}
# llama-quantize's type names for our --types.
QUANT = {"f32": "F32", "f16": "F16", "q8_0": "Q8_0", "q4_K": "Q4_K", "bf16": "BF16", "q4_0": "Q4_0", "q6_K": "Q6_K", "q5_K": "Q5_K"}


def log(message):
    print(message, file=sys.stderr, flush=True)


def run(command, **kwargs):
    log("$ " + " ".join(command))
    return subprocess.run(command, check=True, **kwargs)


def llama_tools():
    """llama-bench and llama-quantize, built once into CACHE/llama.cpp/build/bin."""
    source = os.path.join(CACHE, "llama.cpp")
    tools = {name: os.path.join(source, "build", "bin", name) for name in ("llama-bench", "llama-quantize")}
    if all(os.path.exists(path) for path in tools.values()):
        return tools
    os.makedirs(CACHE, exist_ok=True)
    if not os.path.isdir(source):
        if not shutil.which("cmake"):
            run(["apt-get", "install", "-y", "cmake"], stdout=subprocess.DEVNULL)
        download = os.path.join(CACHE, "sdist")
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", download, LLAMA_CPP_PYTHON])
        archive = glob.glob(os.path.join(download, "llama_cpp_python-*.tar.gz"))[0]
        with tarfile.open(archive) as tar:
            tar.extractall(CACHE)
        vendored = glob.glob(os.path.join(CACHE, "llama_cpp_python-*", "vendor", "llama.cpp"))[0]
        os.symlink(vendored, source)
    run(["cmake", "-S", source, "-B", os.path.join(source, "build"), "-DCMAKE_BUILD_TYPE=Release", "-DGGML_NATIVE=ON",
         "-DLLAMA_CURL=OFF", "-DLLAMA_BUILD_TESTS=OFF", "-DLLAMA_BUILD_EXAMPLES=OFF", "-DLLAMA_BUILD_SERVER=OFF"],
        stdout=subprocess.DEVNULL)
    run(["cmake", "--build", os.path.join(source, "build"), "--target", "llama-bench", "llama-quantize", "-j",
         str(os.cpu_count() or 2)], stdout=subprocess.DEVNULL)
    return tools


def write_f32_gguf(name, shape, path):
    """A Llama-architecture GGUF with random fp32 weights (normal, std 0.02; norms 1.0) and a placeholder SPM vocab
    of the config's size (llama-bench feeds random token ids and never tokenizes text)."""
    import numpy as np
    import gguf
    rng = np.random.default_rng(0)
    h, ff, layers = shape["hidden"], shape["intermediate"], shape["layers"]
    heads, kv_heads, vocab = shape["heads"], shape["kv_heads"], shape["vocab"]
    head_dim = h // heads
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name(name + " (random weights)")
    writer.add_context_length(8192)
    writer.add_embedding_length(h)
    writer.add_block_count(layers)
    writer.add_feed_forward_length(ff)
    writer.add_head_count(heads)
    writer.add_head_count_kv(kv_heads)
    writer.add_rope_dimension_count(head_dim)
    writer.add_rope_freq_base(shape["rope_theta"])
    writer.add_layer_norm_rms_eps(shape["rms_eps"])
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    bytes_tokens = [f"<0x{b:02X}>" for b in range(256)]
    tokens = ["<unk>", "<s>", "</s>"] + bytes_tokens
    tokens += [f"t{i}" for i in range(vocab - len(tokens))]
    writer.add_token_list(tokens)
    writer.add_token_scores([0.0] * vocab)
    writer.add_token_types([2, 3, 3] + [6] * 256 + [1] * (vocab - 259))
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)

    def weight(*dims):
        return (rng.standard_normal(dims, dtype=np.float32) * 0.02).astype(np.float32)

    writer.add_tensor("token_embd.weight", weight(vocab, h))
    writer.add_tensor("output_norm.weight", np.ones(h, dtype=np.float32))
    if not shape.get("tied", True):
        writer.add_tensor("output.weight", weight(vocab, h))
    for i in range(layers):
        p = f"blk.{i}."
        writer.add_tensor(p + "attn_norm.weight", np.ones(h, dtype=np.float32))
        writer.add_tensor(p + "attn_q.weight", weight(heads * head_dim, h))
        writer.add_tensor(p + "attn_k.weight", weight(kv_heads * head_dim, h))
        writer.add_tensor(p + "attn_v.weight", weight(kv_heads * head_dim, h))
        writer.add_tensor(p + "attn_output.weight", weight(h, heads * head_dim))
        writer.add_tensor(p + "ffn_norm.weight", np.ones(h, dtype=np.float32))
        writer.add_tensor(p + "ffn_gate.weight", weight(ff, h))
        writer.add_tensor(p + "ffn_up.weight", weight(ff, h))
        writer.add_tensor(p + "ffn_down.weight", weight(h, ff))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def model_file(tools, name, weight_type):
    """The cached GGUF of `name` at `weight_type`, written or quantized on first use."""
    folder = os.path.join(CACHE, "gguf")
    os.makedirs(folder, exist_ok=True)
    f32 = os.path.join(folder, f"{name}-f32.gguf")
    if not os.path.exists(f32):
        log(f"writing {f32}")
        write_f32_gguf(name, MODELS[name], f32 + ".part")
        os.rename(f32 + ".part", f32)
    if weight_type == "f32":
        return f32
    path = os.path.join(folder, f"{name}-{weight_type}.gguf")
    if not os.path.exists(path):
        run([tools["llama-quantize"], "--pure", f32, path + ".part", QUANT[weight_type], str(os.cpu_count() or 2)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.rename(path + ".part", path)
    return path


def llama_bench(tools, path, threads, repetitions, prompts, depths, generate):
    """llama-bench's mean tokens/s per test: {("pp", tokens, depth) | ("tg", tokens, depth): (mean, stddev)}."""
    results = {}
    runs = [(["-p", ",".join(map(str, prompts)), "-n", "0", "-d", "0"]),
            (["-p", "0", "-n", str(generate), "-d", ",".join(map(str, depths))])]
    for arguments in runs:
        out = run([tools["llama-bench"], "-m", path, "-t", str(threads), "-r", str(repetitions), "-o", "json"] + arguments,
                  capture_output=True, text=True).stdout
        for row in json.loads(out):
            kind = "pp" if row["n_prompt"] > 0 else "tg"
            tokens = row["n_prompt"] if kind == "pp" else row["n_gen"]
            results[(kind, tokens, row.get("n_depth", 0))] = (row["avg_ts"], row["stddev_ts"])
    return results


def classify(binary, path, profile, kind, tokens, depth, calibration=None):
    """Our classify of one llama-bench test as JSON: prefill of `tokens` prompt tokens, or decode at the mean context
    of the generated tokens (depth + tokens / 2). KV cache fp16 and activations fp32, as llama.cpp's CPU path keeps
    them."""
    command = [binary, "classify", "--model", path, "--device", profile, "--format", "json", "--kv", "fp16",
               "--activations", "fp32"]
    command += ["--phase", "prefill", "--tokens", str(tokens)] if kind == "pp" else \
        ["--phase", "decode", "--context", str(depth + tokens // 2)]
    if calibration:
        command += ["--calibration", calibration]
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)


def window_bandwidth(binary, threads):
    """The best DRAM read rate (bytes/s) of our load and load4 kernels now, 1 GB working set, `threads` threads."""
    out = subprocess.run([binary, "probe", "--quiet", "--format", "json", "--phases", "bandwidth", "--kernels",
                          "load,load4", "--sizes", "1GB", "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    return max(b["algorithmicBytesPerSecond"]["best"] for b in json.loads(out)["bandwidth"])


def window_profile(profile, bandwidth, threads):
    """A copy of `profile` whose DRAM read ceilings at `threads` threads are `bandwidth` (what the read kernels reached
    around one llama-bench run), in CACHE (one file per profile and rate, so rows can share it)."""
    with open(profile, "rb") as f:
        tag = hashlib.sha256(f.read()).hexdigest()[:12]
    path = os.path.join(CACHE, "window-profiles", f"{tag}-dram-{bandwidth / 1e9:.2f}GBps-{threads}t.json")
    if not os.path.exists(path):
        with open(profile) as f:
            document = json.load(f)
        for level in document["levels"]:
            if level["level"] == "DRAM" and level["kernel"] in ("load", "load4") and level["threads"] == threads:
                level["bytesPerSecond"].update(best=bandwidth, median=bandwidth, worst=bandwidth)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path + ".part", "w") as f:
            json.dump(document, f)
        os.rename(path + ".part", path)
    return path


def parts(document):
    """A classify document's memory and compute seconds at the ceilings over its operators other than attention, and
    its attention operators' bound (scores, softmax, values, or fused): the terms of a host-engine calibration."""
    kinds = {"attention", "attention-scores", "softmax", "attention-values"}
    rest = [o for o in document["operators"] if o["kind"] not in kinds]
    return dict(memory=sum(o["memorySeconds"] for o in rest), compute=sum(o["computeSeconds"] for o in rest),
                attention=sum(o["seconds"] for o in document["operators"] if o["kind"] in kinds))


def roofline_side(binary, row, profile, threads):
    """Fills in roofline's side of a measured `row` (model path, test and window_bandwidth): the weight label, the
    profile's bound and the window's (tokens/s), the window profile, and the parts a calibration fits (`parts`)."""
    row["weights"] = headline_type(binary, row["path"])
    row["bound"] = row["new_tokens"] / classify(binary, row["path"], profile, row["kind"], row["tokens"],
                                                row["depth"])["totals"]["seconds"]
    row["window_profile"] = window_profile(profile, row["window_bandwidth"], threads)
    document = classify(binary, row["path"], row["window_profile"], row["kind"], row["tokens"], row["depth"])
    row["window_bound"] = row["new_tokens"] / document["totals"]["seconds"]
    row.update(parts(document))


def headline_type(binary, path):
    """The GGUF's headline ggml type as roofline keys calibrations by it: the type holding most matrix bytes (a
    `--pure` Q4_K file of a model whose rows are not a multiple of 256 wide is mostly Q5_0, llama-quantize's fallback)."""
    out = subprocess.run([binary, "models", "--model", path, "--format", "json"], check=True, capture_output=True,
                         text=True).stdout
    document = json.loads(out)
    entry = document["models"][0] if "models" in document else document
    return entry["weightFormat"].split()[1]


def fit(rows, models, engine, cpu_model, threads, source):
    """A host-engine calibration (schema 2) from the `rows` of `models`, per phase: a step's measured seconds
    T = a · M + b_w · C + k · A + c · L, where M and C are its memory and compute seconds at the window profile's
    ceilings over the operators other than attention, A its attention operators' bound, L its layers; b_w is one
    factor per weight label, and a, k and c are shared by every weight label of the phase (the same loads, the same
    f16 attention over the cache, the same thread synchronisations). Fitted by least squares on the relative error
    Σ((a·M + b_w·C + k·A + c·L − T) ÷ T)² with a, b_w, k ≥ 1 and c ≥ 0 (a variable that would leave its range is held
    at the limit and the rest fitted again), so a prediction is never below the bound. The fractions are 1 ÷ a,
    1 ÷ b_w and 1 ÷ k. Rows: dicts with model, phase, weights, measured and window_bound (tokens/s), memory, compute
    and attention (seconds), new_tokens and layers."""
    entries = []
    for phase in ("prefill", "decode"):
        group = [r for r in rows if r["model"] in models and r["phase"] == phase]
        if not group:
            continue
        labels = sorted({r["weights"] for r in group})
        n = len(labels)
        # Columns: a, then b_w for each label, then k, then c.
        lower = [1.0] + [1.0] * n + [1.0, 0.0]
        matrix = []
        for r in group:
            step = r["new_tokens"] / r["measured"]
            row = [0.0] * (n + 3)
            row[0] = r["memory"] / step
            row[1 + labels.index(r["weights"])] = r["compute"] / step
            row[n + 1] = r["attention"] / step
            row[n + 2] = r["layers"] / step
            matrix.append(row)
        # A column no row uses (no attention in a phase, say) stays at its limit.
        held = {j: lower[j] for j in range(n + 3) if not any(row[j] for row in matrix)}
        while True:
            free = [j for j in range(n + 3) if j not in held]
            a = numpy.array([[row[j] for j in free] for row in matrix])
            b = numpy.array([1.0 - sum(row[j] * v for j, v in held.items()) for row in matrix])
            solution = dict(zip(free, numpy.linalg.lstsq(a, b, rcond=None)[0]))
            below = [j for j, v in solution.items() if v < lower[j] - 1e-12]
            if not below:
                break
            worst = min(below, key=lambda j: solution[j] - lower[j])
            held[worst] = lower[worst]
        values = {**held, **solution}
        for i, label in enumerate(labels):
            members = [r for r in group if r["weights"] == label]
            fractions = [r["measured"] / r["window_bound"] for r in members]
            entries.append(dict(phase=phase, weights=label, memoryFraction=1 / values[0],
                                computeFraction=1 / values[1 + i], attentionFraction=1 / values[n + 1],
                                secondsPerLayer=values[n + 2], rows=len(members),
                                minimumFraction=min(fractions), maximumFraction=max(fractions)))
    return dict(schemaVersion=2, kind="host-engine", engine=engine, cpuModel=cpu_model, threads=threads,
                fittedOn=sorted(models), source=source, entries=entries)


def llama_version(tools):
    out = subprocess.run([tools["llama-bench"], "--version"], capture_output=True, text=True)
    lines = [line for line in (out.stdout + out.stderr).splitlines() if line.startswith("version:")]
    return "llama.cpp " + (lines[0].replace("version:", "").strip() if lines else "(version unknown)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=".build/release/roofline")
    parser.add_argument("--profile", help="a host profile from `roofline probe` (default: probe now, full)")
    parser.add_argument("--models", default="smollm2-135m,smollm2-360m,llama-3.2-1b,tinyllama-1.1b,llama-3.1-8b-8layers")
    parser.add_argument("--types", default="f32,f16,q8_0,q4_K")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--prompts", default="128,512")
    parser.add_argument("--depths", default="0,1024")
    parser.add_argument("--generate", type=int, default=32)
    parser.add_argument("--write-calibration", help="also write the calibration fitted on every model to this file")
    parser.add_argument("--rows", help="reuse the measured rows saved by an earlier run (JSON) instead of running llama-bench")
    args = parser.parse_args()

    tools = llama_tools()
    engine = llama_version(tools)
    profile = args.profile
    if not profile:
        profile = os.path.join(CACHE, "host-profile.json")
        # A minute per DRAM read kernel and thread count: on a virtual machine whose bandwidth drifts, a short
        # window can miss the host's quiet moments, and a ceiling set in a busy one is beaten by the engine later.
        run([args.binary, "probe", "--dram-window", "60s", "--output", profile])
    with open(profile) as f:
        cpu_model = json.load(f)["host"]["cpuModel"]
    prompts = [int(x) for x in args.prompts.split(",")]
    depths = [int(x) for x in args.depths.split(",")]
    models = args.models.split(",")
    source = (f"scripts/bench-llamacpp.py: llama-bench -t {args.threads} -r {args.repetitions} -p {args.prompts} "
              f"and -n {args.generate} -d {args.depths}, random-weight GGUFs quantized --pure")
    rows = []
    if args.rows:
        with open(args.rows) as f:
            rows = [r for r in json.load(f) if r["model"] in models]
        for r in rows:
            # The profile may be newer than the rows: the label and the bounds are roofline's, so compute them again.
            roofline_side(args.binary, r, profile, args.threads)
    for name in models:
        for weight_type in args.types.split(","):
            if any(r["model"] == name and r["type"] == weight_type for r in rows):
                continue
            path = model_file(tools, name, weight_type)
            before = window_bandwidth(args.binary, args.threads)
            measured = llama_bench(tools, path, args.threads, args.repetitions, prompts, depths, args.generate)
            bandwidth = max(before, window_bandwidth(args.binary, args.threads))
            for (kind, tokens, depth), (mean, stddev) in sorted(measured.items()):
                row = dict(model=name, type=weight_type, path=path, kind=kind, tokens=tokens, depth=depth,
                           phase="prefill" if kind == "pp" else "decode", measured=mean, stddev=stddev,
                           window_bandwidth=bandwidth, new_tokens=tokens if kind == "pp" else 1,
                           layers=MODELS[name]["layers"])
                roofline_side(args.binary, row, profile, args.threads)
                rows.append(row)
                log(f"{name} {weight_type} {kind}{tokens}@{depth}: {mean:.1f} t/s measured, bound {row['bound']:.1f} "
                    f"(window {row['window_bound']:.1f} at {bandwidth / 1e9:.1f} GB/s)")

    with open(os.path.join(CACHE, "llamacpp-rows.json"), "w") as f:
        json.dump(rows, f, indent=1)
    # Each model predicted with the calibration fitted on the others only (held out), through `classify --calibration`.
    for held_out in models:
        others = [m for m in models if m != held_out]
        if not others:
            break
        calibration = os.path.join(CACHE, f"calibration-without-{held_out}.json")
        with open(calibration, "w") as f:
            json.dump(fit(rows, others, engine, cpu_model, args.threads, source), f, indent=2)
        for row in rows:
            if row["model"] == held_out:
                document = classify(args.binary, row["path"], row["window_profile"], row["kind"], row["tokens"], row["depth"],
                                    calibration)
                seconds = document["totals"].get("predictedSeconds")
                row["predicted"] = row["new_tokens"] / seconds if seconds else None
    if args.write_calibration:
        with open(args.write_calibration, "w") as f:
            json.dump(fit(rows, models, engine, cpu_model, args.threads, source), f, indent=2)
            f.write("\n")
        log(f"wrote {args.write_calibration}")

    print(f"{engine} ({args.threads} threads, llama-bench mean of {args.repetitions}) against roofline on {profile} "
          f"({cpu_model}). Bound: the profile's; window: the profile with its DRAM read ceiling set to what our read "
          f"kernels reached around that llama-bench run. Predicted = memory ÷ memory fraction + compute ÷ compute fraction "
          f"+ attention ÷ attention fraction + layers × seconds per layer at the window's ceilings, fitted on the other "
          f"models (each model held out in turn)\n")
    print("| model | weights | test | llama.cpp t/s | bound t/s | measured ÷ bound | DRAM read in window | window bound t/s "
          "| measured ÷ window bound | predicted t/s | measured ÷ predicted |")
    print("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    for r in rows:
        test = f"pp{r['tokens']}" if r["kind"] == "pp" else f"tg{r['tokens']} @ {r['depth']}"
        label = r["type"] if r["weights"].lower() == r["type"].lower() else f"{r['type']} (mostly {r['weights']})"
        beaten = " **beaten**" if r["measured"] > r["bound"] else ""
        window_beaten = " **beaten**" if r["measured"] > r["window_bound"] else ""
        p = f"{r['predicted']:.1f} | {r['measured'] / r['predicted']:.2f}" if r.get("predicted") else "– | –"
        print(f"| {r['model']} | {label} | {test} | {r['measured']:.1f} ± {r['stddev']:.1f} | {r['bound']:.1f} | "
              f"{r['measured'] / r['bound']:.2f}{beaten} | {r['window_bandwidth'] / 1e9:.1f} GB/s | {r['window_bound']:.1f} | "
              f"{r['measured'] / r['window_bound']:.2f}{window_beaten} | {p} |")
    errors = [abs(r["measured"] / r["predicted"] - 1) for r in rows if r.get("predicted")]
    print(f"\nbound beaten in {sum(r['measured'] > r['bound'] for r in rows)} of {len(rows)} rows; window bound beaten in "
          f"{sum(r['measured'] > r['window_bound'] for r in rows)}")
    if errors:
        print(f"measured ÷ predicted: median |error| {statistics.median(errors) * 100:.1f} %, worst {max(errors) * 100:.1f} %, "
              f"{sum(e <= 0.25 for e in errors)}/{len(errors)} within ±25 %")


if __name__ == "__main__":
    main()
