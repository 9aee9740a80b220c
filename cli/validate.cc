#include "cli/commands.h"
#include "render/validation.h"
#include "util/atomic_file.h"
#include "validate/cases.h"

namespace neurowatt::cli {
namespace {

absl::Status Run(const ParsedArgs& args, std::ostream& out) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json"}); !f.ok()) {
    return f.status();
  }
  auto results = RunValidation();
  if (!results.ok()) return results.status();
  const std::string text =
      format == "json" ? ValidationJson(*results) : ValidationTable(*results);
  return WriteOutput(args.Get("output"), text, out);
}

}  // namespace

const CommandSpec& ValidateSpec() {
  static const auto* spec = new CommandSpec{
      "validate",
      "[--format table|json] [-o FILE]",
      "Prices published measurements and compares: measured vs predicted.\n"
      "Each built-in case is a network run on named hardware with its energy\n"
      "and latency per inference measured (Blouw et al. 2019's keyword\n"
      "spotter on a CPU, a GPU, a Jetson TX1, a Movidius NCS and Loihi, at\n"
      "batch 1 and 64); ratio = predicted / measured.",
      "No case has a constant of its own: each runs on a catalogue profile\n"
      "(neurowatt profiles lists their sources). docs/validation.md discusses\n"
      "what each case tests and what the model misses where it is off.\n",
      {{"format", '\0', "FORMAT", "table (default) or json"},
       {"output", 'o', "FILE", "write to FILE (atomically) instead of stdout"}},
      0,
      0};
  return *spec;
}

int RunValidate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  return RunCommand(ValidateSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
