#!/usr/bin/env python3
"""Holds the bundled calibrations against the bundled measured tables, in-sample and across devices, and prints the
model's errors beside the bound's: median and 90th percentile of |predicted ÷ measured − 1| per kernel kind.

Cross-device rows fit on one device and predict another with that device's own peaks and bandwidth (the rescaling a
device without measurements gets). Acceptance targets (issue 12): median ≤ 15 %, p90 ≤ 35 % cross-device for GEMM,
prefill attention, decode attention and all-reduce. A benchmark, not a test: it prints ratios and never fails.
It ends with the fixed per-call costs each device's tables show (small all-reduces, the decode-attention floor and
its time per wave of thread blocks): a calibration carried to another device keeps them, so they set the error of
every call that is mostly fixed cost.
Usage: python3 scripts/bench-calibration.py [ROOFLINE_BINARY]   (run from the repository root after `swift build`)
"""
import csv, json, os, subprocess, sys

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

met = sum(1 for _, scope, kind, _, model_median, model_p90, _, _ in rows
          if scope == 'cross-device' and kind in KINDS and model_median <= 0.15 and model_p90 <= 0.35)
print(f'\n{met} of {4 * (len(PAIRS) - 3)} cross-device cells (fit → predict × {len(KINDS)} kernel kinds) meet median ≤ 15 % and p90 ≤ 35 %.')

# What a device's peaks cannot carry: the fixed costs of a call, read from the measured tables and the fitted models.
# A calibration moved to another device keeps these times (only the work terms scale with the peaks), so wherever a
# call is mostly fixed cost its cross-device error is the ratio of the two devices' fixed costs.
CALIBRATIONS = 'Sources/RooflineCalibration/Data/calibrations'


def fitted(device):
    with open(os.path.join(CALIBRATIONS, f'{device}-sxm.json')) as f:
        return json.load(f)


def median(values):
    values = sorted(values)
    n = len(values)
    return (values[(n - 1) // 2] + values[n // 2]) / 2 if values else float('nan')


print('\n|device|link GB/s (one way)|custom all-reduce ≤ 64 KiB, 8 GPUs|NCCL all-reduce ≤ 64 KiB, 8 GPUs|'
      'decode-attention floor|decode-attention time per wave (≤ 64 cached tokens, ≥ 8 waves)|')
print('|---|---:|---:|---:|---:|---:|')
for device in ['a100', 'h100', 'b200']:
    calibration = fitted(device)
    peaks = calibration['measuredOn']
    sms = peaks['streamingMultiprocessors']
    with open(os.path.join(MEASURED, f'{device}_sxm_collectives.csv')) as f:
        collectives = [r for r in csv.DictReader(f) if r['collective'] == 'all_reduce' and r['num_gpus'] == '8'
                       and float(r['message_bytes']) <= 65536]
    custom = median([float(r['latency_us']) for r in collectives if r['impl'] != 'nccl'])
    nccl = median([float(r['latency_us']) for r in collectives if r['impl'] == 'nccl'])
    floor = next(m['floorSeconds'] for m in calibration['models'] if m['kernel']['family'] == 'decode-attention') * 1e6
    with open(os.path.join(MEASURED, f'{device}_sxm_generation_attention.csv')) as f:
        per_wave = [(float(r['latency_us']) - floor) / (int(r['batch']) * int(r['num_kv_heads']) / sms)
                    for r in csv.DictReader(f)
                    if int(r['kv_len']) <= 64 and int(r['batch']) * int(r['num_kv_heads']) >= 8 * sms
                    and int(r['num_heads']) // int(r['num_kv_heads']) <= 32]
    print(f'|{device}|{peaks["linkBytesPerSecond"] / 1e9:.0f}|{custom:.2f} µs|{nccl:.2f} µs|{floor:.2f} µs|'
          f'{median(per_wave):.2f} µs ({len(per_wave)} rows)|')
