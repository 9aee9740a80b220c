// `neurowatt profiles`: the built-in hardware catalogue with its sources.
#ifndef NEUROWATT_CLI_PROFILES_COMMAND_H_
#define NEUROWATT_CLI_PROFILES_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"

namespace neurowatt::cli {

const CommandSpec& ProfilesSpec();

int RunProfiles(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_PROFILES_COMMAND_H_
