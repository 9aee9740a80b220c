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

}  // namespace
}  // namespace neurowatt
