// The Python package (python/): runs Debian's interpreter with the build's
// package (build/python) on PYTHONPATH and compares what neurowatt.count,
// estimate and compare return with what the real binary prints.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "onnx/onnx_pb.h"
#include "tests/cli_util.h"

namespace {

using absl::StrCat;

// Skips, or fails in CI (env CI set), when the package cannot run here.
#define REQUIRE_PYTHON_MODULE()                                        \
  do {                                                                 \
    if (const std::string why = PythonUnavailable(); !why.empty()) {   \
      if (std::getenv("CI") != nullptr && !kDeliberatelyOff) {         \
        FAIL() << why << " (scripts/setup.sh installs what it needs)"; \
      }                                                                \
      GTEST_SKIP() << why;                                             \
    }                                                                  \
  } while (0)

// Sanitizer builds leave the module out on purpose (CMakeLists.txt); any
// other build without it is a misconfigured CI.
#ifdef NEUROWATT_SANITIZED
constexpr bool kDeliberatelyOff = true;
#else
constexpr bool kDeliberatelyOff = false;
#endif

std::string PythonUnavailable() {
#ifndef NEUROWATT_PYTHON_MODULE
  return "built without the Python module (NEUROWATT_BUILD_PYTHON=OFF or a "
         "sanitizer build)";
#else
  if (!std::filesystem::exists(NEUROWATT_PYTHON_MODULE)) {
    return StrCat("the Python module ", NEUROWATT_PYTHON_MODULE, " is missing");
  }
  const std::string probe =
      StrCat(Quote(NEUROWATT_PYTHON), " -c 'import google.protobuf' ",
             ">/dev/null 2>&1");
  if (std::system(probe.c_str()) != 0) {
    return StrCat(NEUROWATT_PYTHON, " or its python3-protobuf is missing");
  }
  return "";
#endif
}

// Runs `script` with the build's package on the path; its exit code and
// output, in files of its own (ctest runs tests in parallel).
Result RunPython(const std::string& script) {
  std::string dir = ::testing::TempDir() + "/py.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return {};
  const std::string file = dir + "/script.py";
  std::ofstream(file) << script;
  const std::string out = dir + "/out", err = dir + "/err";
  const std::string cmd = StrCat(
      "PYTHONPATH=", Quote(NEUROWATT_PYTHON_DIR), " ",
#ifdef NEUROWATT_PYTHON
      Quote(NEUROWATT_PYTHON),
#else
      "/usr/bin/python3",
#endif
      " ", Quote(file), " >", Quote(out), " 2>", Quote(err), " </dev/null");
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  std::filesystem::remove_all(dir);
  return r;
}

// `call` (a Python expression using neurowatt) as JSON, as Python's json
// module writes the dict it returns.
nlohmann::json PythonJson(const std::string& call) {
  Result r = RunPython(
      StrCat("import json, neurowatt\nprint(json.dumps(", call, "))\n"));
  EXPECT_EQ(r.code, 0) << call << "\n" << r.err;
  if (r.code != 0) return nullptr;
  return nlohmann::json::parse(r.out);
}

nlohmann::json CliJson(const std::vector<std::string>& args) {
  Result r = RunNeurowatt(args);
  EXPECT_EQ(r.code, 0) << r.err;
  if (r.code != 0) return nullptr;
  return nlohmann::json::parse(r.out);
}

// What `call` raises: "TypeName: message", or "" when it returns.
std::string PythonError(const std::string& call) {
  Result r = RunPython(StrCat("import neurowatt\ntry:\n    ", call,
                              "\nexcept Exception as e:\n"
                              "    print(type(e).__name__ + ': ' + str(e))\n"));
  EXPECT_EQ(r.code, 0) << call << "\n" << r.err;
  if (!r.out.empty() && r.out.back() == '\n') r.out.pop_back();
  return r.out;
}

// What the CLI prints on stderr after "neurowatt COMMAND: ".
std::string CliError(const std::vector<std::string>& args) {
  Result r = RunNeurowatt(args);
  EXPECT_EQ(r.code, 2) << r.out;
  const std::string prefix = StrCat("neurowatt ", args[0], ": ");
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
  std::string message = r.err.substr(std::min(prefix.size(), r.err.size()));
  if (!message.empty() && message.back() == '\n') message.pop_back();
  return message;
}

TEST(PythonTest, ExampleRuns) {
  REQUIRE_PYTHON_MODULE();
  Result r = RunPython(
      Slurp(std::string(NEUROWATT_SOURCE) + "/examples/python/estimate.py"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(Contains(r.out, "horowitz-45nm")) << r.out;
  EXPECT_TRUE(Contains(r.out, "loihi")) << r.out;
  EXPECT_TRUE(Contains(r.out, "break-even loihi vs horowitz-45nm")) << r.out;
  EXPECT_TRUE(Contains(r.out, "timesteps")) << r.out;
}

TEST(PythonTest, CountIsTheCliJson) {
  REQUIRE_PYTHON_MODULE();
  const nlohmann::json kv = PythonJson("neurowatt.count('preset:seed-kv')");
  EXPECT_EQ(kv["totals"]["synapses"], 40);
  EXPECT_EQ(kv["totals"]["neurons"], 10);
  EXPECT_EQ(kv, CliJson({"count", "preset:seed-kv", "--format", "json"}));

  EXPECT_EQ(PythonJson("neurowatt.count('preset:gpt2-small', "
                       "dims={'seq': 16, 'batch': 2})"),
            CliJson({"count", "preset:gpt2-small", "--dim", "seq=16", "--dim",
                     "batch=2", "--format", "json"}));
  // A path-like source, and the schema's modules beside the extension.
  const std::string lenet =
      std::string(NEUROWATT_SOURCE) + "/examples/lenet5.textproto";
  EXPECT_EQ(PythonJson(StrCat("neurowatt.count(__import__('pathlib').Path(",
                              "'", lenet, "'))")),
            CliJson({"count", lenet, "--format", "json"}));
  // A NIR graph (HDF5) counts as the CLI counts it.
  const std::string nir =
      std::string(NEUROWATT_SOURCE) + "/tests/data/nir/cnn_sinabs.nir";
  const nlohmann::json cnn = PythonJson(StrCat("neurowatt.count('", nir, "')"));
  EXPECT_EQ(cnn["totals"]["macs"], 903680);
  EXPECT_EQ(cnn, CliJson({"count", nir, "--format", "json"}));
  Result schema = RunPython(
      "import neurowatt.v1.architecture_pb2 as a\n"
      "print(a.Architecture(name='x').name)\n");
  EXPECT_EQ(schema.code, 0) << schema.err;
  EXPECT_EQ(schema.out, "x\n");
}

TEST(PythonTest, EstimateIsTheCliJson) {
  REQUIRE_PYTHON_MODULE();
  const std::string mlp = "preset:mlp:sizes=784-512-10";
  EXPECT_EQ(PythonJson(StrCat("neurowatt.estimate('", mlp,
                              "', hw=['horowitz-45nm', 'tpuv4i-7nm-hbm2'], "
                              "batch=8, precision='int8')")),
            CliJson({"estimate", mlp, "--hw", "horowitz-45nm", "--hw",
                     "tpuv4i-7nm-hbm2", "--batch", "8", "--precision", "int8",
                     "--format", "json"}));
  const nlohmann::json spiking = PythonJson(
      StrCat("neurowatt.estimate('", mlp,
             "', hw=['horowitz-45nm', 'loihi'], timesteps=16, "
             "spike_rate=0.05, input_rate=0.2, layer_rates={'fc1': 0.1})"));
  EXPECT_EQ(spiking, CliJson({"estimate", mlp, "--hw", "horowitz-45nm", "--hw",
                              "loihi", "--timesteps", "16", "--spike-rate",
                              "0.05", "--input-rate", "0.2", "--layer-rate",
                              "fc1=0.1", "--format", "json"}));
  EXPECT_EQ(spiking["hardware"][1]["kind"], "neuromorphic");
  // One name is a list of one.
  EXPECT_EQ(PythonJson("neurowatt.estimate('preset:seed-kv', 'horowitz-45nm')"),
            CliJson({"estimate", "preset:seed-kv", "--hw", "horowitz-45nm",
                     "--format", "json"}));
}

TEST(PythonTest, CompareIsTheCliJson) {
  REQUIRE_PYTHON_MODULE();
  const std::string mlp = "preset:mlp:sizes=784-512-512-10";
  const nlohmann::json physical =
      PythonJson(StrCat("neurowatt.compare('", mlp,
                        "', hw=['loihi', 'horowitz-45nm', 'tpuv4i-7nm-hbm2'], "
                        "timesteps=8, spike_rate=0.1)"));
  EXPECT_EQ(physical,
            CliJson({"compare", mlp, "--hw", "loihi", "--hw", "horowitz-45nm",
                     "--hw", "tpuv4i-7nm-hbm2", "--timesteps", "8",
                     "--spike-rate", "0.1", "--format", "json"}));
  EXPECT_TRUE(physical["break_even"].contains("spikes_per_neuron_per_step"));
  EXPECT_EQ(physical["break_even_all"].size(), 2u);
  EXPECT_EQ(
      PythonJson(StrCat("neurowatt.compare('", mlp,
                        "', ['brain', 'horowitz-45nm'], 'ac-mac', "
                        "timesteps=4, spike_rate=0.3, coding='ttfs')")),
      CliJson({"compare", mlp, "--hw", "brain", "--hw", "horowitz-45nm",
               "--convention", "ac-mac", "--timesteps", "4", "--spike-rate",
               "0.3", "--coding", "ttfs", "--format", "json"}));
}

TEST(PythonTest, ChipsSizeTheSystem) {
  REQUIRE_PYTHON_MODULE();
  // GPT-3 at bf16 (350 GB) on 80 GiB H100s: five by default, as asked when
  // given.
  Result r = RunPython(
      "import neurowatt\n"
      "auto = neurowatt.estimate('preset:gpt3-175b', hw='h100-sxm', "
      "precision='bf16')['hardware'][0]\n"
      "given = neurowatt.estimate('preset:gpt3-175b', hw='h100-sxm', "
      "precision='bf16', chips=8)['hardware'][0]\n"
      "print(auto['chips'], auto['system']['sized'], given['chips'], "
      "given['system']['tensor_parallel'])\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "5 auto 8 8\n");
}

TEST(PythonTest, LanguageModelsAsTheyRun) {
  REQUIRE_PYTHON_MODULE();
  EXPECT_EQ(PythonJson("neurowatt.estimate('preset:llama2-7b', hw='h100-sxm', "
                       "precision='fp16', weight_precision='int4', "
                       "kv_precision='fp8', phase='decode', context=2048)"),
            CliJson({"estimate", "preset:llama2-7b", "--hw", "h100-sxm",
                     "--precision", "fp16", "--weight-precision", "int4",
                     "--kv-precision", "fp8", "--phase", "decode", "--context",
                     "2048", "--format", "json"}));
  EXPECT_EQ(PythonJson("neurowatt.count('preset:gpt2-small', phase='train')"),
            CliJson({"count", "preset:gpt2-small", "--phase", "train",
                     "--format", "json"}));
  EXPECT_TRUE(Contains(PythonError("neurowatt.count('preset:mlp', "
                                   "phase='decode')"),
                       "decode needs"));
  EXPECT_TRUE(Contains(PythonError("neurowatt.estimate('preset:gpt2-small', "
                                   "'h100-sxm', phase='sample')"),
                       "phase 'sample'"));
}

TEST(PythonTest, ActivityFiles) {
  REQUIRE_PYTHON_MODULE();
  std::string dir = ::testing::TempDir() + "/pyact.XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string js = dir + "/activity.json";
  std::ofstream(js) << R"({"timesteps": 16,
    "spikes": {"input": 3, "key": 4, "value": 1}})";
  EXPECT_EQ(PythonJson(StrCat("neurowatt.estimate('preset:seed-kv', "
                              "hw=['loihi'], activity='",
                              js, "')")),
            CliJson({"estimate", "preset:seed-kv", "--hw", "loihi",
                     "--activity", js, "--format", "json"}));
  EXPECT_EQ(PythonError(StrCat("neurowatt.estimate('preset:seed-kv', "
                               "hw=['loihi'], activity='",
                               js, "', spike_rate=0.1)")),
            "ValueError: activity and spike_rate are both given; measured "
            "counts replace the rate settings");
  EXPECT_TRUE(Contains(PythonError(StrCat("neurowatt.estimate('preset:seed-kv'"
                                          ", hw=['loihi'], activity='",
                                          js, "', timesteps=8)")),
                       "disagrees with the activity file's 16"));
  std::filesystem::remove_all(dir);
}

TEST(PythonTest, ErrorsAreTheLibrarysMessages) {
  REQUIRE_PYTHON_MODULE();
  // The same text as the CLI's after "neurowatt COMMAND: ", where the CLI
  // adds no flag hint.
  const std::string missing = ::testing::TempDir() + "/nw_no_such_model.onnx";
  const std::string count_error =
      PythonError(StrCat("neurowatt.count('", missing, "')"));
  EXPECT_TRUE(Contains(count_error, missing)) << count_error;
  EXPECT_EQ(count_error, StrCat("ValueError: ", CliError({"count", missing})));
  EXPECT_EQ(PythonError("neurowatt.count('preset:nope')"),
            StrCat("ValueError: ", CliError({"count", "preset:nope"})));
  // Where the CLI adds a hint in its flags' terms, the message before it.
  std::string cli =
      CliError({"estimate", "preset:seed-kv", "--hw", "loihi", "--timesteps",
                "4", "--spike-rate", "0.5", "--layer-rate", "nope=0.1"});
  const size_t hint = cli.rfind("; check --layer-rate nope=R");
  ASSERT_NE(hint, std::string::npos) << cli;
  cli.erase(hint);
  EXPECT_EQ(
      PythonError("neurowatt.estimate('preset:seed-kv', hw=['loihi'], "
                  "timesteps=4, spike_rate=0.5, layer_rates={'nope': 0.1})"),
      StrCat("ValueError: ", cli));

  struct Case {
    std::string call, error;
  } cases[] = {
      {"neurowatt.estimate('preset:seed-kv', hw=['no-such-chip'])",
       "ValueError: "},
      {"neurowatt.estimate('preset:seed-kv', hw=[])", "ValueError: hw is "},
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'])",
       "ValueError: neuromorphic profiles need spike activity"},
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'], spike_rate=0.1)",
       "ValueError: neuromorphic profiles need timesteps"},
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'], timesteps=4, "
       "spike_rate=1.5)",
       "ValueError: spike_rate 1.5: expected a number from 0 to 1"},
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'], timesteps=4, "
       "spike_rate=float('nan'))",
       "ValueError: spike_rate nan: expected a number from 0 to 1"},
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'], timesteps=0, "
       "spike_rate=0.1)",
       "ValueError: timesteps 0: expected a whole number from 1 to 2^30"},
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'], timesteps=4, "
       "spike_rate=0.1, coding='burst')",
       "ValueError: coding burst: expected one of rate, ttfs"},
      {"neurowatt.estimate('preset:seed-kv', hw=['horowitz-45nm'], batch=0)",
       "ValueError: batch 0: expected a whole number from 1 to 2^40"},
      {"neurowatt.estimate('preset:seed-kv', hw=['horowitz-45nm'], "
       "batch=2**70)",
       "ValueError: batch 1180591620717411303424: expected a whole number "
       "from 1 to 2^40"},
      {"neurowatt.estimate('preset:seed-kv', hw=['horowitz-45nm'], batch=2, "
       "dims={'batch': 2})",
       "ValueError: batch and dims={'batch': ...} are both given"},
      {"neurowatt.estimate('preset:seed-kv', hw=['horowitz-45nm'], "
       "precision='fp64')",
       "ValueError: precision fp64: expected one of fp32, tf32, fp16, bf16, "
       "fp8, int8, int4"},
      {"neurowatt.estimate('preset:gpt3-175b', hw='h100-sxm', "
       "precision='bf16', chips=2)",
       "ValueError: preset:gpt3-175b on h100-sxm: the network's 359.2 GB"},
      {"neurowatt.estimate('preset:seed-kv', hw='horowitz-45nm', chips=0)",
       "ValueError: chips '0': expected auto or a whole number"},
      {"neurowatt.estimate('preset:seed-kv', hw='horowitz-45nm', chips=2.0)",
       "TypeError: chips: expected an int, got float"},
      {"neurowatt.count('preset:gpt2-small', dims={'seq': -1})",
       "ValueError: dims seq=-1: expected a whole number from 1 to 2^40"},
      {"neurowatt.count('preset:seed-kv', dims={'nope': 3})", "ValueError: "},
      {"neurowatt.compare('preset:seed-kv', hw=['loihi'], timesteps=4, "
       "spike_rate=0.1)",
       "ValueError: compare needs two or more hardware profiles"},
      {"neurowatt.compare('preset:seed-kv', hw=['loihi', 'brain'], "
       "convention='shortcut')",
       "ValueError: convention shortcut: expected one of physical, ac-mac"},
      // Python's own errors for the wrong kind of argument.
      {"neurowatt.estimate('preset:seed-kv', hw=['loihi'], spikerate=0.1)",
       "TypeError: "},
      {"neurowatt.estimate('preset:seed-kv', hw=['horowitz-45nm'], "
       "batch='8')",
       "TypeError: batch: expected an int, got str"},
      {"neurowatt.estimate('preset:seed-kv', hw=['horowitz-45nm'], "
       "batch=True)",
       "TypeError: batch: expected an int, got bool"},
      {"neurowatt.count('preset:gpt2-small', dims={'seq': 1.5})",
       "TypeError: dims values: expected an int, got float"},
      {"neurowatt.count('preset:gpt2-small', dims=[('seq', 1)])",
       "TypeError: dims: expected a dict, got list"},
      {"neurowatt.estimate('preset:seed-kv', hw=[3])",
       "TypeError: expected str, bytes or os.PathLike object"},
      {"neurowatt.count(None)", "TypeError: "},
  };
  for (const Case& c : cases) {
    const std::string got = PythonError(c.call);
    EXPECT_EQ(got.rfind(c.error, 0), 0u) << c.call << "\n" << got;
  }
  // The unknown profile's message names it.
  EXPECT_TRUE(Contains(
      PythonError("neurowatt.estimate('preset:seed-kv', hw=['no-such-chip'])"),
      "no-such-chip"));
}

