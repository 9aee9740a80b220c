// `neurowatt sweep SOURCE --hw ... --vary KEY=V1,V2 ... -o out.csv|out.jsonl`:
// the cartesian product of scenario and model parameters, priced on every
// profile, one row per (configuration, hardware), streamed to a file.
#ifndef NEUROWATT_CLI_SWEEP_COMMAND_H_
#define NEUROWATT_CLI_SWEEP_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"

namespace neurowatt::cli {

const CommandSpec& SweepSpec();

int RunSweep(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

// One --vary: a key and its values, in order.
struct VaryAxis {
  std::string key;
  std::vector<std::string> values;
};

// Parses "KEY=V1,V2,..." or "KEY=START:STOP:COUNT" (COUNT evenly spaced
// values, both ends included; whole numbers for integer keys).
absl::StatusOr<VaryAxis> ParseVary(const std::string& text);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_SWEEP_COMMAND_H_
