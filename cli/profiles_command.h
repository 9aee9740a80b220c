// `neurowatt profiles`: the built-in hardware catalogue with its sources.
#ifndef NEUROWATT_CLI_PROFILES_COMMAND_H_
#define NEUROWATT_CLI_PROFILES_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "neurowatt/v1/hardware.pb.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {

const CommandSpec& ProfilesSpec();

// A profile's sources as JSON: [{"id", "kind", "citation", "note"}].
nlohmann::ordered_json SourcesJson(
    const google::protobuf::RepeatedPtrField<v1::Source>& sources);

int RunProfiles(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_PROFILES_COMMAND_H_
