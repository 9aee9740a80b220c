// The calibration kernels: Google Benchmark registrations that measure a
// machine's peak arithmetic, memory bandwidth per level, real kernel
// throughput and spiking-simulation rate. `neurowatt_kernels` runs them as
// an ordinary benchmark binary (JSON with --benchmark_format=json);
// `neurowatt calibrate` runs them in-process and fits a profile.
//
// Names and counters. Each counter is the work of one iteration of one
// thread; its rate is counter x iterations (of every thread) / wall-clock
// seconds of the team (WallRate in bench/calibration.h):
//   fma_peak/fp32, fma_peak/fp64      flops
//   fma_peak_1t/fp32                  flops, one thread (when threads > 1)
//   sgemm/N (N x N x N)               flops
//   sgemv/N (N x N matrix)            flops, bytes
//   stream_copy/BYTES, stream_triad/BYTES
//                                     bytes (STREAM convention: copy counts
//                                     2 words per element, triad 3)
//   conv/..., depthwise/...           flops, bytes
//   softmax/N, elementwise_add/N      bytes, flops
//   lif_update/N                      neuron_updates
//   spike_propagation/N               events (synaptic events)
#ifndef NEUROWATT_BENCH_KERNELS_H_
#define NEUROWATT_BENCH_KERNELS_H_

#include <cstdint>
#include <string>

namespace neurowatt::bench {

struct KernelOptions {
  int threads = 1;               // worker threads (and OpenBLAS threads)
  bool quick = false;            // fewer sizes
  int64_t stream_max_bytes = 0;  // largest STREAM working set; 0: 4 x LLC
  double min_time_s = 0.1;       // per benchmark
  int repetitions = 3;           // of each; the fit keeps the best
};

// Registers every kernel with Google Benchmark.
void RegisterKernels(const KernelOptions& options);

// The instruction set the FMA kernel uses here: "avx512f", "avx2" or
// "scalar".
std::string FmaIsa();

// The last-level cache in bytes from sysfs (32 MiB when unknown).
int64_t LastLevelCacheBytes();

}  // namespace neurowatt::bench

#endif  // NEUROWATT_BENCH_KERNELS_H_
