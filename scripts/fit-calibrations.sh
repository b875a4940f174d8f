#!/usr/bin/env bash
# Fits the bundled calibrations (Sources/RooflineCalibration/Data/calibrations) from the bundled measured tables
# (Data/measured, thinned from NVIDIA AIConfigurator by scripts/thin-measurements.py). Run from the repository root
# after `swift build`; ROOFLINE overrides the binary. Each calibration names the devices it is the closest measured
# architecture for: they get its floors and efficiencies at their own peaks and bandwidth.
set -euo pipefail
B=${ROOFLINE:-.build/debug/roofline}
D=Sources/RooflineCalibration/Data
SRC="NVIDIA AIConfigurator measured kernel tables (github.com/ai-dynamo/aiconfigurator @095f58a5, Apache-2.0), thinned in Data/measured"
fit() { # name device engine applies-to
    "$B" calibrate "$D/measured/$1"_*.csv --device "$2" --name "${1//_/-}" --source "$SRC: $3" \
        --applies-to "$4" --output "$D/calibrations/${1//_/-}.json"
}
fit h100_sxm h100 "H100 80GB HBM3, TRT-LLM 1.3.0rc20, NCCL 2.29.2" \
    nvidia-h100-sxm-80gb,nvidia-h100-pcie-80gb,nvidia-h200-sxm-141gb,nvidia-h20
fit b200_sxm b200 "B200, TRT-LLM 1.3.0rc20, NCCL 2.29.2" nvidia-b200-hgx,nvidia-gb200-per-gpu,nvidia-b300-hgx
fit a100_sxm a100 "A100-SXM4-80GB, vLLM 0.14.0, NCCL 2.27.3" nvidia-a100-sxm-80gb,nvidia-l40s
