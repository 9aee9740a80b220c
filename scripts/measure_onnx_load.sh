#!/usr/bin/env bash
# Measures how neurowatt loads a large ONNX file with its weights, against
# Python's onnx.load and against reading the file once (issue: big files).
#
#   scripts/measure_onnx_load.sh [FILE]
#
# Without FILE it exports GPT-2 small with its weights (about 650 MB) to
# /tmp/gpt2_full.onnx with scripts/export_onnx_fixtures.py, which needs
# Debian's python3-torch and python3-onnx (not needed by the build or CI).
# Each measurement runs on a warm page cache; /usr/bin/time reports wall
# time and peak resident memory (file pages mapped and touched count).
set -euo pipefail
cd "$(dirname "$0")/.."
file=${1:-/tmp/gpt2_full.onnx}
if [[ ! -f "$file" ]]; then
  /usr/bin/python3 scripts/export_onnx_fixtures.py --gpt2-full "$file"
fi
bin=./build/neurowatt
size=$(stat -c %s "$file")
echo "file: $file, $size bytes"
cat "$file" >/dev/null  # warm the page cache
measure() {
  local label=$1
  shift
  /usr/bin/time -f "%e %M" "$@" 2>&1 >/dev/null | tail -1 |
    awk -v l="$label" -v size="$size" \
      '{printf "%-34s %6.2f s  peak %7.0f MB  (%.2f x the file)\n", l, $1, $2 / 1024, $2 * 1024 / size}'
}
measure "read once (cat)" cat "$file"
measure "neurowatt count" "$bin" count "$file" --dim seq=128
measure "neurowatt count --weights" "$bin" count "$file" --dim seq=128 --weights
measure "python3 onnx.load" /usr/bin/python3 -c \
  "import onnx, sys; onnx.load(sys.argv[1])" "$file"
