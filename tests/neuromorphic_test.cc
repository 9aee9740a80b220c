// The neuromorphic estimator and the break-even solver against figures
// worked by hand from the loihi profile (hw/profiles/loihi.textproto):
//   synaptic op 23.6 pJ / 3.5 ns; neuron update active 81 pJ / 8.4 ns,
//   inactive 52 pJ; spike in core 1.7 pJ, hop 3.5 pJ; 104 mW per chip;
//   1,024 neurons and 131,072 synapses per core, 128 cores; step 465 ns.
#include "estimators/neuromorphic.h"

#include "estimators/break_even.h"
#include "estimators/von_neumann.h"
#include "gtest/gtest.h"
#include "hw/profile.h"
#include "model/source.h"
#include "util/error.h"

namespace neurowatt {
namespace {

constexpr double kPj = 1e-12;

NeuromorphicParams Chip(const std::string& name) {
  auto p = LoadProfile(name);
  EXPECT_TRUE(p.ok()) << p.status();
  return CompileNeuromorphic(*p);
}

NetworkCount Count(const std::string& source) {
  auto m = LoadModel(source, {});
  EXPECT_TRUE(m.ok()) << m.status();
  return m->count;
}

v1::SpikeActivity Rate(int64_t steps, double rate) {
  v1::SpikeActivity s;
  s.set_coding(v1::SpikeActivity::RATE);
  s.set_timesteps(steps);
  s.set_spike_rate(rate);
  return s;
}

NeuromorphicCost Estimate(const NetworkCount& count, const std::string& chip,
                          const v1::SpikeActivity& s,
                          const VonNeumannParams* host = nullptr) {
  auto a = ResolveSpikeActivity(count, s);
  EXPECT_TRUE(a.ok()) << a.status();
  std::optional<double> hosted;
  if (host != nullptr) {
    auto e = HostEnergy(count, *host, 1, v1::ELEMENT_TYPE_UNSPECIFIED);
    EXPECT_TRUE(e.ok()) << e.status();
    hosted = *e;
  }
  auto c = EstimateNeuromorphic(count, Chip(chip), *a, a->knob, 1, hosted);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

void ExpectRel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::abs(expected))
      << "actual " << actual << " expected " << expected;
}

TEST(NeuromorphicTest, SeedKvOnLoihiByHand) {
  // T = 16, r = 0.05: 0.8 spikes per neuron per inference.
  const NeuromorphicCost c =
      Estimate(Count("preset:seed-kv"), "loihi", Rate(16, 0.05));
  // Synaptic ops: key 24 synapses x 0.8 input spikes, value 16 x 0.8.
  ExpectRel(c.synaptic_ops, 24 * 0.8 + 16 * 0.8);
  ExpectRel(c.synaptic, 32 * 23.6 * kPj);
  // 10 neurons x 16 steps: 8 spike (active), 152 do not.
  ExpectRel(c.active_updates, 8);
  ExpectRel(c.inactive_updates, 152);
  ExpectRel(c.neuron, 8 * 81 * kPj + 152 * 52 * kPj);
  // Spikes: 8 from the neurons and 3 x 0.8 from the inputs.
  ExpectRel(c.spikes, 10.4);
  // Both layers share core 0; the key's spikes travel 0.0048828125 hops
  // (between the centres of their shares of the core).
  ExpectRel(c.routing, 6.4 * (1.7 + 0.0048828125 * 3.5) * kPj +
                           1.6 * 1.7 * kPj + 2.4 * 1.7 * kPj);
  EXPECT_EQ(c.cores, 1);
  EXPECT_EQ(c.chips, 1);
  // The core's work (1.456 us) is below 16 steps x 465 ns.
  ExpectRel(c.time_s, 16 * 465e-9);
  ExpectRel(c.static_energy, 0.104 * 16 * 465e-9);
}

TEST(NeuromorphicTest, MlpOnLoihiIsBoundByItsBusiestCore) {
  const NeuromorphicCost c = Estimate(Count("preset:mlp:sizes=784-512-512-10"),
                                      "loihi", Rate(16, 0.05));
  // 668,672 synapses x 0.8 spikes per input element.
  ExpectRel(c.synaptic_ops, 668672 * 0.8);
  ExpectRel(c.synaptic, 668672 * 0.8 * 23.6 * kPj);
  // 1,034 neurons x 16 steps, 827.2 active.
  ExpectRel(c.neuron, 827.2 * 81 * kPj + (1034 * 16 - 827.2) * 52 * kPj);
  // fc1 needs 3.0625 cores of synapses, fc2 2: a core wholly fc2's does
  // 209,715.2 x 3.5 ns + 8,192 x 8.4 ns over 2 cores = 401.408 us.
  EXPECT_EQ(c.cores, 6);
  ExpectRel(c.busiest_core_s, 401.408e-6);
  ExpectRel(c.time_s, 401.408e-6);
  ExpectRel(c.static_energy, 0.104 * 401.408e-6);
}

TEST(NeuromorphicTest, SynapticEnergyIsLinearInTheRate) {
  const NetworkCount count = Count("preset:mlp:sizes=784-512-512-10");
  const NeuromorphicCost a = Estimate(count, "loihi", Rate(16, 0.05));
  const NeuromorphicCost b = Estimate(count, "loihi", Rate(16, 0.10));
  const NeuromorphicCost c = Estimate(count, "loihi", Rate(16, 0.15));
  ExpectRel(b.synaptic, 2 * a.synaptic);
  ExpectRel(c.synaptic, 3 * a.synaptic);
  ExpectRel(c.routing - b.routing, b.routing - a.routing);
}

TEST(NeuromorphicTest, NoSpikesLeaveOnlyStaticAndNeuronUpdates) {
  const NeuromorphicCost c =
      Estimate(Count("preset:seed-kv"), "loihi", Rate(16, 0));
  EXPECT_EQ(c.synaptic, 0);
  EXPECT_EQ(c.routing, 0);
  EXPECT_EQ(c.active_updates, 0);
  ExpectRel(c.neuron, 160 * 52 * kPj);  // every update inactive
  ExpectRel(c.static_energy, 0.104 * 16 * 465e-9);
  ExpectRel(c.total(), c.neuron + c.static_energy);
}

TEST(NeuromorphicTest, TtfsAndMeasuredActivity) {
  const NetworkCount count = Count("preset:seed-kv");
  v1::SpikeActivity ttfs;
  ttfs.set_coding(v1::SpikeActivity::TTFS);
  ttfs.set_timesteps(16);
  ttfs.set_spike_rate(0.5);  // half the neurons fire once
  ExpectRel(Estimate(count, "loihi", ttfs).synaptic_ops, 40 * 0.5);

  v1::SpikeActivity measured;
  measured.set_coding(v1::SpikeActivity::MEASURED);
  measured.set_timesteps(16);
  (*measured.mutable_layer_spikes())["input"] = 3;  // one per input
  (*measured.mutable_layer_spikes())["key"] = 4;    // half a spike per key
  (*measured.mutable_layer_spikes())["value"] = 1;
  const NeuromorphicCost m = Estimate(count, "loihi", measured);
  ExpectRel(m.synaptic_ops, 24 * 1.0 + 16 * 0.5);
  ExpectRel(m.spikes, 3 + 4 + 1);

  // More than one spike per neuron per step is not a measurement.
  (*measured.mutable_layer_spikes())["key"] = 8 * 16 + 1;
  auto too_many = ResolveSpikeActivity(count, measured);
  ASSERT_FALSE(too_many.ok());
  EXPECT_NE(too_many.status().message().find("more than one per neuron per "
                                             "step"),
            std::string::npos);
  (*measured.mutable_layer_spikes())["key"] = 4;

  (*measured.mutable_layer_spikes()).erase("value");
  auto missing = ResolveSpikeActivity(count, measured);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("no spike count for layer 'value'"),
            std::string::npos);
}

