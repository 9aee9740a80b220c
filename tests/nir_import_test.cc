// NIR graphs counted as architectures (model/nir/nir_import.h): the real
// Norse and Sinabs files, and files written here with HDF5 for nested
// graphs, recurrence and bad input.
#include "model/nir/nir_import.h"

#include <filesystem>
#include <fstream>
#include <set>

#include "estimators/spike_activity.h"
#include "gtest/gtest.h"
#include "model/nir/nir_file.h"
#include "tests/nir_test_util.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

using testing::Floats;
using testing::Ints;
using testing::NirWriter;

std::string Nir(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/nir/" + name;
}

std::string Temp(const std::string& name) {
  return ::testing::TempDir() + "/nir_import_" + name + ".nir";
}

// Hand count of Sinabs's N-MNIST CNN (input 2 x 34 x 34):
//   0 Conv 2->16 k5 s2 p1: (34 + 2 - 5) / 2 + 1 = 16, 16x16x16 x 50 MACs;
//   2 Conv 16->16 k3 p1: 16x16x16 x 144; 4 SumPool 2 -> 16x8x8;
//   5 Conv 16->8 k3 p1: 8x8x8 x 144; 7 SumPool 2 -> 8x4x4 = 128;
//   9 Affine 128->256; 11 Affine 256->10.
TEST(NirImportTest, CountsSinabsCnnByHand) {
  auto c = CountSource(Nir("cnn_sinabs.nir"));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->total.macs,
            4096 * 50 + 4096 * 144 + 512 * 144 + 128 * 256 + 256 * 10);
  EXPECT_EQ(c->total.neurons, 16 + 16 + 8 + 256 + 10);
  EXPECT_EQ(c->total.neuron_instances, 4096 + 4096 + 512 + 256 + 10);
  EXPECT_EQ(c->total.synapses,
            16 * 2 * 25 + 16 * 16 * 9 + 8 * 16 * 9 + 256 * 128 + 10 * 256);
  // The IF nodes are the conv layers' neurons: none of their own, one
  // update (1 mul, 1 add, 1 compare) per neuron per step.
  const Workload& if1 = Layer(*c, "1");
  EXPECT_EQ(if1.kind, "neuron");
  EXPECT_EQ(if1.neurons, 0);
  EXPECT_EQ(if1.other_ops.compares, 4096);
  EXPECT_EQ(if1.other_ops.muls, 4096);
  EXPECT_EQ(if1.state_elements, 4096);  // one membrane each
  // Sum pooling: 4 adds per output, no divide.
  const Workload& pool = Layer(*c, "4");
  EXPECT_EQ(pool.other_ops.adds, 16 * 8 * 8 * 4);
  EXPECT_EQ(pool.other_ops.divs, 0);
}

// A sum pool routes every spike of its 2 x 2 window on: its outputs carry 4
// times the spikes per element of the population before it.
TEST(NirImportTest, SumPoolsCarryTheirWindowsSpikes) {
  auto c = CountSource(Nir("cnn_sinabs.nir"));
  ASSERT_TRUE(c.ok()) << c.status();
  v1::SpikeActivity rate;
  rate.set_coding(v1::SpikeActivity::RATE);
  rate.set_timesteps(10);
  rate.set_spike_rate(0.1);
  auto a = ResolveSpikeActivity(*c, rate);
  ASSERT_TRUE(a.ok()) << a.status();
  auto at = [&](const std::string& name) {
    for (size_t i = 0; i < c->layers.size(); ++i) {
      if (c->layers[i].name == name) return a->per_element[i].at(0.1);
    }
    ADD_FAILURE() << name;
    return 0.0;
  };
  EXPECT_DOUBLE_EQ(at("3"), 10 * 0.1);  // T x r per neuron
  EXPECT_DOUBLE_EQ(at("4"), 4 * at("3"));
  EXPECT_DOUBLE_EQ(at("7"), 4 * at("6"));
}

TEST(NirImportTest, KeepsNeuronParametersInTheNativeSchema) {
  auto arch = ImportNir(Nir("lif_norse.nir"), false);
  ASSERT_TRUE(arch.ok()) << arch.status();
  const v1::Node* lif = nullptr;
  for (const auto& n : arch->nodes()) {
    if (n.name() == "1") lif = &n;
  }
  ASSERT_NE(lif, nullptr);
  ASSERT_TRUE(lif->has_spiking_neuron());
  EXPECT_EQ(lif->spiking_neuron().model(), v1::SpikingNeuron::LIF);
  EXPECT_FLOAT_EQ(lif->spiking_neuron().tau(0), 0.0025f);
  EXPECT_FLOAT_EQ(lif->spiking_neuron().v_threshold(0), 0.1f);
  EXPECT_FLOAT_EQ(lif->spiking_neuron().r(0), 1.0f);
  // The text form parses back to the same architecture.
  auto again = ParseArchitectureText(ArchitectureToText(*arch), "round trip");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), arch->SerializeAsString());
}

