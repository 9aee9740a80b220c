#include "bench/measure.h"

#include <benchmark/benchmark.h>

#include <optional>

namespace neurowatt::bench {
namespace {

// Collects the runs as Google Benchmark reports them.
class Collector : public benchmark::BenchmarkReporter {
 public:
  Collector(const Rapl& rapl,
            const std::function<void(size_t, const std::string&)>& progress)
      : rapl_(rapl), progress_(progress), last_energy_(rapl.Joules()) {}

  bool ReportContext(const Context&) override { return true; }

  void ReportRuns(const std::vector<Run>& runs) override {
    const std::optional<double> energy = rapl_.Joules();
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      KernelRun k;
      k.name = r.benchmark_name();
      for (const auto& [key, c] : r.counters) {
        k.counters[key] = WallRate(c.value, static_cast<double>(r.iterations),
                                   r.real_accumulated_time);
      }
      k.seconds = r.real_accumulated_time;
      if (energy && last_energy_) {
        k.energy_j = rapl_.Delta(*last_energy_, *energy);
      }
      runs_.push_back(k);
      if (progress_) progress_(runs_.size(), k.name);
    }
    last_energy_ = energy;
  }

  std::vector<KernelRun>& runs() { return runs_; }

 private:
  const Rapl& rapl_;
  const std::function<void(size_t, const std::string&)>& progress_;
  std::optional<double> last_energy_;
  std::vector<KernelRun> runs_;
};

}  // namespace

std::vector<KernelRun> MeasureKernels(
    const KernelOptions& options, const Rapl& rapl,
    const std::function<void(size_t, const std::string&)>& progress) {
  RegisterKernels(options);
  int argc = 1;
  char name[] = "neurowatt";
  char* argv[] = {name, nullptr};
  benchmark::Initialize(&argc, argv);
  Collector collector(rapl, progress);
  benchmark::RunSpecifiedBenchmarks(&collector);
  benchmark::ClearRegisteredBenchmarks();
  return std::move(collector.runs());
}

}  // namespace neurowatt::bench
