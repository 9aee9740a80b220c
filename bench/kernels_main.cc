// neurowatt_kernels: the calibration kernels as an ordinary Google Benchmark
// binary, for machines without neurowatt. Its JSON
// (--benchmark_format=json --benchmark_out=FILE) feeds
// `neurowatt calibrate --from FILE`.
#include <benchmark/benchmark.h>

#include <thread>

#include "bench/kernels.h"

int main(int argc, char** argv) {
  neurowatt::bench::KernelOptions options;
  options.threads = static_cast<int>(std::thread::hardware_concurrency());
  neurowatt::bench::RegisterKernels(options);
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
