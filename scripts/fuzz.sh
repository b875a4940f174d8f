#!/usr/bin/env bash
# Fuzzes the parsers a user's files and options reach (model configs and GGUF headers and their counting, host profiles, operator
# validations, device files, sizes) with libFuzzer and AddressSanitizer, for a bounded time. Not a test: a run that
# finds nothing proves only that it found nothing. Usage: scripts/fuzz.sh [SECONDS] (default 120).
# Prints libFuzzer's summary (executions, time); a crash leaves its input in .build-fuzz/crashes, replayable with
# `swift build --product roofline-fuzz && .build/debug/roofline-fuzz FILE`.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-120}
scripts/install-deps.sh
swift build --scratch-path .build-fuzz --product roofline-fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
    -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld >&2
corpus=.build-fuzz/corpus
mkdir -p "$corpus" .build-fuzz/crashes
# Seeds: every bundled preset, the GGUF fixtures and broken GGUF headers, the kept host profile and operator
# validation, a device file, some sizes.
cp Sources/RooflineModels/Presets/*.json Reports/dev-host-profile.json Reports/dev-host-operators.json \
    Tests/RooflineModelsTests/Fixtures/gguf/*.gguf Tests/RooflineCLITests/BadInputs/gguf-*.gguf "$corpus"/
.build/debug/roofline devices --device h200 --format json > "$corpus/device-h200.json" 2>/dev/null \
    || swift run -q roofline devices --device h200 --format json > "$corpus/device-h200.json"
for size in 4096 128k 128Ki 10M 1e15 0B 32KiB; do printf '%s' "$size" > "$corpus/size-$size"; done
start=$(date +%s)
.build-fuzz/debug/roofline-fuzz -max_total_time="$seconds" -rss_limit_mb=4096 -timeout=10 -print_final_stats=1 \
    -artifact_prefix=.build-fuzz/crashes/ "$corpus" 2>&1 | grep -E "^(#[0-9]+ +(DONE|INITED)|Done|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY|artifact_prefix)"
echo "fuzzed for $(( $(date +%s) - start )) s; crashes kept: $(ls .build-fuzz/crashes | wc -l)"
