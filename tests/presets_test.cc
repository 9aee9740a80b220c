// The presets against the seed chapter's figures and published model sizes.
#include "model/presets.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

constexpr int64_t kD = 12288;  // GPT-3 175B d_model (Brown et al. 2020)

TEST(PresetsTest, Gpt3BlocksReproduceTheSeed) {
  auto c = CountSource("preset:gpt3-175b");
  ASSERT_TRUE(c.ok()) << c.status();
  // Per block: q, k, v, o (d x d each), key (4d x d), value (d x 4d).
  EXPECT_EQ(c->total.synapses, 96 * 12 * kD * kD);
  EXPECT_EQ(c->total.synapses, 173946175488);  // the seed's "173B"
  EXPECT_EQ(c->total.neurons, 10616832);       // the seed's "11M": 96 x 9d
  EXPECT_DOUBLE_EQ(c->total.synapses_per_neuron(), 16384.0);  // 4d / 3
  // The seed's 14,745 divides by 10 d neurons per block instead of 9 d.
  EXPECT_NEAR(static_cast<double>(c->total.synapses) / (10.0 * kD * 96),
              14745.6, 0.1);

  const Workload& key = Layer(*c, "blocks.0.mlp.key");
  EXPECT_EQ(key.neurons, 4 * kD);
  EXPECT_EQ(key.synapses, 4 * kD * kD);
  EXPECT_EQ(key.synapses_per_neuron(), kD);
  const Workload& value = Layer(*c, "blocks.95.mlp.value");
  EXPECT_EQ(value.neurons, kD);
  EXPECT_EQ(value.synapses_per_neuron(), 4 * kD);
  const Workload& q = Layer(*c, "blocks.3.attn.q");
  EXPECT_EQ(q.neurons, kD);
  EXPECT_EQ(q.synapses, kD * kD);
  // Linear MACs: 12 d^2 per token per block; attention 2 seq^2 d per block.
  EXPECT_EQ(c->total.macs, 96 * (12 * kD * kD * 2048 + 2 * 2048 * 2048 * kD));
  // Params add biases (9d) and two layer norms (4d) per block.
  EXPECT_EQ(c->total.params, 96 * (12 * kD * kD + 13 * kD));
  // KV cache: k and v, seq x d fp32 values each, per block.
  EXPECT_EQ(c->total.state_bytes, 96 * 2 * 2048 * kD * 4);
}

TEST(PresetsTest, Gpt3FullAddsEmbeddingsAndTiedHead) {
  auto c = CountSource("preset:gpt3-175b-full");
  ASSERT_TRUE(c.ok()) << c.status();
  // Blocks + token (50257 x d) and position (2048 x d) tables + final norm;
  // the LM head reuses the token table.
  EXPECT_EQ(c->total.params,
            96 * (12 * kD * kD + 13 * kD) + (50257 + 2048) * kD + 2 * kD);
  EXPECT_EQ(c->total.params, 174604259328);  // "175B" (Brown et al. 2020)
  const Workload& head = Layer(*c, "lm_head");
  EXPECT_EQ(head.neurons, 50257);
  EXPECT_EQ(head.synapses, 50257 * kD);
  EXPECT_EQ(head.params, 0);
  EXPECT_EQ(head.macs, 2048 * 50257 * kD);
  const Workload& wte = Layer(*c, "wte");
  EXPECT_EQ(wte.params, 50257 * kD);
  EXPECT_EQ(wte.macs, 0);
}

TEST(PresetsTest, Gpt2SmallMatchesPublishedParameterCount) {
  auto c = CountSource("preset:gpt2-small");
  ASSERT_TRUE(c.ok()) << c.status();
  // 124,439,808: the parameter count of Hugging Face's "gpt2" checkpoint.
  EXPECT_EQ(c->total.params, 124439808);
}

