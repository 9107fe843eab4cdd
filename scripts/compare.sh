#!/usr/bin/env bash
# Times every workload of `bnlab bench --suite` against PyTorch: bnlab and scripts/torch_bench.py
# alternate ROUNDS times per workload; prints one table with the median images/s of each side,
# their ratio, each side's peak resident memory and the memory ratio.
# Usage: [ONLY=regex] scripts/compare.sh [ROUNDS]   (after `swift build -c release --product bnlab`;
#        PyTorch in /tmp/tv). ONLY keeps the workloads whose name matches, e.g. ONLY="^deep-6" or ONLY="t1$".
# The workloads are BenchSuite.swift's table (`bnlab bench --list-suite`: name|bnlab args|torch args);
# add one there and it is timed here too.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${1:-3}
PY=/tmp/tv/bin/python
BN=.build/release/bnlab
[ -x "$BN" ] || { echo "compare.sh: $BN missing; run swift build -c release --product bnlab" >&2; exit 1; }

value() { grep -o "$1=[0-9.]*" | head -1 | cut -d= -f2; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $ROUNDS alternating rounds"
printf "%-22s %9s %9s %6s %9s %9s %6s\n" workload bnlab/s torch/s ratio bnlab_MB torch_MB mem
while IFS='|' read -r name ours theirs; do
  if [[ -n "${ONLY:-}" && ! "$name" =~ $ONLY ]]; then continue; fi
  ob=""; ot=""; mb=""; mt=""
  for _ in $(seq "$ROUNDS"); do
    # shellcheck disable=SC2086  # the arguments are split on purpose
    out=$(/usr/bin/time -f "maxrss_kb=%M" $BN bench $ours 2>&1)
    ob="$ob $(echo "$out" | value images_per_second)"; mb="$mb $(echo "$out" | value maxrss_kb)"
    # shellcheck disable=SC2086
    out=$(/usr/bin/time -f "maxrss_kb=%M" $PY scripts/torch_bench.py $theirs 2>&1)
    ot="$ot $(echo "$out" | value images_per_second)"; mt="$mt $(echo "$out" | value maxrss_kb)"
  done
  b=$(echo "$ob" | median); t=$(echo "$ot" | median)
  bm=$(echo "$mb" | median); tm=$(echo "$mt" | median)
  printf "%-22s %9.0f %9.0f %6.2f %9.0f %9.0f %6.2f\n" "$name" "$b" "$t" "$(echo "$b / $t" | bc -l)" \
    "$(echo "$bm / 1024" | bc -l)" "$(echo "$tm / 1024" | bc -l)" "$(echo "$bm / $tm" | bc -l)"
done < <($BN bench --list-suite)
