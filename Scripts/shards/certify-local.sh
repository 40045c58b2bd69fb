#!/usr/bin/env bash
# Certify with N shards as parallel local processes, then merge:
#
#   bash Scripts/shards/certify-local.sh N MODEL OUT.json [certify options…]
#
# e.g.  bash Scripts/shards/certify-local.sh 4 model.onnx cert.json --box=-1:1 --pieces 8
#
# Every shard runs `climep certify MODEL --shard K/N --out DIR/shard-K.json` with the
# given options (which fix g and the box); `climep merge` then writes OUT.json, the
# certificate an unsharded `climep certify` writes. Options for the DecisionNet
# (--dnet, --max-dnet-parameters, --training) and thresholds belong to merge: set
# CLIMEP_MERGE_OPTIONS="--dnet exact" to pass them. CLIMEP is the climep binary
# (default: `climep` on the PATH, else .build/release/climep).
set -euo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 N MODEL OUT.json [certify options…]" >&2
    exit 2
fi
n=$1 model=$2 out=$3
shift 3
climep=${CLIMEP:-$(command -v climep || echo .build/release/climep)}
dir=$(mktemp -d "${TMPDIR:-/tmp}/climep-shards.XXXXXX")
trap 'rm -rf "$dir"' EXIT
pids=()
for ((k = 0; k < n; k++)); do
    "$climep" certify "$model" --shard "$k/$n" --out "$dir/shard-$k.json" "$@" > "$dir/shard-$k.log" 2>&1 &
    pids+=($!)
done
failed=0
for k in "${!pids[@]}"; do
    if ! wait "${pids[$k]}"; then
        echo "shard $k of $n failed:" >&2
        cat "$dir/shard-$k.log" >&2
        failed=1
    fi
done
[ "$failed" = 0 ] || exit 1
# shellcheck disable=SC2086
"$climep" merge "$dir"/shard-*.json --model "$model" --out "$out" ${CLIMEP_MERGE_OPTIONS:-}