TEST(PresetsTest, SeedSmallFigures) {
  struct Case {
    const char* source;
    int64_t neurons, synapses;
  } cases[] = {{"preset:seed-mlp-2x2", 4, 10},
               {"preset:seed-mlp-4x3", 12, 36},
               {"preset:seed-kv", 10, 40}};
  for (const auto& k : cases) {
    auto c = CountSource(k.source);
    ASSERT_TRUE(c.ok()) << k.source << ": " << c.status();
    EXPECT_EQ(c->total.neurons, k.neurons) << k.source;
    EXPECT_EQ(c->total.synapses, k.synapses) << k.source;
    EXPECT_EQ(c->total.macs, k.synapses) << k.source;  // batch 1, one token
  }
  auto kv = CountSource("preset:seed-kv");
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(Layer(*kv, "key").neurons, 8);
  EXPECT_EQ(Layer(*kv, "key").synapses_per_neuron(), 3);
  EXPECT_EQ(Layer(*kv, "value").neurons, 2);
  EXPECT_EQ(Layer(*kv, "value").synapses_per_neuron(), 8);
}

TEST(PresetsTest, KindsWithKeys) {
  auto mlp = CountSource("preset:mlp:sizes=784-512-10");
  ASSERT_TRUE(mlp.ok()) << mlp.status();
  EXPECT_EQ(mlp->total.synapses, 784 * 512 + 512 * 10);
  EXPECT_EQ(mlp->total.params, 784 * 512 + 512 + 512 * 10 + 10);

  // PyTorch nn.LSTM(256, 512, num_layers=2): 4h(in + h) + 8h per layer.
  auto lstm =
      CountSource("preset:lstm:input=256,hidden=512,layers=2,timesteps=50");
  ASSERT_TRUE(lstm.ok()) << lstm.status();
  const int64_t l0 = 4 * 512 * (256 + 512), l1 = 4 * 512 * (512 + 512);
  EXPECT_EQ(lstm->total.params, l0 + l1 + 2 * 8 * 512);
  EXPECT_EQ(lstm->total.neurons, 2 * 4 * 512);
  EXPECT_EQ(lstm->total.macs, 50 * (l0 + l1));

  // Overriding a named preset.
  auto short_seq = CountSource("preset:gpt3-175b:seq=1");
  ASSERT_TRUE(short_seq.ok()) << short_seq.status();
  EXPECT_EQ(short_seq->total.macs, 96 * (12 * kD * kD + 2 * kD));
}

TEST(PresetsTest, CnnStack) {
  // 3x32x32, conv 3->32 3x3 same, pool, conv 32->64 3x3 same, pool, GAP, fc.
  auto c = CountSource("preset:cnn");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Layer(*c, "conv1").macs, 32 * 27 * 32 * 32);
  EXPECT_EQ(Layer(*c, "conv2").macs, 64 * 288 * 16 * 16);
  EXPECT_EQ(Layer(*c, "classifier").synapses, 640);
}

TEST(PresetsTest, ErrorsNameTheSpecAndTheProblem) {
  auto unknown = BuildPreset("gpt4");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("unknown preset 'gpt4'"),
            std::string::npos);
  auto key = BuildPreset("lstm:hiddn=3");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.status().message().find("unknown key 'hiddn'"),
            std::string::npos);
  auto value = BuildPreset("gpt:d_model=-5");
  ASSERT_FALSE(value.ok());
  EXPECT_NE(value.status().message().find("d_model=-5"), std::string::npos);
  auto twice = BuildPreset("mlp:sizes=1-2,sizes=3-4");
  ASSERT_FALSE(twice.ok());
  EXPECT_NE(twice.status().message().find("given twice"), std::string::npos);
  auto heads = BuildPreset("gpt:d_model=100,heads=3");
  ASSERT_FALSE(heads.ok());
  EXPECT_NE(heads.status().message().find("does not divide"),
            std::string::npos);
  EXPECT_FALSE(BuildPreset("mlp:sizes=5").ok());
  EXPECT_FALSE(BuildPreset("lstm:bidirectional=maybe").ok());
}

TEST(PresetsTest, OverflowIsAnErrorNotAWrappedNumber) {
  auto c = CountSource("preset:gpt:d_model=4294967296,heads=16,layers=1");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("do not fit in 64 bits"),
            std::string::npos);
}

}  // namespace
}  // namespace neurowatt
