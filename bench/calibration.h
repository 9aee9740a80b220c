// Fitting a von Neumann HardwareProfile to kernel measurements (the
// bench/kernels.h runs): peak arithmetic, bandwidth plateaus per memory
// level, kernel-class efficiencies, spiking throughput and, where energy
// counters exist, energy per operation and per byte. Pure: the caller
// gathers the runs and the machine description.
#ifndef NEUROWATT_BENCH_CALIBRATION_H_
#define NEUROWATT_BENCH_CALIBRATION_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

// One benchmark run: its name (e.g. "stream_triad/65536", suffixes such as
// "/real_time/threads:2" allowed) and its rate counters per second.
struct KernelRun {
  std::string name;
  std::map<std::string, double> counters;
  double seconds = 0;                    // wall time of the measured iterations
  std::optional<double> energy_j;        // RAPL energy over those seconds
  std::map<std::string, double> spread;  // see BestOfRepetitions
  int repetitions = 1;
};

struct CacheInfo {
  int level = 0;
  int64_t bytes = 0;  // of one instance
  int instances = 1;  // among the CPUs used
};

struct MachineInfo {
  std::string cpu_model;
  std::string host;
  std::string date;  // ISO 8601
  std::vector<std::string> isa;
  int cores = 1;  // online CPUs
  int threads_used = 1;
  double clock_hz = 0;  // 0 when unknown
  int64_t memory_bytes = 0;
  std::vector<CacheInfo> caches;  // data and unified caches, by level
  std::string energy_note;        // why energy was (not) measured
};

// A rate per wall-clock second: `per_iteration` work (one thread's, as
// bench/kernels.h counts it) x `iterations` (of every thread) / the team's
// wall-clock `seconds`; 0 when no time was measured.
inline double WallRate(double per_iteration, double iterations,
                       double seconds) {
  return seconds > 0 ? per_iteration * iterations / seconds : 0;
}

// Runs of the same name (Google Benchmark's repetitions) as one: the best
// (largest) of each rate counter - interference on a shared machine only
// slows a kernel, so the best run is the machine's rate (STREAM's "best of"
// convention) - with `spread` its (max - min) / median and `repetitions` how
// many there were; seconds and energy are the median run's. Order of first
// appearance.
std::vector<KernelRun> BestOfRepetitions(const std::vector<KernelRun>& runs);

// The family and argument of a run name: "stream_triad/65536/real_time"
// -> ("stream_triad", "65536"); "fma_peak/fp32" -> ("fma_peak", "fp32").
std::pair<std::string, std::string> KernelName(const std::string& name);

// Fits a profile named `name`. Fails (InvalidArgument) when a kernel the
// fit needs is missing (FMA peak, STREAM triad). `notes` receives what was
// assumed or could not be measured.
absl::StatusOr<v1::HardwareProfile> FitProfile(
    const std::vector<KernelRun>& runs, const MachineInfo& machine,
    const std::string& name, std::vector<std::string>* notes);

// Non-negative least squares for a small system (columns <= 12): the x >= 0
// minimising |A x - b|, by trying every active set. `residual` receives the
// root-mean-square error. A is row-major, rows x cols.
std::vector<double> NonNegativeLeastSquares(
    const std::vector<std::vector<double>>& a, const std::vector<double>& b,
    double* residual);

}  // namespace neurowatt

#endif  // NEUROWATT_BENCH_CALIBRATION_H_