TEST(PythonTest, UncountedOpsWarn) {
  REQUIRE_PYTHON_MODULE();
  // x -> Relu -> LpNormalization -> y: neurowatt does not count LpNormalization.
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
             node { op_type: "LpNormalization" name: "s" input: "h" output: "y" }
             output { name: "y" }
           })pb",
      &m));
  std::string dir = ::testing::TempDir() + "/pyonnx.XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string path = dir + "/unknown_op.onnx";
  {
    std::ofstream f(path, std::ios::binary);
    m.SerializeToOstream(&f);
  }
  Result r =
      RunPython(StrCat("import warnings, neurowatt\n"
                       "with warnings.catch_warnings(record=True) as w:\n"
                       "    warnings.simplefilter('always')\n"
                       "    d = neurowatt.count('",
                       path,
                       "')\n"
                       "print(d['uncounted'])\n"
                       "print(w[0].category.__name__, w[0].message)\n"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, StrCat("{'LpNormalization': 1}\nUserWarning ", path,
                          ": not counted (unknown ops, listed as uncounted): "
                          "1 x LpNormalization\n"));
  std::filesystem::remove_all(dir);
}

TEST(PythonTest, ThreadsShareTheModule) {
  REQUIRE_PYTHON_MODULE();
  // The GIL is released around the C++ work: threads run side by side and
  // each gets its own answer.
  Result r = RunPython(
      "import concurrent.futures, neurowatt\n"
      "sources = ['preset:seed-kv', 'preset:seed-mlp-2x2', "
      "'preset:seed-mlp-4x3', 'preset:gpt2-small'] * 4\n"
      "with concurrent.futures.ThreadPoolExecutor(4) as pool:\n"
      "    got = list(pool.map(lambda s: neurowatt.count(s)['totals']"
      "['synapses'], sources))\n"
      "assert got == [neurowatt.count(s)['totals']['synapses'] "
      "for s in sources], got\n"
      "print(got[:3])\n");
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "[40, 10, 36]\n");
}

}  // namespace
