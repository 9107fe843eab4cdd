#!/usr/bin/env bash
# bnlab's one entry point on a fresh Debian machine.
#   ./setup.sh run [bnlab run options]   install what is missing, build (release), run the main job
#   ./setup.sh test                      install what is missing, run the whole test suite
# As root it installs missing Debian packages with apt-get; otherwise it prints the exact
# apt-get line and stops.
set -euo pipefail
cd "$(dirname "$0")"

PACKAGES=(pkg-config libcairo2-dev libpng-dev zlib1g-dev libopenblas-dev fonts-dejavu-core dataset-fashion-mnist)
mode=${1:-run}
# The tests also look at the report in a real browser (scripts/page-check.sh).
[[ "$mode" == test ]] && PACKAGES+=(chromium)

missing=()
for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "bnlab needs these Debian packages: ${missing[*]}" >&2
        echo "Install them as root, then run this again:" >&2
        echo "  apt-get update && apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    echo "==> installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
command -v swift >/dev/null || { echo "swift not found: install Swift 6 (https://swift.org/install) and put it on PATH" >&2; exit 1; }

shift || true
case "$mode" in
    run)
        echo "==> building bnlab (release)" >&2
        swift build -c release --product bnlab >&2
        exec .build/release/bnlab run "$@"
        ;;
    test)
        exec swift test "$@"
        ;;
    *)
        echo "usage: ./setup.sh run [options] | ./setup.sh test" >&2
        exit 2
        ;;
esac
