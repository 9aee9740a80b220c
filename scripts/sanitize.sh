#!/usr/bin/env bash
# The reliability checks CI runs after the main test suite:
#   1. builds the project with clang, AddressSanitizer and
#      UndefinedBehaviorSanitizer (and libFuzzer's coverage) in
#      build-sanitize/ and runs the whole test suite there;
#   2. runs each libFuzzer target in fuzz/ for FUZZ_SECONDS seconds
#      (default 60) from a seed corpus made of tests/data.
# Any sanitizer report, test failure, crash, leak or timeout fails the
# script; a fuzzer's finding is kept in build-sanitize/fuzz-findings/.
#
#   FUZZ_SECONDS=3600 scripts/sanitize.sh        # fuzz longer
#   FUZZ_ONLY=onnx FUZZ_SECONDS=600 scripts/sanitize.sh
#   build-sanitize/onnx_fuzzer build-sanitize/fuzz-corpus/onnx  # by hand
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install_packages.sh clang libclang-rt-14-dev

build=build-sanitize
fuzzers=(architecture onnx profile activity)
CC=clang CXX=clang++ cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNEUROWATT_SANITIZE=ON -DNEUROWATT_FUZZ=ON >&2
cmake --build "$build" -j"$(nproc)" --target neurowatt neurowatt_tests \
  "${fuzzers[@]/%/_fuzzer}" >&2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "sanitize: the test suite under ASan + UBSan" >&2
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"

# Seeds: every file of tests/data that the target reads.
seed() {
  local name=$1 dir=$build/fuzz-corpus/$1
  mkdir -p "$dir"
  case $name in
    architecture)
      cp tests/data/*.textproto "$dir"/
      local ex
      for ex in examples/*.textproto; do cp "$ex" "$dir/example-${ex##*/}"; done
      ;;
    onnx) cp tests/data/onnx/*.onnx "$dir"/ ;;
    profile) cp hw/profiles/*.textproto "$dir"/ ;;
    activity)
      printf '\0{"timesteps": 16, "spikes": {"input": 12, "fc1": 3.5}}' \
        >"$dir/seed-json"
      printf '\1layer,spikes\ninput,12\nfc1,3.5\n' >"$dir/seed-csv"
      ;;
  esac
  find tests/data/bad -type f -name "*.${2:-none}" -exec cp {} "$dir"/ \; \
    2>/dev/null || true
}
seconds=${FUZZ_SECONDS:-60}
mkdir -p "$build/fuzz-findings"
status=0
for f in "${fuzzers[@]}"; do
  if [[ -n "${FUZZ_ONLY:-}" && "$f" != "$FUZZ_ONLY" ]]; then continue; fi
  case $f in
    architecture) seed "$f" pb ;;
    onnx) seed "$f" onnx ;;
    *) seed "$f" ;;
  esac
  echo "sanitize: fuzzing $f for ${seconds}s" >&2
  if ! "$build/${f}_fuzzer" -max_total_time="$seconds" -timeout=20 \
      -rss_limit_mb=2560 -print_final_stats=1 \
      -artifact_prefix="$build/fuzz-findings/$f-" \
      "$build/fuzz-corpus/$f" >"$build/fuzz-$f.log" 2>&1; then
    echo "sanitize: $f fuzzer found a problem:" >&2
    tail -40 "$build/fuzz-$f.log" >&2
    status=1
  else
    grep -E "stat::number_of_executed_units|cov:" "$build/fuzz-$f.log" |
      tail -2 >&2 || true
  fi
done
exit "$status"
