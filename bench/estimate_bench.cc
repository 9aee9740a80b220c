// The von Neumann estimator on the largest preset: a sweep evaluates it
// thousands of times, so its cost per estimate and per layer matter.
#include <benchmark/benchmark.h>

#include "estimators/break_even.h"
#include "estimators/neuromorphic.h"
#include "estimators/von_neumann.h"
#include "hw/profile.h"
#include "model/source.h"
#include "validate/cases.h"

namespace neurowatt {
namespace {

// Rate coding, 16 steps at 0.05 spikes per neuron per step.
absl::StatusOr<SpikeActivity> Rate16(const NetworkCount& count) {
  v1::SpikeActivity s;
  s.set_coding(v1::SpikeActivity::RATE);
  s.set_timesteps(16);
  s.set_spike_rate(0.05);
  return ResolveSpikeActivity(count, s);
}

void BM_EstimateVonNeumannGpt3Full(benchmark::State& state) {
  auto model = LoadModel("preset:gpt3-175b-full", {});
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

// `neurowatt validate`: every published case loaded, priced and compared
// (the power model on five device profiles).
void BM_ValidateAllCases(benchmark::State& state) {
  for (auto _ : state) {
    auto results = RunValidation();
    benchmark::DoNotOptimize(results);
  }
  state.counters["cases_per_s"] =
      benchmark::Counter(static_cast<double>(PublishedCases().size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ValidateAllCases)->Unit(benchmark::kMillisecond);

// The same on a system of many chips: GPT-3 (fp32, 718 GB) on H100s sized
// by auto (16 chips: tensor-parallel over 8, two pipeline stages), whose
// collective plan walks every layer.
void BM_EstimateGpt3FullOnH100System(benchmark::State& state) {
  auto model = LoadModel("preset:gpt3-175b-full", {});
  auto profile = LoadProfile("h100-sxm");
  const VonNeumannParams hw = CompileVonNeumann(*profile);
  int64_t chips = 0;
  for (auto _ : state) {
    auto cost = EstimateVonNeumann(model->count, hw);
    chips = cost->system.chips;
    benchmark::DoNotOptimize(cost);
  }
  state.counters["chips"] = static_cast<double>(chips);
  state.counters["layers_per_s"] =
      benchmark::Counter(static_cast<double>(model->count.layers.size()),
                         benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_EstimateGpt3FullOnH100System)->Unit(benchmark::kMicrosecond);

// GPT-3 as a spiking network placed over the Loihi 2 chips it needs, with
// the spikes between chips priced on their links.
void BM_NeuromorphicGpt3OnLoihi2System(benchmark::State& state) {
  auto model = LoadModel("preset:gpt3-175b", {});
  auto profile = LoadProfile("loihi2");
  const NeuromorphicParams chip = CompileNeuromorphic(*profile);
  auto activity = Rate16(model->count);
  int64_t chips = 0;
  for (auto _ : state) {
    auto cost = EstimateNeuromorphic(model->count, chip, *activity, 0.05, 1,
                                     std::nullopt);
    chips = cost->chips;
    benchmark::DoNotOptimize(cost);
  }
  state.counters["chips"] = static_cast<double>(chips);
}
BENCHMARK(BM_NeuromorphicGpt3OnLoihi2System)->Unit(benchmark::kMicrosecond);

// A spiking estimate and a break-even solve (two estimates) on an MLP that
// fits one Loihi chip.
void BM_NeuromorphicAndBreakEven(benchmark::State& state) {
  auto model = LoadModel("preset:mlp:sizes=784-512-512-10", {});
  auto loihi = LoadProfile("loihi");
  const NeuromorphicParams chip = CompileNeuromorphic(*loihi);
  auto activity = Rate16(model->count);
  for (auto _ : state) {
    auto cost = EstimateNeuromorphic(model->count, chip, *activity, 0.05, 1,
                                     std::nullopt);
    auto point =
        SolveBreakEven(model->count, chip, *activity, 1, std::nullopt, 4.4e-4);
    benchmark::DoNotOptimize(cost);
    benchmark::DoNotOptimize(point);
  }
}
BENCHMARK(BM_NeuromorphicAndBreakEven)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace neurowatt
