#!/usr/bin/env python3
"""Benchmark `roofline probe` against likwid-bench on this machine (a benchmark, not a test).

For each kernel, working-set size and thread count, runs our probe and likwid-bench alternately for several
rounds (same kernel, same total working set, same threads, both pinned) and prints, per case, the median of the
per-round ratios ours/likwid with min and max. Both count algorithmic bytes (arrays read + written). Peak FLOPs
compare our FMA probe with likwid's peakflops kernels in L1.

Usage: python3 scripts/bench-probe.py [--rounds 3] [--binary .build/release/roofline] [--quick] [--only REGEX]
Installs likwid (Debian package `likwid`) when likwid-bench is missing and apt-get is available.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys

# Our kernel → likwid-bench kernel doing the same work with the same kind of stores (AVX-512 variants; the
# AVX variants are used when the CPU lacks AVX-512).
PAIRS = [
    ("load", "load"), ("store", "store"), ("copy", "copy"), ("triad", "stream"),
    ("store_nt", "store_mem"), ("copy_nt", "copy_mem"), ("triad_nt", "stream_mem"),
]
DRAM_SIZE = "2GB"


def cache_bytes(level):
    """Size of one instance of the level-`level` data or unified cache of CPU 0, from sysfs (None when unknown)."""
    base = "/sys/devices/system/cpu/cpu0/cache"
    for index in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        folder = os.path.join(base, index)
        try:
            with open(os.path.join(folder, "level")) as f:
                found = int(f.read())
            with open(os.path.join(folder, "type")) as f:
                kind = f.read().strip()
            with open(os.path.join(folder, "size")) as f:
                text = f.read().strip()
        except OSError:
            continue
        if found == level and kind in ("Data", "Unified"):
            return int(text[:-1]) * {"K": 1 << 10, "M": 1 << 20}[text[-1]] if text[-1] in "KM" else int(text)
    return None


def sizes(threads):
    """Working sets (all threads together) well inside L1 and L2 — half of one core's cache per thread, as the probe
    sizes its own cache levels — and DRAM. A set the size of the whole cache (1 MB on a core with a 1 MiB L2)
    measures the cache's edge, where the two tools' page placements decide the result."""
    out = []
    for name, level, fallback in (("L1", 1, 32 << 10), ("L2", 2, 512 << 10)):
        per_thread = (cache_bytes(level) or 2 * fallback) // 2
        out.append((name, f"{per_thread * threads // 1024}kB"))
    return out + [("DRAM", DRAM_SIZE)]


def log(message):
    print(message, file=sys.stderr, flush=True)


def ensure_likwid():
    if shutil.which("likwid-bench"):
        return
    if shutil.which("apt-get"):
        log("installing likwid (apt-get install -y likwid)")
        subprocess.run(["apt-get", "install", "-y", "likwid"], check=True, stdout=subprocess.DEVNULL)
    if not shutil.which("likwid-bench"):
        sys.exit("likwid-bench not found: install Debian's `likwid` package")


def cpu_flags():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    return set()


def likwid(kernel, size, threads):
    out = subprocess.run(["likwid-bench", "-t", kernel, "-W", f"N:{size}:{threads}"],
                         check=True, capture_output=True, text=True).stdout
    if kernel.startswith("peakflops"):
        return float(re.search(r"MFlops/s:\s+([\d.]+)", out).group(1)) * 1e6
    return float(re.search(r"MByte/s:\s+([\d.]+)", out).group(1)) * 1e6


def ours(binary, args):
    out = subprocess.run([binary, "probe", "--quiet", "--format", "json"] + args,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def ours_bandwidth(binary, kernel, size, threads):
    p = ours(binary, ["--phases", "bandwidth", "--kernels", kernel, "--sizes", size, "--threads", str(threads)])
    summary = p["bandwidth"][0]["algorithmicBytesPerSecond"]
    return summary["best"], summary["median"]


def ours_flops(binary, dtype, threads):
    p = ours(binary, ["--phases", "flops", "--threads", str(threads)])
    summary = next(f["flopsPerSecond"] for f in p["flops"] if f["dataType"] == dtype and f["threads"] == threads)
    return summary["best"], summary["median"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--binary", default=".build/release/roofline")
    parser.add_argument("--quick", action="store_true", help="only triad and load, DRAM and L1")
    parser.add_argument("--only", default=None, help="only the cases whose label matches this regular expression")
    options = parser.parse_args()
    ensure_likwid()
    if not os.path.exists(options.binary):
        log("building release binary")
        subprocess.run(["swift", "build", "-c", "release"], check=True, stdout=subprocess.DEVNULL)
    suffix = "_avx512" if "avx512f" in cpu_flags() else "_avx"
    all_threads = len(os.sched_getaffinity(0))
    thread_counts = sorted({1, all_threads})
    pairs = [p for p in PAIRS if p[0] in ("load", "triad")] if options.quick else PAIRS
    levels = ["L1", "DRAM"] if options.quick else ["L1", "L2", "DRAM"]

    cases = []
    for level in levels:
        for threads in thread_counts:
            size = dict(sizes(threads))[level]
            for our, theirs in pairs:
                cases.append(("bandwidth", f"{our} {level} {size}", our, theirs + suffix, size, threads))
    for threads in thread_counts:
        cases.append(("flops", "peak fp64", "fp64", "peakflops" + suffix + "_fma", "32kB", threads))
        cases.append(("flops", "peak fp32", "fp32", "peakflops_sp" + suffix + "_fma", "32kB", threads))

    if options.only:
        cases = [c for c in cases if re.search(options.only, c[1])]
    ratios = {case: [] for case in cases}
    median_ratios = {case: [] for case in cases}
    values = {case: [] for case in cases}
    for round_number in range(1, options.rounds + 1):
        for case in cases:
            kind, label, our, theirs, size, threads = case
            log(f"round {round_number}: {label}, {threads} thread(s): ours vs {theirs}")
            if kind == "bandwidth":
                a, a_median = ours_bandwidth(options.binary, our, size, threads)
            else:
                a, a_median = ours_flops(options.binary, our, threads)
            b = likwid(theirs, size, threads)
            ratios[case].append(a / b)
            median_ratios[case].append(a_median / b)
            values[case].append((a, b))

    print(f"roofline probe vs likwid-bench, {options.rounds} rounds, alternating; algorithmic bytes; "
          f"ratio = our best (STREAM convention) / likwid, median of rounds with min–max; "
          f"'med' uses our median sample instead of our best")
    print(f"{'case':<24} {'threads':>7} {'likwid peer':<26} {'ours':>12} {'likwid':>12} {'ratio':>7} {'min':>6} {'max':>6} {'med':>6}")
    for case in cases:
        kind, label, our, theirs, size, threads = case
        unit, scale = ("GB/s", 1e9) if kind == "bandwidth" else ("GFLOP/s", 1e9)
        a = statistics.median(v[0] for v in values[case]) / scale
        b = statistics.median(v[1] for v in values[case]) / scale
        r = ratios[case]
        print(f"{label:<24} {threads:>7} {theirs:<26} {a:>8.1f} {unit:<3} {b:>8.1f} {unit:<3} "
              f"{statistics.median(r):>7.3f} {min(r):>6.3f} {max(r):>6.3f} {statistics.median(median_ratios[case]):>6.3f}")


if __name__ == "__main__":
    main()
