// ANN-to-SNN conversion (simulate/ann_conversion.h) on the committed digits
// models (scripts/train_digits_snn_fixture.py): the ANN evaluated here
// scores what torch scored, and the converted network approaches it.
#include "simulate/ann_conversion.h"

#include <fstream>

#include "gtest/gtest.h"
#include "simulate/input_file.h"
#include "simulate/spiking_network.h"

namespace neurowatt {
namespace {

std::string Snn(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/snn/" + name;
}

struct Data {
  std::vector<std::vector<float>> x;
  std::vector<int64_t> y;
};

Data Digits() {
  Data d;
  auto x = ReadMatrix(Snn("digits_test.csv"));
  EXPECT_TRUE(x.ok()) << x.status();
  d.x = *x;
  auto y = ReadLabels(Snn("digits_labels.csv"),
                      static_cast<int64_t>(d.x.size()), 10);
  EXPECT_TRUE(y.ok()) << y.status();
  d.y = *y;
  return d;
}

// The converted network's accuracy at `steps`, run as the simulate command
// runs it.
double SpikingAccuracy(const Ann& ann, const Data& d, int64_t steps,
                       SimulationResult* totals = nullptr) {
  auto run = RunConversion(ann, d.x, d.y, {steps}, 1.0);
  EXPECT_TRUE(run.ok()) << run.status();
  if (!run.ok()) return 0;
  if (totals) *totals = run->budgets[0].activity;
  EXPECT_EQ(run->samples, static_cast<int64_t>(d.x.size()));
  return *run->budgets[0].accuracy;
}

// torch scored the test set at 97.5 % (MLP, 351 of 360) and 96.94 % (CNN,
// 349 of 360): tests/data/snn/ann_accuracy.txt.
TEST(AnnConversionTest, TheAnnScoresWhatTorchScored) {
  const Data d = Digits();
  ASSERT_EQ(d.x.size(), 360u);
  for (const auto& [model, correct] :
       {std::pair<std::string, int>{"digits_mlp.onnx", 351},
        std::pair<std::string, int>{"digits_cnn.onnx", 349}}) {
    auto ann = Ann::Read(Snn(model));
    ASSERT_TRUE(ann.ok()) << ann.status();
    EXPECT_EQ((*ann)->input_size(), 64);
    EXPECT_EQ((*ann)->output_size(), 10);
    int got = 0;
    for (size_t i = 0; i < d.x.size(); ++i) {
      got += ArgMax((*ann)->Forward(d.x[i])) == d.y[i];
    }
    EXPECT_EQ(got, correct) << model;
  }
}

TEST(AnnConversionTest, ConvertedMlpApproachesTheAnnAsStepsGrow) {
  const Data d = Digits();
  auto ann = Ann::Read(Snn("digits_mlp.onnx"));
  ASSERT_TRUE(ann.ok()) << ann.status();
  auto g = (*ann)->ToSpiking(d.x);
  ASSERT_TRUE(g.ok()) << g.status();
  // Affine, IF, Affine, IF, Affine between the Input and the Output.
  std::vector<std::string> types;
  for (const auto& n : g->nodes) types.push_back(n.type);
  EXPECT_EQ(types, (std::vector<std::string>{"Input", "Affine", "IF", "Affine",
                                             "IF", "Affine", "Output"}));
  SimulationResult r;
  const double few = SpikingAccuracy(**ann, d, 5);
  const double many = SpikingAccuracy(**ann, d, 200, &r);
  EXPECT_GE(many, 0.975 - 0.02);  // within 2 points of the ANN
  EXPECT_GE(many, few);
  // Normalised to the 99.9th percentile, a hidden neuron fires at most
  // about once per step, and on average far less.
  ASSERT_EQ(r.populations.size(), 2u);
  for (const auto& p : r.populations) {
    const double rate = p.spikes / p.neurons / 200.0;
    EXPECT_GT(rate, 0.01) << p.name;
    EXPECT_LT(rate, 0.5) << p.name;
  }
}

TEST(AnnConversionTest, ConvertedCnnKeepsItsAccuracy) {
  const Data d = Digits();
  auto ann = Ann::Read(Snn("digits_cnn.onnx"));
  ASSERT_TRUE(ann.ok()) << ann.status();
  EXPECT_GE(SpikingAccuracy(**ann, d, 200), 0.9694 - 0.02);
}

TEST(AnnConversionTest, RefusesWhatItCannotConvert) {
  // A recurrent model is not a chain of convertible layers.
  auto lstm = Ann::Read(std::string(NEUROWATT_TEST_DATA) + "/onnx/lstm.onnx");
  ASSERT_FALSE(lstm.ok());
  EXPECT_NE(lstm.status().message().find("lstm.onnx"), std::string::npos);
  auto missing = Ann::Read(Snn("absent.onnx"));
  EXPECT_FALSE(missing.ok());
  auto ann = Ann::Read(Snn("digits_mlp.onnx"));
  ASSERT_TRUE(ann.ok());
  EXPECT_FALSE((*ann)->ToSpiking({}).ok());
  const Data d = Digits();
  std::vector<int64_t> bad = d.y;
  bad[0] = 10;  // a class the model does not have
  EXPECT_FALSE(RunConversion(**ann, d.x, bad, {10}, 1.0).ok());
  EXPECT_FALSE(RunConversion(**ann, d.x, d.y, {}, 1.0).ok());
  EXPECT_FALSE(RunConversion(**ann, {{1, 2}}, {}, {10}, 1.0).ok());
}

}  // namespace
}  // namespace neurowatt
