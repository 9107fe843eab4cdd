#!/usr/bin/env bash
# Instructions per training step of one `bnlab bench` workload, counted by valgrind's callgrind:
# repeatable on a loaded machine, where wall-clock times are not. Runs the workload with A and B
# timed steps (after 1 warm-up step) and prints (Ir(B) − Ir(A)) / (B − A), so loading the data and
# building the model cancel out. Synthetic images (28×28, like Fashion-MNIST) keep the load short.
# Usage: scripts/step_instructions.sh [BINARY] -- <bnlab bench arguments>
#   e.g. scripts/step_instructions.sh -- --model deep --depth 6 --norm group --threads 1
# Env: A (default 1) and B (default 3) timed steps.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.build/release/bnlab
if [[ "${1:-}" != "--" ]]; then BIN=$1; shift; fi
shift   # --
A=${A:-1}; B=${B:-3}
# valgrind gives up on the Swift toolchain's DWARF ("possibly corrupted debuginfo"): count a copy
# without debug info (the symbol table stays, so callgrind_annotate still names functions)
STRIPPED=$(mktemp); trap 'rm -f "$STRIPPED"' EXIT
cp "$BIN" "$STRIPPED"; chmod +x "$STRIPPED"; strip --strip-debug "$STRIPPED"
count() {
  local out steps=$1; shift; out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$STRIPPED" bench --dataset synthetic --warmup 1 --steps "$steps" "$@" \
    >/dev/null 2>&1
  local ir; ir=$(grep -m1 '^summary:' "$out" | awk '{print $2}'); rm -f "$out" "$out".*; echo "$ir"
}
a=$(count "$A" "$@"); b=$(count "$B" "$@")
echo "instructions_per_step=$(( (b - a) / (B - A) )) ($BIN, steps $A and $B: $a, $b)"
