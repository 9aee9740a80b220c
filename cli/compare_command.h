// `neurowatt compare SOURCE --hw A --hw B ...`: von Neumann and neuromorphic
// profiles side by side, with the spike rate at which they break even.
#ifndef NEUROWATT_CLI_COMPARE_COMMAND_H_
#define NEUROWATT_CLI_COMPARE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"

namespace neurowatt::cli {

const CommandSpec& CompareSpec();

int RunCompare(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_COMPARE_COMMAND_H_
