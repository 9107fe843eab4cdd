#!/usr/bin/env bash
# Submits a sharded bnlab run to Slurm: an array of 8 shard tasks, then a merge job that starts
# only once every task has succeeded (afterok). Run it from a directory on the shared filesystem:
#   PATH=/path/to/bnlab/.build/release:$PATH ./examples/slurm/submit.sh
# (sbatch passes the environment on, so bnlab is on the jobs' PATH too.)
# The shards and the report land in $WORK (default: ./bnlab-run); the report in $WORK/report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v bnlab >/dev/null || { echo "bnlab is not on PATH" >&2; exit 1; }
export WORK=${WORK:-$PWD/bnlab-run}
mkdir -p "$WORK/logs"

# --parsable prints the job id only; the array's tasks are 0-7 (shards 1/8 … 8/8).
array=$(sbatch --parsable --array=0-7 --output="$WORK/logs/shard-%a.log" "$here/shards.sbatch")
merge=$(sbatch --parsable --dependency=afterok:"$array" --output="$WORK/logs/merge.log" "$here/merge.sbatch")
echo "submitted shards as job $array (8 tasks) and the merge as job $merge; report: $WORK/report/index.html"
