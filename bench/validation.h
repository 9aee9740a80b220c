// `neurowatt calibrate --validate`: times forward passes the fit never saw
// (MLPs of several widths and batch sizes, a GPT block) with OpenBLAS and
// sets them beside the estimator's latency on the fitted profile.
#ifndef NEUROWATT_BENCH_VALIDATION_H_
#define NEUROWATT_BENCH_VALIDATION_H_

#include <string>
#include <vector>

#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt::bench {

struct ValidationCase {
  std::string name;
  double predicted_s = 0;  // the estimator on the profile
  double measured_s = 0;   // best of several timed runs here
  double error() const { return (predicted_s - measured_s) / measured_s; }
};

struct Validation {
  std::vector<ValidationCase> cases;
  double median_abs_error = 0;  // of the relative errors
};

// Measures every case on `threads` threads (OpenBLAS's too) and predicts it
// on `profile`, a von Neumann profile that passed ValidateProfile.
Validation ValidateCalibration(const v1::HardwareProfile& profile, int threads);

}  // namespace neurowatt::bench

#endif  // NEUROWATT_BENCH_VALIDATION_H_
