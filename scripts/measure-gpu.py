#!/usr/bin/env python3
"""Measures this machine's GPU kernels and writes them in the format roofline bundles (see
Sources/RooflineCalibration/Data/measured/README.md), so that `roofline calibrate` can fit a calibration:

    python3 scripts/measure-gpu.py --output-dir my-gpu        # writes my-gpu/my-gpu_*.csv
    roofline calibrate my-gpu/*.csv --device h200 --name my-gpu --output my-gpu.json
    roofline classify --model llama-3.1-8b --phase decode --context 4k --device h200 --calibration my-gpu.json

What it measures (every call timed by CUDA events around repeated CUDA-graph replays after a warm-up, the mean
per call kept, as AIConfigurator's collector does):
- GEMM: Y = X·Wᵀ in bf16 (torch.nn.functional.linear) and, where the GPU has FP8 tensor cores and PyTorch has
  torch._scaled_mm, FP8 with per-tensor scales; weights smaller than L2 are cycled over several copies;
- HBM: a device-to-device copy (bytes read + written) over sizes from 1 MiB to 4 GiB;
- prefill attention: causal torch.nn.functional.scaled_dot_product_attention (bf16, GQA);
- decode attention: one query token over a bf16 KV cache, flash_attn_with_kvcache when flash-attn is installed
  (a paged-style decode kernel), else scaled_dot_product_attention;
- all-reduce: NCCL over 2, 4, 8 of the visible GPUs (torch.distributed, one process per GPU), 512 B to 512 MiB.
Without PyTorch or a CUDA GPU it exits with status 1 and a one-line message.
"""
import argparse, csv, math, os, sys

GEMM_SIZES = [64, 256, 1024, 2048, 4096, 8192, 16384]
GEMM_M = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192]
ATTENTION_HEADS = [(32, 8), (64, 8), (16, 16)]
PREFILL = [(b, s) for b in (1, 4, 16) for s in (128, 512, 1024, 2048, 4096, 8192) if b * s <= 32768]
DECODE = [(b, c) for b in (1, 4, 16, 64, 256) for c in (128, 1024, 4096, 16384, 65536) if b * c <= 2 ** 21]
ALL_REDUCE_BYTES = [2 ** i for i in range(9, 30)]


def fail(message):
    print(f"measure-gpu.py: {message}", file=sys.stderr)
    sys.exit(1)


def graph_time_us(torch, fn, replays=20, warmup=3):
    """Mean µs of one call of fn: captured in a CUDA graph, replayed `replays` times between CUDA events."""
    stream = torch.cuda.Stream()
    stream.wait_stream(torch.cuda.current_stream())
    with torch.cuda.stream(stream):
        for _ in range(warmup):
            fn()
    torch.cuda.current_stream().wait_stream(stream)
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph):
        fn()
    graph.replay()
    torch.cuda.synchronize()
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(replays):
        graph.replay()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) * 1000 / replays


def write(path, header, rows):
    with open(path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    print(f"wrote {path} ({len(rows)} rows)", file=sys.stderr)


def gemm_rows(torch, l2_bytes):
    import torch.nn.functional as F
    rows = []
    fp8 = hasattr(torch, "_scaled_mm") and torch.cuda.get_device_capability() >= (8, 9)
    for n in GEMM_SIZES:
        for k in GEMM_SIZES:
            copies = max(1, min(5, math.ceil(l2_bytes / (n * k * 2))))
            weights = [torch.randn(n, k, device="cuda", dtype=torch.bfloat16) for _ in range(copies)]
            for m in GEMM_M:
                x = torch.randn(m, k, device="cuda", dtype=torch.bfloat16)
                us = graph_time_us(torch, lambda: [F.linear(x, w) for w in weights]) / copies
                rows.append(["bf16", m, n, k, f"{us:.5g}", f"{2 * m * n * k / us / 1e6:.4g}"])
                if fp8 and m % 16 == 0 and n % 16 == 0 and k % 16 == 0:
                    w8 = [w.to(torch.float8_e4m3fn) for w in weights]
                    one = torch.ones((), device="cuda")

                    def scaled():
                        x8 = (x / x.abs().max().clamp(min=1e-12)).to(torch.float8_e4m3fn)  # dynamic activation scale
                        return [torch._scaled_mm(x8, w.t(), scale_a=one, scale_b=one, out_dtype=torch.bfloat16) for w in w8]
                    us = graph_time_us(torch, scaled) / copies
                    rows.append(["fp8", m, n, k, f"{us:.5g}", f"{2 * m * n * k / us / 1e6:.4g}"])
            del weights
    return rows


def memory_rows(torch):
    rows = []
    for power in range(20, 33):
        n = 2 ** power
        a = torch.empty(n, dtype=torch.uint8, device="cuda")
        b = torch.empty_like(a)
        us = graph_time_us(torch, lambda: b.copy_(a))
        rows.append(["copy", 2 * n, f"{us:.5g}"])
        del a, b
    return rows


def prefill_rows(torch):
    import torch.nn.functional as F
    rows = []
    for heads, kv_heads in ATTENTION_HEADS:
        for batch, seq in PREFILL:
            q = torch.randn(batch, heads, seq, 128, device="cuda", dtype=torch.bfloat16)
            k = torch.randn(batch, kv_heads, seq, 128, device="cuda", dtype=torch.bfloat16)
            v = torch.randn_like(k)
            us = graph_time_us(torch, lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                                                               enable_gqa=kv_heads != heads))
            rows.append([batch, seq, heads, kv_heads, 128, 0, "bf16", "bf16", f"{us:.5g}"])
    return rows


