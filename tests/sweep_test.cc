// Sweeps: axis parsing, and end-to-end runs of the real binary.
#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "explore/sweep.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace neurowatt {
namespace {

TEST(ParseSweepAxisTest, ListsAndRanges) {
  auto list = ParseSweepAxis("batch=1,8,64");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_EQ(list->key, "batch");
  EXPECT_EQ(list->values, (std::vector<std::string>{"1", "8", "64"}));
  auto range = ParseSweepAxis("spike_rate=0:1:5");
  ASSERT_TRUE(range.ok());
  EXPECT_EQ(range->values,
            (std::vector<std::string>{"0", "0.25", "0.5", "0.75", "1"}));
  auto ints = ParseSweepAxis("layers=2:12:6");  // whole numbers for model keys
  ASSERT_TRUE(ints.ok());
  EXPECT_EQ(ints->values,
            (std::vector<std::string>{"2", "4", "6", "8", "10", "12"}));
  EXPECT_FALSE(ParseSweepAxis("spike_rate=0,1.5").ok());
  EXPECT_FALSE(ParseSweepAxis("batch=0:4:0").ok());
  EXPECT_FALSE(ParseSweepAxis("coding=burst").ok());
  EXPECT_FALSE(ParseSweepAxis("precision=fp8").ok());
  EXPECT_FALSE(ParseSweepAxis("batch").ok());
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int RunCli(const std::string& args, std::string* err = nullptr) {
  // ctest runs tests as parallel processes: one file per test.
  const std::string e =
      ::testing::TempDir() + "/sweep_err_" +
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const int status = std::system(
      (std::string(NEUROWATT_BIN) + " " + args + " 2>" + e).c_str());
  if (err) *err = Slurp(e);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(SweepTest, RowsAreOrderedAndMatchEstimate) {
  const std::string out = ::testing::TempDir() + "/sweep.csv";
  ASSERT_EQ(RunCli("sweep preset:mlp:sizes=784-512-512-10 --hw loihi --hw "
                   "horowitz-45nm --vary spike_rate=0.05,0.1 --vary batch=1,4 "
                   "--timesteps 16 --threads 2 -o " +
                   out),
            0);
  std::istringstream lines(Slurp(out));
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("spike_rate,batch,hardware,kind,"
                       "energy_per_inference_joules,",
                       0),
            0u);
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 8u);  // 2 x 2 configurations x 2 profiles
  EXPECT_EQ(rows[0].rfind("0.05,1,loihi,", 0), 0u);
  EXPECT_EQ(rows[1].rfind("0.05,1,horowitz-45nm,", 0), 0u);
  EXPECT_EQ(rows[2].rfind("0.05,4,loihi,", 0), 0u);
  EXPECT_EQ(rows[7].rfind("0.1,4,horowitz-45nm,", 0), 0u);
  // The first row's energy is estimate's at the same settings: 668,672 x
  // 0.8 x 23.6 pJ of synaptic ops plus neuron updates and static power.
  const std::string json = ::testing::TempDir() + "/sweep_estimate.json";
  ASSERT_EQ(RunCli("estimate preset:mlp:sizes=784-512-512-10 --hw loihi "
                   "--timesteps 16 --spike-rate 0.05 --format json -o " +
                   json),
            0);
  const double e = nlohmann::json::parse(
      Slurp(json))["hardware"][0]["energy_per_inference_joules"];
  std::vector<std::string> cells;
  std::stringstream first(rows[0]);
  for (std::string c; std::getline(first, c, ',');) cells.push_back(c);
  EXPECT_NEAR(std::stod(cells[4]), e, 1e-5 * e);
}

TEST(SweepTest, JsonlAndPerConfigurationErrors) {
  const std::string out = ::testing::TempDir() + "/sweep.jsonl";
  ASSERT_EQ(
      RunCli("sweep preset:mlp --hw loihi --vary "
             "sizes=64-64,32768-32768 --timesteps 4 --spike-rate 0.1 -o " +
             out),
      0);
  std::istringstream lines(Slurp(out));
  std::string a, b;
  std::getline(lines, a);
  std::getline(lines, b);
  auto fits = nlohmann::json::parse(a);
  auto too_big = nlohmann::json::parse(b);
  EXPECT_EQ(fits["sizes"], "64-64");
  EXPECT_GT(fits["energy_per_inference_joules"].get<double>(), 0);
  // 32768 x 32768 synapses need 8,192 Loihi cores = 64 chips of a 32-chip
  // system: that row carries the error; the sweep goes on.
  ASSERT_TRUE(too_big.contains("error"));
  EXPECT_NE(too_big["error"].get<std::string>().find("(2.0x over)"),
            std::string::npos)
      << too_big;
  EXPECT_FALSE(too_big.contains("energy_per_inference_joules"));
}

TEST(SweepTest, BadSweepsExitTwoAndKeepThePreviousFile) {
  const std::string out = ::testing::TempDir() + "/sweep_keep.csv";
  std::ofstream(out) << "previous\n";
  std::string err;
  EXPECT_EQ(RunCli("sweep preset:seed-kv --hw horowitz-45nm --vary "
                   "batch=1,x -o " +
                       out,
                   &err),
            2);
  EXPECT_NE(err.find("--vary batch=x"), std::string::npos) << err;
  EXPECT_EQ(RunCli("sweep preset:seed-kv --hw horowitz-45nm --vary "
                   "hidden=3 -o " +
                       out,
                   &err),
            2);
  EXPECT_NE(err.find("unknown key 'hidden'"), std::string::npos) << err;
  EXPECT_EQ(RunCli("sweep preset:seed-kv --hw loihi --vary batch=1,2 -o " + out,
                   &err),
            2);
  EXPECT_NE(err.find("need spike activity"), std::string::npos) << err;
  EXPECT_EQ(
      RunCli("sweep preset:seed-kv --hw horowitz-45nm --vary batch=1", &err),
      2);
  EXPECT_EQ(Slurp(out), "previous\n");
}

}  // namespace
}  // namespace neurowatt
