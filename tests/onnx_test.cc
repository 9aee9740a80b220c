// The ONNX importer on real exports (tests/data/onnx, written by
// scripts/export_onnx_fixtures.py from PyTorch 1.13 / torchvision 0.14) and
// on small graphs built here, one per op family. Expected figures are
// published ones (torchvision's model table) or worked out by hand in the
// comments.
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "model/batch.h"
#include "model/onnx/importer.h"
#include "onnx/onnx_pb.h"
#include "tests/test_util.h"
#include "util/error.h"

namespace neurowatt {
namespace {

std::string Fixture(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/onnx/" + name;
}

NetworkCount CountOnnx(const std::string& path, const DimBindings& dims = {},
                       bool weights = false) {
  auto m = LoadModel(path, dims, weights);
  EXPECT_TRUE(m.ok()) << m.status();
  if (!m.ok()) return NetworkCount{};
  auto c = ScaleToBatch(m->count, m->batch);
  EXPECT_TRUE(c.ok()) << c.status();
  return c.ok() ? *c : NetworkCount{};
}

int64_t Kinds(const NetworkCount& c, const std::string& kind) {
  int64_t n = 0;
  for (const auto& w : c.layers) n += w.kind == kind;
  return n;
}

// --- Real exports -----------------------------------------------------------

TEST(OnnxFixtureTest, ResNet18MatchesTorchvision) {
  const NetworkCount c = CountOnnx(Fixture("resnet18.onnx"));
  // torchvision: 1.814 GMACs ("GFLOPS 1.81") at 224x224: 20 convolutions
  // and the 512 x 1000 classifier.
  EXPECT_EQ(c.total.macs, 1'814'073'344);
  // torchvision: 11,689,512 parameters. The export folds each BatchNorm's
  // 2C (gain, bias) into the convolution as a C bias: 4,800 fewer (BN
  // channels: 64 + 4x64 + 4x128+128 + 4x256+256 + 4x512+512).
  EXPECT_EQ(c.total.params, 11'689'512 - 4'800);
  EXPECT_EQ(Kinds(c, "conv"), 20);
  EXPECT_EQ(Kinds(c, "linear"), 1);
  EXPECT_EQ(Kinds(c, "uncounted"), 0);
  // The classifier: 1000 neurons of 512 synapses.
  int64_t fc = 0;
  for (const auto& w : c.layers) {
    if (w.kind == "linear") fc = w.synapses_per_neuron();
  }
  EXPECT_EQ(fc, 512);
}

TEST(OnnxFixtureTest, ResNet18BatchIsTheSymbolicDimension) {
  const NetworkCount one = CountOnnx(Fixture("resnet18.onnx"));
  const NetworkCount four = CountOnnx(Fixture("resnet18.onnx"), {{"batch", 4}});
  EXPECT_EQ(four.total.macs, 4 * one.total.macs);
  EXPECT_EQ(four.total.synapses, one.total.synapses);
  auto bad = LoadModel(Fixture("resnet18.onnx"), {{"seq", 4}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "the model has no dimension named 'seq' (it has: batch)"),
            std::string::npos)
      << bad.status();
  // The library names no flag; the detail says which binding was wrong.
  EXPECT_EQ(bad.status().message().find("--dim"), std::string::npos)
      << bad.status();
  auto detail = DetailOf(bad.status());
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->subject, ErrorSubject::kUnknownDimension);
  EXPECT_EQ(detail->name, "seq");
}

TEST(OnnxFixtureTest, MobileNetV2DepthwiseAndClip) {
  const NetworkCount c = CountOnnx(Fixture("mobilenet_v2.onnx"));
  // torchvision: 0.30 GFLOPS (MACs) and 3,504,872 parameters, of which the
  // export folds 17,056 BatchNorm channels into conv biases.
  EXPECT_EQ(c.total.macs, 300'774'272);
  EXPECT_EQ(c.total.params, 3'504'872 - 17'056);
  int64_t depthwise = 0;
  for (const auto& w : c.layers) {
    depthwise += w.depthwise;
    // A depthwise neuron has k x k synapses.
    if (w.depthwise) {
      EXPECT_EQ(w.synapses_per_neuron(), 9) << w.name;
    }
  }
  EXPECT_EQ(depthwise, 17);
  EXPECT_EQ(Kinds(c, "activation"), 35);  // ReLU6 exported as Clip
}

TEST(OnnxFixtureTest, VitB16MatchesTorchvision) {
  const NetworkCount c = CountOnnx(Fixture("vit_b_16.onnx"));
  // torchvision: 17.56 GFLOPS (MACs) and 86,567,656 parameters (the class
  // token and position embedding included: both expanded or added as
  // stored tensors).
  EXPECT_EQ(c.total.params, 86'567'656);
  EXPECT_EQ(c.total.macs, 17'563'828'224);
  // 12 blocks x (QK^T and AV): 12 heads x 197 x 197 x 64 each.
  int64_t attention = 0;
  for (const auto& w : c.layers) {
    if (w.kind == "matmul") attention += w.macs;
  }
  EXPECT_EQ(attention, 12 * 2 * int64_t{12} * 197 * 197 * 64);
  EXPECT_EQ(Kinds(c, "uncounted"), 0);
}

TEST(OnnxFixtureTest, MultiheadAttentionByHand) {
  // nn.MultiheadAttention(64, 4 heads), 10 tokens: in_proj 64 -> 192,
  // scores and values 4 x 10 x 10 x 16 each, out_proj 64 -> 64.
  const NetworkCount c = CountOnnx(Fixture("mha.onnx"));
  EXPECT_EQ(c.total.macs, 192 * 64 * 10 + 2 * 4 * 10 * 10 * 16 + 64 * 64 * 10);
  EXPECT_EQ(c.total.synapses, 192 * 64 + 64 * 64);
  EXPECT_EQ(c.total.neurons, 192 + 64);
  EXPECT_EQ(c.total.params, 192 * 64 + 192 + 64 * 64 + 64);  // 16,640
  EXPECT_EQ(Kinds(c, "matmul"), 2);  // activation x activation: no synapses
  for (const auto& w : c.layers) {
    if (w.kind == "matmul") {
      EXPECT_EQ(w.synapses, 0);
    }
  }
}

TEST(OnnxFixtureTest, LstmNeedsItsSequenceLength) {
  auto unbound = LoadModel(Fixture("lstm.onnx"), {});
  ASSERT_FALSE(unbound.ok());
  EXPECT_NE(unbound.status().message().find(
                "symbolic dimension(s) seq have no value"),
            std::string::npos)
      << unbound.status();
  EXPECT_EQ(unbound.status().message().find("--dim"), std::string::npos)
      << unbound.status();
  auto detail = DetailOf(unbound.status());
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->subject, ErrorSubject::kUnboundDimension);
  EXPECT_EQ(detail->name, "seq");
  // nn.LSTM(32, 64, num_layers=2): layer 0 has 4 x 64 gate neurons of
  // 32 + 64 synapses, layer 1 4 x 64 of 64 + 64; 20 steps.
  const NetworkCount c = CountOnnx(Fixture("lstm.onnx"), {{"seq", 20}});
  const int64_t synapses = 256 * 96 + 256 * 128;
  EXPECT_EQ(c.total.synapses, synapses);
  EXPECT_EQ(c.total.neurons, 512);
  EXPECT_EQ(c.total.macs, synapses * 20);
  EXPECT_EQ(c.total.params, synapses + 2 * 2 * 256);  // PyTorch: 58,368
  EXPECT_EQ(Kinds(c, "lstm"), 2);
}

TEST(OnnxFixtureTest, GruAndRnnByHand) {
  // Bidirectional GRU(16, 24), 5 steps: 2 x 72 gate neurons of 40 synapses.
  const NetworkCount gru = CountOnnx(Fixture("gru.onnx"));
  EXPECT_EQ(gru.total.synapses, 144 * 40);
  EXPECT_EQ(gru.total.macs, 144 * 40 * 5);
  EXPECT_EQ(gru.total.params, 6'048);
  // RNN(8, 10), 7 steps: 10 neurons of 18 synapses.
  const NetworkCount rnn = CountOnnx(Fixture("rnn.onnx"));
  EXPECT_EQ(rnn.total.synapses, 180);
  EXPECT_EQ(rnn.total.macs, 180 * 7);
  EXPECT_EQ(rnn.total.params, 200);
}

TEST(OnnxFixtureTest, ConvTransposeByHand) {
  // ConvT(16 -> 8, k4, s2, p1) on 8x8: every input position scatters into
  // 8 x 16 weights: 64 x 16 x 8 x 16 MACs; output 16x16. Then ConvT(8 -> 4,
  // k3, p1, groups 2) on 16x16: 256 x 8 x 2 x 9.
  const NetworkCount c = CountOnnx(Fixture("conv_transpose.onnx"));
  EXPECT_EQ(c.total.macs, 64 * 16 * 8 * 16 + 256 * 8 * 2 * 9);
  EXPECT_EQ(c.total.synapses, 16 * 8 * 16 + 8 * 2 * 9);
  EXPECT_EQ(c.total.neurons, 8 + 4);
}

TEST(OnnxFixtureTest, Gpt2BlockDecomposedNormsAndEmbeddings) {
  const NetworkCount c = CountOnnx(Fixture("gpt2_block.onnx"), {{"seq", 8}});
  const int64_t d = 768, vocab = 50257;
  // Token and position tables, one block (qkv, proj, fc, fc2), and the
  // lm_head, which the export stores as a transposed copy of the table.
  const int64_t block = d * 3 * d + d * d + 2 * d * 4 * d;
  EXPECT_EQ(c.total.synapses, vocab * d + 1024 * d + block + d * vocab);
  // Biases (3d + d + 4d + d) and three decomposed layer norms (2d each).
  EXPECT_EQ(c.total.params, c.total.synapses + 9 * d + 3 * 2 * d);
  // Decomposed layer norms: ReduceMean twice each.
  EXPECT_EQ(Kinds(c, "reduce"), 6);
  EXPECT_EQ(Kinds(c, "embedding"), 2);
  // 8 tokens: the linear layers and 12 heads x (QK^T + AV) of 8 x 8 x 64.
  EXPECT_EQ(c.total.macs, 8 * (block + d * vocab) + 2 * 12 * 8 * 8 * 64);
}

TEST(OnnxFixtureTest, WeightAnalysisByHand) {
  // tiny_mlp_weights: MatMul with W[in=4, out=3] =
  //   [[1, .5, 0], [-2, -1, -3], [0, 0, 0], [3, 2, 1]]
  // and Gemm (transB) with W[out=2, in=3] = [[1, -1, 0], [2, -2, .25]].
  const NetworkCount c =
      CountOnnx(Fixture("tiny_mlp_weights.onnx"), {}, /*weights=*/true);
  const Workload& first = Layer(c, "/0/MatMul");
  ASSERT_TRUE(first.weight_stats.has_value());
  const v1::WeightStats& a = *first.weight_stats;
  EXPECT_EQ(a.weights(), 12);
  EXPECT_EQ(a.zeros(), 4);
  // Inputs 0 and 3 drive only positive weights, input 1 only negative ones,
  // input 2 none.
  EXPECT_EQ(a.excitatory(), 2);
  EXPECT_EQ(a.inhibitory(), 1);
  EXPECT_EQ(a.mixed(), 0);
  EXPECT_EQ(a.silent(), 1);
  EXPECT_EQ(a.bits(), 4);  // 8 distinct values: a 3-bit code, stored in 4
  EXPECT_EQ(first.nonzero_synapses(), 8);
  const v1::WeightStats& b = *Layer(c, "/2/Gemm").weight_stats;
  EXPECT_EQ(b.zeros(), 1);
  EXPECT_EQ(b.excitatory(), 2);  // columns (1, 2) and (0, .25)
  EXPECT_EQ(b.inhibitory(), 1);  // column (-1, -2)
  // Without --weights nothing is read.
  const NetworkCount plain = CountOnnx(Fixture("tiny_mlp_weights.onnx"));
  EXPECT_FALSE(Layer(plain, "/0/MatMul").weight_stats.has_value());
}

TEST(OnnxFixtureTest, StrippedFilesHaveNoWeightStats) {
  const NetworkCount c =
      CountOnnx(Fixture("resnet18.onnx"), {}, /*weights=*/true);
  for (const auto& w : c.layers) EXPECT_FALSE(w.weight_stats) << w.name;
}

// --- Small graphs built here
// --------------------------------------------------

// Builds an ONNX model in memory and writes it to a file of its own.
class Model {
 public:
  explicit Model(int opset = 17) {
    model_.set_ir_version(8);
    auto* op = model_.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    model_.mutable_graph()->set_name("built");
  }

  Model& Input(const std::string& name, std::vector<int64_t> dims,
               int32_t type = onnx::TensorProto::FLOAT,
               const std::string& symbol = "") {
    auto* in = model_.mutable_graph()->add_input();
    in->set_name(name);
    auto* t = in->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    for (int64_t d : dims) {
      auto* dim = t->mutable_shape()->add_dim();
      if (d < 0) {
        dim->set_dim_param(symbol);
      } else {
        dim->set_dim_value(d);
      }
    }
    return *this;
  }

  // A float initializer; with `values` its payload, else weight-stripped.
  Model& Weight(const std::string& name, std::vector<int64_t> dims,
                std::vector<float> values = {}) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    if (!values.empty()) {
      t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()),
                                  values.size() * sizeof(float)));
    }
    return *this;
  }

