// The neurowatt command: dispatches to a subcommand. Exit codes: 0 success,
// 2 the user's input or arguments are wrong, 1 an internal failure.
#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "google/protobuf/stubs/logging.h"
#include "model/presets.h"
#include "neurowatt/neurowatt.h"

namespace {

using neurowatt::cli::Command;
using neurowatt::cli::Commands;

std::string TopHelp() {
  std::string out =
      "usage: neurowatt COMMAND [flags]\n\n"
      "What a neural-network architecture costs on real hardware, read as\n"
      "neurons and synapses.\n\ncommands:\n";
  for (const Command& c : Commands()) {
    const neurowatt::cli::CommandSpec& spec = c.spec();
    absl::StrAppend(
        &out, "  ", spec.name,
        std::string(12 - std::min<size_t>(11, spec.name.size()), ' '),
        spec.summary.substr(0, spec.summary.find('\n')), "\n");
  }
  absl::StrAppend(
      &out,
      "\nRun 'neurowatt COMMAND --help' for a command's flags.\n\n"
      "SOURCE is a file (.pb, .textproto, .pbtxt) or one of these presets\n"
      "(preset:NAME, preset:KIND:key=value,..., or preset:NAME:key=value to\n"
      "override a named preset):\n");
  for (const auto& p : neurowatt::ListPresets()) {
    absl::StrAppend(&out, "  ", p.name,
                    std::string(16 - std::min<size_t>(15, p.name.size()), ' '),
                    p.description, "\n");
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // Parse failures reach the user as one line naming the file; protobuf's
  // own log lines ("[libprotobuf ERROR ...] invalid UTF-8") would only
  // repeat them in its words.
  google::protobuf::SetLogHandler(nullptr);
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
    std::cout << "neurowatt " << neurowatt::kVersion << "\n";
    return 0;
  }
  for (const Command& c : Commands()) {
    if (c.spec().name == command) return c.run(args, std::cout, std::cerr);
  }
  std::cerr << "neurowatt: unknown command '"
            << neurowatt::cli::OneLine(command) << "' (see neurowatt --help)\n";
  return 2;
}
