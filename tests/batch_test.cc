// A scenario never rebuilds the model: counting once per inference and
// pricing at a batch and a precision must give what building the graph at
// that batch and precision gives. Checked on every preset and every ONNX
// fixture against the graph rebuilt from scratch.
#include "model/batch.h"

#include <string>
#include <vector>

#include "estimators/mapping.h"
#include "estimators/von_neumann.h"
#include "gtest/gtest.h"
#include "hw/profile.h"
#include "model/graph.h"
#include "model/presets.h"
#include "model/source.h"
#include "model/workload.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

struct Case {
  std::string source;
  DimBindings dims;  // besides the batch
};

std::vector<Case> Cases() {
  const std::string onnx = std::string(NEUROWATT_TEST_DATA) + "/onnx/";
  std::vector<Case> cases = {
      {"preset:gpt3-175b-full:layers=2,seq=16", {}},
      {"preset:gpt2-small:seq=32", {}},
      {"preset:seed-kv", {}},
      {"preset:mlp:sizes=784-512-10", {}},
      {"preset:cnn:in_channels=3,image=32,channels=32-64,kernel=3,classes=10",
       {}},
      {"preset:lstm:input=32,hidden=64,layers=2,timesteps=5", {}},
      {"preset:gru:input=16,hidden=32,timesteps=4,bidirectional=true", {}},
      {"preset:rnn:input=8,hidden=16,timesteps=3", {}},
      {std::string(NEUROWATT_TEST_DATA) + "/lenet5.textproto", {}},
      {onnx + "resnet18.onnx", {}},
      {onnx + "lstm.onnx", {{"seq", 6}}},
      {onnx + "gpt2_block.onnx", {{"seq", 8}}},
      {onnx + "mha.onnx", {}},
      {onnx + "gru.onnx", {}},
      {onnx + "tiny_mlp_weights.onnx", {}},
  };
  return cases;
}

// The graph built from scratch at `dims` with every node and floating-point
// input at `precision`: what pricing at a batch and precision replaces.
NetworkCount Rebuilt(const std::string& source, const DimBindings& dims,
                     v1::ElementType precision) {
  auto loaded = LoadSource(source, dims);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  v1::Architecture arch = loaded->arch;
  if (precision != v1::ELEMENT_TYPE_UNSPECIFIED) {
    arch.set_default_dtype(precision);
    for (auto& n : *arch.mutable_nodes()) n.set_dtype(precision);
    for (auto& in : *arch.mutable_inputs()) {
      if (in.dtype() != v1::INT32 && in.dtype() != v1::INT64) {
        in.set_dtype(precision);
      }
    }
  }
  auto graph = Graph::Build(arch, loaded->build_dims);
  EXPECT_TRUE(graph.ok()) << graph.status();
  auto count = CountNetwork(*graph);
  EXPECT_TRUE(count.ok()) << count.status();
  return *count;
}

void ExpectSameCounts(const Workload& a, const Workload& b) {
  SCOPED_TRACE(a.name);
  EXPECT_EQ(a.neurons, b.neurons);
  EXPECT_EQ(a.synapses, b.synapses);
  EXPECT_EQ(a.params, b.params);
  EXPECT_EQ(a.neuron_instances, b.neuron_instances);
  EXPECT_EQ(a.macs, b.macs);
  EXPECT_EQ(a.other_ops.adds, b.other_ops.adds);
  EXPECT_EQ(a.other_ops.muls, b.other_ops.muls);
  EXPECT_EQ(a.other_ops.compares, b.other_ops.compares);
  EXPECT_EQ(a.other_ops.exps, b.other_ops.exps);
  EXPECT_EQ(a.other_ops.divs, b.other_ops.divs);
  EXPECT_EQ(a.input_bytes, b.input_bytes);
  EXPECT_EQ(a.output_bytes, b.output_bytes);
  EXPECT_EQ(a.weights_read(), b.weights_read());
  EXPECT_EQ(a.state_bytes, b.state_bytes);
  EXPECT_EQ(a.sequential_steps, b.sequential_steps);
  EXPECT_EQ(a.matrix_rows, b.matrix_rows);
}

void ExpectRel(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-12 * std::abs(expected) + 1e-300)
      << what << ": actual " << actual << " expected " << expected;
}