def decode_rows(torch):
    import torch.nn.functional as F
    try:
        from flash_attn import flash_attn_with_kvcache
    except ImportError:
        flash_attn_with_kvcache = None
    rows = []
    for heads, kv_heads in ATTENTION_HEADS:
        for batch, context in DECODE:
            if flash_attn_with_kvcache:
                q = torch.randn(batch, 1, heads, 128, device="cuda", dtype=torch.bfloat16)
                k = torch.randn(batch, context, kv_heads, 128, device="cuda", dtype=torch.bfloat16)
                v = torch.randn_like(k)
                lengths = torch.full((batch,), context, dtype=torch.int32, device="cuda")
                fn = lambda: flash_attn_with_kvcache(q, k, v, cache_seqlens=lengths)
            else:
                q = torch.randn(batch, heads, 1, 128, device="cuda", dtype=torch.bfloat16)
                k = torch.randn(batch, kv_heads, context, 128, device="cuda", dtype=torch.bfloat16)
                v = torch.randn_like(k)
                fn = lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=kv_heads != heads)
            us = graph_time_us(torch, fn)
            rows.append([batch, context, heads, kv_heads, 128, 0, "bf16", f"{us:.5g}"])
    return rows


def all_reduce_worker(rank, world, results):
    import torch, torch.distributed as dist
    os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
    os.environ.setdefault("MASTER_PORT", "29531")
    torch.cuda.set_device(rank)
    dist.init_process_group("nccl", rank=rank, world_size=world)
    for size in ALL_REDUCE_BYTES:
        x = torch.empty(size // 2, dtype=torch.float16, device="cuda")
        for _ in range(5):
            dist.all_reduce(x)
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        repeats = 50 if size <= 2 ** 24 else 10
        start.record()
        for _ in range(repeats):
            dist.all_reduce(x)
        end.record()
        torch.cuda.synchronize()
        if rank == 0:
            results.append(["nccl", "all_reduce", world, "fp16", 2, size // 2, size,
                            f"{start.elapsed_time(end) * 1000 / repeats:.5g}"])
    dist.destroy_process_group()


def collective_rows(torch):
    import torch.multiprocessing as mp
    rows = []
    for world in (2, 4, 8):
        if world > torch.cuda.device_count():
            break
        with mp.Manager() as manager:
            results = manager.list()
            mp.spawn(all_reduce_worker, args=(world, results), nprocs=world, join=True)
            rows.extend(list(results))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", default="measurements", help="folder for the CSV tables (created)")
    parser.add_argument("--name", help="file-name prefix (default: the folder's name)")
    parser.add_argument("--skip", default="", help="comma-separated tables to skip: gemm,memory,prefill,decode,collectives")
    args = parser.parse_args()
    try:
        import torch
    except ImportError:
        fail("PyTorch is not installed: install a CUDA build of torch (pip install torch) on the machine with the GPU")
    if not torch.cuda.is_available():
        fail("no CUDA GPU is visible to PyTorch: run this on the GPU machine you want to calibrate")
    name = args.name or os.path.basename(os.path.normpath(args.output_dir))
    os.makedirs(args.output_dir, exist_ok=True)
    skip = set(filter(None, args.skip.split(",")))
    props = torch.cuda.get_device_properties(0)
    print(f"measuring {props.name} ({props.multi_processor_count} SMs)", file=sys.stderr)
    out = lambda table: os.path.join(args.output_dir, f"{name}_{table}.csv")
    l2_bytes = getattr(props, "L2_cache_size", 50 * 2 ** 20)
    if "gemm" not in skip:
        write(out("gemm"), ["dtype", "m", "n", "k", "latency_us", "tflops"], gemm_rows(torch, l2_bytes))
    if "memory" not in skip:
        write(out("memory"), ["kernel", "bytes", "latency_us"], memory_rows(torch))
    if "prefill" not in skip:
        write(out("context_attention"), ["batch", "seq_len", "num_heads", "num_kv_heads", "head_dim", "window",
                                         "attn_dtype", "kv_dtype", "latency_us"], prefill_rows(torch))
    if "decode" not in skip:
        write(out("generation_attention"), ["batch", "kv_len", "num_heads", "num_kv_heads", "head_dim", "window",
                                            "kv_dtype", "latency_us"], decode_rows(torch))
    if "collectives" not in skip and torch.cuda.device_count() > 1:
        write(out("collectives"), ["impl", "collective", "num_gpus", "dtype", "elem_bytes", "message_elems",
                                   "message_bytes", "latency_us"], collective_rows(torch))


if __name__ == "__main__":
    main()
