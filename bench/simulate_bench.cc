// The spiking simulator's speed: synaptic events delivered per second
// (the issue asks for at least 10^8 per core), for a dense layer, the
// Sinabs N-MNIST CNN and a converted MLP.
#include <benchmark/benchmark.h>

#include <random>

#include "model/nir/nir_file.h"
#include "simulate/spiking_network.h"

namespace neurowatt {
namespace {

// Steps `net` through `inputs` in a loop and reports events per second.
void Run(benchmark::State& state, SpikingNetwork& net,
         const std::vector<std::vector<float>>& inputs) {
  net.Reset();
  size_t t = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(net.Step(inputs[t++ % inputs.size()]));
  }
  state.counters["events/s"] = benchmark::Counter(net.Totals().synaptic_events,
                                                  benchmark::Counter::kIsRate);
}

// 64 steps of `size` inputs, each spiking with probability `p`.
std::vector<std::vector<float>> Spikes(size_t size, double p, unsigned seed) {
  std::mt19937 rng(seed);
  std::bernoulli_distribution spike(p);
  std::vector<std::vector<float>> steps(64, std::vector<float>(size));
  for (auto& s : steps) {
    for (float& x : s) x = spike(rng) ? 1.0f : 0.0f;
  }
  return steps;
}

// Input(1000) -> Affine(1000 -> 1000) -> LIF(1000): 5 % of the inputs
// spike each step, so a step delivers ~50,000 events.
void BM_SimulateDenseLayer(benchmark::State& state) {
  const int64_t n = 1000;
  std::mt19937 rng(1);
  std::normal_distribution<float> w(0, 0.05f);
  std::vector<float> weight(n * n);
  for (float& x : weight) x = w(rng);
  NirGraph g;
  g.nodes = {{"in", "Input", {{"shape", NirTensor::Ints({n})}}},
             {"a",
              "Affine",
              {{"weight", NirTensor::Floats({n, n}, weight)},
               {"bias", NirTensor::Floats({n}, std::vector<float>(n, 0))}}},
             {"lif",
              "LIF",
              {{"tau", NirTensor::Floats({1}, {0.02f})},
               {"r", NirTensor::Floats({1}, {1})},
               {"v_leak", NirTensor::Floats({1}, {0})},
               {"v_threshold", NirTensor::Floats({1}, {1})}}},
             {"out", "Output", {}}};
  g.edges = {{"in", "a"}, {"a", "lif"}, {"lif", "out"}};
  auto net = SpikingNetwork::Build(g, "bench", 1e-3);
  Run(state, **net, Spikes(n, 0.05, 1));
}
BENCHMARK(BM_SimulateDenseLayer)->Unit(benchmark::kMicrosecond);

// Sinabs's spiking CNN for N-MNIST, 5 % of its 2 x 34 x 34 inputs spiking.
void BM_SimulateSinabsCnn(benchmark::State& state) {
  auto g =
      ReadNirFile(std::string(NEUROWATT_TEST_DATA) + "/nir/cnn_sinabs.nir");
  auto net = SpikingNetwork::Build(*g, "cnn_sinabs.nir", 1.0);
  Run(state, **net, Spikes(2 * 34 * 34, 0.05, 2));
}
BENCHMARK(BM_SimulateSinabsCnn)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace neurowatt