TEST(NeuromorphicTest, AllInFiguresAddNothingOnTop) {
  const NeuromorphicCost c =
      Estimate(Count("preset:seed-kv"), "truenorth", Rate(16, 0.05));
  ExpectRel(c.total(), 32 * 26 * kPj);
  EXPECT_EQ(c.neuron, 0);
  EXPECT_EQ(c.routing, 0);
  EXPECT_EQ(c.static_energy, 0);
}

TEST(NeuromorphicTest, NonNativeNodesAreListedAndPricedOnTheHost) {
  const NetworkCount count =
      Count("preset:gpt:d_model=64,layers=1,heads=4,seq=8,vocab=100");
  const NeuromorphicCost alone = Estimate(count, "loihi", Rate(8, 0.1));
  std::vector<std::string> kinds;
  for (size_t i : alone.non_native_layers) {
    kinds.push_back(count.layers[i].kind);
  }
  // Two layer norms and the final one, two attention matmuls, softmax, GELU.
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "norm"), 3);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "matmul"), 2);
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "activation"), 2);
  EXPECT_EQ(alone.non_native, 0);
  auto host = LoadProfile("horowitz-45nm");
  const VonNeumannParams hp = CompileVonNeumann(*host);
  const NeuromorphicCost hosted = Estimate(count, "loihi", Rate(8, 0.1), &hp);
  EXPECT_GT(hosted.non_native, 0);
  ExpectRel(hosted.total() - hosted.non_native, alone.total());
}

