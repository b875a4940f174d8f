#!/usr/bin/env python3
"""Writes the thinned measured kernel tables bundled in Sources/RooflineCalibration/Data/measured from the
AIConfigurator extracts in ../shared/reference/measured (or the folder given as the first argument).

The rows are copied unchanged (same columns, same values); only rows are dropped, by the rules below, so that the
three devices keep a common grid and the bundle stays small:
- GEMM: dtypes bf16 and fp8; n and k in N_K; m in M (values absent on a device are simply absent).
- Prefill (context) attention: head_dim 128, no sliding window, bf16 attention with a bf16 KV cache.
- Decode (generation) attention: head_dim 128, no sliding window, bf16 KV cache.
- Collectives: every row.
Usage: python3 scripts/thin-measurements.py [SOURCE_FOLDER]
"""
import csv, os, shutil, sys

SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '../../shared/reference/measured')
DEST = os.path.join(os.path.dirname(__file__), '../Sources/RooflineCalibration/Data/measured')
DEVICES = ['h100_sxm', 'b200_sxm', 'a100_sxm']
N_K = {64, 256, 1024, 2048, 4096, 6144, 8192, 12288, 16384, 65536}
M = {1, 2, 4, 8, 16, 32, 48, 64, 96, 128, 160, 192, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768}

RULES = {
    'gemm': lambda r: r['dtype'] in ('bf16', 'fp8') and int(r['n']) in N_K and int(r['k']) in N_K and int(r['m']) in M,
    'context_attention': lambda r: r['head_dim'] == '128' and r['window'] == '0' and r['attn_dtype'] == 'bf16'
        and r['kv_dtype'] == 'bf16',
    'generation_attention': lambda r: r['head_dim'] == '128' and r['window'] == '0' and r['kv_dtype'] == 'bf16',
    'collectives': lambda r: True,
}

os.makedirs(DEST, exist_ok=True)
for device in DEVICES:
    for table, keep in RULES.items():
        with open(os.path.join(SOURCE, f'{device}_{table}.csv'), newline='') as f:
            reader = csv.DictReader(f)
            rows = [r for r in reader if keep(r)]
            fields = reader.fieldnames
        with open(os.path.join(DEST, f'{device}_{table}.csv'), 'w', newline='') as f:
            writer = csv.DictWriter(f, fieldnames=fields, lineterminator='\n')
            writer.writeheader()
            writer.writerows(rows)
        print(f'{device}_{table}.csv: {len(rows)} rows')
for name in ['LICENSE-aiconfigurator', 'a100_sxm.yaml', 'b200_sxm.yaml', 'h100_sxm.yaml']:
    shutil.copy(os.path.join(SOURCE, name), os.path.join(DEST, name))
