// The ONNX importer's coverage, one fixture per family
// (tests/data/onnx/coverage, written by scripts/export_coverage_fixtures.py:
// torch 1.13 exports and onnx.helper graphs): 1-D and 3-D windows, control
// flow, shared weights, interpolation, quantised ops, ops newer than ONNX
// 1.12's registry, and a Swin whose pads come from shape arithmetic. Every
// expected figure is worked out by hand in the comments.
#include <algorithm>
#include <string>

#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "model/batch.h"
#include "model/onnx/importer.h"
#include "model/source.h"
#include "onnx/defs/schema.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

std::string Coverage(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/onnx/coverage/" + name;
}

NetworkCount Count(const std::string& name) {
  auto m = LoadModel(Coverage(name), {});
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? m->count : NetworkCount{};
}

int64_t Kinds(const NetworkCount& c, const std::string& kind) {
  return std::count_if(c.layers.begin(), c.layers.end(),
                       [&](const Workload& w) { return w.kind == kind; });
}

TEST(OnnxCoverageTest, OneSpatialAxisConvolutionAndPooling) {
  // Conv1d(40 -> 64, k 5, pad 2) over 100 frames; MaxPool1d(2) -> 50;
  // depthwise Conv1d(64, k 3, pad 1); AvgPool1d(2) -> 25; Linear(1600, 12).
  const NetworkCount c = Count("conv1d_kws.onnx");
  EXPECT_EQ(Layer(c, "/0/Conv").macs, 64 * 40 * 5 * 100);
  EXPECT_EQ(Layer(c, "/2/MaxPool").other_ops.compares, 64 * 50 * 2);
  EXPECT_EQ(Layer(c, "/3/Conv").macs, 64 * 3 * 50);
  EXPECT_TRUE(Layer(c, "/3/Conv").depthwise);
  EXPECT_EQ(Layer(c, "/4/AveragePool").other_ops.adds, 64 * 25 * 2);
  EXPECT_EQ(c.total.macs, 1'280'000 + 9'600 + 19'200);
  // 40x64x5 + 64 and 64x3 + 64 and 1600x12 + 12.
  EXPECT_EQ(c.total.params, 12'864 + 256 + 19'212);
}

TEST(OnnxCoverageTest, ThreeSpatialAxes) {
  // Conv3d(3 -> 8, k 3, pad 1) over 8x16x16: 8 x 81 synapses at 2,048
  // positions; MaxPool3d(2) -> 4x8x8; ConvTranspose3d(8 -> 4, k 2, stride
  // 2): 256 synapses applied at each of the 256 input positions.
  const NetworkCount c = Count("conv3d.onnx");
  EXPECT_EQ(Layer(c, "/0/Conv").macs, 8 * 81 * 2048);
  EXPECT_EQ(Layer(c, "/2/MaxPool").other_ops.compares, 8 * 256 * 8);
  EXPECT_EQ(Layer(c, "/3/ConvTranspose").macs, 256 * 256);
  // AvgPool3d(2) over the transposed output [4, 8, 16, 16]: 8 adds and a
  // divide for each of the 4 x 4x8x8 outputs.
  EXPECT_EQ(Layer(c, "/4/AveragePool").other_ops.adds, 4 * 256 * 8);
  EXPECT_EQ(Layer(c, "/4/AveragePool").other_ops.divs, 4 * 256);
}

