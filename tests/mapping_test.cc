// The estimators' mapping decisions (estimators/mapping.h): the kernel a
// processor runs for a layer at a batch, and what spiking neurons express.
#include "estimators/mapping.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

TEST(MappingTest, AStoredMatrixServesTheWholeBatch) {
  // One token through a linear layer is a GEMV; eight inferences at once
  // make it a GEMM. The attention's score matmul belongs to one inference:
  // the batch adds no rows to it.
  auto c = CountSource("preset:gpt:d_model=64,layers=1,heads=4,seq=1,vocab=10");
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& q = Layer(*c, "blocks.0.attn.q");
  EXPECT_EQ(KernelOf(q, 1), Kernel::kGemv);
  EXPECT_EQ(KernelOf(q, 8), Kernel::kGemm);
  const Workload& scores = Layer(*c, "blocks.0.attn.scores");
  EXPECT_EQ(KernelOf(scores, 1), Kernel::kGemv);
  EXPECT_EQ(KernelOf(scores, 8), Kernel::kGemv);
}

TEST(MappingTest, RecurrentStepsSeeOnlyTheBatchsRows) {
  auto c = CountSource("preset:lstm:input=16,hidden=32,timesteps=10");
  ASSERT_TRUE(c.ok());
  const Workload& lstm = Layer(*c, "recurrent");
  EXPECT_EQ(lstm.matrix_rows, 1);  // ten steps, one at a time
  EXPECT_EQ(KernelOf(lstm, 1), Kernel::kGemv);
  EXPECT_EQ(KernelOf(lstm, 4), Kernel::kGemm);
  EXPECT_TRUE(SpikeNative(lstm));
}

TEST(MappingTest, ConvolutionsAndLayout) {
  auto c = CountSource(
      "preset:cnn:in_channels=3,image=16,channels=8,kernel=3,classes=4");
  ASSERT_TRUE(c.ok());
  int convs = 0;
  for (const Workload& w : c->layers) {
    if (w.kind == "conv") {
      ++convs;
      EXPECT_EQ(KernelOf(w, 1), Kernel::kConv);
    }
    if (w.kind == "reshape") {
      EXPECT_EQ(KernelOf(w, 1), Kernel::kLayout);
    }
  }
  EXPECT_GT(convs, 0);
  Workload depthwise;
  depthwise.op = v1::Node::kConv;
  depthwise.depthwise = true;
  EXPECT_EQ(KernelOf(depthwise, 1), Kernel::kDepthwise);
  // Max pooling runs as its own loops; average pooling sums as a reduction.
  Workload pool;
  pool.op = v1::Node::kPool;
  for (int kind : {v1::Pool::MAX, v1::Pool::GLOBAL_MAX}) {
    pool.op_kind = kind;
    EXPECT_EQ(KernelOf(pool, 1), Kernel::kPool) << kind;
  }
  for (int kind :
       {v1::Pool::AVERAGE, v1::Pool::GLOBAL_AVERAGE, v1::Pool::SUM}) {
    pool.op_kind = kind;
    EXPECT_EQ(KernelOf(pool, 1), Kernel::kElementwise) << kind;
  }
}

TEST(MappingTest, WhatSpikingNeuronsExpress) {
  auto kind = [](v1::Node::OpCase op, int op_kind) {
    Workload w;
    w.op = op;
    w.op_kind = op_kind;
    return SpikeNative(w);
  };
  EXPECT_TRUE(kind(v1::Node::kLinear, 0));
  EXPECT_TRUE(kind(v1::Node::kActivation, v1::Activation::RELU));
  EXPECT_TRUE(kind(v1::Node::kActivation, v1::Activation::CLIP));
  EXPECT_FALSE(kind(v1::Node::kActivation, v1::Activation::SOFTMAX));
  EXPECT_FALSE(kind(v1::Node::kActivation, v1::Activation::GELU));
  EXPECT_TRUE(kind(v1::Node::kPool, v1::Pool::AVERAGE));
  EXPECT_FALSE(kind(v1::Node::kPool, v1::Pool::MAX));
  EXPECT_TRUE(kind(v1::Node::kReduce, v1::Reduce::SUM));
  EXPECT_FALSE(kind(v1::Node::kReduce, v1::Reduce::MAX));
  EXPECT_TRUE(kind(v1::Node::kElementwise, v1::Elementwise::ADD));
  EXPECT_FALSE(kind(v1::Node::kElementwise, v1::Elementwise::MUL));
  EXPECT_FALSE(kind(v1::Node::kNorm, v1::Norm::LAYER));
  EXPECT_FALSE(kind(v1::Node::kMatmul, 0));
  EXPECT_FALSE(kind(v1::Node::kUncounted, 0));
  EXPECT_FALSE(kind(v1::Node::kKvCache, 0));  // the host keeps the cache
  EXPECT_FALSE(kind(v1::Node::kRotary, 0));
}

}  // namespace
}  // namespace neurowatt
