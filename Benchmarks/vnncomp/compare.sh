#!/usr/bin/env bash
# climep verify beside Marabou on the VNN-COMP 2021 instances of ../shared/benchmarks.
# Usage: Benchmarks/vnncomp/compare.sh [TIMEOUT_SECONDS] [climep|marabou|both]
# Prints one markdown row per instance: answers and wall times; climep's certificate is
# re-checked with `climep check` (its time is the last column). Needs a release build
# (swift build -c release --product climep) and, for Marabou, `pip install maraboupy onnxruntime` (its ONNX parser needs onnxruntime).
set -uo pipefail
cd "$(dirname "$0")/../.."
timeout_s=${1:-300}
which=${2:-both}
bench=../shared/benchmarks/vnncomp2021
climep=.build/release/climep
work=$(mktemp -d)
instances=(
  "test/test_nano.onnx test/test_nano.vnnlib"
  "test/test_tiny.onnx test/test_tiny.vnnlib"
  "test/test_small.onnx test/test_small.vnnlib"
  "test/test_sat.onnx test/test_prop.vnnlib"
  "test/test_unsat.onnx test/test_prop.vnnlib"
  "acasxu/ACASXU_run2a_1_1_batch_2000.onnx acasxu/prop_1.vnnlib"
  "acasxu/ACASXU_run2a_1_1_batch_2000.onnx acasxu/prop_2.vnnlib"
  "acasxu/ACASXU_run2a_1_1_batch_2000.onnx acasxu/prop_3.vnnlib"
  "acasxu/ACASXU_run2a_2_3_batch_2000.onnx acasxu/prop_1.vnnlib"
  "acasxu/ACASXU_run2a_2_3_batch_2000.onnx acasxu/prop_2.vnnlib"
  "acasxu/ACASXU_run2a_2_3_batch_2000.onnx acasxu/prop_3.vnnlib"
  "mnistfc/mnist-net_256x2.onnx mnistfc/prop_0_0.03.vnnlib"
  "eran/ffnnSIGMOID__Point_6x200.onnx eran/mnist_spec_idx_1013_eps_0.01500.vnnlib"
  "eran/ffnnSIGMOID__Point_6x200.onnx eran/mnist_spec_idx_1150_eps_0.01200.vnnlib"
)
echo "| model | property | climep | s | sub-boxes | check s | Marabou | s |"
echo "|---|---|---|---|---|---|---|---|"
for instance in "${instances[@]}"; do
  set -- $instance
  model=$bench/$1 prop=$bench/$2
  c_answer=- c_time=- c_boxes=- k_time=- m_answer=- m_time=-
  if [ "$which" != marabou ]; then
    start=$(date +%s.%N)
    "$climep" verify "$model" --vnnlib "$prop" --timeout "$timeout_s" --out "$work/cert.json" --json > "$work/out.json" 2>/dev/null
    status=$?
    c_time=$(echo "$(date +%s.%N) - $start" | bc | xargs printf "%.1f")
    c_answer=$(python3 -c "import json;print(json.load(open('$work/out.json'))['answer'])" 2>/dev/null || echo "error($status)")
    c_boxes=$(python3 -c "import json;print(json.load(open('$work/out.json'))['subBoxes'])" 2>/dev/null || echo -)
    if [ -f "$work/cert.json" ]; then
      start=$(date +%s.%N)
      if "$climep" check "$work/cert.json" --model "$model" --vnnlib "$prop" > /dev/null 2>&1; then k=ok; else k=FAILED; fi
      k_time="$(echo "$(date +%s.%N) - $start" | bc | xargs printf "%.1f") $k"
      rm -f "$work/cert.json"
    fi
  fi
  if [ "$which" != climep ]; then
    # Killed past its own limit (exit 124): a timeout; Marabou's own errors print "error".
    read -r m_answer m_time < <(timeout $((timeout_s + 60)) python3 Benchmarks/vnncomp/marabou_verify.py "$model" "$prop" "$timeout_s" 2>/dev/null || echo "timeout $timeout_s")
  fi
  echo "| $(basename "$1" .onnx) | $(basename "$2" .vnnlib) | $c_answer | $c_time | $c_boxes | $k_time | $m_answer | $m_time |"
done
rm -rf "$work"
