#include "render/profiles.h"

#include "cli/commands.h"
#include "hw/profile.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

absl::Status Run(const ParsedArgs& args, std::ostream& out) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json"}); !f.ok()) {
    return f.status();
  }
  auto text = RenderProfiles(CatalogueProfiles(), format);
  if (!text.ok()) return text.status();
  return WriteOutput(args.Get("output"), *text, out);
}

}  // namespace

const CommandSpec& ProfilesSpec() {
  static const auto* spec = new CommandSpec{
      "profiles",
      "[--format table|json] [-o FILE]",
      "The built-in hardware profiles and their sources.\n"
      "Lists each profile with a one-line description and the sources of its\n"
      "numbers.",
      "Any of these names goes to --hw; so does a path to a profile file.\n",
      {{"format", '\0', "FORMAT", "table (default) or json"},
       {"output", 'o', "FILE", "write to FILE (atomically) instead of stdout"}},
      0,
      0};
  return *spec;
}

int RunProfiles(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  return RunCommand(ProfilesSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