// input(3) -> in(Affine 3->4) -> lif(LIF 4) -> out; lif -> rec(Affine 4->4)
// -> lif: the recurrent Affine adds 16 synapses to the same 4 neurons.
NirWriter Recurrent() {
  NirWriter w;
  w.Node("node", "input", "Input", {Ints("shape", {3})})
      .Node("node", "in", "Affine",
            {Floats("weight", {4, 3}, std::vector<float>(12, 0.5f)),
             Floats("bias", {4}, std::vector<float>(4, 0.0f))})
      .Node("node", "rec", "Linear",
            {Floats("weight", {4, 4}, std::vector<float>(16, 0.1f))})
      .Node(
          "node", "lif", "LIF",
          {Floats("tau", {4}, {0.01f, 0.01f, 0.01f, 0.01f}),
           Floats("r", {4}, {1, 1, 1, 1}), Floats("v_leak", {4}, {0, 0, 0, 0}),
           Floats("v_threshold", {4}, {1, 1, 1, 1})})
      .Node("node", "output", "Output", {Ints("shape", {4})})
      .Edges("node", {{"input", "in"},
                      {"in", "lif"},
                      {"lif", "rec"},
                      {"rec", "lif"},
                      {"lif", "output"}});
  return w;
}

TEST(NirImportTest, RecurrentAffineAddsSynapsesNotNeurons) {
  const std::string path = Temp("recurrent");
  ASSERT_TRUE(Recurrent().Write(path));
  auto c = CountSource(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->total.neurons, 4);
  EXPECT_EQ(c->total.synapses, 12 + 16);
  EXPECT_EQ(c->total.macs, 12 + 16);
  EXPECT_EQ(Layer(*c, "in").neurons, 4);
  EXPECT_EQ(Layer(*c, "rec").neurons, 0);
  EXPECT_EQ(Layer(*c, "rec").synapses, 16);
  // The recurrent edge rec -> lif is a state node holding rec's previous
  // output; rec itself is driven by the population's spikes: 8 over 4
  // neurons, 2 per element.
  v1::SpikeActivity measured;
  measured.set_coding(v1::SpikeActivity::MEASURED);
  measured.set_timesteps(10);
  (*measured.mutable_layer_spikes())["in"] = 8;
  (*measured.mutable_layer_spikes())["input"] = 3;
  auto a = ResolveSpikeActivity(*c, measured);
  ASSERT_TRUE(a.ok()) << a.status();
  int state = -1, rec = -1, lif = -1;
  for (size_t i = 0; i < c->layers.size(); ++i) {
    if (c->layers[i].name == "rec.previous") state = static_cast<int>(i);
    if (c->layers[i].name == "rec") rec = static_cast<int>(i);
    if (c->layers[i].name == "lif") lif = static_cast<int>(i);
  }
  ASSERT_GE(state, 0);
  EXPECT_EQ(c->layers[state].state_source, rec);
  EXPECT_EQ(c->layers[rec].input_sources, (std::vector<int>{lif}));
  EXPECT_DOUBLE_EQ(a->per_element[lif].at(1), 2.0);
  EXPECT_DOUBLE_EQ(a->per_element[rec].at(1), 2.0);
  EXPECT_DOUBLE_EQ(a->per_element[state].at(1), 2.0);
  std::filesystem::remove(path);
}

TEST(NirImportTest, FlattensNestedGraphs) {
  // input -> sub{input -> a(Affine 2->2) -> if(IF) -> output} -> output
  NirWriter w;
  w.Node("node", "input", "Input", {Ints("shape", {2})})
      .Node("node", "sub", "NIRGraph")
      .Node("node/nodes/sub", "input", "Input", {Ints("shape", {2})})
      .Node(
          "node/nodes/sub", "a", "Affine",
          {Floats("weight", {2, 2}, {1, 0, 0, 1}), Floats("bias", {2}, {0, 0})})
      .Node("node/nodes/sub", "if", "IF",
            {Floats("r", {2}, {1, 1}), Floats("v_threshold", {2}, {1, 1})})
      .Node("node/nodes/sub", "output", "Output", {Ints("shape", {2})})
      .Edges("node/nodes/sub", {{"input", "a"}, {"a", "if"}, {"if", "output"}})
      .Node("node", "output", "Output", {Ints("shape", {2})})
      .Edges("node", {{"input", "sub"}, {"sub", "output"}});
  const std::string path = Temp("nested");
  ASSERT_TRUE(w.Write(path));
  auto g = ReadNirFile(path);
  ASSERT_TRUE(g.ok()) << g.status();
  std::vector<std::string> names;
  for (const auto& n : g->nodes) names.push_back(n.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"input", "output", "sub.a", "sub.if"}));
  std::set<std::pair<std::string, std::string>> edges(g->edges.begin(),
                                                      g->edges.end());
  EXPECT_EQ(
      edges,
      (std::set<std::pair<std::string, std::string>>{
          {"input", "sub.a"}, {"sub.a", "sub.if"}, {"sub.if", "output"}}));
  auto c = CountSource(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->total.neurons, 2);
  EXPECT_EQ(c->total.synapses, 4);
  std::filesystem::remove(path);
}

