// The spiking simulator's speed: synaptic events delivered per second
// (the issue asks for at least 10^8 per core), for a dense layer, the
// Sinabs N-MNIST CNN and a converted MLP.
#include <benchmark/benchmark.h>

#include <random>

#include "model/nir/nir_file.h"
#include "simulate/spiking_network.h"

namespace neurowatt {
namespace {

NirTensor Tensor(std::vector<int64_t> shape, std::vector<float> v) {
  NirTensor t;
  t.shape = std::move(shape);
  t.values = std::move(v);
  return t;
}

// Input(1000) -> Affine(1000 -> 1000) -> LIF(1000): 5 % of the inputs
// spike each step, so a step delivers ~50,000 events.
void BM_SimulateDenseLayer(benchmark::State& state) {
  const int64_t n = 1000;
  std::mt19937 rng(1);
  std::normal_distribution<float> w(0, 0.05f);
  std::vector<float> weight(n * n);
  for (float& x : weight) x = w(rng);
  NirTensor shape;
  shape.shape = {1};
  shape.ints = {n};
  NirGraph g;
  g.nodes = {{"in", "Input", {{"shape", shape}}},
             {"a",
              "Affine",
              {{"weight", Tensor({n, n}, weight)},
               {"bias", Tensor({n}, std::vector<float>(n, 0))}}},
             {"lif",
              "LIF",
              {{"tau", Tensor({1}, {0.02f})},
               {"r", Tensor({1}, {1})},
               {"v_leak", Tensor({1}, {0})},
               {"v_threshold", Tensor({1}, {1})}}},
             {"out", "Output", {}}};
  g.edges = {{"in", "a"}, {"a", "lif"}, {"lif", "out"}};
  auto net = SpikingNetwork::Build(g, "bench", 1e-3);
  std::bernoulli_distribution spike(0.05);
  std::vector<std::vector<float>> steps(64, std::vector<float>(n));
  for (auto& s : steps) {
    for (float& x : s) x = spike(rng) ? 1.0f : 0.0f;
  }
  (*net)->Reset();
  size_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*net)->Step(steps[t++ % steps.size()]));
  }
  state.counters["events/s"] = benchmark::Counter(
      (*net)->Totals().synaptic_events, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulateDenseLayer)->Unit(benchmark::kMicrosecond);

// Sinabs's spiking CNN for N-MNIST, 5 % of its 2 x 34 x 34 inputs spiking.
void BM_SimulateSinabsCnn(benchmark::State& state) {
  auto g =
      ReadNirFile(std::string(NEUROWATT_TEST_DATA) + "/nir/cnn_sinabs.nir");
  auto net = SpikingNetwork::Build(*g, "cnn_sinabs.nir", 1.0);
  std::mt19937 rng(2);
  std::bernoulli_distribution spike(0.05);
  std::vector<std::vector<float>> steps(64, std::vector<float>(2 * 34 * 34));
  for (auto& s : steps) {
    for (float& x : s) x = spike(rng) ? 1.0f : 0.0f;
  }
  (*net)->Reset();
  size_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize((*net)->Step(steps[t++ % steps.size()]));
  }
  state.counters["events/s"] = benchmark::Counter(
      (*net)->Totals().synaptic_events, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_SimulateSinabsCnn)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace neurowatt