TEST(BatchTest, ScaledCountsAreTheCountsOfTheGraphBuiltAtTheBatch) {
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.source);
    auto model = LoadModel(c.source, c.dims);
    ASSERT_TRUE(model.ok()) << model.status();
    const NetworkCount once =
        Rebuilt(c.source, c.dims, v1::ELEMENT_TYPE_UNSPECIFIED);
    ASSERT_EQ(model->count.layers.size(), once.layers.size());
    ExpectSameCounts(model->count.total, once.total);
    if (!model->has_batch_dimension()) continue;
    DimBindings at = c.dims;
    at["batch"] = 3;
    const NetworkCount built =
        Rebuilt(c.source, at, v1::ELEMENT_TYPE_UNSPECIFIED);
    auto scaled = ScaleToBatch(model->count, 3);
    ASSERT_TRUE(scaled.ok()) << scaled.status();
    ASSERT_EQ(scaled->layers.size(), built.layers.size());
    for (size_t i = 0; i < built.layers.size(); ++i) {
      ExpectSameCounts(scaled->layers[i], built.layers[i]);
      EXPECT_EQ(KernelOf(model->count.layers[i], 3),
                KernelOf(built.layers[i], 1));
    }
    ExpectSameCounts(scaled->total, built.total);
    EXPECT_EQ(scaled->input_elements, built.input_elements);
  }
}

TEST(BatchTest, PricingAtABatchAndPrecisionIsPricingTheRebuiltGraph) {
  auto horowitz = LoadProfile("horowitz-45nm");
  auto tpu = LoadProfile("tpuv4i-7nm-hbm2");
  ASSERT_TRUE(horowitz.ok() && tpu.ok());
  const VonNeumannParams profiles[] = {CompileVonNeumann(*horowitz),
                                       CompileVonNeumann(*tpu)};
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.source);
    auto model = LoadModel(c.source, c.dims);
    ASSERT_TRUE(model.ok()) << model.status();
    const int64_t batch = model->has_batch_dimension() ? 8 : 1;
    DimBindings at = c.dims;
    if (model->has_batch_dimension()) at["batch"] = batch;
    for (v1::ElementType precision :
         {v1::ELEMENT_TYPE_UNSPECIFIED, v1::FP32, v1::INT8, v1::BF16}) {
      const NetworkCount built = Rebuilt(c.source, at, precision);
      for (const VonNeumannParams& hw : profiles) {
        // The rebuilt graph covers the whole batch as one pass.
        auto want = EstimateVonNeumann(built, hw);
        auto got = EstimateVonNeumann(model->count, hw, batch, precision);
        ASSERT_EQ(want.ok(), got.ok())
            << want.status() << " / " << got.status();
        if (!want.ok()) continue;
        const std::string what = hw.name + " " + ElementTypeName(precision);
        ExpectRel(got->total.energy.total(), want->total.energy.total(), what);
        ExpectRel(got->total.energy.data_movement,
                  want->total.energy.data_movement, what);
        ExpectRel(got->total.energy.bit_maintenance(),
                  want->total.energy.bit_maintenance(), what);
        ExpectRel(got->total.time_s, want->total.time_s, what);
        EXPECT_EQ(got->total.bound, want->total.bound) << what;
        EXPECT_EQ(got->weight_level, want->weight_level) << what;
        for (size_t i = 0; i < built.layers.size(); ++i) {
          ExpectRel(got->Layer(model->count, i).energy.total(),
                    want->Layer(built, i).energy.total(), what);
        }
      }
    }
  }
}

