#!/usr/bin/env bash
# Install Chromium from the Debian archive for the browser tests (tests/browser/), unless it is already there.
# Idempotent: a second call only checks. Playwright drives this system browser; nothing is downloaded by
# `playwright install`. Needs root (or sudo) on a Debian or Ubuntu machine.
set -euo pipefail

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: no apt-get here; install Chromium with this system's package manager" >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y chromium

command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1
