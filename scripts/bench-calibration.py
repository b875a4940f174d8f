#!/usr/bin/env python3
"""Holds the bundled calibrations against the bundled measured tables, in-sample and across devices, and prints the
model's errors beside the bound's: median and 90th percentile of |predicted ÷ measured − 1| per kernel kind.

Cross-device rows fit on one device and predict another with that device's own peaks and bandwidth (the rescaling a
device without measurements gets). Acceptance targets (issue 12): median ≤ 15 %, p90 ≤ 35 % cross-device for GEMM,
prefill attention, decode attention and all-reduce. A benchmark, not a test: it prints ratios and never fails.
Usage: python3 scripts/bench-calibration.py [ROOFLINE_BINARY]   (run from the repository root after `swift build`)
"""
import json, os, subprocess, sys

BINARY = sys.argv[1] if len(sys.argv) > 1 else '.build/debug/roofline'
MEASURED = 'Sources/RooflineCalibration/Data/measured'
TABLES = ['gemm', 'context_attention', 'generation_attention', 'collectives']
KINDS = ['gemm', 'prefill-attention', 'decode-attention', 'all-reduce']
# GEMM split by data type too: the A100 has no fp8, so A100 → H100 predicts H100's fp8 GEMMs (whose measured time
# includes dynamic activation quantization) from bf16.
DETAIL = ['gemm/bf16', 'gemm/fp8']
DEVICE = {'a100': 'a100', 'h100': 'h100', 'b200': 'b200'}
PAIRS = [('a100', 'a100'), ('h100', 'h100'), ('b200', 'b200'),
         ('a100', 'h100'), ('h100', 'a100'), ('h100', 'b200'), ('b200', 'h100')]


def check(fit, target):
    files = [os.path.join(MEASURED, f'{target}_sxm_{t}.csv') for t in TABLES]
    out = subprocess.run([BINARY, 'calibrate', *files, '--device', DEVICE[target], '--check',
                          '--calibration', f'{fit}-sxm', '--format', 'json'], check=True, capture_output=True, text=True)
    return {s['kernel']: s for s in json.loads(out.stdout)['summaries']}


def pct(x):
    return f'{x * 100:5.1f} %'


rows = []
for fit, target in PAIRS:
    summaries = check(fit, target)
    for kind in KINDS + [k for k in DETAIL if k in summaries]:
        s = summaries[kind]
        rows.append((f'{fit} → {target}', 'in-sample' if fit == target else 'cross-device', kind, s['rows'],
                     s['modelMedianError'], s['modelP90Error'], s['boundMedianError'], s['boundP90Error']))

header = ('fit → predict', 'kind of check', 'kernel', 'rows', 'model median', 'model p90', 'bound median', 'bound p90',
          'target met')
print('|' + '|'.join(header) + '|')
print('|' + '|'.join(['---'] * 3 + ['---:'] * 5 + ['---']) + '|')
for name, scope, kind, count, mm, mp, bm, bp in rows:
    met = '' if scope == 'in-sample' else ('yes' if mm <= 0.15 and mp <= 0.35 else 'no')
    print(f'|{name}|{scope}|{kind}|{count}|{pct(mm)}|{pct(mp)}|{pct(bm)}|{pct(bp)}|{met}|')
