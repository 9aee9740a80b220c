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

namespace neurowatt {
namespace {

// Parameter counts of the released checkpoints (Hugging Face configs and
// model cards): Llama 2 7B 6,738,415,616; 13B 13,015,864,320; 70B
// 68,976,648,192; Llama 3 8B 8,030,261,248; Mixtral 8x7B 46,702,792,704
// stored and 12,879,925,248 active (two of eight experts per token).
TEST(PresetsTest, LlamaFamilyMatchesPublishedParameterCounts) {
  struct Case {
    const char* preset;
    int64_t params, active;
  } cases[] = {{"preset:llama2-7b", 6738415616, 6738415616},
               {"preset:llama2-13b", 13015864320, 13015864320},
               {"preset:llama2-70b", 68976648192, 68976648192},
               {"preset:llama3-8b", 8030261248, 8030261248},
               {"preset:mixtral-8x7b", 46702792704, 12879925248}};
  for (const Case& k : cases) {
    auto c = CountSource(k.preset, {{"seq", 1}});
    ASSERT_TRUE(c.ok()) << k.preset << ": " << c.status();
    EXPECT_EQ(c->total.params, k.params) << k.preset;
    EXPECT_EQ(c->total.active_params, k.active) << k.preset;
  }
}

TEST(PresetsTest, GroupedQueryAttentionShrinksTheKvCache) {
  // Llama 2 70B: 8 KV heads of 128 for 64 query heads. The cache of 4,096
  // tokens is 80 blocks x 2 (k, v) x 1,024 x 4,096 x 4 bytes (fp32).
  auto c = CountSource("preset:llama2-70b");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->total.state_bytes, int64_t{80} * 2 * 1024 * 4096 * 4);
  EXPECT_EQ(Layer(*c, "blocks.0.attn.k").neurons, 1024);
  EXPECT_EQ(Layer(*c, "blocks.0.attn.q").neurons, 8192);
  // Scores: 64 heads x 4,096 x 4,096 x 128 whatever the KV heads.
  EXPECT_EQ(Layer(*c, "blocks.0.attn.scores").macs,
            int64_t{64} * 4096 * 4096 * 128);
  // The SwiGLU MLP: gate and up are key-side neurons, down the value side.
  EXPECT_EQ(Layer(*c, "blocks.0.mlp.gate").neurons, 28672);
  EXPECT_EQ(Layer(*c, "blocks.0.mlp.up").neurons, 28672);
  EXPECT_EQ(Layer(*c, "blocks.0.mlp.down").synapses_per_neuron(), 28672);
  // Multi-query attention: one KV head.
  auto mqa = CountSource(
      "preset:gpt:d_model=64,heads=4,kv_heads=1,layers=1,"
      "seq=8,embeddings=false");
  ASSERT_TRUE(mqa.ok()) << mqa.status();
  EXPECT_EQ(mqa->total.state_bytes, 2 * 8 * 16 * 4);
  EXPECT_FALSE(BuildPreset("gpt:heads=12,kv_heads=5").ok());
}

// A small grouped-query mixture worked by hand: d 64, 4 heads of 16
// sharing 2 KV heads, 4 SwiGLU experts of 128 (top-2), vocab 100, seq 8.
constexpr char kSmallMoe[] =
    "preset:llama:d_model=64,layers=1,heads=4,kv_heads=2,d_ff=128,seq=8,"
    "vocab=100,experts=4,experts_per_token=2";

TEST(PresetsTest, SmallGroupedQueryMixtureByHand) {
  auto c = CountSource(kSmallMoe);
  ASSERT_TRUE(c.ok()) << c.status();
  // embed 6,400; ln1 64; q 4,096, k 2,048, v 2,048, o 4,096; ln2 64;
  // router 256; experts 3 x 4 x 8,192 = 98,304; ln_f 64; head 6,400.
  EXPECT_EQ(c->total.params, 123840);
  EXPECT_EQ(c->total.active_params, 123840 - 98304 / 2);
  // Per token: q, k, v, o 12,288; router 256; experts 2 x 3 x 8,192 =
  // 49,152; head 6,400. Attention: 4 heads x 8 x 8 x 16, twice.
  EXPECT_EQ(c->total.macs, 8 * (12288 + 256 + 49152 + 6400) + 2 * 4096);
  const Workload& up = Layer(*c, "blocks.0.mlp.up");
  EXPECT_EQ(up.neurons, 4 * 128);  // every expert's neurons are stored
  EXPECT_EQ(up.neuron_instances, 8 * 2 * 128);  // two work each token
  EXPECT_EQ(up.experts, 4);
  // Rotary positions on q and k: 2 multiplies and 1 add per element.
  EXPECT_EQ(Layer(*c, "blocks.0.attn.q.rope").other_ops.muls, 2 * 8 * 64);
  EXPECT_EQ(Layer(*c, "blocks.0.attn.k.rope").other_ops.adds, 8 * 32);

  // Prefill: causal, 8 x 9 / 2 = 36 of the 64 position pairs per head.
  PhaseOptions prefill;
  prefill.phase = v1::PREFILL;
  auto p = LoadModel(kSmallMoe, {}, false, prefill);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->count.total.macs, c->total.macs - 2 * 4 * 16 * (64 - 36));

  // Decode with 10 tokens cached: one token attends to 11 positions.
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  decode.context = 10;
  auto d = LoadModel(kSmallMoe, {}, false, decode);
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->tokens, 1);
  EXPECT_EQ(d->context, 10);
  EXPECT_EQ(d->count.total.macs, 12288 + 256 + 49152 + 6400 + 2 * 4 * 11 * 16);
  // The cache holds 11 positions of 2 x 16 for k and for v; the new
  // position is written, all 11 are read.
  EXPECT_EQ(d->count.total.state_bytes, 2 * 11 * 32 * 4);
  EXPECT_EQ(Layer(d->count, "blocks.0.attn.k.cache").state_write_elements, 32);
  EXPECT_EQ(Layer(d->count, "blocks.0.attn.scores").kv_read_elements, 11 * 32);
}

}  // namespace
}  // namespace neurowatt
