// Google Benchmark's JSON (neurowatt_kernels --benchmark_format=json run on
// another machine) as the kernel runs and machine description a profile is
// fitted from: `neurowatt calibrate --from FILE`.
#ifndef NEUROWATT_BENCH_BENCHMARK_JSON_H_
#define NEUROWATT_BENCH_BENCHMARK_JSON_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "bench/calibration.h"

namespace neurowatt::bench {

struct BenchmarkFile {
  std::vector<KernelRun> runs;  // the iteration runs, with their counters
  MachineInfo machine;          // from the file's "context"
};

// Parses `text`, read from `path` (which errors name). Errors
// (InvalidArgument): not JSON, no "benchmarks" array, a field of the wrong
// type, or threads and cache sizes out of range.
absl::StatusOr<BenchmarkFile> ParseBenchmarkJson(const std::string& text,
                                                 const std::string& path);

// Reads and parses `path`.
absl::StatusOr<BenchmarkFile> ReadBenchmarkJson(const std::string& path);

}  // namespace neurowatt::bench

#endif  // NEUROWATT_BENCH_BENCHMARK_JSON_H_
