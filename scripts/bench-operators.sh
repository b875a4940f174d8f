#!/usr/bin/env bash
# Benchmark for issue 6: real operators on this host against the roofline's predictions (a benchmark, not a test).
#
# 1. Builds the release binary and probes the host (full probe; QUICK=1 for the quick one) into a profile.
# 2. Runs `roofline validate` ROUNDS times (default 3) on that profile and prints the last round's table.
# 3. Prints the acceptance criteria with the median over the rounds:
#    DRAM-sized softmax (online), KV-cache read (fp32 and bf16) and RMSNorm: efficiency ≥ 0.8 of the memory-bound
#    prediction, with the profile's main-memory ceiling and with the one measured alongside each kernel (the load
#    kernel over the same working set, sampled alternately with it); sgemm 2048³ ≥ 0.7 of the
#    measured fp32 FMA peak; materialized/online softmax time ratio against the counted byte ratio.
# 4. Unless CORES=0: sgemm 2048³ under each OPENBLAS_CORETYPE (set in the environment, which the tool respects),
#    median of the rounds, to show which core is fastest and that each is correct.
#
# Usage: scripts/bench-operators.sh            (ROUNDS=3 QUICK=0 CORES=1 THREADS=all SAMPLES=7)
# The machine is shared and noisy: read medians and ratios, not single numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
SAMPLES=${SAMPLES:-7}
BIN=.build/release/roofline
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

swift build -c release >&2
THREAD_ARG=()
if [[ -n "${THREADS:-}" ]]; then THREAD_ARG=(--threads "$THREADS"); fi

echo "== host profile ($([[ "${QUICK:-0}" == 1 ]] && echo quick || echo full) probe)" >&2
if [[ "${QUICK:-0}" == 1 ]]; then
    "$BIN" probe --quick --quiet --format json --output "$WORK/profile.json"
else
    "$BIN" probe --quiet --format json --output "$WORK/profile.json"
fi

for round in $(seq 1 "$ROUNDS"); do
    echo "== validate round $round of $ROUNDS" >&2
    "$BIN" validate --profile "$WORK/profile.json" --samples "$SAMPLES" "${THREAD_ARG[@]}" --quiet --format json \
        --output "$WORK/round$round.json"
done

echo "\$ roofline validate --profile profile.json --samples $SAMPLES ${THREAD_ARG[*]}   (round $ROUNDS of $ROUNDS)"
python3 - "$WORK" "$ROUNDS" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
runs = [json.load(open(f"{work}/round{r}.json")) for r in range(1, rounds + 1)]

def fmt_s(x):
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if x >= scale: return f"{x / scale:.3g} {unit}"
    return f"{x:.3g} s"

last = runs[-1]
print(f"roofline: {last['roofline']['name']}; ceilings: " + ", ".join(
    f"{c['level']} {c['bytesPerSecond'] / 1e9:.1f} GB/s" for c in last['roofline']['bandwidthCeilings']) + "; " + ", ".join(
    f"{c['dataType']} {c['flopsPerSecond'] / 1e9:.1f} GFLOP/s" for c in last['roofline']['computeCeilings']))
header = ["kernel", "shape", "level", "bound", "predicted", "best", "median", "eff best", "eff med", "eff window", "achieved",
          "agreement"]
rows = []
for r in last["rows"]:
    m = r["measurement"]
    achieved = (f"{r['achievedBytesPerSecond'] / 1e9:.1f} GB/s" if r["predictedBound"] == "memory"
                else f"{r['achievedFlopsPerSecond'] / 1e9:.1f} GFLOP/s")
    rows.append([m["family"], m["shape"], r["memoryLevel"], r["predictedBound"], fmt_s(r["predictedSeconds"]),
                 fmt_s(m["seconds"]["best"]), fmt_s(m["seconds"]["median"]), f"{r['efficiencyBest']:.2f}",
                 f"{r['efficiencyMedian']:.2f}", f"{r['sameWindow']['efficiencyBest']:.2f}" if r.get("sameWindow") else "–",
                 achieved, r["agreement"]])
widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
for row in rows: print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)))
if last.get("openBLAS"):
    b = last["openBLAS"]
    print(f"OpenBLAS: core in use {b['coreInUse']}; own choice {b.get('libraryChoice')}; {b['decision']['reason']}")
print()

main = last["roofline"]["mainMemoryLevel"]
def per_round(pick):
    values = []
    for run in runs:
        v = pick(run)
        if v is not None: values.append(v)
    return values

def dram_row(run, family):
    return next((r for r in run["rows"] if r["measurement"]["family"] == family and r["memoryLevel"] == main), None)

def dram_eff(family, window=False):
    def pick(run):
        r = dram_row(run, family)
        if r is None: return None
        if window: return r["sameWindow"]["efficiencyBest"] if r.get("sameWindow") else None
        return r["efficiencyBest"]
    return pick

def window_rate(family):
    def pick(run):
        r = dram_row(run, family)
        return r["sameWindow"]["bytesPerSecond"] / 1e9 if r and r.get("sameWindow") else None
    return pick