  Model& Ints(const std::string& name, std::vector<int64_t> values) {
    auto* t = model_.mutable_graph()->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(static_cast<int64_t>(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
    return *this;
  }

  onnx::NodeProto& Node(const std::string& op, std::vector<std::string> in,
                        std::vector<std::string> out,
                        const std::string& domain = "") {
    auto* n = model_.mutable_graph()->add_node();
    n->set_op_type(op);
    n->set_name(out.empty() ? op : out[0] + "_node");
    n->set_domain(domain);
    for (auto& s : in) n->add_input(s);
    for (auto& s : out) n->add_output(s);
    return *n;
  }

  Model& Output(const std::string& name) {
    model_.mutable_graph()->add_output()->set_name(name);
    return *this;
  }

  onnx::ModelProto& proto() { return model_; }

  // Writes the model to a file named after the running test.
  std::string Write() {
    const auto* info = testing::UnitTest::GetInstance()->current_test_info();
    const std::string path = testing::TempDir() + "nw_onnx_" +
                             info->test_suite_name() + "_" + info->name() +
                             ".onnx";
    std::ofstream f(path, std::ios::binary);
    model_.SerializeToOstream(&f);
    return path;
  }

 private:
  onnx::ModelProto model_;
};

void SetInts(onnx::NodeProto& n, const std::string& name,
             std::vector<int64_t> v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void SetInt(onnx::NodeProto& n, const std::string& name, int64_t v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void SetString(onnx::NodeProto& n, const std::string& name,
               const std::string& v) {
  auto* a = n.add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

TEST(OnnxOpsTest, GroupedConvWithSamePadding) {
  Model m;
  m.Input("x", {1, 8, 10, 10}).Weight("w", {16, 2, 3, 3}).Weight("b", {16});
  auto& conv = m.Node("Conv", {"x", "w", "b"}, {"y"});
  SetInt(conv, "group", 4);
  SetInts(conv, "strides", {2, 2});
  SetString(conv, "auto_pad", "SAME_UPPER");
  m.Output("y");
  const NetworkCount c = CountOnnx(m.Write());
  // SAME with stride 2 on 10x10: 5x5 outputs; 16 neurons of 8/4 x 9 = 18
  // synapses each.
  const Workload& w = c.layers.at(0);
  EXPECT_EQ(w.kind, "conv");
  EXPECT_EQ(w.synapses, 16 * 18);
  EXPECT_EQ(w.macs, 16 * 18 * 25);
  EXPECT_EQ(w.params, 16 * 18 + 16);
}

TEST(OnnxOpsTest, GemmAndMatMulConventions) {
  Model m;
  m.Input("x", {3, 6}).Weight("w", {4, 6}).Weight("b", {4}).Weight("v", {5, 4});
  auto& gemm = m.Node("Gemm", {"x", "w", "b"}, {"h"});
  SetInt(gemm, "transB", 1);
  // h^T is [4, 3]; a stored matrix on the left of an activation: V h^T.
  m.Node("Transpose", {"h"}, {"ht"});
  m.Node("MatMul", {"v", "ht"}, {"vh"});
  // Activation x activation: h h^T, [3, 4] x [4, 3].
  m.Node("MatMul", {"h", "ht"}, {"hh"});
  m.Output("vh").Output("hh");
  const NetworkCount c = CountOnnx(m.Write());
  const Workload& g = Layer(c, "h_node");
  EXPECT_EQ(g.kind, "linear");
  EXPECT_EQ(g.synapses, 4 * 6);
  EXPECT_EQ(g.macs, 3 * 4 * 6);
  EXPECT_EQ(g.params, 24 + 4);
  // V [5, 4] applied to the 3 columns of h^T: 5 neurons of 4 synapses.
  const Workload& v = Layer(c, "vh_node");
  EXPECT_EQ(v.kind, "linear");
  EXPECT_EQ(v.synapses, 20);
  EXPECT_EQ(v.macs, 20 * 3);
  const Workload& hh = Layer(c, "hh_node");
  EXPECT_EQ(hh.kind, "matmul");
  EXPECT_EQ(hh.synapses, 0);
  EXPECT_EQ(hh.macs, 3 * 3 * 4);
}

TEST(OnnxOpsTest, EinsumBetweenActivations) {
  Model m(13);
  m.Input("q", {2, 5, 8}).Input("k", {2, 7, 8});
  auto& e = m.Node("Einsum", {"q", "k"}, {"s"});
  SetString(e, "equation", "bqd,bkd->bqk");
  m.Output("s");
  const NetworkCount c = CountOnnx(m.Write());
  EXPECT_EQ(c.layers.at(0).kind, "einsum");
  EXPECT_EQ(c.layers.at(0).macs, 2 * 5 * 7 * 8);
  EXPECT_EQ(c.total.synapses, 0);
}

TEST(OnnxOpsTest, NormsActivationsPoolsAndReductions) {
  Model m;
  m.Input("x", {1, 4, 6, 6})
      .Weight("s", {4})
      .Weight("b", {4})
      .Weight("mean", {4})
      .Weight("var", {4})
      .Weight("g", {36})
      .Weight("beta", {36});
  m.Node("BatchNormalization", {"x", "s", "b", "mean", "var"}, {"bn"});
  m.Node("HardSwish", {"bn"}, {"hs"});
  auto& pool = m.Node("MaxPool", {"hs"}, {"mp"});
  SetInts(pool, "kernel_shape", {2, 2});
  SetInts(pool, "strides", {2, 2});
  SetInt(pool, "ceil_mode", 1);
  // 6x6 -> 3x3 with ceil mode; then normalise each channel's 9 values.
  m.Node("Reshape", {"mp", "shape"}, {"flat"});
  m.Ints("shape", {1, 4, 9});
  m.Node("Softmax", {"flat"}, {"sm"});
  auto& mean = m.Node("ReduceMean", {"sm"}, {"rm"});
  SetInts(mean, "axes", {-1});
  m.Node("GlobalAveragePool", {"hs"}, {"gap"});
  m.Output("rm").Output("gap");
  const NetworkCount c = CountOnnx(m.Write());
  const Workload& bn = Layer(c, "bn_node");
  EXPECT_EQ(bn.kind, "norm");
  EXPECT_EQ(bn.params, 8);  // gain and bias per channel
  // HardSwish: 1 add, 2 muls, 2 compares per element (docs/counting.md).
  const Workload& hs = Layer(c, "hs_node");
  EXPECT_EQ(hs.other_ops.muls, 2 * 144);
  EXPECT_EQ(hs.other_ops.compares, 2 * 144);
  const Workload& mp = Layer(c, "mp_node");
  EXPECT_EQ(mp.other_ops.compares, 4 * 9 * 4);  // 4 channels x 9 windows x 4
  const Workload& sm = Layer(c, "sm_node");
  EXPECT_EQ(sm.other_ops.exps, 36);
  // ReduceMean over 9: 8 adds and a divide per output.
  const Workload& rm = Layer(c, "rm_node");
  EXPECT_EQ(rm.other_ops.adds, 4 * 8);
  EXPECT_EQ(rm.other_ops.divs, 4);
  const Workload& gap = Layer(c, "gap_node");
  EXPECT_EQ(gap.other_ops.adds, 144);
  EXPECT_EQ(c.total.macs, 0);
}

TEST(OnnxOpsTest, BroadcastEmbeddingLayoutAndParameters) {
  Model m;
  m.Input("ids", {2, 3}, onnx::TensorProto::INT64)
      .Weight("table", {100, 16})
      .Weight("scale", {16});
  m.Node("Gather", {"table", "ids"}, {"e"});
  m.Node("Mul", {"e", "scale"}, {"m"});
  SetInt(m.Node("Concat", {"m", "e"}, {"cat"}), "axis", -1);
  m.Node("Flatten", {"cat"}, {"flat"});
  m.Output("flat");
  const NetworkCount c = CountOnnx(m.Write());
  const Workload& e = Layer(c, "e_node");
  EXPECT_EQ(e.kind, "embedding");
  EXPECT_EQ(e.synapses, 1600);
  EXPECT_EQ(e.macs, 0);
  EXPECT_EQ(Layer(c, "m_node").other_ops.muls, 2 * 3 * 16);  // broadcast
  EXPECT_EQ(c.total.params, 1600 + 16);  // the scale is a parameter
  EXPECT_EQ(Layer(c, "cat_node").kind, "layout");
  EXPECT_EQ(Layer(c, "flat_node").kind, "layout");
}

TEST(OnnxOpsTest, UnknownOpsAreListedNotZero) {
  Model m;
  m.Input("x", {1, 8});
  m.Node("Relu", {"x"}, {"r"});
  m.Node("LpNormalization", {"r"}, {"s"});
  m.Node("LpNormalization", {"s"}, {"t"});
  m.Node("LpNormalization", {"t"}, {"u"});
  m.Output("u");
  const NetworkCount c = CountOnnx(m.Write());
  EXPECT_EQ(Kinds(c, "uncounted"), 3);
  EXPECT_EQ(Layer(c, "u_node").op_type, "LpNormalization");
}

TEST(OnnxOpsTest, ExternalDataIsReadBesideTheModel) {
  Model m;
  m.Input("x", {1, 2}).Weight("w", {2, 2});
  m.Node("MatMul", {"x", "w"}, {"y"});
  m.Output("y");
  auto* w = m.proto().mutable_graph()->mutable_initializer(0);
  w->set_data_location(onnx::TensorProto::EXTERNAL);
  auto add = [w](const std::string& k, const std::string& v) {
    auto* e = w->add_external_data();
    e->set_key(k);
    e->set_value(v);
  };
  const std::string bin = "nw_external_weights.bin";
  add("location", bin);
  add("offset", "4");
  add("length", "16");
  const std::string path = m.Write();
  const std::string dir = path.substr(0, path.rfind('/') + 1);
  std::remove((dir + bin).c_str());
  auto missing = LoadModel(path, {}, /*read_weights=*/true);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("external data file '" + bin +
                                            "' not found"),
            std::string::npos)
      << missing.status();
  const float values[5] = {9, 0, -1, 0, 2};  // 4 bytes of padding first
  std::ofstream(dir + bin, std::ios::binary)
      .write(reinterpret_cast<const char*>(values), sizeof(values));
  const NetworkCount c = CountOnnx(path, {}, /*weights=*/true);
  const v1::WeightStats& s = *c.layers.at(0).weight_stats;
  EXPECT_EQ(s.zeros(), 2);       // W = [[0, -1], [0, 2]]
  EXPECT_EQ(s.inhibitory(), 1);  // input 0 drives only -1
  EXPECT_EQ(s.excitatory(), 1);  // input 1 drives only 2
  std::remove((dir + bin).c_str());
}

TEST(OnnxOpsTest, BadFilesAreClearErrors) {
  const std::string dir = testing::TempDir();
  auto write = [&dir](const std::string& name, const std::string& bytes) {
    const std::string path = dir + name;
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  };
  struct Case {
    std::string path, expect;
  } cases[] = {
      {write("nw_empty.onnx", ""), "the file is empty"},
      {write("nw_garbage.onnx", std::string("\xff\xff\xff\xff\x0f", 5)),
       "not an ONNX model"},
      {dir + "nw_no_such_file.onnx", "cannot open"},
  };
  for (const Case& k : cases) {
    auto r = LoadModel(k.path, {});
    ASSERT_FALSE(r.ok()) << k.path;
    EXPECT_NE(r.status().message().find(k.expect), std::string::npos)
        << r.status();
    EXPECT_NE(r.status().message().find(k.path), std::string::npos)
        << r.status();
  }
  // A real export cut in half.
  std::ifstream in(Fixture("resnet18.onnx"), std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  auto cut = LoadModel(write("nw_cut.onnx", bytes.substr(0, 4000)), {});
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("not an ONNX model"), std::string::npos)
      << cut.status();
}

// --- Binding dimensions -----------------------------------------------------

OnnxImportOptions Dims(DimBindings dims, bool unit_batch = false) {
  OnnxImportOptions options;
  options.dims = std::move(dims);
  options.unit_batch = unit_batch;
  return options;
}

// The message and detail of an import expected to fail.
void ExpectDetail(const absl::StatusOr<OnnxImport>& r, ErrorSubject subject,
                  const std::string& name, const std::string& text) {
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(text), std::string::npos) << r.status();
  EXPECT_EQ(r.status().message().find("--"), std::string::npos) << r.status();
  auto detail = DetailOf(r.status());
  ASSERT_TRUE(detail.has_value()) << r.status();
  EXPECT_EQ(detail->subject, subject) << r.status();
  EXPECT_EQ(detail->name, name) << r.status();
}

TEST(OnnxImportTest, BatchSymbolNamedBatch) {
  const std::string resnet = Fixture("resnet18.onnx");
  auto one = ImportOnnx(resnet, {});
  ASSERT_TRUE(one.ok()) << one.status();
  EXPECT_EQ(one->batch_symbol, "batch");
  EXPECT_EQ(one->batch, 1);
  EXPECT_EQ(one->bindings, (DimBindings{{"batch", 1}}));
  auto four = ImportOnnx(resnet, Dims({{"batch", 4}}));
  ASSERT_TRUE(four.ok()) << four.status();
  EXPECT_EQ(four->batch, 4);
  EXPECT_EQ(four->bindings, (DimBindings{{"batch", 4}}));
  EXPECT_EQ(four->arch.inputs(0).shape(0).size(), 4);
  // unit_batch: imported at batch 1, the batch asked for kept aside.
  auto unit = ImportOnnx(resnet, Dims({{"batch", 4}}, /*unit_batch=*/true));
  ASSERT_TRUE(unit.ok()) << unit.status();
  EXPECT_EQ(unit->batch, 4);
  EXPECT_EQ(unit->bindings, (DimBindings{{"batch", 1}}));
  EXPECT_EQ(unit->arch.inputs(0).shape(0).size(), 1);
  EXPECT_EQ(unit->arch.SerializeAsString(), one->arch.SerializeAsString());
  // The batch set aside is validated like any binding.
  for (int64_t bad : {int64_t{0}, int64_t{-2}, kMaxDimension + 1}) {
    auto r = ImportOnnx(resnet, Dims({{"batch", bad}}, /*unit_batch=*/true));
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("must be from 1 to 2^40"),
              std::string::npos)
        << r.status();
    EXPECT_EQ(r.status().message().find("--dim"), std::string::npos)
        << r.status();
    EXPECT_EQ(r.status().message().rfind(resnet, 0), 0u) << r.status();
  }
}

TEST(OnnxImportTest, BatchSymbolByAnotherName) {
  Model m;
  m.Input("x", {-1, 4}, onnx::TensorProto::FLOAT, "batch_size")
      .Input("y", {-1, 4}, onnx::TensorProto::FLOAT, "seq");
  m.Node("Relu", {"x"}, {"rx"});
  m.Node("Relu", {"y"}, {"ry"});
  m.Output("rx").Output("ry");
  const std::string path = m.Write();
  auto r = ImportOnnx(path, Dims({{"batch", 3}, {"seq", 5}}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->batch_symbol, "batch_size");
  EXPECT_EQ(r->batch, 3);
  EXPECT_EQ(r->bindings, (DimBindings{{"batch_size", 3}, {"seq", 5}}));
  auto own = ImportOnnx(path, Dims({{"batch_size", 6}, {"seq", 5}}, true));
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_EQ(own->batch, 6);
  EXPECT_EQ(own->bindings, (DimBindings{{"batch_size", 1}, {"seq", 5}}));
  // With both names bound, "batch" is a symbol the model lacks.
  ExpectDetail(ImportOnnx(path, Dims({{"batch", 2}, {"batch_size", 2}})),
               ErrorSubject::kUnknownDimension, "batch",
               "the model has no dimension named 'batch' (it has: "
               "batch_size, seq)");
  // Only the batch has a default.
  ExpectDetail(ImportOnnx(path, {}), ErrorSubject::kUnboundDimension, "seq",
               "symbolic dimension(s) seq have no value");
  ExpectDetail(ImportOnnx(path, Dims({{"seq", 5}, {"len", 2}})),
               ErrorSubject::kUnknownDimension, "len",
               "the model has no dimension named 'len'");
}

TEST(OnnxImportTest, APastInputThatIsNotAppendedToIsNoKvCache) {
  // A time-series model's past_values is an ordinary input: no --context.
  Model m;
  m.Input("past_values", {1, -1, 4}, onnx::TensorProto::FLOAT, "t");
  m.Node("Relu", {"past_values"}, {"y"});
  m.Output("y");
  auto r = ImportOnnx(m.Write(), Dims({{"t", 5}}));
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->context_symbol, "");
  EXPECT_EQ(r->arch.inputs(0).name(), "past_values");
}

TEST(OnnxImportTest, NoBatchSymbol) {
  // Fixed sizes: nothing for a batch to bind.
  auto fixed = ImportOnnx(Fixture("tiny_mlp_weights.onnx"), {});
  ASSERT_TRUE(fixed.ok()) << fixed.status();
  EXPECT_EQ(fixed->batch_symbol, "");
  EXPECT_EQ(fixed->batch, 1);
  ExpectDetail(ImportOnnx(Fixture("tiny_mlp_weights.onnx"),
                          Dims({{"batch", 2}}, /*unit_batch=*/true)),
               ErrorSubject::kNoBatchDimension, "batch",
               "the model has no dimension named 'batch' (it has no "
               "symbolic dimensions)");
  // Two batch-like symbols: neither is the batch, and both default to 1.
  Model m;
  m.Input("a", {-1, 4}, onnx::TensorProto::FLOAT, "N")
      .Input("b", {-1, 4}, onnx::TensorProto::FLOAT, "batch_size");
  m.Node("Add", {"a", "b"}, {"s"});
  m.Output("s");
  const std::string path = m.Write();
  auto two = ImportOnnx(path, Dims({}, /*unit_batch=*/true));
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->batch_symbol, "");
  EXPECT_EQ(two->bindings, (DimBindings{{"N", 1}, {"batch_size", 1}}));
  ExpectDetail(ImportOnnx(path, Dims({{"batch", 2}})),
               ErrorSubject::kNoBatchDimension, "batch",
               "the model has no dimension named 'batch' (it has: N, "
               "batch_size)");
}

// --- Graph structure
// ----------------------------------------------------------

// The import of `m` fails naming the file, `text` and nothing else.
void ExpectStructureError(Model& m, const std::string& text) {
  const std::string path = m.Write();
  auto r = ImportOnnx(path, {});
  ASSERT_FALSE(r.ok()) << text;
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), path + ": " + text);
}

