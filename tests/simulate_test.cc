// The spiking simulator (simulate/spiking_network.h) against an exact solution,
// hand-worked steps and a dense reference.
#include <cmath>
#include <fstream>
#include <random>
#include <sstream>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "model/nir/nir_file.h"
#include "simulate/input_file.h"
#include "simulate/spiking_network.h"

namespace neurowatt {
namespace {

std::string Nir(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/nir/" + name;
}

NirTensor T(std::vector<int64_t> shape, std::vector<float> v) {
  return NirTensor::Floats(std::move(shape), std::move(v));
}

NirTensor I(std::vector<int64_t> v) { return NirTensor::Ints(std::move(v)); }

NirNode N(std::string name, std::string type,
          std::map<std::string, NirTensor> params = {}) {
  return {std::move(name), std::move(type), std::move(params)};
}

// The NIR paper's reference: Norse's LIF against the exact solution, 1,000
// steps of 0.1 ms. Every spike at the same step, and the voltage too.
TEST(SimulateTest, ReproducesTheExactLifSolutionSpikeForSpike) {
  auto graph = ReadNirFile(Nir("lif_norse.nir"));
  ASSERT_TRUE(graph.ok()) << graph.status();
  auto net = SpikingNetwork::Build(*graph, "lif_norse.nir", 1e-4);
  ASSERT_TRUE(net.ok()) << net.status();
  auto exact = ReadMatrix(Nir("lif_exact.csv"));
  ASSERT_TRUE(exact.ok()) << exact.status();
  ASSERT_EQ(exact->size(), 1000u);
  std::vector<std::vector<float>> input;
  for (const auto& row : *exact) input.push_back({row[0]});
  ASSERT_TRUE((*net)->Record("1").ok());
  RunFromRest(**net, input, 1000);
  const Trace& trace = (*net)->trace();
  ASSERT_EQ(trace.v.size(), 1000u);
  std::vector<int> ours, theirs;
  double worst = 0;
  for (size_t t = 0; t < 1000; ++t) {
    if (trace.spike[t] > 0) ours.push_back(static_cast<int>(t));
    if ((*exact)[t][2] > 0) theirs.push_back(static_cast<int>(t));
    worst = std::max(
        worst, std::abs(static_cast<double>(trace.v[t]) - (*exact)[t][1]));
  }
  EXPECT_EQ(ours, (std::vector<int>{460, 510, 710, 760}));
  EXPECT_EQ(ours, theirs);
  EXPECT_LT(worst, 1e-6);
  const SimulationResult r = (*net)->Totals();
  ASSERT_EQ(r.populations.size(), 1u);
  EXPECT_EQ(r.populations[0].layer, "0");  // the Affine holds the neuron
  EXPECT_DOUBLE_EQ(r.populations[0].spikes, 4);
  EXPECT_DOUBLE_EQ(r.input_spikes, 34);  // the file's input spikes
  EXPECT_DOUBLE_EQ(r.synaptic_events, 34);
  EXPECT_EQ(r.timesteps, 1000);
}

// IF with r = 1, threshold 1, a constant current 0.5 at dt = 1: v = 0.5,
// 1.0 (not above), 1.5 -> spike with 0.5 carried over, 1.0, 1.5 -> spike...
// at steps 2, 4, 6 and 8: reset by subtraction, as the exact crossing
// gives.
TEST(SimulateTest, IntegrateAndFireCarriesTheRemainder) {
  NirGraph g;
  g.nodes = {N("in", "Input", {{"shape", I({1})}}),
             N("if", "IF", {{"r", T({1}, {1})}, {"v_threshold", T({1}, {1})}}),
             N("out", "Output")};
  g.edges = {{"in", "if"}, {"if", "out"}};
  auto net = SpikingNetwork::Build(g, "if", 1.0);
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_TRUE((*net)->Record("if").ok());
  RunFromRest(**net, std::vector<std::vector<float>>(9, {0.5f}), 9);
  std::vector<int> spikes;
  for (size_t t = 0; t < 9; ++t) {
    if ((*net)->trace().spike[t] > 0) spikes.push_back(static_cast<int>(t));
  }
  EXPECT_EQ(spikes, (std::vector<int>{2, 4, 6, 8}));
  EXPECT_FLOAT_EQ((*net)->trace().v[2], 0.5f);
  // A population fed by no synapse node is its own layer.
  EXPECT_EQ((*net)->Totals().populations[0].layer, "if");
}

// A recurrent edge delivers in the next step: one input spike at step 0
// makes the neuron fire at 0 (v 1 -> 0.1), its own spike re-excites it at 1
// (1.1 -> 0.2), and so on.
TEST(SimulateTest, RecurrentEdgesDeliverOneStepLater) {
  NirGraph g;
  g.nodes = {
      N("in", "Input", {{"shape", I({1})}}),
      N("a", "Affine", {{"weight", T({1, 1}, {1})}, {"bias", T({1}, {0})}}),
      N("if", "IF", {{"r", T({1}, {1})}, {"v_threshold", T({1}, {0.9f})}}),
      N("rec", "Linear", {{"weight", T({1, 1}, {1})}}), N("out", "Output")};
  g.edges = {
      {"in", "a"}, {"a", "if"}, {"if", "rec"}, {"rec", "if"}, {"if", "out"}};
  auto net = SpikingNetwork::Build(g, "rec", 1.0);
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_TRUE((*net)->Record("if").ok());
  std::vector<std::vector<float>> input = {{1}, {0}, {0}, {0}};
  RunFromRest(**net, input, 4);
  const auto& s = (*net)->trace().spike;
  EXPECT_EQ(s, (std::vector<float>{1, 1, 1, 1}));
  // The Affine into "if" holds its neuron, not the recurrent Linear.
  EXPECT_EQ((*net)->Totals().populations[0].layer, "a");
  // Events: 1 input spike into a, and each of the 4 spikes into rec in the
  // step it is emitted (what rec delivers reaches "if" a step later).
  EXPECT_DOUBLE_EQ((*net)->Totals().synaptic_events, 1 + 4);
}

// Event-driven Conv2d and SumPool2d against a dense evaluation.
TEST(SimulateTest, EventDrivenConvolutionMatchesDense) {
  const int64_t C = 2, H = 6, W = 5, O = 3, K = 3, S = 2, P = 1;
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> w(O * C * K * K), b(O);
  for (float& x : w) x = u(rng);
  for (float& x : b) x = u(rng);
  NirGraph g;
  g.nodes = {N("in", "Input", {{"shape", I({C, H, W})}}),
             N("c", "Conv2d",
               {{"weight", T({O, C, K, K}, w)},
                {"bias", T({O}, b)},
                {"stride", I({S, S})},
                {"padding", I({P, P})},
                {"dilation", I({1, 1})},
                {"groups", I({1})}}),
             N("out", "Output")};
  g.edges = {{"in", "c"}, {"c", "out"}};
  auto net = SpikingNetwork::Build(g, "conv", 1.0);
  ASSERT_TRUE(net.ok()) << net.status();
  std::vector<float> x(C * H * W);
  std::bernoulli_distribution spike(0.3);
  for (float& v : x) v = spike(rng) ? 1.0f : 0.0f;
  (*net)->Reset();
  const std::vector<float> y = (*net)->Step(x);
  const int64_t OH = (H + 2 * P - K) / S + 1, OW = (W + 2 * P - K) / S + 1;
  ASSERT_EQ(static_cast<int64_t>(y.size()), O * OH * OW);
  for (int64_t o = 0; o < O; ++o) {
    for (int64_t oy = 0; oy < OH; ++oy) {
      for (int64_t ox = 0; ox < OW; ++ox) {
        double acc = b[o];
        for (int64_t c = 0; c < C; ++c) {
          for (int64_t ky = 0; ky < K; ++ky) {
            for (int64_t kx = 0; kx < K; ++kx) {
              const int64_t iy = oy * S - P + ky, ix = ox * S - P + kx;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              acc +=
                  w[((o * C + c) * K + ky) * K + kx] * x[(c * H + iy) * W + ix];
            }
          }
        }
        EXPECT_NEAR(y[(o * OH + oy) * OW + ox], acc, 1e-5);
      }
    }
  }
}

// Conv1d, kernel (1, 2, 3), padding 1: y[i] = x[i-1] + 2 x[i] + 3 x[i+1].
TEST(SimulateTest, OneDimensionalConvolution) {
  NirGraph g;
  g.nodes = {N("in", "Input", {{"shape", I({1, 5})}}),
             N("c", "Conv1d",
               {{"weight", T({1, 1, 3}, {1, 2, 3})},
                {"bias", T({1}, {0})},
                {"stride", I({1})},
                {"padding", I({1})},
                {"dilation", I({1})},
                {"groups", I({1})}}),
             N("out", "Output")};
  g.edges = {{"in", "c"}, {"c", "out"}};
  auto net = SpikingNetwork::Build(g, "conv1d", 1.0);
  ASSERT_TRUE(net.ok()) << net.status();
  (*net)->Reset();
  EXPECT_EQ((*net)->Step({0, 1, 0, 0, 1}), (std::vector<float>{3, 2, 1, 3, 2}));
}

TEST(SimulateTest, SumPoolCarriesEverySpike) {
  NirGraph g;
  g.nodes = {N("in", "Input", {{"shape", I({1, 2, 2})}}),
             N("p", "SumPool2d",
               {{"kernel_size", I({2, 2})},
                {"stride", I({2, 2})},
                {"padding", I({0, 0})}}),
             N("f", "Flatten", {{"start_dim", I({0})}, {"end_dim", I({-1})}}),
             N("a", "Affine",
               {{"weight", T({2, 1}, {1, 2})}, {"bias", T({2}, {0, 0})}}),
             N("out", "Output")};
  g.edges = {{"in", "p"}, {"p", "f"}, {"f", "a"}, {"a", "out"}};
  auto net = SpikingNetwork::Build(g, "pool", 1.0);
  ASSERT_TRUE(net.ok()) << net.status();
  (*net)->Reset();
  const std::vector<float> y = (*net)->Step({1, 1, 0, 1});
  EXPECT_EQ(y, (std::vector<float>{3, 6}));
  // 3 spikes into the pool, 3 carried to each of the Affine's 2 outputs.
  EXPECT_DOUBLE_EQ((*net)->Totals().synaptic_events, 3 + 3 * 2);
}

// CubaLIF: the current first, then the membrane, each exact over the step.
TEST(SimulateTest, CurrentBasedNeuronIntegratesItsCurrent) {
  NirGraph g;
  g.nodes = {N("in", "Input", {{"shape", I({1})}}),
             N("n", "CubaLIF",
               {{"tau_syn", T({1}, {2})},
                {"tau_mem", T({1}, {4})},
                {"r", T({1}, {1})},
                {"v_leak", T({1}, {0})},
                {"v_threshold", T({1}, {10})},
                {"w_in", T({1}, {1})}}),
             N("out", "Output")};
  g.edges = {{"in", "n"}, {"n", "out"}};
  auto net = SpikingNetwork::Build(g, "cuba", 1.0);
  ASSERT_TRUE(net.ok()) << net.status();
  ASSERT_TRUE((*net)->Record("n").ok());
  RunFromRest(**net, {{1}, {0}}, 2);
  const double as = std::exp(-0.5), am = std::exp(-0.25);
  const double i1 = 1 - as, v1 = i1 * (1 - am);
  const double i2 = i1 * as, v2 = i2 + (v1 - i2) * am;
  EXPECT_NEAR((*net)->trace().v[0], v1, 1e-6);
  EXPECT_NEAR((*net)->trace().v[1], v2, 1e-6);
}

TEST(SimulateTest, RejectsABadStep) {
  auto graph = ReadNirFile(Nir("lif_norse.nir"));
  ASSERT_TRUE(graph.ok());
  EXPECT_FALSE(SpikingNetwork::Build(*graph, "x", 0).ok());
  EXPECT_FALSE(SpikingNetwork::Build(*graph, "x", -1).ok());
  EXPECT_FALSE(SpikingNetwork::Build(*graph, "x", std::nan("")).ok());
}

}  // namespace
}  // namespace neurowatt
