#!/usr/bin/env bash
# Installs the system libraries the build links against (Debian/Ubuntu), only when they are missing.
set -euo pipefail
missing=()
[ -f /usr/include/numa.h ] || missing+=(libnuma-dev)
pkg-config --exists openblas 2>/dev/null || missing+=(libopenblas-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing ${missing[*]}" >&2
if ! $sudo apt-get install -y "${missing[@]}" >&2; then
    $sudo apt-get update >&2
    $sudo apt-get install -y "${missing[@]}" >&2
fi
