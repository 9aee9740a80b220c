// Sweeps: axis parsing, the engine (explore/sweep.h) with a sink in memory,
// and end-to-end runs of the real binary.
#include "explore/sweep.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "estimators/pricing.h"
#include "gtest/gtest.h"
#include "model/source.h"
#include "nlohmann/json.hpp"
#include "render/sweep_rows.h"

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
  EXPECT_FALSE(ParseSweepAxis("precision=fp64").ok());
  EXPECT_TRUE(ParseSweepAxis("precision=fp8,int4").ok());
  auto chips = ParseSweepAxis("chips=auto,8,16");
  ASSERT_TRUE(chips.ok());
  EXPECT_EQ(chips->values, (std::vector<std::string>{"auto", "8", "16"}));
  EXPECT_FALSE(ParseSweepAxis("chips=0").ok());
  EXPECT_FALSE(ParseSweepAxis("chips=some").ok());
  EXPECT_FALSE(ParseSweepAxis("batch").ok());
}

// Keeps every configuration's rows, checking they come in order.
class Collect : public RowSink {
 public:
  absl::Status Write(const std::vector<std::string>& values,
                     const std::vector<SweepRow>& rows) override {
    this->values.push_back(values);
    this->rows.push_back(rows);
    return absl::OkStatus();
  }
  std::vector<std::vector<std::string>> values;
  std::vector<std::vector<SweepRow>> rows;
};

SweepSpec Spec(const std::string& source,
               const std::vector<std::string>& hardware,
               const std::vector<std::string>& axes, int threads) {
  SweepSpec s;
  s.source = source;
  auto hw = LoadHardware(hardware);
  EXPECT_TRUE(hw.ok()) << hw.status();
  s.hardware = *std::move(hw);
  s.scenario.mutable_spikes()->set_coding(v1::SpikeActivity::RATE);
  s.scenario.mutable_spikes()->set_timesteps(16);
  s.scenario.mutable_spikes()->set_spike_rate(0.05);
  for (const std::string& a : axes) {
    auto axis = ParseSweepAxis(a);
    EXPECT_TRUE(axis.ok()) << axis.status();
    s.axes.push_back(*axis);
  }
  s.threads = threads;
  return s;
}

TEST(SweepEngineTest, RowsComeInOrderAndEqualPrice) {
  // 3 x 5 x 2 = 30 configurations on four threads, more than one chunk's
  // worth of threads: the order must still be the axes' order.
  const SweepSpec spec =
      Spec("preset:mlp:sizes=784-512-10", {"loihi", "horowitz-45nm"},
           {"batch=1,4,16", "spike_rate=0:0.2:5", "precision=fp32,int8"}, 4);
  Collect sink;
  ASSERT_TRUE(RunSweep(spec, sink).ok());
  ASSERT_EQ(sink.rows.size(), 30u);
  EXPECT_EQ(SweepConfigurations(spec), 30);
  auto model = LoadModel(spec.source, {});
  ASSERT_TRUE(model.ok());
  for (int64_t i = 0; i < 30; ++i) {
    const std::vector<std::string> v = SweepValues(spec, i);
    ASSERT_EQ(sink.values[i], v);
    // The same configuration priced on its own.
    v1::Scenario sc = spec.scenario;
    sc.set_batch(std::stoll(v[0]));
    sc.mutable_spikes()->set_spike_rate(std::stod(v[1]));
    sc.set_precision(v[2] == "int8" ? v1::INT8 : v1::FP32);
    auto p = Price(*model, spec.hardware, sc);
    ASSERT_TRUE(p.ok()) << p.status();
    ASSERT_EQ(sink.rows[i].size(), 2u);
    for (int h = 0; h < 2; ++h) {
      const SweepRow& r = sink.rows[i][h];
      EXPECT_EQ(r.hardware, spec.hardware[h].name());
      EXPECT_TRUE(r.error.empty()) << r.error;
      EXPECT_DOUBLE_EQ(r.energy_per_inference_j,
                       p->report.hardware(h).energy_per_inference_j());
      EXPECT_DOUBLE_EQ(r.latency_s, p->report.hardware(h).latency_s());
      EXPECT_EQ(r.bound, p->report.hardware(h).bound());
    }
  }
  // The last axis varies fastest.
  EXPECT_EQ(sink.values[1], (std::vector<std::string>{"1", "0", "int8"}));
  EXPECT_EQ(sink.values[2], (std::vector<std::string>{"1", "0.05", "fp32"}));
}

