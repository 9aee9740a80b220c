// What `neurowatt calibrate` prints: the measured machine and the fitted
// profile's headline figures, as a table or JSON, and the validation table.
#ifndef NEUROWATT_RENDER_CALIBRATION_H_
#define NEUROWATT_RENDER_CALIBRATION_H_

#include <optional>
#include <string>
#include <vector>

#include "bench/calibration.h"
#include "bench/validation.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

struct Calibration {
  v1::HardwareProfile profile;  // fitted
  MachineInfo machine;
  std::vector<KernelRun> runs;
  std::vector<std::string> notes;  // what was assumed or not measured
  std::optional<bench::Validation> validation;
  std::string path;  // where the profile was written
};

// The validation cases: predicted, measured, error, and the median.
std::string RenderValidation(const bench::Validation& validation);

// The summary as a table, or as the JSON of the command-line contract
// ({"peak_flops_fp32", "peak_flops_fp64", "gemm_flops_fp32",
// "dram_bandwidth_bytes_per_s", "bandwidth_bytes_per_s", "efficiency",
// "spike_events_per_s", "energy_measured", "threads", "profile", "notes",
// "validation"}).
std::string RenderCalibration(const Calibration& c, bool json);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_CALIBRATION_H_
