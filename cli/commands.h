// The neurowatt subcommands: each declares its flags (a CommandSpec) and
// runs on the words after its name, writing the result to `out` or its -o
// file and errors and warnings to `err`, and returns the exit code. Each
// lives in a file of its own name (count.cc, estimate.cc...).
#ifndef NEUROWATT_CLI_COMMANDS_H_
#define NEUROWATT_CLI_COMMANDS_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"

namespace neurowatt::cli {

struct Command {
  const CommandSpec& (*spec)();
  int (*run)(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
};

const CommandSpec& CountSpec();
int RunCount(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
const CommandSpec& EstimateSpec();
int RunEstimate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);
const CommandSpec& CompareSpec();
int RunCompare(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);
const CommandSpec& ReportSpec();
int RunReport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);
const CommandSpec& SweepSpec();
int RunSweep(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);
const CommandSpec& ConvertSpec();
int RunConvert(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err);
const CommandSpec& SimulateSpec();
int RunSimulate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);
const CommandSpec& CalibrateSpec();
int RunCalibrate(const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err);
const CommandSpec& ValidateSpec();
int RunValidate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);
const CommandSpec& ProfilesSpec();
int RunProfiles(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err);

// Every command, in the order --help lists them.
inline std::vector<Command> Commands() {
  return {{CountSpec, RunCount},       {EstimateSpec, RunEstimate},
          {CompareSpec, RunCompare},   {ReportSpec, RunReport},
          {SweepSpec, RunSweep},       {ConvertSpec, RunConvert},
          {SimulateSpec, RunSimulate}, {CalibrateSpec, RunCalibrate},
          {ValidateSpec, RunValidate}, {ProfilesSpec, RunProfiles}};
}

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_COMMANDS_H_
