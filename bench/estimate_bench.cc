// The von Neumann estimator on the largest preset: a sweep evaluates it
// thousands of times, so its cost per estimate and per layer matter.
#include <benchmark/benchmark.h>

#include "estimators/von_neumann.h"
#include "hw/profile.h"
#include "model/source.h"

namespace neurowatt {
namespace {

void BM_EstimateVonNeumannGpt3Full(benchmark::State& state) {
  auto model = LoadAndCount("preset:gpt3-175b-full", {});
  auto profile = LoadProfile("horowitz-45nm");
  const VonNeumannParams hw = CompileVonNeumann(*profile);
  for (auto _ : state) {
    auto cost = EstimateVonNeumann(model->count, hw);
    benchmark::DoNotOptimize(cost);
  }
  state.counters["layers_per_s"] =
      benchmark::Counter(static_cast<double>(model->count.layers.size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_EstimateVonNeumannGpt3Full)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace neurowatt
