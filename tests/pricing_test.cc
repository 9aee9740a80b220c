// Pricing a scenario on many profiles (estimators/pricing.h): the report's
// entries, the host of non-native nodes, break-even pairs, the profiles a
// network does not fit, and errors that say which input is at fault.
#include "estimators/pricing.h"

#include "estimators/break_even.h"
#include "estimators/neuromorphic.h"
#include "estimators/von_neumann.h"
#include "gtest/gtest.h"
#include "util/error.h"

namespace neurowatt {
namespace {

Model Load(const std::string& source, const DimBindings& dims = {}) {
  auto m = LoadModel(source, dims);
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

std::vector<Hardware> Hw(const std::vector<std::string>& names) {
  auto h = LoadHardware(names);
  EXPECT_TRUE(h.ok()) << h.status();
  return *h;
}

v1::Scenario Spiking(int64_t steps, double rate, int64_t batch = 0) {
  v1::Scenario s;
  s.set_batch(batch);
  s.mutable_spikes()->set_coding(v1::SpikeActivity::RATE);
  s.mutable_spikes()->set_timesteps(steps);
  s.mutable_spikes()->set_spike_rate(rate);
  return s;
}

void ExpectRel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::abs(expected))
      << "actual " << actual << " expected " << expected;
}

TEST(PricingTest, OneEntryPerProfileEqualToItsEstimator) {
  const Model m = Load("preset:mlp:sizes=784-512-512-10");
  const auto hw = Hw({"horowitz-45nm", "loihi"});
  auto p = Price(m, hw, Spiking(16, 0.05, 4));
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->report.hardware_size(), 2);
  EXPECT_EQ(p->batch, 4);
  EXPECT_EQ(p->report.scenario().batch(), 4);
  EXPECT_EQ(p->priced[0], &hw[0]);
  EXPECT_EQ(p->host, &hw[0]);
  auto vn = EstimateVonNeumann(m.count, hw[0].von_neumann, 4);
  ASSERT_TRUE(vn.ok());
  ExpectRel(p->report.hardware(0).energy().total(), vn->total.energy.total());
  ExpectRel(p->report.hardware(0).energy_per_inference_j(),
            vn->total.energy.total() / 4);
  auto activity = ResolveSpikeActivity(m.count, Spiking(16, 0.05).spikes());
  ASSERT_TRUE(activity.ok());
  auto nm = EstimateNeuromorphic(m.count, hw[1].spiking, *activity, 0.05, 4,
                                 p->host_energy_j);
  ASSERT_TRUE(nm.ok());
  ExpectRel(p->report.hardware(1).energy().total(), nm->total());
  // Every layer of the model has its line in each entry.
  EXPECT_EQ(p->report.hardware(0).layers_size(),
            static_cast<int>(m.count.layers.size()));
  EXPECT_TRUE(p->report.break_even().empty());
}

TEST(PricingTest, BreakEvenForEveryPairOfKinds) {
  const Model m = Load("preset:mlp:sizes=784-512-512-10");
  const auto hw = Hw({"loihi", "horowitz-45nm", "brain", "tpuv4i-7nm-hbm2"});
  PricingOptions options;
  options.break_even = true;
  auto p = Price(m, hw, Spiking(16, 0.05), options);
  ASSERT_TRUE(p.ok()) << p.status();
  // Two spiking x two conventional profiles.
  ASSERT_EQ(p->report.break_even_size(), 4);
  const v1::BreakEven& b = p->report.break_even(0);
  EXPECT_EQ(b.neuromorphic(), "loihi");
  EXPECT_EQ(b.von_neumann(), "horowitz-45nm");
  // The point is where the estimator's energies meet.
  auto at = EstimateNeuromorphic(m.count, hw[0].spiking, *p->activity, b.knob(),
                                 1, p->host_energy_j);
  ASSERT_TRUE(at.ok());
  ExpectRel(at->total(), p->report.hardware(1).energy_per_inference_j());
  EXPECT_FALSE(b.note().empty());
}

TEST(PricingTest, AcMacRewritesEveryEntryToComputeOnly) {
  const Model m = Load("preset:mlp:sizes=784-512-512-10");
  const auto hw = Hw({"loihi", "horowitz-45nm"});
  PricingOptions options;
  options.ac_mac = true;
  options.break_even = true;
  auto p = Price(m, hw, Spiking(16, 0.05), options);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->report.convention(), "ac-mac");
  // MACs x 4.6 pJ on the conventional side.
  ExpectRel(p->report.hardware(1).energy().total(),
            static_cast<double>(m.count.total.macs) * 4.6e-12);
  // The ac-mac crossing: 4.6 / 0.9 spikes per synapse per inference.
  ExpectRel(p->report.break_even(0).spikes_per_synapse_per_inference(),
            4.6 / 0.9);
}

TEST(PricingTest, NonNativeNodesArePricedOnceOnTheFirstVonNeumannProfile) {
  const Model m =
      Load("preset:gpt:d_model=64,layers=1,heads=4,seq=8,vocab=100");
  const auto hw = Hw({"loihi", "tpuv4i-7nm-hbm2", "horowitz-45nm"});
  auto p = Price(m, hw, Spiking(8, 0.1));
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->host, &hw[1]);
  auto host =
      HostEnergy(m.count, hw[1].von_neumann, 1, v1::ELEMENT_TYPE_UNSPECIFIED);
  ASSERT_TRUE(host.ok());
  EXPECT_GT(*host, 0);
  ExpectRel(p->report.hardware(0).energy().non_native(), *host);
  EXPECT_EQ(p->report.hardware(0).spiking().non_native_host(),
            "tpuv4i-7nm-hbm2");
}

