#!/usr/bin/env bash
# Install valgrind from the distribution's archive for the instruction-count tests (--measure instructions),
# unless it is already there. Idempotent: a second call only checks. Needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail

if command -v valgrind >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "valgrind.sh: no apt-get here; install valgrind with this system's package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq valgrind

command -v valgrind >/dev/null 2>&1
