#!/usr/bin/env bash
# Compares `neurowatt calibrate` with likwid-bench (Debian's `likwid`) on this
# machine: fp32 FMA peak and DRAM triad at 1 and 2 threads (or the threads
# given), as ratios neurowatt / likwid. The goal is 0.9-1.1.
#
#   scripts/compare_likwid.sh [BUILD_DIR] [THREADS...]
#
# likwid's kernel follows the ISA neurowatt's FMA kernel picks (AVX-512, else
# AVX2 FMA); its triad runs on 2 GB, past the last-level caches.
set -euo pipefail
build=${1:-build}
shift || true
threads=("$@")
((${#threads[@]})) || threads=(1 2)
command -v likwid-bench >/dev/null ||
  { echo "likwid-bench not found: apt-get install likwid" >&2; exit 2; }
if grep -qw avx512f /proc/cpuinfo; then
  flops=peakflops_sp_avx512_fma stream=stream_avx512
else
  flops=peakflops_sp_avx_fma stream=stream_avx
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-8s %-22s %12s %12s %7s\n' threads figure neurowatt likwid ratio
for t in "${threads[@]}"; do
  lf=$(likwid-bench -t "$flops" -W "N:128kB:$t" | awk '/^MFlops\/s/ {print $2 * 1e6}')
  lb=$(likwid-bench -t "$stream" -W "N:2GB:$t" | awk '/^MByte\/s/ {print $2 * 1e6}')
  "$build/neurowatt" calibrate --threads "$t" --format json \
    -o "$work/p$t.textproto" >"$work/c$t.json" 2>/dev/null
  python3 - "$work/c$t.json" "$t" "$lf" "$lb" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
t, lf, lb = sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
for name, ours, theirs in (("fp32 FMA peak FLOP/s", c["peak_flops_fp32"], lf),
                           ("DRAM triad B/s", c["dram_bandwidth_bytes_per_s"], lb)):
    print(f"{t:<8} {name:<22} {ours:12.4g} {theirs:12.4g} {ours / theirs:7.3f}")
PY
done
