// Language models as they run: a decode step priced, a whole generation
// (prefill and decode steps loaded and priced at several contexts), and a
// training step built from the forward count.
#include <benchmark/benchmark.h>

#include "estimators/von_neumann.h"
#include "explore/generation.h"
#include "hw/hardware.h"
#include "hw/profile.h"
#include "model/source.h"
#include "model/training.h"

namespace neurowatt {
namespace {

// Llama 2 70B decoding one token with 4,095 in the cache, int4 weights and
// fp16 arithmetic, on one H100 (the model loaded once, priced per step).
void BM_DecodeStepLlama2_70b(benchmark::State& state) {
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  decode.context = 4095;
  auto model = LoadModel("preset:llama2-70b", {}, false, decode);
  auto profile = LoadProfile("h100-sxm");
  const VonNeumannParams hw = CompileVonNeumann(*profile);
  const Precision p(v1::FP16, v1::INT4, v1::FP16);
  for (auto _ : state) {
    auto cost = EstimateVonNeumann(model->count, hw, 16, p);
    benchmark::DoNotOptimize(cost);
  }
}
BENCHMARK(BM_DecodeStepLlama2_70b)->Unit(benchmark::kMicrosecond);

// Loading the decode model: building and counting the graph at a context.
void BM_LoadDecodeLlama2_70b(benchmark::State& state) {
  PhaseOptions decode;
  decode.phase = v1::DECODE;
  decode.context = 4095;
  for (auto _ : state) {
    auto model = LoadModel("preset:llama2-70b", {}, false, decode);
    benchmark::DoNotOptimize(model);
  }
}
BENCHMARK(BM_LoadDecodeLlama2_70b)->Unit(benchmark::kMillisecond);

// A generation of 512 + 256 tokens on an H100: one prefill and five
// decode contexts, each loaded and priced.
void BM_GenerationLlama3_8b(benchmark::State& state) {
  auto hw = LoadHardware({"h100-sxm"});
  v1::Scenario s;
  s.set_precision(v1::BF16);
  s.set_batch(8);
  s.mutable_generation()->set_prompt(512);
  s.mutable_generation()->set_generate(256);
  for (auto _ : state) {
    auto g = PriceGeneration("preset:llama3-8b", {}, false, *hw, s, {});
    benchmark::DoNotOptimize(g);
  }
}
BENCHMARK(BM_GenerationLlama3_8b)->Unit(benchmark::kMillisecond);

// GPT-3's training step (forward, backward, Adam) from its forward count.
void BM_TrainingStepGpt3Full(benchmark::State& state) {
  auto model = LoadModel("preset:gpt3-175b-full", {});
  v1::Training t;
  for (auto _ : state) {
    auto step = TrainingStep(model->count, t);
    benchmark::DoNotOptimize(step);
  }
}
BENCHMARK(BM_TrainingStepGpt3Full)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neurowatt