def gemm_peak(run):
    peak = next(c["flopsPerSecond"] for c in run["roofline"]["computeCeilings"] if c["dataType"] == "fp32")
    for r in run["rows"]:
        if r["measurement"]["family"] == "sgemm prefill" and r["measurement"]["shape"] == "M=2048 N=2048 K=2048":
            return r["achievedFlopsPerSecond"] / peak

def softmax_ratio(run):
    for c in run["comparisons"]:
        shape = c["shape"]
        row = next(r for r in run["rows"] if r["measurement"]["family"] == "softmax online fp32" and r["measurement"]["shape"] == shape)
        if row["memoryLevel"] == main:
            return c["measuredTimeRatio"], c["countedBytesRatio"]

def span(values):
    return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"

profile_dram = [next(c["bytesPerSecond"] for c in run["roofline"]["bandwidthCeilings"] if c["level"] == main) / 1e9
                for run in runs][0]
print(f"Acceptance ({rounds} rounds; median [min–max] of the per-round values, best-of-{last['rows'][0]['measurement']['seconds']['count']} time each)")
print(f"  DRAM efficiencies against two ceilings: 'profile' = the probe's {main} ceiling ({profile_dram:.1f} GB/s); 'window' = the")
print(f"  load kernel over the same working set, sampled alternately with each kernel (this VM's bandwidth jumps between")
print(f"  about 33 and 55 GB/s within seconds, so a ceiling probed earlier can belong to the other mode)")
def line(label, values, threshold, family=None, window_values=None, rates=None):
    if not values:
        print(f"  {label}: not measured"); return
    def verdict(v): return "PASS" if statistics.median(v) >= threshold else "FAIL"
    extra = ""
    if family:
        bounds = [r["predictedBound"] + "-bound" for run in runs for r in run["rows"]
                  if r["measurement"]["family"] == family and r["memoryLevel"] == main]
        window_bounds = [r["sameWindow"]["predictedBound"] + "-bound" for run in runs for r in run["rows"]
                         if r["measurement"]["family"] == family and r["memoryLevel"] == main and r.get("sameWindow")]
        extra = f"  [roofline: {', '.join(sorted(set(bounds)))}; with the window ceiling: {', '.join(sorted(set(window_bounds)))}]"
    text = f"  {label}: {span(values)}  (≥ {threshold})  {verdict(values)}"
    if window_values:
        text += f"; window {span(window_values)} {verdict(window_values)}"
    if rates:
        text += f" (load alongside {span(rates)} GB/s)"
    print(text + extra)
for label, family in [("softmax online, DRAM, efficiency", "softmax online fp32"),
                      ("KV-cache read fp32, DRAM, efficiency", "decode attention fp32 KV"),
                      ("KV-cache read bf16, DRAM, efficiency", "decode attention bf16 KV"),
                      ("RMSNorm, DRAM, efficiency", "rmsnorm fp32")]:
    line(label, per_round(dram_eff(family)), 0.8, family, per_round(dram_eff(family, window=True)),
         per_round(window_rate(family)))
line("sgemm 2048³ / fp32 FMA peak", per_round(gemm_peak), 0.7)
ratios = per_round(softmax_ratio)
if ratios:
    measured = statistics.median(r[0] for r in ratios)
    counted = ratios[0][1]
    print(f"  softmax materialized / online at DRAM: time ×{measured:.2f} [{min(r[0] for r in ratios):.2f}–"
          f"{max(r[0] for r in ratios):.2f}], counted bytes ×{counted:.2f}")
PY

if [[ "${CORES:-1}" != 0 ]]; then
    echo
    echo "sgemm M=N=K=2048 by OPENBLAS_CORETYPE (set by this script in the environment; roofline respects it), median of $ROUNDS:"
    for core in default SkylakeX Cooperlake Zen Haswell Prescott; do
        values=()
        for round in $(seq 1 "$ROUNDS"); do
            if [[ "$core" == default ]]; then
                env -u OPENBLAS_CORETYPE "$BIN" validate --profile "$WORK/profile.json" --kernels gemm --quiet --format json \
                    "${THREAD_ARG[@]}" --output "$WORK/core.json"
            else
                OPENBLAS_CORETYPE=$core "$BIN" validate --profile "$WORK/profile.json" --kernels gemm --quiet --format json \
                    "${THREAD_ARG[@]}" --output "$WORK/core.json"
            fi
            values+=("$(python3 -c '
import json, sys
v = json.load(open(sys.argv[1]))
row = next(r for r in v["rows"] if r["measurement"]["family"] == "sgemm prefill" and r["measurement"]["shape"] == "M=2048 N=2048 K=2048")
checks = v["openBLAS"]["checks"]
print(v["openBLAS"]["coreInUse"], round(row["achievedFlopsPerSecond"] / 1e9, 1), "ok" if all(c["error"] <= c["bound"] for c in checks) else "WRONG")
' "$WORK/core.json")")
        done
        printf '%s\n' "${values[@]}" | python3 -c '
import statistics, sys
lines = [l.split() for l in sys.stdin if l.strip()]
rates = [float(l[1]) for l in lines]
print(f"  {sys.argv[1]:<10} core {lines[0][0]:<11} {statistics.median(rates):6.1f} GFLOP/s [{min(rates):.1f}–{max(rates):.1f}]  results {lines[0][2]}")
' "$core"
    done
fi