TEST(NirImportTest, ConvOneDimensionalAndNeuronWithoutSynapses) {
  // input(2 x 10) -> c(Conv1d 2->3, k3, s1, p0) -> t(Threshold) -> out;
  // a Threshold is its own 3 x 8 neurons only when no layer feeds it; here
  // the conv does.
  NirWriter w;
  w.Node("node", "input", "Input", {Ints("shape", {2, 10})})
      .Node("node", "c", "Conv1d",
            {Floats("weight", {3, 2, 3}, std::vector<float>(18, 1.0f)),
             Floats("bias", {3}, {0, 0, 0}), Ints("stride", {1}),
             Ints("padding", {0}), Ints("dilation", {1}), Ints("groups", {1})})
      .Node("node", "t", "Threshold", {Floats("threshold", {1}, {0.5f})})
      .Node("node", "li", "LI",
            {Floats("tau", {1}, {0.01f}), Floats("r", {1}, {1}),
             Floats("v_leak", {1}, {0})})
      .Node("node", "output", "Output", {Ints("shape", {3, 8})})
      .Edges("node",
             {{"input", "c"}, {"c", "t"}, {"t", "li"}, {"li", "output"}});
  const std::string path = Temp("conv1d");
  ASSERT_TRUE(w.Write(path));
  auto c = CountSource(path);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Layer(*c, "c").macs, 3 * 8 * 6);
  EXPECT_EQ(Layer(*c, "c").neurons, 3);
  EXPECT_EQ(Layer(*c, "t").neurons, 0);
  // The LI after the threshold has no synapse layer of its own.
  EXPECT_EQ(Layer(*c, "li").neurons, 24);
  EXPECT_EQ(Layer(*c, "li").other_ops.muls, 2 * 24);
  std::filesystem::remove(path);
}

struct BadCase {
  std::string name;
  NirWriter writer;
  std::string message;
  bool graph_type = true;
};

TEST(NirImportTest, BadFilesNameTheNodeAndWhatIsWrong) {
  std::vector<BadCase> cases;
  {
    NirWriter w;
    w.Node("node", "input", "Input", {Ints("shape", {3})})
        .Node("node", "a", "Affine", {Floats("bias", {4}, {0, 0, 0, 0})})
        .Edges("node", {{"input", "a"}});
    cases.push_back({"missing_weight", w,
                     "node \"a\" (Affine): missing dataset \"weight\""});
  }
  {
    NirWriter w;
    w.Node("node", "input", "Input", {Ints("shape", {3})})
        .Node("node", "a", "Affine",
              {Floats("weight", {4, 5}, std::vector<float>(20, 0.0f)),
               Floats("bias", {4}, {0, 0, 0, 0})})
        .Edges("node", {{"input", "a"}});
    cases.push_back(
        {"shape_mismatch", w,
         "node \"a\" (Affine): weight (4, 5) takes 5 inputs but its "
         "input has shape (3,)"});
  }
  {
    NirWriter w;
    w.Node("node", "input", "Input", {Ints("shape", {3})})
        .Node("node", "x", "Izhikevich")
        .Edges("node", {{"input", "x"}});
    cases.push_back(
        {"unknown_type", w, "node \"x\" (Izhikevich): unknown node type"});
  }
  {
    NirWriter w;
    w.Node("node", "input", "Input", {Ints("shape", {3})})
        .Node("node", "l", "LIF",
              {Floats("tau", {2}, {1, 1}), Floats("r", {1}, {1}),
               Floats("v_leak", {1}, {0}), Floats("v_threshold", {1}, {1})})
        .Edges("node", {{"input", "l"}});
    cases.push_back(
        {"param_shape", w,
         "node \"l\" (LIF): \"tau\" has shape (2,) but its input has "
         "shape (3,)"});
  }
  {
    NirWriter w;
    w.Node("node", "input", "Input", {Ints("shape", {3})})
        .Edges("node", {{"input", "nowhere"}});
    cases.push_back({"bad_edge", w, "names no node \"nowhere\""});
  }
  {
    NirWriter w;
    w.Raw({"node/nodes/a/weight", {1}, {1.0f}, {}, {}});
    cases.push_back({"no_type", w, "node \"a\": has no \"type\" dataset"});
  }
  for (auto& bad : cases) {
    SCOPED_TRACE(bad.name);
    const std::string path = Temp(bad.name);
    ASSERT_TRUE(bad.writer.Write(path, bad.graph_type));
    auto c = CountSource(path);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find(path), std::string::npos) << c.status();
    EXPECT_NE(c.status().message().find(bad.message), std::string::npos)
        << c.status();
    std::filesystem::remove(path);
  }
}

}  // namespace
}  // namespace neurowatt
