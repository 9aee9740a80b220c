// Building and counting the largest preset: how long a user waits before
// `neurowatt count preset:gpt3-175b-full` can print anything.
#include <benchmark/benchmark.h>

#include "model/graph.h"
#include "model/presets.h"
#include "model/workload.h"

namespace neurowatt {
namespace {

void BM_BuildPresetGpt3Full(benchmark::State& state) {
  for (auto _ : state) {
    auto arch = BuildPreset("gpt3-175b-full");
    benchmark::DoNotOptimize(arch);
  }
}
BENCHMARK(BM_BuildPresetGpt3Full)->Unit(benchmark::kMillisecond);

void BM_GraphAndCountGpt3Full(benchmark::State& state) {
  auto arch = BuildPreset("gpt3-175b-full");
  for (auto _ : state) {
    auto graph = Graph::Build(*arch);
    auto count = CountNetwork(*graph);
    benchmark::DoNotOptimize(count);
  }
  state.counters["nodes"] = static_cast<double>(arch->nodes_size());
  state.counters["nodes_per_s"] =
      benchmark::Counter(static_cast<double>(arch->nodes_size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_GraphAndCountGpt3Full)->Unit(benchmark::kMillisecond);

void BM_EndToEndGpt3Full(benchmark::State& state) {
  for (auto _ : state) {
    auto arch = BuildPreset("gpt3-175b-full");
    auto graph = Graph::Build(*arch);
    auto count = CountNetwork(*graph);
    benchmark::DoNotOptimize(count);
  }
}
BENCHMARK(BM_EndToEndGpt3Full)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neurowatt