TEST(SweepEngineTest, ModelKeysRebuildOnlyWhatChanges) {
  // A preset key changes the model; the batch does not. Rows for layers=2
  // and batch 2 are twice the layers' work of layers=1 at the same batch.
  const SweepSpec spec =
      Spec("preset:gpt:d_model=64,heads=4,seq=8,vocab=100", {"horowitz-45nm"},
           {"layers=1,2", "batch=1,2"}, 2);
  Collect sink;
  ASSERT_TRUE(RunSweep(spec, sink).ok());
  ASSERT_EQ(sink.rows.size(), 4u);
  for (const auto& rows : sink.rows) {
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_TRUE(rows[0].error.empty()) << rows[0].error;
  }
  EXPECT_GT(sink.rows[2][0].energy_per_inference_j,
            sink.rows[0][0].energy_per_inference_j);
}

TEST(SweepEngineTest, DecodeOverContextsAndWeightPrecisions) {
  // Time per token of a decode step as the cache grows, for fp16 and int4
  // weights: each row is the model loaded at that context, priced.
  SweepSpec spec =
      Spec("preset:gpt2-small", {"h100-sxm"},
           {"context=0,512,1023", "weight_precision=fp16,int4"}, 2);
  spec.scenario.set_phase(v1::DECODE);
  spec.scenario.set_precision(v1::FP16);
  Collect sink;
  ASSERT_TRUE(RunSweep(spec, sink).ok());
  ASSERT_EQ(sink.rows.size(), 6u);
  for (int64_t i = 0; i < 6; ++i) {
    const std::vector<std::string> v = SweepValues(spec, i);
    PhaseOptions decode;
    decode.phase = v1::DECODE;
    decode.context = std::stoll(v[0]);
    auto m = LoadModel(spec.source, {}, false, decode);
    ASSERT_TRUE(m.ok()) << m.status();
    v1::Scenario sc = spec.scenario;
    sc.set_weight_precision(v[1] == "int4" ? v1::INT4 : v1::FP16);
    auto p = Price(*m, spec.hardware, sc);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_DOUBLE_EQ(sink.rows[i][0].latency_s,
                     p->report.hardware(0).latency_s())
        << i;
  }
  // One token per sequence: tokens per second is the step's inverse.
  EXPECT_DOUBLE_EQ(sink.rows[0][0].tokens_per_second,
                   1 / sink.rows[0][0].latency_s);
  // A longer cache costs more; int4 weights cost less.
  EXPECT_GT(sink.rows[4][0].energy_per_inference_j,
            sink.rows[0][0].energy_per_inference_j);
  EXPECT_LT(sink.rows[1][0].latency_s, sink.rows[0][0].latency_s);
  EXPECT_FALSE(ParseSweepAxis("context=-1").ok());
  EXPECT_FALSE(ParseSweepAxis("kv_precision=fp4").ok());
}