TEST(OnnxStructureTest, ATensorNothingProduces) {
  // Nothing reaches the data path: this once imported as an empty model.
  Model m;
  m.Input("x", {1, 4});
  m.Node("Relu", {"h7"}, {"h"}).set_name("Relu_3");
  m.Node("Sigmoid", {"h"}, {"y"});
  m.Output("y");
  ExpectStructureError(m,
                       "node 'Relu_3' (Relu) reads tensor 'h7', which is "
                       "produced by no node and is neither a graph input nor "
                       "an initializer");
}

TEST(OnnxStructureTest, Cycles) {
  Model m;
  m.Input("x", {1, 4});
  m.Node("Relu", {"t2"}, {"t1"}).set_name("A");
  m.Node("Relu", {"t1"}, {"t2"}).set_name("B");
  m.Output("t1");
  ExpectStructureError(m,
                       "node 'A' (Relu) is part of a cycle through tensor "
                       "'t2' (produced by node 'B' (Relu))");
  // A node that reads its own output; unnamed nodes are named as the
  // importer would name them.
  Model self;
  self.Input("x", {1, 4});
  self.Node("Relu", {"x"}, {"r"});
  self.Node("Add", {"r", "s"}, {"s"}).clear_name();
  self.Output("s");
  ExpectStructureError(self,
                       "node 'Add_1' (Add) is part of a cycle through tensor "
                       "'s' (produced by node 'Add_1' (Add))");
}