TEST(OnnxCoverageTest, OneModuleAppliedTwiceStoresItsWeightsOnce) {
  // nn.Linear(256, 256) applied twice: 65,792 params (not 131,584), the
  // synapses and MACs of both uses.
  const NetworkCount c = Count("twice_linear.onnx");
  EXPECT_EQ(c.total.params, 256 * 256 + 256);
  EXPECT_EQ(c.total.synapses, 2 * 256 * 256);
  EXPECT_EQ(c.total.macs, 2 * 256 * 256);
  const Workload* first = &Layer(c, "/fc/Gemm");
  const Workload* second = &Layer(c, "/fc_1/Gemm");
  EXPECT_EQ(first->params, 65'792);
  EXPECT_EQ(first->weight_users, 2);
  EXPECT_EQ(second->params, 0);
  EXPECT_EQ(second->shared_params, 65'792);
  EXPECT_EQ(second->params_shared_with, "/fc/Gemm");
  EXPECT_EQ(second->weight_users, 2);
  // Each use reads the weights; the memory holds them once.
  EXPECT_EQ(second->weight_bytes, first->weight_bytes);
}

TEST(OnnxCoverageTest, ClonedEncoderLayersCountEachStoredTensorOnce) {
  // nn.TransformerEncoder clones its layer: equal weights, which torch
  // stores once (and zero biases and unit gains once among themselves).
  // The file's float tensors hold 192 + 64x64 + 64 + 128 + 64 + 64 +
  // 64x192 + 64x128 + 128x64 = 33,280 elements: the params, whatever
  // reads them (MatMul weights, Gemm biases, norm gains).
  const NetworkCount c = Count("transformer_encoder.onnx");
  EXPECT_EQ(c.total.params, 33'280);
  // Per layer and token: q, k, v 64x192, out 64x64, MLP 64x128 + 128x64:
  // 36,864 synapses... x 10 tokens x 2 layers, plus the attention
  // products (4 heads x 10 x 10 x 16, twice, per layer).
  EXPECT_EQ(c.total.macs, 2 * (10 * (12'288 + 4'096 + 16'384) + 2 * 6'400));
  EXPECT_EQ(Layer(c, "/layers.1/linear1/MatMul").params_shared_with,
            "/layers.0/linear1/MatMul");
}

TEST(OnnxCoverageTest, LoopOverBagsCountsItsBodyPerIteration) {
  // nn.EmbeddingBag(1000, 64, mean) over 4 bags of 6 ids: a Loop of 4
  // iterations, each looking up 6 rows and averaging them (5 x 64 adds,
  // 64 divides), then Linear(64, 10) over the 4 bags.
  const NetworkCount c = Count("embedding_bag.onnx");
  const Workload* lookup = &Layer(c, "/bag/Loop/bag/Gather_4");
  EXPECT_EQ(lookup->kind, "embedding");
  EXPECT_EQ(lookup->repeats, 4);
  EXPECT_EQ(lookup->params, 64'000);                // stored once
  EXPECT_EQ(lookup->lookup_bytes, 4 * 6 * 64 * 4);  // rows read per bag
  const Workload* mean = &Layer(c, "/bag/Loop/bag/ReduceMean");
  EXPECT_EQ(mean->other_ops.adds, 4 * 5 * 64);
  EXPECT_EQ(mean->other_ops.divs, 4 * 64);
  EXPECT_EQ(Layer(c, "/fc/Gemm").macs, 4 * 640);  // nothing disappears
  EXPECT_EQ(c.total.params, 64'000 + 650);
}

TEST(OnnxCoverageTest, NestedLoopsMultiplyTheirTripCounts) {
  // 3 outer x 4 inner iterations of a carried [1, 8] x [8, 8] product.
  const NetworkCount c = Count("nested_loop.onnx");
  const Workload* mm = &Layer(c, "outer_loop/inner_loop/MatMul");
  EXPECT_EQ(mm->repeats, 12);
  EXPECT_EQ(mm->macs, 12 * 64);
  EXPECT_EQ(mm->sequential_steps, 12);
  EXPECT_EQ(c.total.params, 64);
}

TEST(OnnxCoverageTest, ScanStepsItsBodyOverTheSequence) {
  // h_t = tanh(x_t W + h U) over 5 steps, W [8, 16], U [16, 16]; the
  // state starts from a stored zero [1, 16] and is data from the second
  // step on.
  const NetworkCount c = Count("scan_rnn.onnx");
  EXPECT_EQ(c.total.macs, 5 * (128 + 256));
  EXPECT_EQ(c.total.params, 128 + 256 + 16);
  EXPECT_EQ(Layer(c, "rnn/Tanh").other_ops.exps, 5 * 16);
}

TEST(OnnxCoverageTest, IfTakesTheBranchItsStaticConditionPicks) {
  // rank(x) == 2 folds to true: the then branch, x [1, 16] x W [16, 32].
  const NetworkCount c = Count("if_static.onnx");
  EXPECT_EQ(c.total.macs, 512);
  EXPECT_TRUE(c.assumptions.empty());
}

TEST(OnnxCoverageTest, IfOnDataCountsTheCostlierBranchAndSaysSo) {
  const NetworkCount c = Count("if_dynamic.onnx");
  EXPECT_EQ(c.total.macs, 512);  // the MatMul, not Relu + Concat
  ASSERT_EQ(c.assumptions.size(), 1u);
  EXPECT_NE(c.assumptions[0].find("If 'branch': its condition is computed "
                                  "at run time; counted its costlier then "
                                  "branch"),
            std::string::npos)
      << c.assumptions[0];
}

TEST(OnnxCoverageTest, InterpolatingResizeCountsItsTaps) {
  // [1, 3, 8, 8] x 2 = 768 outputs over 2 resized axes. Linear: 1 + 2 = 3
  // one-dimensional interpolations per output, each 2 muls and 1 add;
  // cubic: 1 + 4 = 5, each 4 muls and 3 adds; nearest copies.
  const NetworkCount c = Count("resize.onnx");
  EXPECT_EQ(Layer(c, "/Resize").other_ops.muls, 3 * 2 * 768);
  EXPECT_EQ(Layer(c, "/Resize").other_ops.adds, 3 * 1 * 768);
  EXPECT_EQ(Layer(c, "/Resize_1").other_ops.muls, 5 * 4 * 768);
  EXPECT_EQ(Layer(c, "/Resize_1").other_ops.adds, 5 * 3 * 768);
  EXPECT_EQ(Layer(c, "/Resize_2").other_ops.total(), 0);
  EXPECT_EQ(Kinds(c, "resize"), 3);
}

TEST(OnnxCoverageTest, QLinearOpsCountAtTheirIntegerPrecision) {
  // QLinearConv 16 -> 32, 3x3, pad 1 over 8x8 and QLinearMatMul
  // [1, 2048] x [2048, 10], both with int8 weights.
  const NetworkCount c = Count("qlinear.onnx");
  const Workload* conv = &Layer(c, "qconv");
  EXPECT_EQ(conv->kind, "conv");
  EXPECT_EQ(conv->dtype, v1::INT8);
  EXPECT_EQ(conv->macs, 32 * 16 * 9 * 64);
  EXPECT_EQ(conv->weight_bytes, 32 * 16 * 9);  // a byte per weight
  const Workload* mm = &Layer(c, "qmatmul");
  EXPECT_EQ(mm->kind, "linear");
  EXPECT_EQ(mm->dtype, v1::INT8);
  EXPECT_EQ(mm->macs, 20'480);
  // QuantizeLinear on the 1,024 inputs: a multiply, an add, a round and
  // two clamps each.
  EXPECT_EQ(Layer(c, "QuantizeLinear_0").other_ops.compares, 3 * 1024);
  EXPECT_EQ(Kinds(c, "uncounted"), 0);
}

TEST(OnnxCoverageTest, IntegerAndQdqOpsCountAsLayers) {
  const NetworkCount c = Count("integer_ops.onnx");
  // ConvInteger 4 -> 8, 3x3 over 8x8 (no pad: 6x6) and MatMulInteger
  // [1, 288] x [288, 6].
  EXPECT_EQ(Layer(c, "conv_int").macs, 8 * 36 * 36);
  EXPECT_EQ(Layer(c, "conv_int").dtype, v1::INT8);
  EXPECT_EQ(Layer(c, "matmul_int").macs, 288 * 6);
  // A float Conv fed by DequantizeLinear(int8 weights): the weights are
  // found through it, and the layer counts at int8.
  EXPECT_EQ(Layer(c, "qdq_conv").macs, 8 * 4 * 64);
  EXPECT_EQ(Layer(c, "qdq_conv").dtype, v1::INT8);
  EXPECT_EQ(Kinds(c, "uncounted"), 0);
}

TEST(OnnxCoverageTest, OpsNewerThanTheInstalledOnnxAreCounted) {
  // Opset 21: Gelu (opset 20), Mish (18), GroupNormalization (21, 2 groups
  // of [8, 4, 4]) and BitwiseAnd (18), which ONNX 1.12 does not know.
  const NetworkCount c = Count("opset21.onnx");
  EXPECT_EQ(Layer(c, "Gelu_0").kind, "activation");
  // Mish = x tanh(softplus(x)) on 128 elements: 2 + 1 exps each.
  EXPECT_EQ(Layer(c, "Mish_1").other_ops.exps, 3 * 128);
  const Workload* norm = &Layer(c, "GroupNormalization_2");
  EXPECT_EQ(norm->kind, "norm");
  EXPECT_EQ(norm->params, 16);             // gain and shift per channel
  EXPECT_EQ(norm->other_ops.divs, 2 * 2);  // mean and 1/sigma per group
  EXPECT_EQ(Layer(c, "BitwiseAnd_3").other_ops.compares, 6);
  EXPECT_EQ(Kinds(c, "uncounted"), 0);
}

TEST(OnnxCoverageTest, SwinPadsFromShapeArithmeticAreFolded) {
  // A 2-stage Swin (embed 24, windows 7) on 64x64: 16x16 tokens padded to
  // 21x21 for the windows, then 8x8 padded to 14x14. The pads come from
  // (7 - H % 7) % 7 and torch's reversed-pairs Slice (step -1) over a 2-D
  // tensor and a Transpose.
  const NetworkCount c = Count("swin_small.onnx");
  EXPECT_EQ(Kinds(c, "uncounted"), 0);
  // Stage 1 attention: qkv over 21 x 21 padded tokens, 24 -> 72.
  EXPECT_EQ(Layer(c, "/features/features.1/features.1.0/attn/MatMul").macs,
            21 * 21 * 24 * 72);
  // Its scores: 9 windows x 2 heads x 49 x 49 x 12.
  EXPECT_EQ(Layer(c, "/features/features.1/features.1.0/attn/MatMul_1").macs,
            9 * 2 * 49 * 49 * 12);
}

TEST(OnnxCoverageTest, RepeatsSharingAndAssumptionsSurviveConversion) {
  // convert writes the native schema: the same counts read back.
  for (const char* name : {"nested_loop.onnx", "twice_linear.onnx",
                           "if_dynamic.onnx", "embedding_bag.onnx"}) {
    auto imported = ImportOnnx(Coverage(name), {});
    ASSERT_TRUE(imported.ok()) << imported.status();
    std::string text;
    ASSERT_TRUE(
        google::protobuf::TextFormat::PrintToString(imported->arch, &text));
    auto again = CountText(text);
    ASSERT_TRUE(again.ok()) << again.status();
    const NetworkCount direct = Count(name);
    EXPECT_EQ(again->total.macs, direct.total.macs) << name;
    EXPECT_EQ(again->total.params, direct.total.params) << name;
    EXPECT_EQ(again->total.other_ops.total(), direct.total.other_ops.total())
        << name;
    EXPECT_EQ(again->assumptions, direct.assumptions) << name;
  }
}

TEST(OnnxCoverageTest, EveryDefaultDomainOpIsTranslatedOrReportedUncounted) {
  // ONNX's registry (all versions up to the installed opset) and the ops
  // later opsets add up to 21: each has a rule, or is an uncounted node
  // that reports list; none is silently dropped. The list of those left
  // uncounted is docs/counting.md's.
  std::vector<std::string> ops;
  for (const auto& schema : onnx::OpSchemaRegistry::get_all_schemas()) {
    if (schema.domain().empty()) ops.push_back(schema.Name());
  }
  for (const char* later :
       {"BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor", "CenterCropPad",
        "Col2Im", "GroupNormalization", "Mish", "DeformConv", "AffineGrid",
        "Gelu", "ImageDecoder", "RegexFullMatch", "StringConcat",
        "StringSplit"}) {
    ops.push_back(later);
  }
  ASSERT_GT(ops.size(), 170u);
  std::vector<std::string> unclassified;
  for (const std::string& op : ops) {
    if (OnnxOpCoverage(op) == OnnxCoverage::kUnknown) {
      unclassified.push_back(op);
    }
  }
  EXPECT_TRUE(unclassified.empty())
      << "ops with no rule and no place on the uncounted list: "
      << testing::PrintToString(unclassified);
  EXPECT_EQ(OnnxOpCoverage("Conv"), OnnxCoverage::kCounted);
  EXPECT_EQ(OnnxOpCoverage("Reshape"), OnnxCoverage::kLayout);
  EXPECT_EQ(OnnxOpCoverage("NonMaxSuppression"), OnnxCoverage::kUncounted);
  EXPECT_EQ(OnnxOpCoverage("Shape"), OnnxCoverage::kShape);
  EXPECT_EQ(OnnxOpCoverage("NoSuchOp"), OnnxCoverage::kUnknown);
}

}  // namespace
}  // namespace neurowatt
