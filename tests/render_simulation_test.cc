// A simulation's results rendered (render/simulation.h): the JSON keys, the
// activity file the pricing commands read back, the trace CSV.
#include "gtest/gtest.h"
#include "model/activity_file.h"
#include "render/simulation.h"

namespace neurowatt {
namespace {

// Two populations over 10 steps: "lif" (the neurons of layer "fc", 4 of
// them, 6 spikes) and an analog LI; a readout layer "out" with no spikes.
SimulationResult Result() {
  SimulationResult r;
  r.timesteps = 10;
  r.dt = 1e-3;
  r.inferences = 1;
  r.input_spikes = 12;
  r.synaptic_events = 48;
  r.populations = {{"lif", "fc", 4, true, 6}, {"li", "li", 2, false, 0}};
  r.analog_layers = {"out"};
  return r;
}

TEST(RenderSimulationTest, JsonHasTheContractsKeys) {
  const auto j = SimulationJson(Result());
  EXPECT_EQ(j["timesteps"], 10);
  EXPECT_DOUBLE_EQ(j["dt"].get<double>(), 1e-3);
  EXPECT_DOUBLE_EQ(j["synaptic_events"].get<double>(), 48);
  ASSERT_EQ(j["layers"].size(), 2u);
  EXPECT_EQ(j["layers"][0]["name"], "lif");
  EXPECT_EQ(j["layers"][0]["layer"], "fc");
  EXPECT_EQ(j["layers"][0]["neurons"], 4);
  // 6 spikes / 4 neurons / 10 steps.
  EXPECT_DOUBLE_EQ(j["layers"][0]["spikes_per_neuron_per_step"].get<double>(),
                   0.15);
  EXPECT_EQ(j["layers"][1]["spiking"], false);
}

TEST(RenderSimulationTest, ActivityFileReadsBackAsMeasuredCounts) {
  auto a = ParseActivity(ActivityFileText(Result()), "activity.json");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->coding(), v1::SpikeActivity::MEASURED);
  EXPECT_EQ(a->timesteps(), 10);
  EXPECT_DOUBLE_EQ(a->layer_spikes().at("input"), 12);
  EXPECT_DOUBLE_EQ(a->layer_spikes().at("fc"), 6);
  EXPECT_DOUBLE_EQ(a->layer_spikes().at("li"), 0);
  EXPECT_DOUBLE_EQ(a->layer_spikes().at("out"), 0);
}

TEST(RenderSimulationTest, ConversionJsonGivesEveryBudgetAndTheLargest) {
  ConversionRun run;
  run.samples = 5;
  run.ann_accuracy = 0.8;
  BudgetRun small{5, 0.6, Result()};
  small.activity.timesteps = 5;
  BudgetRun large{10, std::nullopt, Result()};
  run.budgets = {small, large};
  const auto j = ConversionJson(run);
  EXPECT_EQ(j["timesteps"], 10);
  EXPECT_TRUE(j["accuracy"].is_null());
  EXPECT_DOUBLE_EQ(j["ann_accuracy"].get<double>(), 0.8);
  EXPECT_EQ(j["samples"], 5);
  ASSERT_EQ(j["budgets"].size(), 2u);
  EXPECT_DOUBLE_EQ(j["budgets"][0]["accuracy"].get<double>(), 0.6);
  EXPECT_EQ(j["budgets"][1]["layers"].size(), 2u);
}

TEST(RenderSimulationTest, TraceCsvHasAColumnPerNeuronAndARowPerStep) {
  Trace t;
  t.neurons = 2;
  t.v = {0.5f, 0.25f, 0, 1};
  t.spike = {0, 0, 1, 0};
  EXPECT_EQ(TraceCsv(t),
            "step,v_0,v_1,spike_0,spike_1\n0,0.5,0.25,0,0\n1,0,1,1,0\n");
}

}  // namespace
}  // namespace neurowatt
