// Measured spike counts (model/activity_file.h), JSON and CSV, and what a
// bad file says.
#include "model/activity_file.h"

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

TEST(ActivityFileTest, JsonHoldsTimestepsAndCounts) {
  auto a = ParseActivity(
      R"({"timesteps": 16, "spikes": {"input": 12544, "fc1": 3400.5}})",
      "run.json");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->coding(), v1::SpikeActivity::MEASURED);
  EXPECT_EQ(a->timesteps(), 16);
  EXPECT_EQ(a->layer_spikes().at("input"), 12544);
  EXPECT_EQ(a->layer_spikes().at("fc1"), 3400.5);
}

TEST(ActivityFileTest, CsvHasAHeaderAndARowALayer) {
  auto a = ParseActivity("layer,spikes\ninput, 12\n\nfc1,3.5\n", "run.csv");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->timesteps(), 0);  // CSV files take --timesteps
  EXPECT_EQ(a->layer_spikes().size(), 2u);
  EXPECT_EQ(a->layer_spikes().at("input"), 12);
  EXPECT_EQ(a->layer_spikes().at("fc1"), 3.5);
}

TEST(ActivityFileTest, BadFilesNameTheFileAndTheProblem) {
  struct Case {
    std::string text, path, message;
  } cases[] = {
      {"", "a.json", "a.json: not a JSON object"},
      {"[1]", "a.json", "not a JSON object"},
      {R"({"timesteps": 0, "spikes": {}})", "a.json", "\"timesteps\""},
      {R"({"timesteps": 4})", "a.json", "needs \"spikes\""},
      {R"({"spikes": {"input": "many"}})", "a.json",
       "spikes of 'input' is not a number"},
      {R"({"spikes": {"input": -1}})", "a.json", "has -1 spikes"},
      {"", "a.csv", "a.csv: the file is empty"},
      {"name,count\n", "a.csv", "a.csv:1: expected the header"},
      {"layer,spikes\nfc1\n", "a.csv", "a.csv:2: expected \"layer,count\""},
      {"layer,spikes\nfc1,x\n", "a.csv", "a.csv:2:"},
      {"layer,spikes\n", "a.txt", "a.txt"},
  };
  for (const Case& c : cases) {
    auto a = ParseActivity(c.text, c.path);
    ASSERT_FALSE(a.ok()) << c.text;
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(a.status().message().find(c.message), std::string::npos)
        << a.status();
  }
}

TEST(ActivityFileTest, AMissingFileIsNotFound) {
  auto a = ReadActivityFile("/nonexistent/run.json");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kNotFound);
}

TEST(SpikeSettingsTest, RatesOrAMeasuredFile) {
  SpikeSettings s;
  s.coding = "ttfs";
  s.timesteps = 8;
  s.spike_rate = 0.25;
  s.input_rate = 0.5;
  s.layer_rates["fc1"] = 1;
  auto a = SpikeActivityFrom(s, /*needed=*/true);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->coding(), v1::SpikeActivity::TTFS);
  EXPECT_EQ(a->timesteps(), 8);
  EXPECT_EQ(a->spike_rate(), 0.25);
  EXPECT_EQ(a->input_spike_rate(), 0.5);
  EXPECT_EQ(a->layer_rates().at("fc1"), 1);
  // Nothing is needed when nothing spikes.
  EXPECT_TRUE(SpikeActivityFrom(SpikeSettings(), false).ok());
}

TEST(SpikeSettingsTest, MistakesInTheCallersWords) {
  SpikeSettingNames flags;
  flags.activity_file = "--activity";
  flags.spike_rate = "--spike-rate";
  flags.timesteps = "--timesteps";
  flags.layer_rates = "--layer-rate";
  struct Case {
    SpikeSettings s;
    std::string message;
  };
  SpikeSettings both;
  both.activity_file = "/nonexistent.json";  // never read: the clash first
  both.spike_rate = 0.1;
  SpikeSettings high;
  high.spike_rate = 2;
  high.timesteps = 4;
  SpikeSettings layer;
  layer.spike_rate = 0.1;
  layer.timesteps = 4;
  layer.layer_rates["fc1"] = -0.5;
  SpikeSettings no_rate;
  no_rate.timesteps = 4;
  SpikeSettings no_steps;
  no_steps.spike_rate = 0.1;
  SpikeSettings zero = no_steps;
  zero.timesteps = 0;
  SpikeSettings burst = high;
  burst.spike_rate = 0.1;
  burst.coding = "burst";
  const Case cases[] = {
      {both, "--activity and --spike-rate are both given"},
      {high, "--spike-rate 2: expected a number from 0 to 1"},
      {layer, "--layer-rate fc1=-0.5: expected a number from 0 to 1"},
      {no_rate,
       "need spike activity: --spike-rate R (with --timesteps T), "
       "or --activity FILE"},
      {no_steps, "need --timesteps T"},
      {zero, "--timesteps 0: expected a whole number from 1 to 2^30"},
      {burst, "coding burst: expected one of rate, ttfs"},
  };
  for (const Case& c : cases) {
    auto a = SpikeActivityFrom(c.s, /*needed=*/true, flags);
    ASSERT_FALSE(a.ok()) << c.message;
    EXPECT_NE(a.status().message().find(c.message), std::string::npos)
        << a.status();
  }
}

}  // namespace
}  // namespace neurowatt