TEST(OnnxStructureTest, NodesOutOfOrder) {
  Model m;
  m.Input("x", {1, 4});
  m.Node("Sigmoid", {"r"}, {"y"}).set_name("late");
  m.Node("Relu", {"x"}, {"r"}).set_name("early");
  m.Output("y");
  ExpectStructureError(m,
                       "node 'late' (Sigmoid) reads tensor 'r' before node "
                       "'early' (Relu) produces it (ONNX graphs list "
                       "producers before consumers)");
}

TEST(OnnxStructureTest, TensorsAssignedTwice) {
  // The second Identity redefines t2 from t1, which reads t2: following
  // the last producer of the weight would go round for ever.
  Model m;
  m.Input("x", {1, 2, 5, 5}).Weight("w", {4, 2, 3, 3});
  m.Node("Identity", {"w"}, {"t2"});
  m.Node("Identity", {"t2"}, {"t1"});
  m.Node("Conv", {"x", "t1"}, {"y"});
  m.Node("Identity", {"t1"}, {"t2"}).set_name("again");
  m.Output("y");
  ExpectStructureError(m,
                       "node 'again' (Identity) writes tensor 't2', which node "
                       "'t2_node' (Identity) writes too (ONNX assigns each "
                       "tensor once)");
  Model shadow;
  shadow.Input("x", {1, 4}).Weight("w", {4});
  shadow.Node("Relu", {"x"}, {"w"});
  shadow.Output("w");
  ExpectStructureError(shadow,
                       "node 'w_node' (Relu) writes tensor 'w', which is a "
                       "graph input or initializer (ONNX assigns each tensor "
                       "once)");
}

