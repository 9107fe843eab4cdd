#!/usr/bin/env bash
# Alternates `bnlab bench` and the PyTorch benchmarks, ROUNDS times per configuration, and prints
# the median images/s of each side, their ratio and each side's peak resident memory.
# Usage: [ONLY=regex] scripts/compare.sh [ROUNDS]   (after `swift build -c release`; PyTorch in /tmp/tv)
# ONLY keeps the configurations whose name matches, e.g. ONLY="^convnet" or ONLY="t1$".
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
PY=/tmp/tv/bin/python
ANCHOR=../shared/anchors/torch_convnet_bench.py
[ -f "$ANCHOR" ] || ANCHOR=/work/shared/anchors/torch_convnet_bench.py
BN=.build/release/bnlab

# name | bnlab arguments | PyTorch command
CONFIGS=(
  "convnet-bn t1|--threads 1|$ANCHOR --threads 1 --bn 1"
  "convnet-bn t2|--threads 2|$ANCHOR --threads 2 --bn 1"
  "convnet t1|--threads 1 --no-bn|$ANCHOR --threads 1 --bn 0"
  "convnet t2|--threads 2 --no-bn|$ANCHOR --threads 2 --bn 0"
  "deep-6-bn t1|--model deep --depth 6 --threads 1|scripts/torch_bench.py --model deep --depth 6 --bn 1 --threads 1"
  "deep-6-bn t2|--model deep --depth 6 --threads 2|scripts/torch_bench.py --model deep --depth 6 --bn 1 --threads 2"
  "deep-6 t1|--model deep --depth 6 --no-bn --threads 1|scripts/torch_bench.py --model deep --depth 6 --bn 0 --threads 1"
  "deep-6 t2|--model deep --depth 6 --no-bn --threads 2|scripts/torch_bench.py --model deep --depth 6 --bn 0 --threads 2"
  "inference t1|--inference --threads 1|scripts/torch_bench.py --inference --threads 1"
  "inference t2|--inference --threads 2|scripts/torch_bench.py --inference --threads 2"
)

value() { grep -o "$1=[0-9.]*" | head -1 | cut -d= -f2; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

printf "%-14s %10s %10s %6s %9s %9s\n" config bnlab torch ratio bnlab_MB torch_MB
for c in "${CONFIGS[@]}"; do
  IFS='|' read -r name ours theirs <<<"$c"
  if [[ -n "${ONLY:-}" && ! "$name" =~ $ONLY ]]; then continue; fi
  ob=""; ot=""; mb=0; mt=0
  for _ in $(seq "$ROUNDS"); do
    out=$(/usr/bin/time -f "maxrss_kb=%M" $BN bench $ours 2>&1)
    ob="$ob $(echo "$out" | value images_per_second)"; mb=$(echo "$out" | value maxrss_kb)
    out=$(/usr/bin/time -f "maxrss_kb=%M" $PY $theirs 2>&1)
    ot="$ot $(echo "$out" | value images_per_second)"; mt=$(echo "$out" | value maxrss_kb)
  done
  b=$(echo "$ob" | median); t=$(echo "$ot" | median)
  printf "%-14s %10.0f %10.0f %6.2f %9.0f %9.0f\n" "$name" "$b" "$t" "$(echo "$b / $t" | bc -l)" \
    "$(echo "$mb / 1024" | bc -l)" "$(echo "$mt / 1024" | bc -l)"
done
