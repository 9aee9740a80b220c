// `neurowatt estimate SOURCE --hw P [--hw P ...]`: what a network costs per
// inference on conventional processors, per layer and in total, split into
// compute, data movement, bit maintenance and static power.
#ifndef NEUROWATT_CLI_ESTIMATE_COMMAND_H_
#define NEUROWATT_CLI_ESTIMATE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"

namespace neurowatt::cli {

const CommandSpec& EstimateSpec();

// Runs the command on `args` (the words after "estimate"). Returns the exit
// code.
int RunEstimate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_ESTIMATE_COMMAND_H_