TEST(NeuromorphicTest, ABatchRunsItsInferencesOneAfterAnother) {
  // The count is per inference; a batch of 4 does four times the events on
  // the same cores, in four times the steps.
  const NetworkCount count = Count("preset:mlp:sizes=784-512-512-10");
  auto a = ResolveSpikeActivity(count, Rate(16, 0.05));
  ASSERT_TRUE(a.ok());
  auto one =
      EstimateNeuromorphic(count, Chip("loihi"), *a, 0.05, 1, std::nullopt);
  auto four =
      EstimateNeuromorphic(count, Chip("loihi"), *a, 0.05, 4, std::nullopt);
  ASSERT_TRUE(one.ok() && four.ok());
  ExpectRel(four->synaptic_ops, 4 * one->synaptic_ops);
  ExpectRel(four->spikes, 4 * one->spikes);
  ExpectRel(four->steps_time_s, 4 * one->steps_time_s);
  ExpectRel(four->busiest_core_s, 4 * one->busiest_core_s);
  ExpectRel(four->total(), 4 * one->total());
  EXPECT_EQ(four->cores, one->cores);
  EXPECT_EQ(four->chips, one->chips);
}

TEST(NeuromorphicTest, OverCapacityIsAnErrorSayingByHowMuch) {
  const NetworkCount count = Count("preset:gpt3-175b");
  auto a = ResolveSpikeActivity(count, Rate(8, 0.1));
  ASSERT_TRUE(a.ok());
  // Loihi's 32-chip system: 165,888 chips are needed.
  auto c = EstimateNeuromorphic(count, Chip("loihi"), *a, a->knob, 1,
                                std::nullopt, 32);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("= 1.659e+05 chips of loihi, but 32 "
                                      "were asked for (5184.0x over)"),
            std::string::npos)
      << c.status();
  EXPECT_EQ(DetailOf(c.status())->subject, ErrorSubject::kCapacity);
  // Sized by auto, the system holds it, larger than any described.
  auto sized =
      EstimateNeuromorphic(count, Chip("loihi"), *a, a->knob, 1, std::nullopt);
  ASSERT_TRUE(sized.ok()) << sized.status();
  EXPECT_EQ(sized->chips, 165'888);
  EXPECT_TRUE(sized->system.automatic);
  EXPECT_NE(sized->system.why.find("larger than the largest system of this "
                                   "kind described (32 chip(s))"),
            std::string::npos)
      << sized->system.why;
}

// Energy per inference on `chip` at knob x.
double EnergyAt(const NetworkCount& count, const std::string& chip,
                const SpikeActivity& a, double x) {
  auto c = EstimateNeuromorphic(count, Chip(chip), a, x, 1, std::nullopt);
  EXPECT_TRUE(c.ok());
  return c->total();
}

TEST(BreakEvenTest, AgreesWithBisectionOnTheEstimator) {
  auto host = LoadProfile("horowitz-45nm");
  const VonNeumannParams hp = CompileVonNeumann(*host);
  // The third: the busiest core changes with the rate (a bent time line).
  for (const char* source :
       {"preset:mlp:sizes=784-512-512-10", "preset:seed-kv",
        "preset:mlp:sizes=100-2000-100-2000"}) {
    const NetworkCount count = Count(source);
    auto a = ResolveSpikeActivity(count, Rate(16, 0.05));
    ASSERT_TRUE(a.ok());
    auto vn = EstimateVonNeumann(count, hp);
    ASSERT_TRUE(vn.ok());
    const double target = vn->total.energy.total();
    auto p = SolveBreakEven(count, Chip("loihi"), *a, 1, std::nullopt, target);
    ASSERT_TRUE(p.ok()) << p.status();
    // Bisection on the estimator itself, over a range that brackets it.
    double lo = -1000, hi = 1000;
    for (int i = 0; i < 200; ++i) {
      const double mid = (lo + hi) / 2;
      (EnergyAt(count, "loihi", *a, mid) < target ? lo : hi) = mid;
    }
    EXPECT_NEAR(p->knob, lo, 1e-9 * std::max(1.0, std::abs(lo))) << source;
    ExpectRel(EnergyAt(count, "loihi", *a, p->knob), target);
  }
}

