// End-to-end: runs the real neurowatt binary and reads what it prints.
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "nlohmann/json.hpp"
#include "onnx/onnx_pb.h"
#include "tests/cli_util.h"

namespace {

TEST(CliTest, CountJsonReproducesTheSeedGpt3Figures) {
  Result r = RunNeurowatt({"count", "preset:gpt3-175b", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "gpt3-175b");
  EXPECT_EQ(j["totals"]["synapses"].get<int64_t>(), 173946175488);
  EXPECT_EQ(j["totals"]["neurons"].get<int64_t>(), 10616832);
  EXPECT_EQ(j["totals"]["synapses_per_neuron"].get<double>(), 16384.0);
  EXPECT_TRUE(j["totals"]["params"].is_number_integer());
  EXPECT_TRUE(j["totals"]["macs"].is_number_integer());
  ASSERT_TRUE(j["layers"].is_array());
  const auto& first = j["layers"][0];
  for (const char* key :
       {"name", "kind", "neurons", "synapses", "params", "macs"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  EXPECT_EQ(j["dimensions"]["seq"], 2048);
  EXPECT_DOUBLE_EQ(j["brain"]["neurons"].get<double>(), 86.1e9);
}

TEST(CliTest, CountTableIsForPeople) {
  Result r = RunNeurowatt({"count", "preset:gpt3-175b"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out, "173,946,175,488")) << r.out;
  EXPECT_TRUE(Contains(r.out, "10,616,832"));
  EXPECT_TRUE(Contains(r.out, "16,384.0"));
  EXPECT_TRUE(Contains(r.out, "blocks.*.mlp.key"));  // 96 blocks fold
  EXPECT_TRUE(Contains(r.out, "human brain"));
  EXPECT_TRUE(Contains(r.out, "2.34 x the brain's"));  // 16,384 / 7,000

  Result each = RunNeurowatt({"count", "preset:seed-mlp-2x2", "--per-layer"});
  ASSERT_EQ(each.code, 0) << each.err;
  EXPECT_TRUE(Contains(each.out, "fc1 "));
  EXPECT_TRUE(Contains(each.out, "fc2 "));
}

TEST(CliTest, CountCsvHasTheJsonKeysAsHeaders) {
  Result r = RunNeurowatt({"count", "preset:seed-kv", "--format=csv"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string header, line;
  std::getline(lines, header);
  for (const char* key : {"name", "kind", "neurons", "synapses",
                          "synapses_per_neuron", "params", "macs"}) {
    EXPECT_TRUE(Contains(header, key)) << key;
  }
  std::vector<std::string> rows;
  while (std::getline(lines, line)) rows.push_back(line);
  ASSERT_EQ(rows.size(), 4u);  // key, key.relu, value, total
  EXPECT_EQ(rows[0].rfind("key,linear,fp32,8,24,3,8,32,24,", 0), 0u) << rows[0];
  EXPECT_EQ(rows[3].rfind("seed-kv,total,,10,40,4,", 0), 0u) << rows[3];
}

TEST(CliTest, DimBindsSymbols) {
  Result r = RunNeurowatt({"count", "preset:gpt2-small", "--dim", "seq=1",
                           "--dim", "batch=2", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["dimensions"]["batch"], 2);
  // 2 tokens through 12 blocks of 12 d^2 MACs, attention over 1 position,
  // plus the tied head: d 768, vocab 50257.
  const int64_t d = 768;
  EXPECT_EQ(j["totals"]["macs"].get<int64_t>(),
            2 * (12 * (12 * d * d + 2 * d) + 50257 * d));
}

TEST(CliTest, OutputFileIsWrittenWholeOrNotAtAll) {
  const std::string path = ::testing::TempDir() + "/cli_test_count.json";
  std::filesystem::remove(path);
  Result ok = RunNeurowatt(
      {"count", "preset:seed-mlp-4x3", "--format", "json", "-o", path});
  ASSERT_EQ(ok.code, 0) << ok.err;
  EXPECT_EQ(ok.out, "");
  const std::string before = Slurp(path);
  EXPECT_EQ(nlohmann::json::parse(before)["totals"]["synapses"], 36);

  Result bad = RunNeurowatt({"count", "preset:mlp:sizes=3-0", "-o", path});
  EXPECT_EQ(bad.code, 2);
  EXPECT_EQ(Slurp(path), before);  // the previous file is intact

  const std::string fresh = ::testing::TempDir() + "/cli_test_never.json";
  std::filesystem::remove(fresh);
  Result bad2 = RunNeurowatt({"count", "preset:nope", "-o", fresh});
  EXPECT_EQ(bad2.code, 2);
  EXPECT_FALSE(std::filesystem::exists(fresh));
  for (const auto& e :
       std::filesystem::directory_iterator(::testing::TempDir())) {
    EXPECT_FALSE(Contains(e.path().string(), "cli_test_count.json.tmp."))
        << e.path();
  }
}

TEST(CliTest, AFailedStandardOutputIsAnInternalError) {
  const int status =
      std::system((std::string(NEUROWATT_BIN) +
                   " count preset:seed-kv >/dev/full 2>/dev/null")
                      .c_str());
  EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : -1, 1);
}

TEST(CliTest, OutputThroughASymlinkReplacesTheTarget) {
  const std::string dir = ::testing::TempDir();
  const std::string target = dir + "/cli_link_target.json";
  const std::string link = dir + "/cli_link.json";
  std::filesystem::remove(link);
  std::ofstream(target) << "old";
  std::filesystem::create_symlink(target, link);
  Result r =
      RunNeurowatt({"count", "preset:seed-kv", "--format", "json", "-o", link});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::filesystem::is_symlink(link));
  EXPECT_EQ(nlohmann::json::parse(Slurp(target))["model"], "seed-kv");
}

TEST(CliTest, BadInputExitsTwoWithOneClearLine) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"count", NEUROWATT_TEST_DATA "/malformed.textproto"},
       "malformed.textproto:4:41:"},
      {{"count", NEUROWATT_TEST_DATA "/cycle.textproto"}, "cycle"},
      {{"count", NEUROWATT_TEST_DATA "/missing_producer.textproto"},
       "node 'fc': input tensor 'y'"},
      {{"count", "/nonexistent/model.pb"}, "/nonexistent/model.pb"},
      {{"count", "preset:gpt5"}, "unknown preset 'gpt5'"},
      {{"count", "preset:lstm:hidden=x"}, "hidden=x"},
      {{"count", "preset:seed-kv", "--format", "xml"}, "--format xml"},
      {{"count", "preset:seed-kv", "--frobnicate"}, "unknown flag"},
      {{"count", "preset:seed-kv", "--dim", "seq=2"}, "no dimension named"},
      {{"count"}, "needs SOURCE"},
      {{"count", "preset:gpt:d_model=4294967296,heads=16"},
       "do not fit in 64 bits"},
      // A name with a line break still gives one line of error.
      {{"count", "preset:cnn:ima\nge=3"}, "unknown key 'ima\\nge'"},
      {{"frobnicate"}, "unknown command"},
  };
  for (const auto& c : cases) {
    Result r = RunNeurowatt(c.args);
    EXPECT_EQ(r.code, 2) << c.args.back() << ": " << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << r.err;
    EXPECT_EQ(r.out, "") << c.args.back();
    // One line: the message and its newline.
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(CliTest, HelpForEveryCommand) {
  Result top = RunNeurowatt({"--help"});
  EXPECT_EQ(top.code, 0);
  EXPECT_TRUE(Contains(top.out, "count"));
  EXPECT_TRUE(Contains(top.out, "gpt3-175b"));
  Result count = RunNeurowatt({"count", "--help"});
  EXPECT_EQ(count.code, 0);
  for (const char* flag : {"--format", "--output", "--dim", "--per-layer"}) {
    EXPECT_TRUE(Contains(count.out, flag)) << flag;
  }
}

}  // namespace

namespace {

TEST(CliEstimateTest, JsonFollowsTheContract) {
  Result r = RunNeurowatt({"estimate", "preset:mlp:sizes=4096-4096", "--hw",
                           "horowitz-45nm", "--hw", "tpuv4i-7nm-hbm2",
                           "--batch", "4", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["model"], "mlp");
  EXPECT_EQ(j["scenario"]["batch"], 4);
  ASSERT_EQ(j["hardware"].size(), 2u);
  const auto& h = j["hardware"][0];
  EXPECT_EQ(h["name"], "horowitz-45nm");
  EXPECT_EQ(h["kind"], "von_neumann");
  const double total = h["energy_joules"].get<double>();
  EXPECT_DOUBLE_EQ(h["energy_per_inference_joules"].get<double>(), total / 4);
  const auto& b = h["breakdown"];
  EXPECT_NEAR(b["compute"].get<double>() + b["data_movement"].get<double>() +
                  b["bit_maintenance"].get<double>() +
                  b["static"].get<double>(),
              total, 1e-9 * total);
  // 4 x 16,777,216 MACs x 4.6 pJ + 4 x 4096 bias adds x 0.9 pJ.
  EXPECT_NEAR(b["compute"].get<double>(),
              4 * (16777216 * 4.6e-12 + 4096 * 0.9e-12), 1e-15);
  EXPECT_GT(h["latency_seconds"].get<double>(), 0);
  ASSERT_EQ(h["layers"].size(), 1u);
  EXPECT_EQ(h["layers"][0]["name"], "fc1");
  EXPECT_TRUE(h["layers"][0]["breakdown"].contains("data_movement"));
  EXPECT_FALSE(h["sources"].empty());
  EXPECT_FALSE(h["assumptions"].empty());
}

TEST(CliEstimateTest, ChipsSizeTheSystemAndTheReportSaysWhy) {
  // GPT-3 at bf16 is 350 GB: five 80 GiB H100s by default, tensor-parallel
  // within one node; 16 asked for are two copies of 8, a node each.
  Result r = RunNeurowatt({"estimate", "preset:gpt3-175b", "--hw", "h100-sxm",
                           "--precision", "bf16", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto h = nlohmann::json::parse(r.out)["hardware"][0];
  EXPECT_EQ(h["chips"], 5);
  EXPECT_EQ(h["system"]["sized"], "auto");
  EXPECT_EQ(h["system"]["tensor_parallel"], 5);
  EXPECT_EQ(h["system"]["pipeline_stages"], 1);
  const auto& b = h["breakdown"];
  EXPECT_GT(b["interconnect"].get<double>(), 0);
  // The H100's busy power (its TDP) above the work of memory-bound layers
  // is the active part.
  EXPECT_GT(b["active"].get<double>(), 0);
  EXPECT_NEAR(b["compute"].get<double>() + b["data_movement"].get<double>() +
                  b["bit_maintenance"].get<double>() +
                  b["static"].get<double>() + b["interconnect"].get<double>() +
                  b["control_overhead"].get<double>() +
                  b["active"].get<double>(),
              h["energy_joules"].get<double>(),
              1e-9 * h["energy_joules"].get<double>());
  r = RunNeurowatt({"estimate", "preset:gpt3-175b", "--hw", "h100-sxm",
                    "--precision", "bf16", "--chips", "16", "--format",
                    "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  h = nlohmann::json::parse(r.out)["hardware"][0];
  EXPECT_EQ(h["system"]["sized"], "given");
  EXPECT_EQ(h["system"]["nodes"], 2);
  EXPECT_EQ(h["system"]["tensor_parallel"], 8);
  EXPECT_EQ(h["system"]["data_parallel"], 2);
  EXPECT_EQ(h["system"]["pipeline_stages"], 1);
  EXPECT_NE(h["system"]["why"].get<std::string>().find(
                "larger than the largest system of this kind described (8 "
                "chip(s))"),
            std::string::npos);
  // The table says it in words.
  r = RunNeurowatt({"estimate", "preset:gpt3-175b", "--hw", "h100-sxm",
                    "--precision", "bf16"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.out,
                       "system: 5 chip(s) in 1 node(s), sized by "
                       "--chips auto: the network's 359.2 GB"))
      << r.out;
}

TEST(CliEstimateTest, TableAndCsv) {
  Result t =
      RunNeurowatt({"estimate", "preset:gpt2-small", "--hw", "horowitz-45nm"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_TRUE(Contains(t.out, "energy per inference:"));
  EXPECT_TRUE(Contains(t.out, "<- largest"));
  EXPECT_TRUE(Contains(t.out, "blocks.*.mlp.key"));

  Result c =
      RunNeurowatt({"estimate", "preset:seed-kv", "--hw", "horowitz-45nm",
                    "--hw", "tpuv4i-7nm-hbm2", "--format", "csv"});
  ASSERT_EQ(c.code, 0) << c.err;
  std::istringstream lines(c.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_EQ(line.rfind("hardware,layer,kind,energy_joules,compute,", 0), 0u);
  int rows = 0;
  while (std::getline(lines, line)) ++rows;
  EXPECT_EQ(rows, 2 * (3 + 1));  // (3 layers + total) per profile
}

TEST(CliEstimateTest, BadInputExitsTwo) {
  const std::string bad = ::testing::TempDir() + "/cli_bad_profile.textproto";
  {
    std::ofstream out(bad);
    out << "name: \"x\"\nsources { id: \"me\" kind: USER }\n"
           "von_neumann { clock_hz { value: nan source: \"me\" } }\n";
  }
  // Valid but extreme: a multiply costs 1e307 J, so totals overflow.
  const std::string extreme = ::testing::TempDir() + "/cli_extreme.textproto";
  {
    std::ifstream in(std::string(NEUROWATT_SOURCE) +
                     "/hw/profiles/horowitz-45nm.textproto");
    std::stringstream text;
    text << in.rdbuf();
    std::string t = text.str();
    const std::string from = "mul_energy_j { value: 3.7e-12";
    t.replace(t.find(from), from.size(), "mul_energy_j { value: 1e307");
    std::ofstream(extreme) << t;
  }
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"estimate", "preset:seed-kv"}, "--hw is required"},
      {{"estimate", "preset:seed-kv", "--hw", "pentium"}, "no such profile"},
      {{"estimate", "preset:seed-kv", "--hw", bad}, "cli_bad_profile"},
      {{"estimate", "preset:seed-kv", "--hw", "horowitz-45nm", "--batch", "0"},
       "--batch 0"},
      {{"estimate", "preset:seed-kv", "--hw", "horowitz-45nm", "--precision",
        "fp64"},
       "--precision fp64"},
      {{"estimate", "preset:seed-kv", "--hw", "horowitz-45nm", "--precision",
        "fp8"},
       "has no figures for fp8"},
      {{"estimate", "preset:seed-kv", "--hw", "horowitz-45nm", "--chips",
        "many"},
       "--chips many: expected auto or a whole number"},
      {{"estimate", "preset:gpt3-175b", "--hw", "h100-sxm", "--chips", "2"},
       "need 9 chip(s) of 85.9 GB, but 2 were asked for; size the system"},
      {{"estimate", "preset:gpt3-175b", "--hw", "h100-sxm", "--chips", "12"},
       "that are whole nodes of 8 (8, 16, ...)"},
      {{"estimate", "preset:gpt3-175b", "--hw", "tpuv4i-7nm-hbm2"},
       "describes no link between nodes"},
      {{"estimate", "preset:seed-kv", "--hw", "horowitz-45nm", "--precision",
        "bf16"},
       "has no figures for bf16"},
      {{"estimate", NEUROWATT_TEST_DATA "/lenet5.textproto", "--hw",
        "horowitz-45nm", "--batch", "2", "--dim", "batch=2"},
       "both given"},
      {{"profiles", "--format", "xml"}, "--format xml"},
      {{"validate", "--format", "csv"}, "--format csv"},
      {{"estimate", "preset:seed-kv", "--hw", extreme}, "non-finite"},
  };
  for (const auto& c : cases) {
    Result r = RunNeurowatt(c.args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  }
}

TEST(CliValidateTest, WritesThePublishedCasesAsJson) {
  const std::string path = ::testing::TempDir() + "/validate.json";
  std::remove(path.c_str());
  Result r = RunNeurowatt({"validate", "--format", "json", "-o", path});
  ASSERT_EQ(r.code, 0) << r.err;
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in);
  ASSERT_GE(j["cases"].size(), 5u);
  for (const auto& c : j["cases"]) {
    const double measured = c["measured_energy_joules"];
    const double predicted = c["predicted_energy_joules"];
    EXPECT_DOUBLE_EQ(c["energy_ratio"].get<double>(), predicted / measured);
    EXPECT_FALSE(c["source"].get<std::string>().empty());
  }
  EXPECT_EQ(j["cases"][0]["hardware"], "xeon-e5-2630");
  Result t = RunNeurowatt({"validate"});
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_TRUE(Contains(t.out, "blouw2019-loihi"));
  EXPECT_TRUE(Contains(t.out, "energy ratios within 0.5-2"));
}

TEST(CliProfilesTest, ListsTheCatalogueWithSources) {
  Result r = RunNeurowatt({"profiles", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> names;
  for (const auto& p : j) {
    names.push_back(p["name"]);
    EXPECT_FALSE(p["description"].get<std::string>().empty());
    EXPECT_FALSE(p["sources"].empty());
  }
  EXPECT_NE(std::find(names.begin(), names.end(), "horowitz-45nm"),
            names.end());
  // The names the issue of current hardware fixes, every one in the
  // catalogue.
  for (const char* name :
       {"tpuv4i-7nm-hbm2", "h100-sxm", "a100-sxm-40gb", "a100-sxm-80gb",
        "jetson-agx-orin", "jetson-orin-nano", "dgx-h100", "loihi2",
        "hala-point", "akida-akd1000", "xylo-audio2", "speck", "northpole",
        "spinnaker2"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
  // Each says how its chips join: an H100 board is 8 on NVLink 4 (900 GB/s
  // both ways).
  for (const auto& p : j) {
    if (p["name"] != "h100-sxm") continue;
    EXPECT_EQ(p["system"]["chips_per_node"], 8);
    EXPECT_DOUBLE_EQ(
        p["system"]["intra_node"]["bandwidth_bytes_per_s"].get<double>(),
        450e9);
  }
  Result t = RunNeurowatt({"profiles"});
  ASSERT_EQ(t.code, 0);
  EXPECT_TRUE(Contains(t.out, "Horowitz"));
  EXPECT_TRUE(
      Contains(RunNeurowatt({"estimate", "--help"}).out, "--precision"));
}

}  // namespace

namespace {

TEST(CliEstimateTest, CostReportProtobufMatchesJson) {
  const std::vector<std::string> base = {"estimate",    "preset:gpt2-small",
                                         "--hw",        "tpuv4i-7nm-hbm2",
                                         "--precision", "bf16"};
  std::vector<std::string> as_text = base, as_json = base, as_pb = base;
  as_text.insert(as_text.end(), {"--format", "textproto"});
  as_json.insert(as_json.end(), {"--format", "json"});
  const std::string pb_path = ::testing::TempDir() + "/cli_report.pb";
  as_pb.insert(as_pb.end(), {"--format", "pb", "-o", pb_path});
  Result text = RunNeurowatt(as_text);
  Result js = RunNeurowatt(as_json);
  Result pb = RunNeurowatt(as_pb);
  ASSERT_EQ(text.code, 0) << text.err;
  ASSERT_EQ(js.code, 0) << js.err;
  ASSERT_EQ(pb.code, 0) << pb.err;
  neurowatt::v1::CostReport from_text, from_pb;
  ASSERT_TRUE(
      google::protobuf::TextFormat::ParseFromString(text.out, &from_text));
  ASSERT_TRUE(from_pb.ParseFromString(Slurp(pb_path)));
  EXPECT_EQ(from_text.SerializeAsString(), from_pb.SerializeAsString());
  auto j = nlohmann::json::parse(js.out);
  ASSERT_EQ(from_text.hardware_size(), 1);
  const auto& h = from_text.hardware(0);
  EXPECT_EQ(h.name(), "tpuv4i-7nm-hbm2");
  EXPECT_EQ(from_text.scenario().precision(), neurowatt::v1::BF16);
  EXPECT_DOUBLE_EQ(h.energy().total(),
                   j["hardware"][0]["energy_joules"].get<double>());
  EXPECT_EQ(h.layers_size(),
            static_cast<int>(j["hardware"][0]["layers"].size()));
}

}  // namespace

namespace {

TEST(CliCompareTest, JsonHasBothKindsAndTheBreakEven) {
  Result r = RunNeurowatt({"compare", "preset:mlp:sizes=784-512-512-10", "--hw",
                           "loihi", "--hw", "horowitz-45nm", "--timesteps",
                           "16", "--spike-rate", "0.05", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["convention"], "physical");
  ASSERT_EQ(j["hardware"].size(), 2u);
  const auto& nm = j["hardware"][0];
  EXPECT_EQ(nm["kind"], "neuromorphic");
  for (const char* key :
       {"synaptic_ops", "neuron_updates", "spike_routing", "static"}) {
    EXPECT_TRUE(nm["breakdown"].contains(key)) << key;
  }
  // 668,672 synapses x 0.8 spikes x 23.6 pJ.
  EXPECT_NEAR(nm["breakdown"]["synaptic_ops"].get<double>(),
              668672 * 0.8 * 23.6e-12, 1e-15);
  EXPECT_EQ(nm["spiking"]["cores"], 6);
  EXPECT_EQ(j["hardware"][1]["kind"], "von_neumann");
  const auto& b = j["break_even"];
  for (const char* key : {"spikes_per_neuron_per_step",
                          "spikes_per_synapse_per_inference", "feasible"}) {
    EXPECT_TRUE(b.contains(key)) << key;
  }
  EXPECT_TRUE(b["feasible"].get<bool>());
  EXPECT_EQ(b["cheaper_below"], "loihi");
  EXPECT_NEAR(b["spikes_per_synapse_per_inference"].get<double>(),
              16 * b["spikes_per_neuron_per_step"].get<double>(), 1e-9);
  EXPECT_EQ(j["break_even_all"].size(), 1u);
}

TEST(CliCompareTest, AcMacIsLabelledComputeOnly) {
  std::vector<std::string> args = {
      "compare",      "preset:mlp:sizes=784-512-512-10",
      "--hw",         "loihi",
      "--hw",         "horowitz-45nm",
      "--timesteps",  "16",
      "--spike-rate", "0.05",
      "--convention", "ac-mac"};
  Result t = RunNeurowatt(args);
  ASSERT_EQ(t.code, 0) << t.err;
  EXPECT_TRUE(Contains(t.out, "COMPUTE ONLY"));
  EXPECT_TRUE(Contains(t.out, "5.111 spikes per synapse per inference"));
  args.insert(args.end(), {"--format", "json"});
  auto j = nlohmann::json::parse(RunNeurowatt(args).out);
  EXPECT_EQ(j["convention"], "ac-mac");
  EXPECT_NEAR(j["break_even"]["spikes_per_synapse_per_inference"].get<double>(),
              4.6 / 0.9, 1e-9);
  // 668,672 MACs x 4.6 pJ.
  EXPECT_NEAR(j["hardware"][1]["energy_per_inference_joules"].get<double>(),
              668672 * 4.6e-12, 1e-15);
}

TEST(CliCompareTest, MeasuredActivityFiles) {
  const std::string dir = ::testing::TempDir();
  const std::string js = dir + "/cli_activity.json";
  const std::string csv = dir + "/cli_activity.csv";
  std::ofstream(js) << R"({"timesteps": 16,
    "spikes": {"input": 3, "key": 4, "value": 1}})";
  std::ofstream(csv) << "layer,spikes\ninput,3\nkey,4\nvalue,1\n";
  double ops[2];
  int k = 0;
  for (const auto& [file, steps] :
       {std::pair<std::string, std::string>{js, ""}, {csv, "16"}}) {
    std::vector<std::string> args = {
        "estimate", "preset:seed-kv", "--hw", "loihi", "--activity",
        file,       "--format",       "json"};
    if (!steps.empty()) args.insert(args.end(), {"--timesteps", steps});
    Result r = RunNeurowatt(args);
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    ops[k++] = j["hardware"][0]["spiking"]["synaptic_ops"].get<double>();
  }
  EXPECT_DOUBLE_EQ(ops[0], 24 * 1.0 + 16 * 0.5);
  EXPECT_DOUBLE_EQ(ops[1], ops[0]);

  std::ofstream(csv) << "layer,spikes\ninput,3\nkey,lots\n";
  Result bad = RunNeurowatt({"estimate", "preset:seed-kv", "--hw", "loihi",
                             "--activity", csv, "--timesteps", "16"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_TRUE(Contains(bad.err, "cli_activity.csv:3:")) << bad.err;
}

TEST(CliCompareTest, SpikeErrorsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    std::string message;
  } cases[] = {
      {{"estimate", "preset:seed-kv", "--hw", "loihi"}, "need spike activity"},
      {{"estimate", "preset:seed-kv", "--hw", "loihi", "--spike-rate", "0.1"},
       "--timesteps"},
      {{"estimate", "preset:seed-kv", "--hw", "loihi", "--spike-rate", "1.5",
        "--timesteps", "4"},
       "--spike-rate 1.5"},
      {{"estimate", "preset:seed-kv", "--hw", "loihi", "--spike-rate", "0.1",
        "--timesteps", "4", "--coding", "burst"},
       "--coding burst"},
      {{"estimate", "preset:seed-kv", "--hw", "loihi", "--spike-rate", "0.1",
        "--timesteps", "4", "--layer-rate", "nope=0.2"},
       "'nope' is not a layer"},
      {{"compare", "preset:seed-kv", "--hw", "loihi"}, "two or more --hw"},
      {{"compare", "preset:gpt3-175b", "--hw", "loihi", "--hw", "horowitz-45nm",
        "--spike-rate", "0.1", "--timesteps", "4", "--chips", "32"},
       "x over"},
      {{"compare", "preset:seed-kv", "--hw", "loihi", "--hw", "horowitz-45nm",
        "--spike-rate", "0.1", "--timesteps", "4", "--chips", "0"},
       "--chips 0"},
      {{"compare", "preset:seed-kv", "--hw", "loihi", "--hw", "horowitz-45nm",
        "--spike-rate", "0.1", "--timesteps", "4", "--convention", "paper"},
       "--convention paper"},
  };
  for (const auto& c : cases) {
    Result r = RunNeurowatt(c.args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, c.message)) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

// --- ONNX sources and convert ----------------------------------------------

std::string OnnxFixture(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/onnx/" + name;
}

nlohmann::json CountTotals(std::vector<std::string> args) {
  args.insert(args.begin(), "count");
  args.push_back("--format");
  args.push_back("json");
  Result r = RunNeurowatt(args);
  EXPECT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j["totals"];
}

TEST(CliTest, ConvertRoundTripKeepsEveryCount) {
  const std::string dir = ::testing::TempDir();
  const std::vector<std::vector<std::string>> sources = {
      {OnnxFixture("resnet18.onnx")},
      {OnnxFixture("mobilenet_v2.onnx")},
      {OnnxFixture("vit_b_16.onnx")},
      {OnnxFixture("mha.onnx")},
      {OnnxFixture("lstm.onnx"), "--dim", "seq=20"},
      {OnnxFixture("gru.onnx")},
      {OnnxFixture("rnn.onnx")},
      {OnnxFixture("conv_transpose.onnx")},
      {OnnxFixture("tiny_mlp_weights.onnx")},
      {OnnxFixture("gpt2_block.onnx"), "--dim", "seq=8"},
      {"preset:gpt2-small", "--dim", "seq=16"},
  };
  int n = 0;
  for (const auto& src : sources) {
    const nlohmann::json want = CountTotals(src);
    ASSERT_FALSE(want.is_null()) << src[0];
    for (const char* ext : {".pb", ".textproto"}) {
      const std::string out = dir + "nw_convert_" + std::to_string(n++) + ext;
      std::vector<std::string> args = {"convert"};
      args.insert(args.end(), src.begin(), src.end());
      args.push_back("-o");
      args.push_back(out);
      Result r = RunNeurowatt(args);
      ASSERT_EQ(r.code, 0) << src[0] << ": " << r.err;
      EXPECT_TRUE(Contains(r.out, "wrote " + out)) << r.out;
      // A preset keeps its symbols; ONNX files are written concrete.
      std::vector<std::string> again = {out};
      if (src[0].rfind("preset:", 0) == 0) again = {out, "--dim", "seq=16"};
      nlohmann::json got = CountTotals(again);
      // The stored weights' analysis travels with the file.
      if (src[0].find("tiny_mlp_weights") != std::string::npos) {
        EXPECT_EQ(got["nonzero_synapses"], 13);
      }
      got.erase("nonzero_synapses");
      EXPECT_EQ(got, want) << src[0] << " via " << ext;
      std::remove(out.c_str());
    }
  }
}

TEST(CliTest, ConvertNeedsAKnownExtensionAndWritesNothingOnError) {
  const std::string out = ::testing::TempDir() + "nw_convert_bad.json";
  Result r = RunNeurowatt({"convert", OnnxFixture("resnet18.onnx"), "-o", out});
  EXPECT_EQ(r.code, 2);
  EXPECT_TRUE(Contains(r.err, "extension")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(out));
  Result none = RunNeurowatt({"convert", OnnxFixture("resnet18.onnx")});
  EXPECT_EQ(none.code, 2);
  EXPECT_TRUE(Contains(none.err, "-o OUT is required")) << none.err;
  const std::string pb = ::testing::TempDir() + "nw_convert_missing.pb";
  Result missing = RunNeurowatt({"convert", "no/such/model.onnx", "-o", pb});
  EXPECT_EQ(missing.code, 2);
  EXPECT_TRUE(Contains(missing.err, "no/such/model.onnx")) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(pb));
}

TEST(CliTest, CountWeightsReportsZerosAndSigns) {
  Result r = RunNeurowatt({"count", OnnxFixture("tiny_mlp_weights.onnx"),
                           "--weights", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  // 18 weights, 5 of them zero (see tests/onnx_test.cc for the matrices).
  EXPECT_EQ(j["totals"]["nonzero_synapses"], 13);
  const auto& first = j["layers"][0]["weights"];
  EXPECT_EQ(first["zeros"], 4);
  EXPECT_EQ(first["excitatory"], 2);
  EXPECT_EQ(first["inhibitory"], 1);
  EXPECT_EQ(first["silent"], 1);
  Result table = RunNeurowatt(
      {"count", OnnxFixture("tiny_mlp_weights.onnx"), "--weights"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "5 of 18 weights are zero (27.8%)"))
      << table.out;
  Result stripped =
      RunNeurowatt({"count", OnnxFixture("resnet18.onnx"), "--weights"});
  EXPECT_EQ(stripped.code, 2);
  EXPECT_TRUE(Contains(stripped.err, "holds none")) << stripped.err;
}

TEST(CliTest, OnnxWorksWithEveryPricingCommand) {
  Result e =
      RunNeurowatt({"estimate", OnnxFixture("resnet18.onnx"), "--hw",
                    "horowitz-45nm", "--batch", "2", "--format", "json"});
  ASSERT_EQ(e.code, 0) << e.err;
  Result c = RunNeurowatt({"compare", OnnxFixture("tiny_mlp_weights.onnx"),
                           "--hw", "loihi", "--hw", "horowitz-45nm",
                           "--timesteps", "8", "--spike-rate", "0.1"});
  ASSERT_EQ(c.code, 0) << c.err;
  EXPECT_TRUE(Contains(c.out, "break-even")) << c.out;
  Result seq = RunNeurowatt(
      {"estimate", OnnxFixture("lstm.onnx"), "--hw", "horowitz-45nm"});
  EXPECT_EQ(seq.code, 2);
  EXPECT_TRUE(Contains(seq.err, "symbolic dimension(s) seq have no value"))
      << seq.err;
}

TEST(CliTest, UnknownOnnxOpsAreWarnedAndListed) {
  // Built from the schema's text form: x -> Relu -> LpNormalization -> y.
  onnx::ModelProto m;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString(
      R"pb(ir_version: 8
           opset_import { domain: "" version: 17 }
           graph {
             name: "unknown"
             input {
               name: "x"
               type {
                 tensor_type {
                   elem_type: 1
                   shape { dim { dim_value: 4 } }
                 }
               }
             }
             node { op_type: "Relu" name: "r" input: "x" output: "h" }
             node {
               op_type: "LpNormalization"
               name: "s"
               input: "h"
               output: "y"
             }
             output { name: "y" }
           })pb",
      &m));
  const std::string path = ::testing::TempDir() + "nw_unknown_op.onnx";
  {
    std::ofstream f(path, std::ios::binary);
    m.SerializeToOstream(&f);
  }
  Result r = RunNeurowatt({"count", path});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "warning")) << r.err;
  EXPECT_TRUE(Contains(r.err, "1 x LpNormalization")) << r.err;
  EXPECT_TRUE(Contains(r.out, "NOT COUNTED")) << r.out;
  Result j = RunNeurowatt({"count", path, "--format", "json"});
  EXPECT_EQ(nlohmann::json::parse(j.out)["uncounted"]["LpNormalization"], 1);
}

TEST(CliTest, AssumptionsRepeatsAndSharedWeightsAreReported) {
  const std::string dir = std::string(NEUROWATT_TEST_DATA) + "/onnx/coverage/";
  // An If on data: counted on its costlier branch, said on stderr, in the
  // table and in the JSON.
  Result r = RunNeurowatt({"count", dir + "if_dynamic.onnx"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(Contains(r.err, "warning: " + dir +
                                  "if_dynamic.onnx: assumed: If 'branch': its "
                                  "condition is computed at run time"))
      << r.err;
  EXPECT_TRUE(Contains(r.out, "ASSUMED: If 'branch'")) << r.out;
  Result j =
      RunNeurowatt({"count", dir + "if_dynamic.onnx", "--format", "json"});
  auto json = nlohmann::json::parse(j.out);
  ASSERT_EQ(json["assumptions"].size(), 1u);
  // Nested loops: 3 x 4 runs of one [1, 8] x [8, 8] layer.
  j = RunNeurowatt({"count", dir + "nested_loop.onnx", "--format", "json"});
  json = nlohmann::json::parse(j.out);
  EXPECT_TRUE(json["assumptions"].empty());
  bool found = false;
  for (const auto& layer : json["layers"]) {
    if (layer["kind"] != "linear") continue;
    found = true;
    EXPECT_EQ(layer["repeats"], 12);
    EXPECT_EQ(layer["macs"], 12 * 64);
  }
  EXPECT_TRUE(found);
  // One Linear(256, 256) applied twice.
  j = RunNeurowatt({"count", dir + "twice_linear.onnx", "--format", "json"});
  json = nlohmann::json::parse(j.out);
  EXPECT_EQ(json["totals"]["params"], 65'792);
  EXPECT_EQ(json["totals"]["shared_params"], 65'792);
  EXPECT_EQ(json["layers"][2]["params_shared_with"], "/fc/Gemm");
  EXPECT_EQ(json["layers"][2]["weight_users"], 2);
  EXPECT_EQ(json["layers"][0]["weight_users"], 2);
  r = RunNeurowatt({"count", dir + "twice_linear.onnx"});
  EXPECT_TRUE(Contains(r.out,
                       "shared weights: 65,792 params read by more "
                       "than one layer are counted once"))
      << r.out;
}

TEST(CliTest, PythonExampleWritesAnArchitecture) {
  // Debian's interpreter, where python3-protobuf installs.
  if (std::system("/usr/bin/python3 -c 'import google.protobuf' "
                  ">/dev/null 2>&1") != 0) {
    if (std::getenv("CI") != nullptr) {
      FAIL() << "python3-protobuf is missing (scripts/setup.sh installs it)";
    }
    GTEST_SKIP() << "python3-protobuf is not installed";
  }
  const std::string dir = ::testing::TempDir();
  for (const char* name : {"nw_py_mlp.pb", "nw_py_mlp.textproto"}) {
    const std::string out = dir + name;
    const std::string cmd = "PYTHONPATH=" + Quote(NEUROWATT_PYTHON_DIR) +
                            " /usr/bin/python3 " +
                            Quote(std::string(NEUROWATT_SOURCE) +
                                  "/examples/write_architecture.py") +
                            " " + Quote(out) + " >/dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    // 784-256-10: 784 x 256 + 256 x 10 synapses, 266 biases; batch 4.
    const nlohmann::json t = CountTotals({out, "--dim", "batch=4"});
    EXPECT_EQ(t["synapses"], 784 * 256 + 256 * 10);
    EXPECT_EQ(t["params"], 784 * 256 + 256 * 10 + 266);
    EXPECT_EQ(t["macs"], 4 * (784 * 256 + 256 * 10));
    std::remove(out.c_str());
  }
}

}  // namespace

namespace neurowatt {
namespace {

TEST(CliLanguageModelTest, DecodeJsonHasTokensAndTrafficByKind) {
  Result r = RunNeurowatt({"estimate", "preset:llama2-7b", "--hw", "h100-sxm",
                           "--phase", "decode", "--context", "4095",
                           "--precision", "bf16", "--format", "json"});
  ASSERT_EQ(r.code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["scenario"]["phase"], "decode");
  EXPECT_EQ(j["scenario"]["context"], 4095);
  const auto& h = j["hardware"][0];
  const double latency = h["latency_seconds"].get<double>();
  EXPECT_NEAR(h["tokens_per_second"].get<double>(), 1 / latency,
              1e-9 / latency);
  EXPECT_NEAR(h["energy_per_token_joules"].get<double>(),
              h["energy_joules"].get<double>(), 1e-12);
  const auto& t = h["traffic_bytes"];
  // 4,096 positions read, one written: 32 blocks x (k, v) x 4,096 x 2 B.
  EXPECT_NEAR(t["kv_cache"].get<double>(), 4097.0 * 32 * 2 * 4096 * 2, 1);
  EXPECT_GT(t["weights"].get<double>(), 13e9);
  EXPECT_TRUE(t.contains("activations"));
}

TEST(CliLanguageModelTest, GenerationAndTrainingTotals) {
  Result g = RunNeurowatt({"estimate", "preset:gpt2-small", "--hw", "h100-sxm",
                           "--prompt", "64", "--generate", "16", "--batch", "2",
                           "--format", "json"});
  ASSERT_EQ(g.code, 0) << g.err;
  auto j = nlohmann::json::parse(g.out);
  const auto& gen = j["hardware"][0]["generation"];
  EXPECT_EQ(gen["prompt_tokens"], 64);
  EXPECT_EQ(gen["generated_tokens"], 16);
  EXPECT_GT(gen["time_per_output_token_seconds"].get<double>(), 0);
  EXPECT_LT(gen["time_per_output_token_seconds"].get<double>(),
            gen["time_to_first_token_seconds"].get<double>());
  Result table =
      RunNeurowatt({"estimate", "preset:gpt2-small", "--hw", "h100-sxm",
                    "--prompt", "64", "--generate", "16"});
  ASSERT_EQ(table.code, 0) << table.err;
  EXPECT_TRUE(Contains(table.out, "generation: 64 prompt + 16 generated"))
      << table.out;

  // Brown et al. 2020: 3.14e23 FLOPs for GPT-3 175B over 300 B tokens.
  Result c = RunNeurowatt({"count", "preset:gpt3-175b-full", "--phase", "train",
                           "--tokens", "300e9", "--format", "json"});
  ASSERT_EQ(c.code, 0) << c.err;
  auto k = nlohmann::json::parse(c.out);
  EXPECT_EQ(k["phase"], "train");
  EXPECT_NEAR(k["totals"]["training_flops"].get<double>() / 3.145e23, 1.0,
              0.03);
  Result e = RunNeurowatt({"estimate", "preset:gpt2-small", "--hw", "h100-sxm",
                           "--phase", "train", "--optimizer", "sgd",
                           "--recompute", "--tokens", "1e9", "--format", "json",
                           "--dim", "seq=256", "--precision", "bf16"});
  ASSERT_EQ(e.code, 0) << e.err;
  auto et = nlohmann::json::parse(e.out)["hardware"][0]["training"];
  EXPECT_EQ(et["optimizer"], "sgd");
  EXPECT_EQ(et["recompute"], true);
  EXPECT_DOUBLE_EQ(et["steps"].get<double>(), 1e9 / 256);
  EXPECT_NEAR(et["total_energy_joules"].get<double>(),
              et["energy_per_step_joules"].get<double>() * 1e9 / 256,
              1e-6 * et["total_energy_joules"].get<double>());
}

TEST(CliLanguageModelTest, BadPhaseFlagsExitTwo) {
  const std::vector<std::vector<std::string>> cases = {
      {"count", "preset:gpt2-small", "--phase", "generate"},
      {"count", "preset:mlp", "--phase", "decode"},
      {"count", "preset:gpt2-small", "--phase", "decode", "--dim", "seq=8"},
      {"count", "preset:gpt2-small", "--context", "-3"},
      {"count", "preset:gpt2-small", "--optimizer", "adam"},
      {"count", "preset:gpt2-small", "--phase", "train", "--optimizer", "lamb"},
      {"count", "preset:gpt2-small", "--phase", "train", "--tokens", "0"},
      {"estimate", "preset:gpt2-small", "--hw", "h100-sxm", "--prompt", "8"},
      {"estimate", "preset:gpt2-small", "--hw", "h100-sxm", "--prompt", "8",
       "--generate", "0"},
      {"estimate", "preset:gpt2-small", "--hw", "h100-sxm",
       "--weight-precision", "int3"},
      {"estimate", "preset:gpt2-small", "--hw", "loihi", "--phase", "train",
       "--timesteps", "4", "--spike-rate", "0.1"},
  };
  for (const auto& args : cases) {
    Result r = RunNeurowatt(args);
    EXPECT_EQ(r.code, 2) << absl::StrJoin(args, " ") << "\n" << r.err;
    EXPECT_TRUE(r.out.empty()) << absl::StrJoin(args, " ");
    EXPECT_FALSE(r.err.empty());
  }
}

}  // namespace
}  // namespace neurowatt
