// Sweeps through the library's engine, one thread: configurations and
// layer evaluations per second per core, with the rows formatted as CSV
// (what `neurowatt sweep` writes) but kept in memory.
#include <benchmark/benchmark.h>

#include "absl/strings/str_cat.h"
#include "explore/sweep.h"
#include "render/sweep_rows.h"

namespace neurowatt {
namespace {

// Formats every row as the CSV file would hold it.
class CsvInMemory : public RowSink {
 public:
  explicit CsvInMemory(const std::vector<SweepAxis>& axes) : axes_(axes) {}
  absl::Status Write(const std::vector<std::string>& values,
                     const std::vector<SweepRow>& rows) override {
    bytes_ += FormatSweepRows(axes_, values, rows, /*jsonl=*/false).size();
    return absl::OkStatus();
  }

 private:
  const std::vector<SweepAxis>& axes_;
  size_t bytes_ = 0;
};

SweepSpec Spec(const std::string& source,
               const std::vector<std::string>& profiles,
               const std::vector<std::string>& axes) {
  SweepSpec s;
  s.source = source;
  s.hardware = *LoadHardware(profiles);
  s.scenario.mutable_spikes()->set_coding(v1::SpikeActivity::RATE);
  s.scenario.mutable_spikes()->set_timesteps(16);
  for (const std::string& a : axes) s.axes.push_back(*ParseSweepAxis(a));
  s.threads = 1;
  return s;
}

void Run(benchmark::State& state, const SweepSpec& spec, double layers) {
  for (auto _ : state) {
    CsvInMemory sink(spec.axes);
    if (auto st = RunSweep(spec, sink); !st.ok()) {
      state.SkipWithError(std::string(st.message()).c_str());
    }
  }
  const double configs = static_cast<double>(SweepConfigurations(spec));
  state.counters["configs_per_s"] = benchmark::Counter(
      configs, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["layer_evals_per_s"] = benchmark::Counter(
      configs * static_cast<double>(spec.hardware.size()) * layers,
      benchmark::Counter::kIsIterationInvariantRate);
}

void BM_SweepMlpOneThread(benchmark::State& state) {
  // 2,000 x 10 configurations x 2 profiles; the MLP has 5 layers.
  Run(state,
      Spec("preset:mlp:sizes=784-512-512-10", {"loihi", "horowitz-45nm"},
           {"spike_rate=0:1:2000", "batch=1:64:10"}),
      5);
}
BENCHMARK(BM_SweepMlpOneThread)->Unit(benchmark::kMillisecond);

// The sweep: GPT-3's shape over 2,000 batch sizes, with 96 blocks
// and with one. Pricing grows with the distinct layers, so the two should
// cost about the same.
void BM_SweepGpt3Batch(benchmark::State& state) {
  const int64_t layers = state.range(0);
  Run(state,
      Spec(absl::StrCat("preset:gpt:d_model=12288,layers=", layers,
                        ",heads=96,seq=2048"),
           {"horowitz-45nm"}, {"batch=1:2000:2000"}),
      // 22 layers a block, 5 around the blocks (embeddings, norm, head).
      static_cast<double>(22 * layers + 5));
}
BENCHMARK(BM_SweepGpt3Batch)->Arg(1)->Arg(96)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neurowatt
