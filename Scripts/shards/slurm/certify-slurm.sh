#!/usr/bin/env bash
# Certify with N shards as a Slurm job array, then merge in a job that runs once every
# shard succeeded; waits for the merge and exits with its status:
#
#   bash Scripts/shards/slurm/certify-slurm.sh N MODEL OUT.json [certify options…]
#
# The array's tasks run `climep certify MODEL --shard K/N` (certify-array.sbatch); the
# merge job runs `climep merge` on their shard files. SHARDS_DIR (default: a new folder
# beside OUT.json) must be on a file system every node sees; CLIMEP is the climep
# binary every node runs (default: `climep` on the PATH, else .build/release/climep);
# CLIMEP_MERGE_OPTIONS passes DecisionNet options to merge; SBATCH_OPTIONS (e.g.
# "--partition=cpu --time=01:00:00") go to both sbatch calls.
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 N MODEL OUT.json [certify options…]" >&2
    exit 2
fi
n=$1
model=$(realpath "$2")
out=$(realpath -m "$3")
shift 3
here=$(dirname "$(realpath "$0")")
climep=$(realpath "${CLIMEP:-$(command -v climep || echo .build/release/climep)}")
dir=${SHARDS_DIR:-$(mktemp -d "$(dirname "$out")/climep-shards.XXXXXX")}
dir=$(realpath "$dir")
rm -f "$out"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --array="0-$((n - 1))" --output="$dir/shard-%a.log" \
    "$here/certify-array.sbatch" "$climep" "$model" "$dir" "$@")
echo "submitted job array $array: $n shards into $dir" >&2
# shellcheck disable=SC2086
sbatch --parsable --wait ${SBATCH_OPTIONS:-} --job-name=climep-merge --dependency="afterok:$array" --kill-on-invalid-dep=yes \
    --output="$dir/merge.log" \
    --wrap="'$climep' merge '$dir'/shard-*.json --model '$model' --out '$out' ${CLIMEP_MERGE_OPTIONS:-}" > /dev/null \
    || status=$?
# A merge cancelled because a shard failed can still leave sbatch --wait with status 0.
if [ "${status:-0}" != 0 ] || [ ! -f "$dir/merge.log" ] || [ ! -f "$out" ]; then
    echo "no certificate: a shard or the merge failed; see $dir/*.log" >&2
    exit 1
fi
cat "$dir/merge.log"