TEST(PricingTest, WhatDoesNotFitIsListedWhenAskedToGoOn) {
  const Model m = Load("preset:gpt3-175b");
  const auto hw = Hw({"horowitz-45nm", "loihi", "brain"});
  // A system of 200 chips each: enough for horowitz-45nm (112 x 6 GiB hold
  // GPT-3's 718 GB at fp32), not for Loihi.
  v1::Scenario scenario = Spiking(16, 0.05);
  scenario.set_chips(200);
  auto failed = Price(m, hw, scenario);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.status().message().find("preset:gpt3-175b on loihi"),
            std::string::npos)
      << failed.status();
  ASSERT_TRUE(DetailOf(failed.status()).has_value());
  EXPECT_EQ(DetailOf(failed.status())->subject, ErrorSubject::kCapacity);

  PricingOptions options;
  options.keep_going = true;
  options.break_even = true;
  auto p = Price(m, hw, scenario, options);
  ASSERT_TRUE(p.ok()) << p.status();
  ASSERT_EQ(p->report.hardware_size(), 2);  // horowitz-45nm and brain
  ASSERT_EQ(p->report.unpriced_size(), 1);
  const v1::Unpriced& u = p->report.unpriced(0);
  EXPECT_EQ(u.name(), "loihi");
  // 173.9B synapses at 131,072 a core: 21,233,664 cores, 128 a chip.
  EXPECT_EQ(u.cores_needed(), 21'233'664);
  EXPECT_EQ(u.chips_needed(), 165'888);
  EXPECT_EQ(u.chips_available(), 200);
  EXPECT_NE(u.reason().find("829.4x over"), std::string::npos) << u.reason();
  EXPECT_EQ(p->report.hardware(0).system().chips(), 200);
  // The report's entries and the hardware behind them stay parallel.
  EXPECT_EQ(p->priced[1]->name(), "brain");
  EXPECT_EQ(p->report.break_even_size(), 1);
}

TEST(PricingTest, ErrorsSayWhichInputIsAtFault) {
  struct Case {
    std::string source;
    std::vector<std::string> hw;
    v1::Scenario scenario;
    ErrorSubject subject;
    std::string text;
  };
  v1::Scenario bf16;
  bf16.set_precision(v1::BF16);
  v1::Scenario batch8;
  batch8.set_batch(8);
  v1::Scenario no_steps = Spiking(0, 0.1);
  v1::Scenario rate = Spiking(4, 0.1);
  (*rate.mutable_spikes()->mutable_layer_rates())["nope"] = 0.5;
  const std::string fixed =
      std::string(NEUROWATT_TEST_DATA) + "/onnx/mobilenet_v2.onnx";
  const Case cases[] = {
      {"preset:seed-kv",
       {"horowitz-45nm"},
       bf16,
       ErrorSubject::kPrecision,
       "has no figures for bf16"},
      {fixed,
       {"horowitz-45nm"},
       batch8,
       ErrorSubject::kNoBatchDimension,
       "fixed sizes"},
      {"preset:seed-kv",
       {"loihi"},
       no_steps,
       ErrorSubject::kTimesteps,
       "timesteps"},
      {"preset:seed-kv", {"loihi"}, rate, ErrorSubject::kLayerRate, "'nope'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto p = Price(Load(c.source), Hw(c.hw), c.scenario);
    ASSERT_FALSE(p.ok());
    EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(p.status().message().find(c.text), std::string::npos)
        << p.status();
    // No library message names a command-line flag.
    EXPECT_EQ(p.status().message().find("--"), std::string::npos) << p.status();
    ASSERT_TRUE(DetailOf(p.status()).has_value()) << p.status();
    EXPECT_EQ(DetailOf(p.status())->subject, c.subject);
  }
}

TEST(PricingTest, TheModelsOwnBatchIsTheDefault) {
  // Loaded with --dim batch=8, a model prices at 8 unless told otherwise.
  const Model m = Load("preset:mlp:sizes=64-64", {{"batch", 8}});
  EXPECT_EQ(m.batch, 8);
  const auto hw = Hw({"horowitz-45nm"});
  auto p = Price(m, hw, v1::Scenario());
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->batch, 8);
  EXPECT_EQ(p->report.scenario().batch(), 8);
  v1::Scenario two;
  two.set_batch(2);
  auto q = Price(m, hw, two);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->batch, 2);
}

TEST(PricingTest, CostsKeepGoingPastAProfileThatFails) {
  // A sweep streams every profile's row: one failing does not stop it.
  const Model m = Load("preset:seed-kv");
  const auto hw = Hw({"tpuv4i-7nm-hbm2", "horowitz-45nm"});
  v1::Scenario fp16;
  fp16.set_precision(v1::FP16);
  auto c = PriceCosts(m, hw, fp16);
  ASSERT_TRUE(c.ok());
  ASSERT_EQ(c->profiles.size(), 2u);
  EXPECT_FALSE(c->profiles[0].status.ok());  // the TPU has no fp16 figures
  EXPECT_TRUE(c->profiles[1].status.ok());
  EXPECT_TRUE(c->profiles[1].von_neumann.has_value());
}

}  // namespace
}  // namespace neurowatt
