// Generations (explore/generation.h): the prefill, then decode steps whose
// sum, priced at a few contexts, is checked against every step priced.
#include "explore/generation.h"

#include "gtest/gtest.h"
#include "hw/hardware.h"
#include "util/error.h"

namespace neurowatt {
namespace {

constexpr char kModel[] =
    "preset:llama:d_model=256,layers=2,heads=8,kv_heads=2,d_ff=512,seq=64,"
    "vocab=1000";

std::vector<Hardware> Profiles() {
  auto h = LoadHardware({"h100-sxm", "horowitz-45nm"});
  EXPECT_TRUE(h.ok()) << h.status();
  return *h;
}

v1::Scenario Generation(int64_t prompt, int64_t generate, int64_t batch) {
  v1::Scenario s;
  s.set_batch(batch);
  s.set_precision(v1::FP16);
  s.mutable_generation()->set_prompt(prompt);
  s.mutable_generation()->set_generate(generate);
  return s;
}

TEST(GenerationTest, PrefillThenDecodeStepsSumToTheTotals) {
  const std::vector<Hardware> hw = Profiles();
  const int64_t prompt = 100, generate = 40, batch = 4;
  auto g = PriceGeneration(kModel, {}, false, hw,
                           Generation(prompt, generate, batch), {});
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->prefill.tokens, prompt);
  EXPECT_EQ(g->prefill.phase, v1::PREFILL);
  for (int i = 0; i < 2; ++i) {
    const v1::HardwareCost& h = g->pricing.report.hardware(i);
    const v1::GenerationCost& c = h.generation();
    EXPECT_EQ(c.prompt_tokens(), prompt);
    EXPECT_EQ(c.generated_tokens(), generate);
    // The first token comes out of the prefill.
    EXPECT_DOUBLE_EQ(c.time_to_first_token_s(), h.latency_s());
    EXPECT_DOUBLE_EQ(c.prefill_energy_j(), h.energy().total());
    // Every one of the 39 decode steps, priced on its own.
    double seconds = 0, joules = 0;
    for (int64_t step = 0; step + 1 < generate; ++step) {
      PhaseOptions decode;
      decode.phase = v1::DECODE;
      decode.context = prompt + step;
      auto m = LoadModel(kModel, {}, false, decode);
      ASSERT_TRUE(m.ok()) << m.status();
      v1::Scenario s = Generation(prompt, generate, batch);
      s.clear_generation();
      auto p = Price(*m, {hw[static_cast<size_t>(i)]}, s);
      ASSERT_TRUE(p.ok()) << p.status();
      seconds += p->report.hardware(0).latency_s();
      joules += p->report.hardware(0).energy().total();
    }
    EXPECT_NEAR(c.time_per_output_token_s() * (generate - 1), seconds,
                1e-3 * seconds)
        << h.name();
    EXPECT_NEAR(c.decode_energy_j(), joules, 1e-3 * joules) << h.name();
    EXPECT_NEAR(c.total_s(), c.time_to_first_token_s() + seconds,
                1e-3 * c.total_s());
    EXPECT_NEAR(c.energy_per_token_j(), c.energy_j() / (generate * batch),
                1e-12 * c.energy_j());
    EXPECT_NEAR(c.tokens_per_second(), generate * batch / c.total_s(),
                1e-9 * c.tokens_per_second());
  }
}

TEST(GenerationTest, OneTokenIsThePrefillAlone) {
  auto g =
      PriceGeneration(kModel, {}, false, Profiles(), Generation(16, 1, 1), {});
  ASSERT_TRUE(g.ok()) << g.status();
  const v1::GenerationCost& c = g->pricing.report.hardware(0).generation();
  EXPECT_DOUBLE_EQ(c.total_s(), c.time_to_first_token_s());
  EXPECT_EQ(c.decode_energy_j(), 0);
}

TEST(GenerationTest, ModelsWithoutACacheAndBadLengthsAreErrors) {
  const std::vector<Hardware> hw = Profiles();
  auto mlp =
      PriceGeneration("preset:mlp", {}, false, hw, Generation(4, 4, 1), {});
  ASSERT_FALSE(mlp.ok());
  auto seq =
      PriceGeneration(kModel, {{"seq", 8}}, false, hw, Generation(4, 4, 1), {});
  ASSERT_FALSE(seq.ok());
  EXPECT_NE(seq.status().message().find("do not bind it"), std::string::npos);
  auto zero = PriceGeneration(kModel, {}, false, hw, Generation(0, 4, 1), {});
  ASSERT_FALSE(zero.ok());
  EXPECT_EQ(DetailOf(zero.status())->subject, ErrorSubject::kPhase);
}

}  // namespace
}  // namespace neurowatt
