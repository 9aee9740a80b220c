// A whole sweep through the CLI's own code path, one thread: configurations
// and layer evaluations per second per core, formatting and file writing
// included.
#include <benchmark/benchmark.h>

#include <sstream>

#include "cli/sweep_command.h"

namespace neurowatt::cli {
namespace {

void BM_SweepMlpOneThread(benchmark::State& state) {
  // 2,000 x 10 configurations x 2 profiles; the MLP has 5 layers.
  const std::vector<std::string> args = {"preset:mlp:sizes=784-512-512-10",
                                         "--hw",
                                         "loihi",
                                         "--hw",
                                         "horowitz-45nm",
                                         "--vary",
                                         "spike_rate=0:1:2000",
                                         "--vary",
                                         "batch=1:64:10",
                                         "--timesteps",
                                         "16",
                                         "--threads",
                                         "1",
                                         "-o",
                                         "/tmp/neurowatt_sweep_bench.csv"};
  std::ostringstream out, err;
  for (auto _ : state) {
    if (RunSweep(args, out, err) != 0) state.SkipWithError("sweep failed");
  }
  const double configs = 2000 * 10;
  state.counters["configs_per_s"] = benchmark::Counter(
      configs, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["layer_evals_per_s"] = benchmark::Counter(
      configs * 2 * 5, benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_SweepMlpOneThread)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace neurowatt::cli