TEST(BreakEvenTest, MlpCrossesWhereTheBusiestCoreSetsTheTime) {
  const NetworkCount count = Count("preset:mlp:sizes=784-512-512-10");
  auto a = ResolveSpikeActivity(count, Rate(16, 0.05));
  auto host = LoadProfile("horowitz-45nm");
  auto vn = EstimateVonNeumann(count, CompileVonNeumann(*host));
  auto p = SolveBreakEven(count, Chip("loihi"), *a, 1, std::nullopt,
                          vn->total.energy.total());
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->feasible);
  EXPECT_TRUE(p->neuromorphic_cheaper_below);
  EXPECT_NEAR(p->spikes_per_neuron_per_step, p->knob, 1e-12);
  // One token through an MLP: each synapse sees T x r spikes.
  ExpectRel(p->spikes_per_synapse_per_inference, 16 * p->knob);
}

TEST(BreakEvenTest, NoCrossingAtAnyRateIsInfiniteNotNan) {
  // Every rate is pinned: energy does not depend on the knob at all.
  const NetworkCount count = Count("preset:seed-mlp-2x2");
  v1::SpikeActivity s = Rate(1, 1);
  s.set_input_spike_rate(0);
  (*s.mutable_layer_rates())["fc1"] = 0;
  (*s.mutable_layer_rates())["fc2"] = 0;
  auto a = ResolveSpikeActivity(count, s);
  ASSERT_TRUE(a.ok());
  auto p = SolveBreakEven(count, Chip("loihi"), *a, 1, std::nullopt, 1e-15);
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->feasible);
  EXPECT_TRUE(std::isinf(p->spikes_per_neuron_per_step));
  EXPECT_FALSE(std::isnan(p->spikes_per_synapse_per_inference));
}

TEST(BreakEvenTest, InfeasibleWhenOneSideWinsEverywhere) {
  // SpiNNaker's 26 nJ per neuron update outweighs a tiny MLP's whole
  // conventional cost even with no spikes.
  const NetworkCount count = Count("preset:seed-kv");
  auto a = ResolveSpikeActivity(count, Rate(16, 0.05));
  auto host = LoadProfile("horowitz-45nm");
  auto vn = EstimateVonNeumann(count, CompileVonNeumann(*host));
  auto p = SolveBreakEven(count, Chip("spinnaker"), *a, 1, std::nullopt,
                          vn->total.energy.total());
  ASSERT_TRUE(p.ok());
  EXPECT_FALSE(p->feasible);
  EXPECT_LT(p->knob, 0);
  EXPECT_FALSE(p->neuromorphic_cheaper_below);
}

TEST(BreakEvenTest, AcMacConventionReproducesTheLiteratureRatio) {
  // Compute only: SOPs x 0.9 pJ = MACs x 4.6 pJ, i.e. T r = 4.6 / 0.9
  // spikes per synapse per inference for a one-token MLP.
  const NetworkCount count = Count("preset:mlp:sizes=784-512-512-10");
  auto a = ResolveSpikeActivity(count, Rate(16, 0.05));
  auto p = SolveAcMacBreakEven(count, Chip("loihi"), *a, 1);
  ASSERT_TRUE(p.ok());
  ExpectRel(p->spikes_per_synapse_per_inference, 4.6 / 0.9);
  ExpectRel(p->spikes_per_neuron_per_step, 4.6 / 0.9 / 16);
  EXPECT_TRUE(p->feasible);
}

TEST(NeuromorphicTest, ZeroWeightsAreAbsentSynapses) {
  // tiny_mlp_weights.onnx: the first layer stores 4 zeros among its 12
  // weights, the second 1 among 6. Read, they leave 8/12 and 5/6 of the
  // synaptic events (at the same spike rates) and of the stored synapses.
  const std::string path =
      std::string(NEUROWATT_TEST_DATA) + "/onnx/tiny_mlp_weights.onnx";
  auto blind = LoadModel(path, {});
  auto read = LoadModel(path, {}, /*read_weights=*/true);
  ASSERT_TRUE(blind.ok() && read.ok());
  const v1::SpikeActivity s = Rate(16, 0.05);
  const NeuromorphicCost a = Estimate(blind->count, "loihi", s);
  const NeuromorphicCost b = Estimate(read->count, "loihi", s);
  const size_t first = 0;
  size_t second = 0;
  for (size_t i = 0; i < read->count.layers.size(); ++i) {
    if (read->count.layers[i].name == "/2/Gemm") second = i;
  }
  ASSERT_GT(second, 0u);
  ExpectRel(b.layers[first].synaptic_ops,
            a.layers[first].synaptic_ops * 8 / 12);
  ExpectRel(b.layers[second].synaptic_ops,
            a.layers[second].synaptic_ops * 5 / 6);
  EXPECT_GT(a.layers[first].synaptic_ops, 0);
}

}  // namespace
}  // namespace neurowatt
