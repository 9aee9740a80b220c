// `neurowatt calibrate`: measures the machine it runs on (or fits a
// benchmark file from another one) and writes a von Neumann profile.
#ifndef NEUROWATT_CLI_CALIBRATE_COMMAND_H_
#define NEUROWATT_CLI_CALIBRATE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt::cli {

const CommandSpec& CalibrateSpec();

int RunCalibrate(const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err);

// Times MLP forward passes and a GPT block with OpenBLAS on `threads`
// threads and compares them with the estimator's latency on `profile`:
// a table and the median absolute error.
std::string ValidateCalibration(const v1::HardwareProfile& profile,
                                int threads);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_CALIBRATE_COMMAND_H_
