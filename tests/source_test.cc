// Loading a SOURCE into a Model (model/source.h): built once per
// inference, with the batch set aside for pricing.
#include "model/source.h"

#include "gtest/gtest.h"
#include "util/error.h"

namespace neurowatt {
namespace {

const std::string kOnnx = std::string(NEUROWATT_TEST_DATA) + "/onnx/";

TEST(SourceTest, ABatchInTheDimensionsIsSetAside) {
  auto one = LoadModel("preset:mlp:sizes=64-32", {});
  auto eight = LoadModel("preset:mlp:sizes=64-32", {{"batch", 8}});
  ASSERT_TRUE(one.ok() && eight.ok());
  EXPECT_EQ(one->batch, 1);
  EXPECT_EQ(eight->batch, 8);
  EXPECT_EQ(eight->batch_symbol, "batch");
  // Counted once per inference either way.
  EXPECT_EQ(eight->count.total.macs, one->count.total.macs);
  EXPECT_EQ(eight->count.total.macs, 64 * 32);
  EXPECT_EQ(eight->dims.at("batch"), 1);
  EXPECT_EQ(eight->DimsAt(8).at("batch"), 8);
}

TEST(SourceTest, OnnxBatchSymbolsByTheirOwnName) {
  // resnet18.onnx names its batch "batch"; --dim batch=4 binds it.
  auto m = LoadModel(kOnnx + "resnet18.onnx", {{"batch", 4}});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->batch, 4);
  EXPECT_TRUE(m->has_batch_dimension());
  EXPECT_EQ(m->count.total.macs, 1'814'073'344);  // one image
  EXPECT_EQ(m->DimsAt(m->batch).at(m->batch_symbol), 4);
}

TEST(SourceTest, FixedSizesHaveNoBatchDimension) {
  auto m = LoadModel(kOnnx + "mobilenet_v2.onnx", {});
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_FALSE(m->has_batch_dimension());
  EXPECT_EQ(m->batch, 1);
  auto bound = LoadModel(kOnnx + "mobilenet_v2.onnx", {{"batch", 2}});
  ASSERT_FALSE(bound.ok());
  ASSERT_TRUE(DetailOf(bound.status()).has_value());
  EXPECT_EQ(DetailOf(bound.status())->subject, ErrorSubject::kNoBatchDimension);
}

TEST(SourceTest, DimensionErrorsNameTheSourceAndCarryADetail) {
  auto unknown = LoadModel("preset:seed-kv", {{"seq", 4}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("preset:seed-kv: "),
            std::string::npos)
      << unknown.status();
  EXPECT_NE(unknown.status().message().find("no dimension named 'seq'"),
            std::string::npos);
  ASSERT_TRUE(DetailOf(unknown.status()).has_value());
  EXPECT_EQ(DetailOf(unknown.status())->subject,
            ErrorSubject::kUnknownDimension);
  auto unbound = LoadModel(kOnnx + "gpt2_block.onnx", {});
  ASSERT_FALSE(unbound.ok());
  ASSERT_TRUE(DetailOf(unbound.status()).has_value());
  EXPECT_EQ(DetailOf(unbound.status())->subject,
            ErrorSubject::kUnboundDimension);
  EXPECT_EQ(DetailOf(unbound.status())->name, "seq");
}

TEST(SourceTest, LoadSourceKeepsConcreteShapesAtTheDimensions) {
  // What convert writes: the ONNX file imported at batch 3.
  auto s = LoadSource(kOnnx + "resnet18.onnx", {{"batch", 3}});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->onnx);
  EXPECT_EQ(s->imported.at("batch"), 3);
  EXPECT_EQ(s->arch.inputs(0).shape(0).size(), 3);
}

}  // namespace
}  // namespace neurowatt

namespace neurowatt {
namespace {

TEST(SourceTest, PhasesBindTheTokensAndTheCache) {
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  // Without --context: the last token of a full window (seq 1024 - 1).
  auto d = LoadModel("preset:gpt2-small", {}, false, decode);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->tokens, 1);
  EXPECT_EQ(d->context, 1023);
  EXPECT_EQ(d->dims.at("seq"), 1);
  EXPECT_EQ(d->phase, v1::DECODE);
  // GPT-2 small: 12 blocks x (k, v) x 1,024 positions x 768 x 4 bytes.
  EXPECT_EQ(d->count.total.state_bytes, int64_t{12} * 2 * 1024 * 768 * 4);

  auto forward = LoadModel("preset:gpt2-small", {{"seq", 128}});
  ASSERT_TRUE(forward.ok()) << forward.status();
  EXPECT_EQ(forward->tokens, 128);
  EXPECT_EQ(forward->phase, v1::FORWARD);
  EXPECT_FALSE(forward->dims.contains("context"));

  auto mlp = LoadModel("preset:mlp", {});
  ASSERT_TRUE(mlp.ok());
  EXPECT_EQ(mlp->tokens, 0);  // no sequence: no tokens per second
}

TEST(SourceTest, PhasesAModelCannotRunAreErrors) {
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  auto mlp = LoadModel("preset:mlp", {}, false, decode);
  ASSERT_FALSE(mlp.ok());
  EXPECT_EQ(DetailOf(mlp.status())->subject, ErrorSubject::kPhase);
  EXPECT_NE(mlp.status().message().find("preset:mlp: decode needs"),
            std::string::npos)
      << mlp.status();
  auto seq = LoadModel("preset:gpt2-small", {{"seq", 4}}, false, decode);
  ASSERT_FALSE(seq.ok());
  EXPECT_NE(seq.status().message().find("as the context"), std::string::npos);
  PhaseOptions context;
  context.context = 5;
  auto no_cache = LoadModel("preset:mlp", {}, false, context);
  ASSERT_FALSE(no_cache.ok());
  EXPECT_EQ(DetailOf(no_cache.status())->subject, ErrorSubject::kPhase);
  EXPECT_FALSE(ParsePhase("generate").ok());
  EXPECT_EQ(*ParsePhase("train"), v1::TRAIN);
  EXPECT_EQ(PhaseName(v1::PHASE_UNSPECIFIED), "forward");
}

}  // namespace
}  // namespace neurowatt