TEST(OnnxStructureTest, OptionalInputsLeftEmpty) {
  // Clip's min left out, its max given: "" is no tensor at all.
  Model m;
  m.Input("x", {1, 4});
  auto* max = m.proto().mutable_graph()->add_initializer();
  max->set_name("max");
  max->set_data_type(onnx::TensorProto::FLOAT);
  max->add_float_data(6);
  m.Node("Clip", {"x", "", "max"}, {"y"});
  m.Output("y");
  const NetworkCount c = CountOnnx(m.Write());
  EXPECT_EQ(Layer(c, "y_node").kind, "activation");
}

}  // namespace
}  // namespace neurowatt

namespace neurowatt {
namespace {

// tests/data/onnx/decoder_past_kv.onnx (scripts/export_onnx_fixtures.py): two
// blocks of d 64, 4 query heads of 16 sharing 2 KV heads (repeat_kv), a
// GELU MLP of 256 and a vocab of 1,000, taking past_key_values.N.key/value
// [batch, 2, past_seq, 16] and returning present.N.key/value.
TEST(OnnxImportTest, DecoderWithPastKeyValuesDecodes) {
  const std::string path = Fixture("decoder_past_kv.onnx");
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  decode.context = 100;
  auto m = LoadModel(path, {}, false, decode);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->tokens, 1);
  EXPECT_EQ(m->context, 100);
  EXPECT_EQ(m->dims.at("past_seq"), 100);
  EXPECT_EQ(m->dims.at("seq"), 1);
  // The Concat(past, new) of each cache is a kv_cache node, and the past
  // inputs are not network inputs.
  int caches = 0;
  for (const Workload& w : m->count.layers) caches += w.kind == "kv_cache";
  EXPECT_EQ(caches, 4);
  for (const auto& in : m->arch.inputs()) EXPECT_EQ(in.name(), "ids");
  // Per token: per block q, o 4,096, k, v 2,048, MLP 2 x 16,384; the head
  // 64,000; per block scores and values 4 heads x 101 positions x 16.
  EXPECT_EQ(m->count.total.macs,
            2 * (4096 * 2 + 2048 * 2 + 2 * 16384) + 64000 + 2 * 2 * 6464);
  // The caches hold 101 positions x 2 heads x 16, for k and v, per block.
  EXPECT_EQ(m->count.total.state_bytes, 2 * 2 * 101 * 32 * 4);

  // An empty cache: a prefill of 8 tokens through the same graph.
  PhaseOptions empty;
  empty.context = 0;
  auto p = LoadModel(path, {{"seq", 8}}, false, empty);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->count.total.state_bytes, 2 * 2 * 8 * 32 * 4);

  // Without a length for the cache, or with seq bound in decode: errors
  // that say what to give.
  auto unbound = LoadModel(path, {{"seq", 8}});
  ASSERT_FALSE(unbound.ok());
  EXPECT_NE(unbound.status().message().find("give the context"),
            std::string::npos)
      << unbound.status();
  auto seq = LoadModel(path, {{"seq", 8}}, false, decode);
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(DetailOf(seq.status())->subject, ErrorSubject::kPhase);
  // A graph without past_key_values cannot decode.
  auto gpt = LoadModel(Fixture("gpt2_block.onnx"), {{"seq", 8}}, false, decode);
  ASSERT_FALSE(gpt.ok());
  EXPECT_NE(gpt.status().message().find("past_key_values"), std::string::npos);
}

}  // namespace
}  // namespace neurowatt
