// The neurowatt command: dispatches to a subcommand. Exit codes: 0 success,
// 2 the user's input or arguments are wrong, 1 an internal failure.
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/count_command.h"
#include "model/presets.h"

namespace {

std::string TopHelp() {
  std::string out =
      "usage: neurowatt COMMAND [flags]\n\n"
      "What a neural-network architecture costs on real hardware, read as\n"
      "neurons and synapses.\n\n"
      "commands:\n"
      "  count     neurons, synapses, params and MACs per layer and in "
      "total\n\n"
      "Run 'neurowatt COMMAND --help' for a command's flags.\n\n"
      "SOURCE is a file (.pb, .textproto, .pbtxt) or one of these presets\n"
      "(preset:NAME, preset:KIND:key=value,..., or preset:NAME:key=value to\n"
      "override a named preset):\n";
  for (const auto& p : neurowatt::ListPresets()) {
    absl::StrAppend(&out, "  ", p.name,
                    std::string(16 - std::min<size_t>(15, p.name.size()), ' '),
                    p.description, "\n");
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << TopHelp();
    return 2;
  }
  const std::string command = args[0];
  args.erase(args.begin());
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << TopHelp();
    return 0;
  }
  if (command == "--version") {
    std::cout << "neurowatt 0.1.0\n";
    return 0;
  }
  if (command == "count")
    return neurowatt::cli::RunCount(args, std::cout, std::cerr);
  std::cerr << "neurowatt: unknown command '" << command
            << "' (see neurowatt --help)\n";
  return 2;
}
