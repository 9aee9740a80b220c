#!/usr/bin/env bash
# Installs the Debian packages neurowatt needs (only those missing, so a
# second run is fast), then configures and builds into build/. Chromium is
# there for the test that renders an HTML report in a real browser;
# python3-protobuf for the test that runs examples/write_architecture.py
# with the Python module the build generates from proto/.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make
  libprotobuf-dev protobuf-compiler
  python3-protobuf
  libonnx-dev
  libabsl-dev
  libboost-graph-dev
  nlohmann-json3-dev
  libgtest-dev
  libbenchmark-dev
  libopenblas-dev
  libpng-dev
  chromium
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
      grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ "$(id -u)" -ne 0 ]]; then sudo=(sudo); fi
  echo "setup: installing ${missing[*]}" >&2
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >&2
cmake --build build -j"$(nproc)" >&2
