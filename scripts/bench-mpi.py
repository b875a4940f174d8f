#!/usr/bin/env python3
"""Our ping-pong (`roofline probe --mpi`) against mpi4py's (`python3 -m mpi4py.bench pingpong`) on the same ranks.

Two setups: 2 ranks on this machine (`mpirun -np 2`), and 3 "hosts" in network namespaces (scripts/mpi-netns.sh,
root only; ranks 0 and 1 compared, on the same two hosts for both tools). Each round runs ours then mpi4py's with
the same mpirun options; both time every round trip alone with MPI_Wtime after warm-up iterations and report the mean
half round trip per size, with mpi4py.bench's iteration counts (ours: --message-timing mpi4py) and, by default, from
fresh buffers never written as mpi4py.bench's numpy.empty ones (ours: --untouched-buffers; --written-buffers
compares our default instead: large sends of written data cost DRAM reads the zero page does not). Prints, per message
size of 1 KiB and more, the ratio ours ÷ mpi4py of latency and of bandwidth (median, min and max over the rounds).

    python3 scripts/bench-mpi.py [--rounds 3] [--max-size 67108864] [--setups local,netns]

Needs OpenMPI (mpirun) and mpi4py with NumPy (pip install mpi4py numpy); build first (swift build).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NETNS = os.path.join(ROOT, "scripts", "mpi-netns.sh")
PREFIX = "rfbench"


def binary():
    for configuration in ("release", "debug"):
        path = os.path.join(ROOT, ".build", configuration, "roofline")
        if os.path.exists(path):
            return path
    sys.exit("bench-mpi.py: build first (swift build -c release)")


def mpirun_options(setup):
    root = ["--allow-run-as-root"] if os.geteuid() == 0 else []
    if setup == "local":
        return root + ["--oversubscribe", "-np", "2"]
    hosts = subprocess.check_output([NETNS, "hosts"], text=True).strip()
    return root + ["--host", hosts, "--mca", "plm_rsh_agent", f"{NETNS} agent {PREFIX}",
                   "--mca", "btl", "tcp,self", "--mca", "btl_tcp_if_include", "10.199.77.0/24",
                   "--mca", "oob_tcp_if_include", "10.199.77.0/24",
                   # Three ranks on this machine's CPUs: waiting ranks yield (both tools alike), and no binding, which
                   # would put the rank of every namespace "node" on its first core, CPU 0 for all of them.
                   "--mca", "mpi_yield_when_idle", "1", "--bind-to", "none"]


def ours(setup, max_size, written):
    with tempfile.TemporaryDirectory() as folder:
        output = os.path.join(folder, "cluster.json")
        ranks = ["-np", "3"] if setup == "netns" else []
        command = ["mpirun"] + mpirun_options(setup) + ranks + [
            binary(), "probe", "--mpi", "--phases", "flops", "--threads", "1", "--samples", "1",
            "--message-timing", "mpi4py", "--max-message", str(max_size), "--quiet", "--output", output]
        if not written:
            command.append("--untouched-buffers")
        subprocess.run(command, check=True)
        with open(output) as handle:
            pair = json.load(handle)["network"]["pairs"][0]
        assert (pair["rankA"], pair["rankB"]) == (0, 1)
        return {point["bytes"]: point["meanSeconds"] for point in pair["points"]}


def theirs(setup, max_size):
    options = mpirun_options(setup)
    if setup == "netns":
        # Ranks 0 and 1 on the first two hosts, as our pair 0-1.
        hosts = options.index("--host") + 1
        options[hosts] = ",".join(options[hosts].split(",")[:2])
    command = ["mpirun"] + options + (["-np", "2"] if setup == "netns" else []) + [
        sys.executable, "-m", "mpi4py.bench", "pingpong", "-m", "8", "-n", str(max_size)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    times = {}
    for line in result.stdout.splitlines():
        if line.startswith("#") or "|" not in line:
            continue
        size = int(line.split()[0])
        times[size] = float(line.split("|")[1].split()[0])
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--max-size", type=int, default=64 << 20)
    parser.add_argument("--setups", default="local,netns")
    parser.add_argument("--written-buffers", action="store_true",
                        help="ours from written buffers (the default of probe --mpi) instead of untouched ones as mpi4py's")
    args = parser.parse_args()
    for setup in args.setups.split(","):
        if setup == "netns":
            if os.geteuid() != 0 or subprocess.run([NETNS, "up", PREFIX, "0"]).returncode != 0:
                print("netns: skipped (cannot make network namespaces: needs root and iproute2)")
                continue
        try:
            ratios = {}
            for round_index in range(args.rounds):
                print(f"{setup}: round {round_index + 1} of {args.rounds}", file=sys.stderr, flush=True)
                mine, other = ours(setup, args.max_size, args.written_buffers), theirs(setup, args.max_size)
                for size in sorted(set(mine) & set(other)):
                    if size >= 1024:
                        ratios.setdefault(size, []).append(mine[size] / other[size])
        finally:
            if setup == "netns":
                subprocess.run([NETNS, "down", PREFIX])
        print(f"\n{setup}: ours ÷ mpi4py.bench pingpong, {args.rounds} rounds (latency = mean half round trip; "
              "bandwidth = bytes ÷ latency, so its ratio is the inverse)")
        print(f"{'size (B)':>10} {'latency median':>15} {'min':>7} {'max':>7} {'bandwidth median':>17} {'min':>7} {'max':>7}  within 10 %")
        worst = 0.0
        for size, values in sorted(ratios.items()):
            median = statistics.median(values)
            bandwidth = [1 / v for v in values]
            worst = max(worst, abs(median - 1))
            print(f"{size:>10} {median:>15.3f} {min(values):>7.3f} {max(values):>7.3f} {statistics.median(bandwidth):>17.3f} "
                  f"{min(bandwidth):>7.3f} {max(bandwidth):>7.3f}  {'yes' if abs(median - 1) <= 0.10 else 'NO'}")
        print(f"{setup}: largest deviation of a median ratio from 1: {worst * 100:.1f} %")


if __name__ == "__main__":
    main()
