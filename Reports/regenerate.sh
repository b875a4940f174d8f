#!/bin/sh
# Regenerates the kept example reports from the kept host profile and operator measurements. Run from the
# repository root after `swift build -c release`; ROOFLINE overrides the binary. PROBE=1 first measures this machine
# again (a full probe, then `roofline validate` against it), replacing the kept profile and operator measurements.
set -e
B=${ROOFLINE:-.build/release/roofline}
P=Reports/dev-host-profile.json
if [ "${PROBE:-0}" = 1 ]; then
    $B probe --quiet --output $P
    $B validate --profile $P --quiet --output Reports/dev-host-operators.json
fi
$B report --profile $P --validation Reports/dev-host-operators.json --output Reports/dev-host.md -q
$B report --profile $P --model llama-3.1-405b --prompt 10M --context 10M --batch 1 --device h200 \
    --weights bf16 --activations bf16 --kv bf16 --attention both --price 3 --efficiency 0.78 --output Reports/llama-3.1-405b-10m-h200-bf16.md -q
$B report --profile $P --model llama-3.1-405b --prompt 10M --context 10M --batch 1 --device h200 \
    --weights fp8 --activations fp8 --kv fp8 --attention both --price 3 --efficiency 0.78 --output Reports/llama-3.1-405b-10m-h200-fp8.md -q
$B report --probe none --model llama-3.1-8b --prompt 4096 --context 4096 --batch 1 --device h100 \
    --output Reports/llama-3.1-8b-decode-4k-h100.md -q
$B report --profile $P --model llama-3.1-70b --prompt 4096 --batch 32 --device h200,b200,mi300x \
    --output Reports/llama-3.1-70b-serving-h200-b200-mi300x.md -q
$B report --profile $P --model llama-3.1-70b --prompt 2048 --context 8k,32k --batch 1..256x2 --device h200,b200,mi300x \
    --output Reports/llama-3.1-70b-sweep-h200-b200-mi300x.md -q
$B report --probe none --model llama-3.1-70b --prompt 1024 --context 8k --batch 1..256x2 --device h200,b200,mi300x \
    --max-tpot 50ms --max-ttft 2s --output Reports/llama-3.1-70b-latency-target-h200-b200-mi300x.md -q
$B report --probe none --model llama-3.1-8b,mixtral-8x7b-v0.1 --weights bf16,fp8 --device h200 --csv \
    --output Reports/side-by-side-llama-3.1-8b-mixtral-8x7b-bf16-fp8-h200.md -q
$B report --probe none --model mixtral-8x7b-v0.1 --prompt 2048 --context 8k --batch 1..256x2 --device h200 \
    --max-tpot 20ms --max-ttft 2s --prefill-schedule serial --output Reports/mixtral-8x7b-latency-target-serial-prefill-h200.md -q
