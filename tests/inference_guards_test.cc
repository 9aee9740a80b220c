// The guards ahead of ONNX 1.12's shape inference
// (model/onnx/inference_guards.h). Each case is a node on which the
// unguarded libonnx 1.12 dies of a signal (SIGSEGV, SIGFPE, a stack smash)
// or does not finish; without its guard this test binary crashes. With it,
// InferShapes returns and the guard says what is wrong.
#include "model/onnx/inference_guards.h"

#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "onnx/shape_inference/implementation.h"

namespace neurowatt {
namespace onnx_import {
namespace {

// `text` contains `part`, or the failure shows both.
::testing::AssertionResult Contains(absl::string_view text,
                                    absl::string_view part) {
  if (text.find(part) != absl::string_view::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "\"" << text << "\" does not contain \"" << part << "\"";
}

// A one-graph model at `opset`, built up node by node.
struct Model {
  onnx::ModelProto m;
  onnx::GraphProto* g;

  explicit Model(int opset = 17) {
    m.set_ir_version(8);
    auto* op = m.add_opset_import();
    op->set_domain("");
    op->set_version(opset);
    g = m.mutable_graph();
    g->set_name("g");
  }
  void Input(const std::string& name, const std::vector<int64_t>& dims,
             int type = onnx::TensorProto::FLOAT) {
    auto* tt = g->add_input();
    tt->set_name(name);
    auto* t = tt->mutable_type()->mutable_tensor_type();
    t->set_elem_type(type);
    auto* shape = t->mutable_shape();
    for (int64_t d : dims) shape->add_dim()->set_dim_value(d);
  }
  onnx::TensorProto* Int64s(const std::string& name,
                            const std::vector<int64_t>& dims,
                            const std::vector<int64_t>& values) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return t;
  }
  onnx::TensorProto* Raw(const std::string& name,
                         const std::vector<int64_t>& dims,
                         const std::string& bytes) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    t->set_raw_data(bytes);
    return t;
  }
  onnx::NodeProto* Node(const std::string& op,
                        const std::vector<std::string>& in,
                        const std::vector<std::string>& out) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(op + "_0");
    for (const auto& i : in) n->add_input(i);
    for (const auto& o : out) n->add_output(o);
    return n;
  }
};

void Int(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void Ints(onnx::NodeProto* n, const std::string& name,
          const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void Str(onnx::NodeProto* n, const std::string& name, const std::string& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::STRING);
  a->set_s(v);
}

// Runs ONNX's inference as the importer does, returning the guard's
// verdict as "Op: why", or "" when no node was rejected.
std::string Infer(Model& model) {
  GuardedSchemas schemas;
  onnx::shape_inference::InferShapes(
      model.m, &schemas,
      onnx::ShapeInferenceOptions(/*check_type=*/false, /*error_mode=*/0,
                                  /*data_prop=*/true));
  if (!schemas.rejection().has_value()) return "";
  return schemas.rejection()->op + ": " + schemas.rejection()->why;
}

// The rank of tensor `name` as inferred, or -1 when it has no shape.
int InferredRank(const Model& model, const std::string& name) {
  for (const auto& v : model.m.graph().value_info()) {
    if (v.name() == name && v.type().tensor_type().has_shape()) {
      return v.type().tensor_type().shape().dim_size();
    }
  }
  for (const auto& v : model.m.graph().output()) {
    if (v.name() == name && v.type().tensor_type().has_shape()) {
      return v.type().tensor_type().shape().dim_size();
    }
  }
  return -1;
}

TEST(InferenceGuardsTest, StandardSchemasPassThrough) {
  // A well-formed Conv is inferred as before: [1, 4, 6, 6].
  Model m;
  m.Input("X", {1, 3, 8, 8});
  m.Input("W", {4, 3, 3, 3});
  m.Node("Conv", {"X", "W"}, {"Y"});
  EXPECT_EQ(Infer(m), "");
  ASSERT_EQ(m.m.graph().value_info_size(), 1);
  const auto& y = m.m.graph().value_info(0).type().tensor_type().shape();
  ASSERT_EQ(y.dim_size(), 4);
  EXPECT_EQ(y.dim(1).dim_value(), 4);
  EXPECT_EQ(y.dim(3).dim_value(), 6);
  // Ops with no guard get libonnx's own schema object.
  GuardedSchemas schemas;
  EXPECT_EQ(schemas.GetSchema("Relu", 17),
            onnx::OpSchemaRegistry::Schema("Relu", 17));
  EXPECT_NE(schemas.GetSchema("Conv", 17),
            onnx::OpSchemaRegistry::Schema("Conv", 17));
  EXPECT_EQ(schemas.GetSchema("Conv", 17), schemas.GetSchema("Conv", 17));
}

struct Rejected {
  std::string name;
  std::function<void(Model&)> build;
  std::string expected;  // a part of "Op: why"
};

void PrintTo(const Rejected& r, std::ostream* os) { *os << r.name; }

class RejectedTest : public ::testing::TestWithParam<Rejected> {};

TEST_P(RejectedTest, RejectsWithoutCrashing) {
  Model m;
  GetParam().build(m);
  EXPECT_TRUE(Contains(Infer(m), GetParam().expected));
}

// The node as the fuzzer found it: ConvTranspose with weights of rank 1
// (libonnx reads dim(1) of a 1-entry shape).
void ConvTransposeRank1(Model& m) {
  m.Input("X", {1, 4, 8, 8});
  m.Input("W", {4});
  m.Node("ConvTranspose", {"X", "W"}, {"Y"});
}

INSTANTIATE_TEST_SUITE_P(
    Libonnx112, RejectedTest,
    ::testing::Values(
        Rejected{"ConvTransposeWeightsRank1", ConvTransposeRank1,
                 "ConvTranspose: weights of rank 1; a convolution's have "
                 "rank 3 or more"},
        Rejected{"ConvTransposeRanksDiffer",
                 [](Model& m) {
                   m.Input("X", {1, 3, 8});
                   m.Input("W", {3, 4, 3, 3, 3, 3});
                   m.Node("ConvTranspose", {"X", "W"}, {"Y"});
                 },
                 "input of rank 3 and weights of rank 6"},
        Rejected{"ConvWeightsRankAboveInput",
                 [](Model& m) {
                   m.Input("X", {1, 3, 8});
                   m.Input("W", {4, 3, 3, 3, 3, 3, 3, 3});
                   m.Node("Conv", {"X", "W"}, {"Y"});
                 },
                 "Conv: input of rank 3 and weights of rank 8"},
        Rejected{
            "ConvWeightsRankBelowInputAutoPad",
            [](Model& m) {
              m.Input("X", {1, 3, 8, 8, 8, 8});
              m.Input("W", {4, 3, 3});
              Str(m.Node("Conv", {"X", "W"}, {"Y"}), "auto_pad", "SAME_UPPER");
            },
            "input of rank 6 and weights of rank 3"},
        Rejected{"QLinearConvWeights",
                 [](Model& m) {
                   const int u8 = onnx::TensorProto::UINT8;
                   m.Input("X", {1, 3, 8, 8}, u8);
                   m.Input("W", {4, 3, 3, 3, 3, 3, 3, 3}, u8);
                   for (const char* s : {"xs", "ws", "ys"}) m.Input(s, {});
                   for (const char* z : {"xz", "wz", "yz"}) m.Input(z, {}, u8);
                   m.Node("QLinearConv",
                          {"X", "xs", "xz", "W", "ws", "wz", "ys", "yz"},
                          {"Y"});
                 },
                 "QLinearConv: input of rank 4 and weights of rank 8"},
        Rejected{"ConvStrideZero",
                 [](Model& m) {
                   m.Input("X", {1, 3, 8, 8});
                   m.Input("W", {4, 3, 3, 3});
                   Ints(m.Node("Conv", {"X", "W"}, {"Y"}), "strides", {0, 0});
                 },
                 "Conv: strides [0, 0]: each must be 1 or more"},
        Rejected{"MaxPoolStrideZero",
                 [](Model& m) {
                   m.Input("X", {1, 3, 8, 8});
                   auto* n = m.Node("MaxPool", {"X"}, {"Y"});
                   Ints(n, "kernel_shape", {2, 2});
                   Ints(n, "strides", {1, 0});
                 },
                 "MaxPool: strides [1, 0]"},
        Rejected{"MaxPoolAutoPadHugeDimension",
                 [](Model& m) {
                   // 2e18 subtractions of 2 without the guard.
                   m.Input("X", {1, 3, 4000000000000000000});
                   auto* n = m.Node("MaxPool", {"X"}, {"Y"});
                   Ints(n, "kernel_shape", {1});
                   Ints(n, "strides", {2});
                   Str(n, "auto_pad", "SAME_UPPER");
                 },
                 "input dimension 2 is 4000000000000000000; with auto_pad"},
        Rejected{"MaxUnpoolIndicesRank1",
                 [](Model& m) {
                   m.Input("X", {1, 3, 4, 4});
                   m.Input("I", {5}, onnx::TensorProto::INT64);
                   Ints(m.Node("MaxUnpool", {"X", "I"}, {"Y"}), "kernel_shape",
                        {2, 2});
                 },
                 "MaxUnpool: indices of rank 1 for an input of rank 4"},
        Rejected{
            "MaxRoiPoolInputRank2",
            [](Model& m) {
              m.Input("X", {1, 3});
              m.Input("R", {2, 5});
              Ints(m.Node("MaxRoiPool", {"X", "R"}, {"Y"}), "pooled_shape", {});
            },
            "MaxRoiPool: an input of rank 2; it must be 4"},
        Rejected{"LayerNormalizationAxis",
                 [](Model& m) {
                   m.Input("X", {2, 3});
                   m.Input("S", {3});
                   Int(m.Node("LayerNormalization", {"X", "S"},
                              {"Y", "Mean", "InvStdDev"}),
                       "axis", -100000);
                 },
                 "axis -100000 for an input of rank 2; it must be in [-2, 1]"},
        Rejected{"GatherNDNegativeIndexDepth",
                 [](Model& m) {
                   m.Input("D", {2, 3});
                   m.Input("I", {4, -1}, onnx::TensorProto::INT64);
                   m.Node("GatherND", {"D", "I"}, {"Y"});
                 },
                 "GatherND: the indices' last dimension is -1"},
        Rejected{
            "GatherNDNegativeBatchDims",
            [](Model& m) {
              m.Input("D", {2, 3});
              m.Input("I", {4, 1}, onnx::TensorProto::INT64);
              Int(m.Node("GatherND", {"D", "I"}, {"Y"}), "batch_dims", -100000);
            },
            "batch_dims -100000"},
        Rejected{"SplitNoOutputs",
                 [](Model& m) {
                   m.Input("X", {4, 3});
                   m.Node("Split", {"X"}, {});
                 },
                 "Split: it has no outputs"},
        Rejected{"Split11NoOutputs",
                 [](Model& m) {
                   m.m.mutable_opset_import(0)->set_version(11);
                   m.Input("X", {4, 3});
                   m.Node("Split", {"X"}, {});
                 },
                 "Split: it has no outputs"},
        Rejected{"DepthToSpaceBlockOf2To32",
                 [](Model& m) {
                   m.Input("X", {1, 16, 2, 2});
                   Int(m.Node("DepthToSpace", {"X"}, {"Y"}), "blocksize",
                       int64_t{1} << 32);
                 },
                 "DepthToSpace: blocksize 4294967296; it must be 1 to 2^20"},
        Rejected{"SplitToSequenceZero",
                 [](Model& m) {
                   m.Input("X", {4, 3});
                   m.Int64s("sp", {}, {0});
                   m.Node("SplitToSequence", {"X", "sp"}, {"Y"});
                 },
                 "SplitToSequence: split 0"},
        Rejected{"StftSignalRank1",
                 [](Model& m) {
                   m.Input("S", {16});
                   m.Input("F", {}, onnx::TensorProto::INT64);
                   m.Node("STFT", {"S", "F"}, {"Y"});
                 },
                 "STFT: a signal of rank 1"},
        Rejected{"ScanWithoutNumScanInputs",
                 [](Model& m) {
                   m.Input("X", {2, 3});
                   m.Node("Scan", {"X"}, {"Y"});
                 },
                 "Scan: the attribute num_scan_inputs is missing"},
        Rejected{"Scan9NegativeNumScanInputs",
                 [](Model& m) {
                   m.m.mutable_opset_import(0)->set_version(9);
                   m.Input("X", {2, 3});
                   Int(m.Node("Scan", {"X"}, {"Y"}), "num_scan_inputs", -5);
                 },
                 "num_scan_inputs -5 for 1 inputs"},
        Rejected{
            "ScanMoreStatesThanOutputs",
            [](Model& m) {
              m.Input("H", {2, 3});
              m.Input("C", {2, 3});
              m.Input("X", {5, 3});
              Int(m.Node("Scan", {"H", "C", "X"}, {"Y"}), "num_scan_inputs", 1);
            },
            "2 state variables but 1 outputs"},
        Rejected{"Gemm6Vectors",
                 [](Model& m) {
                   m.m.mutable_opset_import(0)->set_version(6);
                   m.Input("A", {3});
                   m.Input("B", {3});
                   m.Node("Gemm", {"A", "B", "C"}, {"Y"});
                 },
                 "Gemm: A of rank 1; Gemm takes matrices (rank 2)"},
        Rejected{"Rnn1InputRank1",
                 [](Model& m) {
                   m.m.mutable_opset_import(0)->set_version(6);
                   m.Input("X", {3});
                   m.Input("W", {1, 4, 3});
                   m.Input("R", {1, 4, 4});
                   Int(m.Node("RNN", {"X", "W", "R"}, {"Y"}), "hidden_size", 4);
                 },
                 "RNN: an input of rank 1; it must be 3"},
        Rejected{"Lstm1InputRank0",
                 [](Model& m) {
                   m.m.mutable_opset_import(0)->set_version(1);
                   m.Input("X", {});
                   m.Input("W", {1, 16, 3});
                   m.Input("R", {1, 16, 4});
                   m.Node("LSTM", {"X", "W", "R"}, {"Y"});
                 },
                 "LSTM: an input of rank 0"},
        Rejected{"ConstantOfShapeHugeRank",
                 [](Model& m) {
                   m.Input("S", {int64_t{1} << 40}, onnx::TensorProto::INT64);
                   m.Node("ConstantOfShape", {"S"}, {"Y"});
                 },
                 "ConstantOfShape: a shape of 1099511627776 entries"}),
    [](const auto& info) { return info.param.name; });

// Legal nodes that 1.12 cannot take: its inference is skipped for them,
// nothing is rejected, and the rest of the graph is inferred.
TEST(InferenceGuardsTest, SkipsWhatLibonnxCannotTake) {
  {
    // Shape's propagation of an input with no type (its producer unknown).
    Model m;
    m.Input("X", {2, 3});
    m.Node("Shape", {"Z"}, {"s"});
    m.Node("Relu", {"X"}, {"r"});
    EXPECT_EQ(Infer(m), "");
    EXPECT_EQ(InferredRank(m, "r"), 2);
  }
  {
    // Shape of a scalar is [], then Add broadcasts [5] against it.
    Model m;
    m.Input("X", {});
    m.Int64s("A", {1}, {5});
    m.Node("Shape", {"X"}, {"s"});
    m.Node("Add", {"s", "A"}, {"y"});
    EXPECT_EQ(Infer(m), "");
    EXPECT_EQ(InferredRank(m, "s"), 1);
  }
  {
    // Slice of an empty shape with a negative step, and with a step of
    // 2^31 (an int overflow in 1.12's loop).
    for (int64_t step : {int64_t{-1}, int64_t{1} << 31}) {
      Model m;
      m.Input("X", step < 0 ? std::vector<int64_t>{}
                            : std::vector<int64_t>{2, 3, 4});
      m.Int64s("st", {1}, {step < 0 ? -1 : 0});
      m.Int64s("en", {1}, {step < 0 ? -100 : 3});
      m.Int64s("ax", {1}, {0});
      m.Int64s("sp", {1}, {step});
      m.Node("Shape", {"X"}, {"s"});
      m.Node("Slice", {"s", "st", "en", "ax", "sp"}, {"y"});
      EXPECT_EQ(Infer(m), "") << step;
      EXPECT_EQ(InferredRank(m, "y"), 1) << step;
    }
  }
  {
    // EyeLike with dtype, of an untyped input.
    Model m;
    Int(m.Node("EyeLike", {"Z"}, {"y"}), "dtype", 1);
    EXPECT_EQ(Infer(m), "");
  }
  {
    // MaxUnpool whose indices are not typed yet.
    Model m;
    m.Input("X", {1, 3, 4, 4});
    Ints(m.Node("MaxUnpool", {"X", "I"}, {"y"}), "kernel_shape", {2, 2});
    EXPECT_EQ(Infer(m), "");
  }
  {
    // An implicit-mode Einsum in upper case, 200 subscripts long: 1.12
    // counts letters in a 26-slot array on the stack.
    Model m;
    m.Input("X", std::vector<int64_t>(200, 2));
    std::string eq;
    for (int i = 0; i < 200; ++i) eq.push_back(static_cast<char>('A' + i % 26));
    Str(m.Node("Einsum", {"X"}, {"y"}), "equation", eq);
    EXPECT_EQ(Infer(m), "");
    EXPECT_EQ(InferredRank(m, "y"), -1);
  }
  {
    // The same in lower case runs ONNX's rule: "ab" keeps both axes.
    Model m;
    m.Input("X", {2, 3});
    Str(m.Node("Einsum", {"X"}, {"y"}), "equation", "ab");
    EXPECT_EQ(Infer(m), "");
    EXPECT_EQ(InferredRank(m, "y"), 2);
  }
}

TEST(InferenceGuardsTest, FirstRejectionIsKept) {
  Model m;
  m.Input("X", {1, 3, 8, 8});
  m.Input("W", {4, 3, 3, 3});
  Ints(m.Node("Conv", {"X", "W"}, {"Y"}), "strides", {0, 1});
  m.Node("Split", {"Y"}, {});
  EXPECT_EQ(Infer(m), "Conv: strides [0, 1]: each must be 1 or more");
}

TEST(CheckTensorDataTest, RawDataMustMatchTheShape) {
  {
    // 7 bytes for one int64: libonnx copies 7 bytes into a 0-byte vector.
    Model m;
    m.Raw("S", {1}, std::string(7, 'A'));
    const absl::Status s = CheckTensorData(*m.g);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message(),
              "initializer 'S': raw_data holds 7 bytes, but shape [1] of "
              "8-byte elements needs 8");
  }
  {
    // TopK's K with no bytes at all.
    Model m;
    m.Raw("K", {1}, "");
    EXPECT_TRUE(Contains(CheckTensorData(*m.g).message(),
                         "raw_data holds 0 bytes, but shape [1]"));
  }
  {
    // 24 bytes for [2, 2] int64 (needs 32).
    Model m;
    m.Raw("S", {2, 2}, std::string(24, '\0'));
    EXPECT_TRUE(Contains(CheckTensorData(*m.g).message(), "needs 32"));
  }
  {
    // Exactly right, and a weight-stripped tensor (no payload) pass.
    Model m;
    m.Raw("S", {2, 2}, std::string(32, '\0'));
    auto* stripped = m.g->add_initializer();
    stripped->set_name("W");
    stripped->set_data_type(onnx::TensorProto::FLOAT);
    stripped->add_dims(64);
    stripped->add_dims(64);
    EXPECT_TRUE(CheckTensorData(*m.g).ok());
  }
}

TEST(CheckTensorDataTest, ScalarsHoldOneValue) {
  // Range reads element 0 of each scalar.
  Model m;
  m.Int64s("a", {}, {});
  EXPECT_EQ(CheckTensorData(*m.g).message(),
            "initializer 'a': a scalar (shape []) that holds no value");
  Model ok;
  ok.Int64s("a", {}, {3});
  EXPECT_TRUE(CheckTensorData(*ok.g).ok());
}

TEST(CheckTensorDataTest, ConstantsAndSubgraphsAreChecked) {
  Model m;
  m.Input("X", {2});
  onnx::NodeProto* loop = m.Node("Loop", {"", ""}, {"y"});
  auto* body = loop->add_attribute();
  body->set_name("body");
  body->set_type(onnx::AttributeProto::GRAPH);
  onnx::NodeProto* c = body->mutable_g()->add_node();
  c->set_op_type("Constant");
  c->set_name("k");
  c->add_output("kv");
  auto* value = c->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  value->mutable_t()->set_data_type(onnx::TensorProto::INT32);
  value->mutable_t()->add_dims(3);
  value->mutable_t()->set_raw_data(std::string(10, '\0'));
  EXPECT_EQ(CheckTensorData(*m.g).message(),
            "node 'Loop_0' (Loop) attribute 'body': node 'k' (Constant) "
            "attribute 'value': raw_data holds 10 bytes, but shape [3] of "
            "4-byte elements needs 12");
}

TEST(CheckTensorDataTest, NegativeDimensions) {
  Model m;
  m.Raw("S", {-2}, "");
  EXPECT_EQ(CheckTensorData(*m.g).message(),
            "initializer 'S': dimension -2 is negative");
}

}  // namespace
}  // namespace onnx_import
}  // namespace neurowatt
