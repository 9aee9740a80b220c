#!/usr/bin/env bash
# Installs the Debian packages neurowatt needs (only those missing, so a
# second run is fast), then configures and builds into build/. Chromium is
# there for the test that renders an HTML report in a real browser;
# python3-protobuf for the tests that run examples/write_architecture.py
# with the Python module the build generates from proto/; pybind11-dev and
# python3-dev build the Python package's extension (python/module.cc) for
# Debian's /usr/bin/python3.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  cmake g++ make
  libprotobuf-dev protobuf-compiler
  python3-protobuf python3-dev pybind11-dev
  libonnx-dev
  libhdf5-dev
  libabsl-dev
  libboost-graph-dev
  nlohmann-json3-dev
  libgtest-dev
  libbenchmark-dev
  libopenblas-dev
  libpng-dev
  chromium
)

./scripts/install_packages.sh "${packages[@]}"

cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNEUROWATT_WERROR=ON >&2
cmake --build build -j"$(nproc)" >&2
