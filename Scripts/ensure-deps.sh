#!/usr/bin/env bash
# Installs the C libraries climep links (GMP, MPFR, zlib) from Debian when they are
# missing, and nothing otherwise. Used by the README's commands and .ci/run.
set -euo pipefail

missing=()
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
pkg-config --exists gmp 2>/dev/null || missing+=(libgmp-dev)
pkg-config --exists mpfr 2>/dev/null || missing+=(libmpfr-dev)
pkg-config --exists zlib 2>/dev/null || missing+=(zlib1g-dev)

if ((${#missing[@]})); then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "installing ${missing[*]}" >&2
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
fi