TEST(BatchTest, IdenticalBlocksArePricedOnce) {
  // GPT-3: 96 identical blocks of 24 nodes, plus the token and position
  // embeddings, the final norm and the tied head.
  auto model = LoadModel("preset:gpt3-175b-full", {});
  ASSERT_TRUE(model.ok());
  const NetworkCount& c = model->count;
  EXPECT_EQ(c.layers.size(), 96u * 24 + 5);
  ASSERT_EQ(c.layer_class.size(), c.layers.size());
  // 14 distinct layers: the two embeddings, the head, and what the blocks
  // share - the 4 x 96 projections q, k, v, o; the 2 x 96 + 1 norms (ln1,
  // ln2, the final one); the 2 x 96 residual additions and the embeddings'
  // sum; the 4 x 96 head splits and merges, each kind; and per block the
  // score and value matmuls, the softmax, the KV caches of k and v (alike
  // in size), the MLP's key, GELU and value.
  ASSERT_EQ(c.classes.size(), 15u);
  auto multiplicity = [&](const std::string& name) {
    for (size_t i = 0; i < c.layers.size(); ++i) {
      if (c.layers[i].name == name) {
        return c.classes[static_cast<size_t>(c.layer_class[i])].multiplicity;
      }
    }
    return int64_t{0};
  };
  EXPECT_EQ(multiplicity("blocks.57.attn.o"), 4 * 96);
  EXPECT_EQ(multiplicity("ln_f"), 2 * 96 + 1);
  EXPECT_EQ(multiplicity("blocks.3.attn.residual"), 2 * 96 + 1);
  EXPECT_EQ(multiplicity("blocks.95.mlp.key"), 96);
  EXPECT_EQ(multiplicity("lm_head"), 1);
  EXPECT_EQ(multiplicity("blocks.7.attn.v.cache"), 2 * 96);
  int64_t layers = 0;
  for (const LayerClass& k : c.classes) {
    layers += k.multiplicity;
    EXPECT_EQ(c.layer_class[static_cast<size_t>(k.first)],
              &k - c.classes.data());
  }
  EXPECT_EQ(layers, static_cast<int64_t>(c.layers.size()));
  // A class holds layers whose counts are the same.
  for (size_t i = 0; i < c.layers.size(); ++i) {
    const Workload& first = c.layers[static_cast<size_t>(
        c.classes[static_cast<size_t>(c.layer_class[i])].first)];
    EXPECT_EQ(c.layers[i].macs, first.macs);
    EXPECT_EQ(c.layers[i].kind, first.kind);
  }
}

TEST(BatchTest, CountsPastSixtyFourBitsAtABatchAreAnError) {
  auto model = LoadModel("preset:gpt3-175b-full", {});
  ASSERT_TRUE(model.ok());
  auto big = ScaleToBatch(model->count, int64_t{1} << 40);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("64 bits"), std::string::npos);
  EXPECT_TRUE(ScaleToBatch(model->count, 1000).ok());
}

}  // namespace
}  // namespace neurowatt

namespace neurowatt {
namespace {

TEST(BatchTest, WeightsAndKvCacheMoveAtTheirOwnPrecision) {
  // Llama-style block at decode: weights int4 (half a byte), arithmetic and
  // activations fp16, KV cache fp8.
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  decode.context = 99;
  auto m = LoadModel(
      "preset:llama:d_model=64,layers=1,heads=4,kv_heads=2,d_ff=128,seq=8,"
      "vocab=100",
      {}, false, decode);
  ASSERT_TRUE(m.ok()) << m.status();
  const Precision p(v1::FP16, v1::INT4, v1::FP8);
  const Workload& q = Layer(m->count, "blocks.0.attn.q");
  const Traffic tq = TrafficAt(q, 1, p);
  EXPECT_EQ(tq.dtype, v1::FP16);
  EXPECT_DOUBLE_EQ(tq.weights, 64 * 64 * 0.5);
  EXPECT_DOUBLE_EQ(tq.stored, 64 * 64 * 0.5);
  EXPECT_DOUBLE_EQ(tq.inputs, 64 * 2);
  EXPECT_DOUBLE_EQ(tq.weight_size, 0.5);
  EXPECT_DOUBLE_EQ(tq.compute_size, 2);
  // The cache: 100 positions of 32 held at one byte, one written.
  const Traffic tc = TrafficAt(Layer(m->count, "blocks.0.attn.v.cache"), 3, p);
  EXPECT_TRUE(tc.kv);
  EXPECT_DOUBLE_EQ(tc.state, 3 * 100 * 32 * 1.0);
  EXPECT_DOUBLE_EQ(tc.state_writes, 3 * 32 * 1.0);
  // The values product reads all 100 positions from the cache.
  const Traffic tm = TrafficAt(Layer(m->count, "blocks.0.attn.mix"), 1, p);
  EXPECT_DOUBLE_EQ(tm.kv_reads, 100 * 32 * 1.0);
  // One precision for all, as --precision alone gives.
  const Traffic all = TrafficAt(q, 1, v1::FP16);
  EXPECT_DOUBLE_EQ(all.weights, 64 * 64 * 2);
}

TEST(BatchTest, FewTokensReadOnlyTheExpertsTheyAreRoutedTo) {
  EXPECT_DOUBLE_EQ(ExpertsTouched(8, 2, 1), 0.25);
  EXPECT_DOUBLE_EQ(ExpertsTouched(8, 2, 2), 1 - 0.75 * 0.75);
  EXPECT_NEAR(ExpertsTouched(8, 2, 256), 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(ExpertsTouched(1, 1, 1), 1.0);
}

}  // namespace
}  // namespace neurowatt
