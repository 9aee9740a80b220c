// Importing ONNX models: the committed fixtures (weight-stripped, so this is
// parsing, shape inference and mapping), a file named by NEUROWATT_ONNX
// (e.g. the 650 MB GPT-2 small that scripts/measure_onnx_load.sh writes),
// and the weight analysis of count --weights on weights in memory.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "model/onnx/importer.h"
#include "model/weight_stats.h"

namespace neurowatt {
namespace {

void Import(benchmark::State& state, const std::string& path,
            const DimBindings& dims, bool weights) {
  OnnxImportOptions options;
  options.dims = dims;
  options.read_weights = weights;
  for (auto _ : state) {
    auto imported = ImportOnnx(path, options);
    if (!imported.ok()) {
      state.SkipWithError(std::string(imported.status().message()).c_str());
      return;
    }
    benchmark::DoNotOptimize(imported);
  }
}

void BM_ImportResNet18(benchmark::State& state) {
  Import(state, std::string(NEUROWATT_TEST_DATA) + "/onnx/resnet18.onnx", {},
         false);
}
BENCHMARK(BM_ImportResNet18)->Unit(benchmark::kMillisecond);

void BM_ImportVitB16(benchmark::State& state) {
  Import(state, std::string(NEUROWATT_TEST_DATA) + "/onnx/vit_b_16.onnx", {},
         false);
}
BENCHMARK(BM_ImportVitB16)->Unit(benchmark::kMillisecond);

// A two-stage Swin: its window pads come from shape arithmetic that
// folding resolves one block per pass of shape inference.
void BM_ImportSwinSmall(benchmark::State& state) {
  Import(state,
         std::string(NEUROWATT_TEST_DATA) + "/onnx/coverage/swin_small.onnx",
         {}, false);
}
BENCHMARK(BM_ImportSwinSmall)->Unit(benchmark::kMillisecond);

// nn.EmbeddingBag's Loop, inlined.
void BM_ImportEmbeddingBagLoop(benchmark::State& state) {
  Import(state,
         std::string(NEUROWATT_TEST_DATA) + "/onnx/coverage/embedding_bag.onnx",
         {}, false);
}
BENCHMARK(BM_ImportEmbeddingBagLoop)->Unit(benchmark::kMillisecond);

// NEUROWATT_ONNX=FILE [NEUROWATT_ONNX_SEQ=N]: arg 0 imports the graph, arg 1
// also reads and analyses every weight.
void BM_ImportFile(benchmark::State& state) {
  const char* path = std::getenv("NEUROWATT_ONNX");
  if (path == nullptr) {
    state.SkipWithError("set NEUROWATT_ONNX to a model file");
    return;
  }
  DimBindings dims;
  if (const char* seq = std::getenv("NEUROWATT_ONNX_SEQ")) {
    dims["seq"] = std::atoll(seq);
  }
  Import(state, path, dims, state.range(0) != 0);
}
BENCHMARK(BM_ImportFile)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_AnalyzeWeights(benchmark::State& state) {
  // A 4096 x 4096 fp32 matrix of normal weights, a fifth of them zero.
  const int64_t n = int64_t{4096} * 4096;
  std::vector<float> w(n);
  std::mt19937 rng(1);
  std::normal_distribution<float> normal;
  for (auto& x : w) x = rng() % 5 == 0 ? 0.0f : normal(rng);
  const absl::string_view bytes(reinterpret_cast<const char*>(w.data()),
                                w.size() * sizeof(float));
  for (auto _ : state) {
    WeightAnalyzer a(4096);
    auto s = a.Add(bytes, /*FLOAT=*/1, n, PresynapticMap{4096, 4096, 0, 0});
    benchmark::DoNotOptimize(a.Finish());
  }
  state.counters["weights_per_s"] = benchmark::Counter(
      static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_AnalyzeWeights)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neurowatt
