#!/usr/bin/env bash
# Installs the system libraries the build links against and the tools the tests run (Debian/Ubuntu), only when
# they are missing.
set -euo pipefail
missing=()
[ -f /usr/include/numa.h ] || missing+=(libnuma-dev)
pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
# For `probe --mpi` and its tests (the binary loads libmpi at run time, so building does not need them): OpenMPI's
# mpirun and libmpi, iproute2 (ip, tc) for the namespace hosts, util-linux (unshare, taskset).
command -v mpirun >/dev/null 2>&1 || missing+=(openmpi-bin)
ls /usr/lib/*/openmpi/include/mpi.h >/dev/null 2>&1 || missing+=(libopenmpi-dev)
command -v ip >/dev/null 2>&1 && command -v tc >/dev/null 2>&1 || missing+=(iproute2)
command -v unshare >/dev/null 2>&1 && command -v taskset >/dev/null 2>&1 || missing+=(util-linux)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${missing[*]}" >&2
if ! $sudo apt-get install -y "${missing[@]}" >&2; then
    $sudo apt-get update >&2
    $sudo apt-get install -y "${missing[@]}" >&2
fi
