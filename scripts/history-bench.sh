#!/usr/bin/env bash
# The history budget (issue 17): adding a run and rendering the trend of 1,000 recorded runs, under 2 s together.
#   scripts/history-bench.sh [RUNS]     (needs a release build: swift build -c release --product bnlab)
# Records RUNS (1000) copies of a real metrics.json (the committed v1 fixture, rendered to today's schema)
# with noisy accuracies and a step, then times `history add` of one more and the trend's share of `render`.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-1000}
bnlab=.build/release/bnlab
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$bnlab" render --results Tests/ReportTests/Fixtures/metrics-v1.json --out "$work/base" >/dev/null
python3 - "$work" "$runs" <<'PY'
import json, random, sys, datetime
work, runs = sys.argv[1], int(sys.argv[2])
base = json.load(open(f"{work}/base/metrics.json"))
random.seed(0)
t0 = datetime.datetime(2024, 1, 1)
for n in range(runs + 1):
    e = json.loads(json.dumps(base))
    e["timings"]["startedAt"] = (t0 + datetime.timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
    e["timings"]["totalSeconds"] = 100 + random.gauss(0, 3)
    for m in e["findings"]:
        if m["unit"] == "accuracy" and m.get("value") is not None:
            m["value"] += random.gauss(0, 0.003) - (0.03 if n > runs // 2 else 0)
    json.dump(e, open(f"{work}/run{n}.json", "w"))
PY
echo "recording $runs runs…" >&2
for ((n = 0; n < runs; n++)); do "$bnlab" history add "$work/run$n.json" --db "$work/h.sqlite" >/dev/null; done
now() { date +%s.%N; }
t0=$(now); "$bnlab" history add "$work/run$runs.json" --db "$work/h.sqlite" >/dev/null; t1=$(now)
"$bnlab" render --results "$work/run$runs.json" --out "$work/plain" >/dev/null; t2=$(now)
"$bnlab" render --results "$work/run$runs.json" --out "$work/trend" --history "$work/h.sqlite" >/dev/null; t3=$(now)
python3 - "$t0" "$t1" "$t2" "$t3" "$runs" <<'PY'
import sys
t0, t1, t2, t3, runs = map(float, sys.argv[1:])
add, plain, trend = t1 - t0, t2 - t1, t3 - t2
print(f"history of {int(runs)} runs: add {add:.3f} s; render {plain:.3f} s without the trend, {trend:.3f} s with it "
      f"(trend {trend - plain:+.3f} s); add + trend {add + trend - plain:.3f} s (budget 2 s)")
PY