TEST(SweepEngineTest, ARowThatDoesNotFitIsARowAndOtherMistakesAreErrors) {
  Collect sink;
  // Loihi's 32-chip system: 32768 x 32768 synapses need 64 chips.
  SweepSpec small =
      Spec("preset:mlp", {"loihi"}, {"sizes=64-64,32768-32768"}, 1);
  small.scenario.set_chips(32);
  auto fits = RunSweep(small, sink);
  ASSERT_TRUE(fits.ok()) << fits;
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_TRUE(sink.rows[0][0].error.empty());
  EXPECT_EQ(sink.rows[0][0].chips, 32);
  EXPECT_TRUE(sink.rows[1][0].does_not_fit);
  EXPECT_NE(sink.rows[1][0].error.find("(2.0x over)"), std::string::npos);
  // Sized by auto (the default), both fit: the second on 64 chips.
  Collect sized;
  ASSERT_TRUE(
      RunSweep(Spec("preset:mlp", {"loihi"}, {"sizes=64-64,32768-32768"}, 1),
               sized)
          .ok());
  EXPECT_EQ(sized.rows[0][0].chips, 1);
  EXPECT_EQ(sized.rows[1][0].chips, 64);

  // A model key on a file, a key twice, no axes: errors before any row.
  Collect none;
  EXPECT_FALSE(
      RunSweep(Spec(std::string(NEUROWATT_TEST_DATA) + "/lenet5.textproto",
                    {"horowitz-45nm"}, {"layers=1,2"}, 1),
               none)
          .ok());
  EXPECT_FALSE(RunSweep(Spec("preset:seed-kv", {"horowitz-45nm"},
                             {"batch=1,2", "batch=3"}, 1),
                        none)
                   .ok());
  EXPECT_FALSE(
      RunSweep(Spec("preset:seed-kv", {"horowitz-45nm"}, {}, 1), none).ok());
  // A mistake in every configuration (an unknown preset key) is found on
  // the first one.
  auto bad = RunSweep(
      Spec("preset:seed-kv", {"horowitz-45nm"}, {"hidden=3"}, 1), none);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("the first configuration (3) fails"),
            std::string::npos)
      << bad;
  EXPECT_TRUE(none.rows.empty());
}

TEST(SweepEngineTest, TheSinksErrorStopsTheSweep) {
  class Fail : public RowSink {
   public:
    absl::Status Write(const std::vector<std::string>&,
                       const std::vector<SweepRow>&) override {
      return ++calls == 3 ? absl::InternalError("disk full") : absl::OkStatus();
    }
    int calls = 0;
  } sink;
  auto st = RunSweep(
      Spec("preset:seed-kv", {"horowitz-45nm"}, {"batch=1:1000:1000"}, 2),
      sink);
  EXPECT_EQ(st.code(), absl::StatusCode::kInternal);
  EXPECT_EQ(sink.calls, 3);
}

TEST(SweepRowsTest, CsvAndJsonLines) {
  const std::vector<SweepAxis> axes = {{"batch", {"4"}}, {"coding", {"ttfs"}}};
  SweepRow ok;
  ok.hardware = "loihi";
  ok.kind = "neuromorphic";
  ok.energy_per_inference_j = 1.5e-6;
  ok.parts[4] = 1e-6;
  ok.latency_s = 2e-3;
  ok.bound = "timesteps";
  ok.chips = 3;
  SweepRow bad;
  bad.hardware = "x,y";
  bad.kind = "von_neumann";
  bad.error = "it broke";
  EXPECT_EQ(SweepCsvHeader(axes),
            "batch,coding,hardware,kind,energy_per_inference_joules,compute,"
            "data_movement,bit_maintenance,static,synaptic_ops,neuron_updates,"
            "spike_routing,non_native,interconnect,control_overhead,active,"
            "host,latency_seconds,bound,chips,tokens_per_second,"
            "energy_per_token_joules,error\n");
  EXPECT_EQ(FormatSweepRows(axes, {"4", "ttfs"}, {ok, bad}, false),
            "4,ttfs,loihi,neuromorphic,1.5e-06,0,0,0,0,1e-06,0,0,0,0,0,0,0,"
            "0.002,timesteps,3,,,\n4,ttfs,\"x,y\",von_neumann,,,,,,,,,,,,,,"
            ",,,,,it broke\n");
  const std::string jsonl =
      FormatSweepRows(axes, {"4", "ttfs"}, {ok, bad}, true);
  std::istringstream lines(jsonl);
  std::string a, b;
  std::getline(lines, a);
  std::getline(lines, b);
  auto first = nlohmann::json::parse(a);
  EXPECT_EQ(first["batch"], 4);  // a number, not a string
  EXPECT_EQ(first["coding"], "ttfs");
  EXPECT_EQ(first["synaptic_ops"], 1e-6);
  auto second = nlohmann::json::parse(b);
  EXPECT_EQ(second["error"], "it broke");
  EXPECT_FALSE(second.contains("energy_per_inference_joules"));
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
  ASSERT_EQ(RunCli("sweep preset:mlp --hw loihi --vary "
                   "sizes=64-64,32768-32768 --timesteps 4 --spike-rate 0.1 "
                   "--chips 32 -o " +
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
