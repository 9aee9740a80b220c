#!/usr/bin/env bash
# The installed package as a user gets it: `cmake --install` of the build
# tree into a fresh prefix; the files a user needs are there; examples/cpp
# configures with find_package(neurowatt) against that prefix alone, builds
# and prices; the installed binary runs; the installed Python package
# imports (with its extension, where the build has one).
#
#   install_test.sh CMAKE BUILD_DIR SOURCE_DIR CXX GENERATOR LIBDIR PYTHON_DIR
#                   [PYTHON]
#
# LIBDIR and PYTHON_DIR are the install destinations relative to the prefix
# (CMAKE_INSTALL_LIBDIR, NEUROWATT_PYTHON_DIR); PYTHON is the interpreter
# the extension was built for, empty when there is none. Everything lives in
# a directory of its own (ctest runs tests in parallel), removed on exit.
set -euo pipefail
cmake=$1 build=$2 source=$3 cxx=$4 generator=$5 libdir=$6 pydir=$7
python=${8:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/neurowatt-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
fail() {
  echo "install_test: $*" >&2
  exit 1
}
run() {  # runs "$@" quietly, showing its output when it fails
  if ! "$@" >"$tmp/log" 2>&1; then
    cat "$tmp/log" >&2
    fail "failed: $*"
  fi
}

run "$cmake" --install "$build" --prefix "$prefix"

for f in \
  bin/neurowatt bin/neurowatt_kernels \
  include/neurowatt/neurowatt.h include/neurowatt/model/source.h \
  include/neurowatt/model/onnx/importer.h include/neurowatt/hw/hardware.h \
  include/neurowatt/estimators/pricing.h include/neurowatt/render/report.h \
  include/neurowatt/util/error.h include/neurowatt/v1/cost_report.pb.h \
  "$libdir"/libneurowatt_model.a "$libdir"/libneurowatt_render.a \
  "$libdir"/libneurowatt_proto.a \
  "$libdir"/cmake/neurowatt/neurowattConfig.cmake \
  "$libdir"/cmake/neurowatt/neurowattConfigVersion.cmake \
  "$libdir"/cmake/neurowatt/neurowattTargets.cmake \
  share/neurowatt/profiles/loihi.textproto \
  share/neurowatt/proto/neurowatt/v1/architecture.proto \
  "$pydir"/neurowatt/__init__.py "$pydir"/neurowatt/v1/architecture_pb2.py; do
  [[ -e "$prefix/$f" ]] || fail "not installed: $f"
done
# Nothing in the exported targets may point back into the build or source
# tree: the prefix must work once they are gone.
if grep -rlF -e "$build" -e "$source" "$prefix/$libdir/cmake/neurowatt"; then
  fail "the exported targets name the build or source tree"
fi

# A consumer that knows only the prefix.
run "$cmake" -S "$source/examples/cpp" -B "$tmp/price" -G "$generator" \
  -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_PREFIX_PATH="$prefix"
grep -qxF "neurowatt_DIR:PATH=$prefix/$libdir/cmake/neurowatt" \
  "$tmp/price/CMakeCache.txt" ||
  fail "examples/cpp found another neurowatt: $(grep neurowatt_DIR \
    "$tmp/price/CMakeCache.txt")"
run "$cmake" --build "$tmp/price"
"$tmp/price/price" preset:seed-mlp-4x3 >"$tmp/price.out" ||
  fail "price exited $?"
grep -q '^model: seed-mlp-4x3$' "$tmp/price.out" || fail "$(cat "$tmp/price.out")"
grep -qE '^  horowitz-45nm \(von_neumann\): [0-9.]+ [a-zµ]?J per inference$' \
  "$tmp/price.out" || fail "no horowitz-45nm line: $(cat "$tmp/price.out")"
grep -qE '^  loihi \(neuromorphic\): [0-9.]+ [a-zµ]?J per inference$' \
  "$tmp/price.out" || fail "no loihi line: $(cat "$tmp/price.out")"
grep -q '"energy_per_inference_joules"' "$tmp/price.out" ||
  fail "no JSON: $(cat "$tmp/price.out")"
if "$tmp/price/price" /nonexistent.onnx >/dev/null 2>"$tmp/price.err"; then
  fail "price succeeded on a missing file"
fi
grep -q '^price: .*/nonexistent.onnx' "$tmp/price.err" ||
  fail "price's error: $(cat "$tmp/price.err")"

# The installed binary, away from the build tree.
(cd "$tmp" && "$prefix/bin/neurowatt" count preset:seed-kv --format csv) \
  >"$tmp/count.csv" || fail "the installed neurowatt failed"
grep -q '^seed-kv,total,,10,40,' "$tmp/count.csv" ||
  fail "installed neurowatt count: $(cat "$tmp/count.csv")"

# The installed Python package.
if [[ -n "$python" ]]; then
  (cd "$tmp" && PYTHONPATH="$prefix/$pydir" "$python" -c '
import sys, neurowatt, neurowatt.v1.architecture_pb2
assert neurowatt.__file__.startswith(sys.argv[1]), neurowatt.__file__
assert neurowatt.count("preset:seed-kv")["totals"]["synapses"] == 40
r = neurowatt.estimate("preset:seed-kv", hw=["horowitz-45nm", "loihi"],
                       timesteps=4, spike_rate=0.1)
assert [h["name"] for h in r["hardware"]] == ["horowitz-45nm", "loihi"]
' "$prefix/") || fail "the installed Python package"
fi
echo "install_test: ok"
