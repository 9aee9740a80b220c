// End-to-end: `neurowatt simulate` and NIR files as a SOURCE, through the
// real binary.
#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli_util.h"

namespace {

using json = nlohmann::json;

std::string Data(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/" + name;
}

std::string Temp(const std::string& name) {
  return ::testing::TempDir() + "/cli_simulate_" + name;
}

// The exact LIF solution's input column as a simulator input file.
std::string LifInput() {
  const std::string path = Temp("lif_input.csv");
  std::ifstream in(Data("nir/lif_exact.csv"));
  std::ofstream out(path);
  std::string line;
  while (std::getline(in, line)) out << line.substr(0, line.find(',')) << "\n";
  return path;
}

TEST(CliSimulateTest, JsonReportsTheExactLifSpikesAndATrace) {
  const std::string trace = Temp("trace.csv"), act = Temp("lif_activity.json");
  Result r =
      RunNeurowatt({"simulate", Data("nir/lif_norse.nir"), "--timesteps",
                    "1000", "--dt", "1e-4", "--input", LifInput(), "--record",
                    "1", "--trace", trace, "-o", act, "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_EQ(j["timesteps"], 1000);
  EXPECT_DOUBLE_EQ(j["dt"].get<double>(), 1e-4);
  ASSERT_EQ(j["layers"].size(), 1u);
  const json& l = j["layers"][0];
  EXPECT_EQ(l["name"], "1");
  EXPECT_EQ(l["neurons"], 1);
  EXPECT_DOUBLE_EQ(l["spikes"].get<double>(), 4);
  EXPECT_DOUBLE_EQ(l["spikes_per_neuron_per_step"].get<double>(), 4.0 / 1000);
  // The trace: a header, then one row per step with v_0 and spike_0.
  std::ifstream t(trace);
  std::string header, row;
  std::getline(t, header);
  EXPECT_EQ(header, "step,v_0,spike_0");
  int rows = 0, spikes = 0;
  while (std::getline(t, row)) {
    ++rows;
    spikes += row.substr(row.rfind(',') + 1) == "1";
  }
  EXPECT_EQ(rows, 1000);
  EXPECT_EQ(spikes, 4);
  // The activity file names the counted layer ("0", whose neuron it is).
  const json a = json::parse(Slurp(act));
  EXPECT_EQ(a["timesteps"], 1000);
  EXPECT_DOUBLE_EQ(a["spikes"]["0"].get<double>(), 4);
  EXPECT_DOUBLE_EQ(a["spikes"]["input"].get<double>(), 34);
}

// The end to end: simulate Sinabs's CNN, then price it with the
// measured activity on Speck and a Jetson Orin Nano.
TEST(CliSimulateTest, MeasuredActivityPricesTheNirGraph) {
  const std::string input = Temp("cnn_input.csv"),
                    act = Temp("cnn_activity.json");
  {
    // 20 steps; input neuron i spikes at step t when (i * 7 + t * 13) % 17
    // == 0: a fixed pattern, about 6 % of the inputs per step.
    std::ofstream in(input);
    for (int t = 0; t < 20; ++t) {
      for (int i = 0; i < 2 * 34 * 34; ++i) {
        in << (i ? "," : "") << ((i * 7 + t * 13) % 17 == 0 ? 1 : 0);
      }
      in << "\n";
    }
  }
  Result sim =
      RunNeurowatt({"simulate", Data("nir/cnn_sinabs.nir"), "--timesteps", "20",
                    "--dt", "1", "--input", input, "-o", act});
  ASSERT_EQ(sim.code, 0) << sim.err;
  EXPECT_TRUE(Contains(sim.out, "synaptic events delivered"));
  Result c = RunNeurowatt({"compare", Data("nir/cnn_sinabs.nir"), "--hw",
                           "speck", "--hw", "jetson-orin-nano", "--activity",
                           act, "--format", "json"});
  ASSERT_EQ(c.code, 0) << c.err;
  const json j = json::parse(c.out);
  ASSERT_EQ(j["hardware"].size(), 2u);
  const json& speck = j["hardware"][0];
  EXPECT_EQ(speck["name"], "speck");
  EXPECT_EQ(speck["spiking"]["coding"], "measured");
  EXPECT_EQ(speck["spiking"]["timesteps"], 20);
  // The estimator's spikes are the simulator's: every population's plus
  // the input's.
  const json a = json::parse(Slurp(act));
  double simulated = 0;
  for (const auto& [k, v] : a["spikes"].items()) simulated += v.get<double>();
  EXPECT_NEAR(speck["spiking"]["spikes"].get<double>(), simulated,
              1e-6 * simulated);
  EXPECT_GT(speck["energy_per_inference_joules"].get<double>(), 0);
  // The report's spike chart marks the measured point.
  const std::string html = Temp("report.html");
  Result rep =
      RunNeurowatt({"report", Data("nir/cnn_sinabs.nir"), "--hw", "speck",
                    "--hw", "jetson-orin-nano", "--activity", act, "-o", html});
  ASSERT_EQ(rep.code, 0) << rep.err;
  EXPECT_TRUE(Contains(Slurp(html), "speck at the measured activity"));
}

TEST(CliSimulateTest, ConvertsTheDigitsMlpAndScoresIt) {
  const std::string act = Temp("mlp_activity.json");
  Result r = RunNeurowatt(
      {"simulate", Data("snn/digits_mlp.onnx"), "--convert", "rate", "--input",
       Data("snn/digits_test.csv"), "--labels", Data("snn/digits_labels.csv"),
       "--timesteps", "100,10,100", "--format", "json", "-o", act});
  ASSERT_EQ(r.code, 0) << r.err;
  const json j = json::parse(r.out);
  EXPECT_DOUBLE_EQ(j["ann_accuracy"].get<double>(), 351.0 / 360);
  EXPECT_GE(j["accuracy"].get<double>(), 351.0 / 360 - 0.02);
  EXPECT_EQ(j["timesteps"], 100);
  // The budgets, sorted and each once: the largest is the last.
  ASSERT_EQ(j["budgets"].size(), 2u);
  EXPECT_EQ(j["budgets"][0]["timesteps"], 10);
  EXPECT_LE(j["budgets"][0]["synaptic_events"].get<double>(),
            j["budgets"][1]["synaptic_events"].get<double>());
  ASSERT_EQ(j["layers"].size(), 2u);
  EXPECT_EQ(j["layers"][0]["neurons"], 64);
  // The activity names the ONNX model's layers, so the ANN itself prices
  // with it.
  Result c = RunNeurowatt({"estimate", Data("snn/digits_mlp.onnx"), "--hw",
                           "loihi", "--activity", act, "--format", "json"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_EQ(json::parse(c.out)["hardware"][0]["spiking"]["timesteps"], 100);
}

TEST(CliSimulateTest, BadInputExitsTwoWithNoOutputFile) {
  const std::string act = Temp("never.json");
  std::filesystem::remove(act);
  const std::string wide = Temp("wide.csv");
  std::ofstream(wide) << "1,0\n";
  const std::string notnir = Temp("text.nir");
  std::ofstream(notnir) << "not hdf5";
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string lif = Data("nir/lif_norse.nir");
  const std::vector<Case> cases = {
      {{lif, "--timesteps", "10"}, "--dt S is required"},
      {{lif, "--timesteps", "0", "--dt", "1"}, "--timesteps 0"},
      {{lif, "--timesteps", "10", "--dt", "-1"}, "--dt -1"},
      {{lif, "--timesteps", "10,20", "--dt", "1"}, "only with --convert"},
      {{lif, "--timesteps", "10", "--dt", "1", "--input", wide},
       "2 columns, but the network has 1 input neurons"},
      {{lif, "--timesteps", "10", "--dt", "1", "--record", "nope", "--trace",
        Temp("t.csv")},
       "no node named \"nope\""},
      {{notnir, "--timesteps", "10", "--dt", "1"}, "not an HDF5 file"},
      {{Data("onnx/resnet18.onnx"), "--timesteps", "10", "--dt", "1"},
       "simulate reads NIR graphs"},
      {{Data("snn/digits_mlp.onnx"), "--convert", "rate", "--timesteps", "10"},
       "--convert needs --input"},
      {{Data("snn/digits_mlp.onnx"), "--convert", "temporal", "--timesteps",
        "10", "--input", wide},
       "the conversion is rate"},
      {{Data("snn/digits_mlp.onnx"), "--convert", "rate", "--timesteps", "10",
        "--input", wide},
       "2 columns, but the network has 64 inputs"},
  };
  for (const Case& c : cases) {
    std::vector<std::string> args = {"simulate"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    args.insert(args.end(), {"-o", act});
    Result r = RunNeurowatt(args);
    EXPECT_EQ(r.code, 2) << c.message << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << r.err;
    EXPECT_FALSE(std::filesystem::exists(act)) << c.message;
  }
}

TEST(CliSimulateTest, HelpAndNirAsASource) {
  Result h = RunNeurowatt({"simulate", "--help"});
  EXPECT_EQ(h.code, 0);
  for (const char* flag : {"--timesteps", "--dt", "--input", "--record",
                           "--trace", "--convert", "--labels"}) {
    EXPECT_TRUE(Contains(h.out, flag)) << flag;
  }
  EXPECT_TRUE(Contains(RunNeurowatt({"--help"}).out, "simulate"));
  // convert writes the NIR graph as a native file that counts the same.
  const std::string native = Temp("cnn.textproto");
  Result conv =
      RunNeurowatt({"convert", Data("nir/cnn_sinabs.nir"), "-o", native});
  ASSERT_EQ(conv.code, 0) << conv.err;
  EXPECT_TRUE(Contains(Slurp(native), "spiking_neuron"));
  EXPECT_TRUE(Contains(Slurp(native), "model: IF"));
  // (convert keeps the weights' analysis, as count --weights reads it.)
  Result a = RunNeurowatt(
      {"count", Data("nir/cnn_sinabs.nir"), "--weights", "--format", "json"});
  Result b = RunNeurowatt({"count", native, "--format", "json"});
  ASSERT_EQ(a.code, 0) << a.err;
  ASSERT_EQ(b.code, 0) << b.err;
  EXPECT_EQ(json::parse(a.out)["totals"], json::parse(b.out)["totals"]);
  EXPECT_EQ(json::parse(a.out)["totals"]["macs"], 903680);
}

}  // namespace
