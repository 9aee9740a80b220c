// Running the calibration kernels (bench/kernels.h) in-process with Google
// Benchmark and collecting their rates, with RAPL energy per run where the
// machine has it.
#ifndef NEUROWATT_BENCH_MEASURE_H_
#define NEUROWATT_BENCH_MEASURE_H_

#include <functional>
#include <string>
#include <vector>

#include "bench/calibration.h"
#include "bench/kernels.h"
#include "bench/machine.h"

namespace neurowatt::bench {

// Registers and runs every kernel of `options` once, then clears the
// registrations. `progress(runs_so_far, kernel_name)` is called as each run
// finishes.
std::vector<KernelRun> MeasureKernels(
    const KernelOptions& options, const Rapl& rapl,
    const std::function<void(size_t, const std::string&)>& progress = {});

}  // namespace neurowatt::bench

#endif  // NEUROWATT_BENCH_MEASURE_H_
