#include "cli/profiles_command.h"

#include "absl/strings/str_cat.h"
#include "cli/format.h"
#include "util/atomic_file.h"
#include "hw/profile.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {
namespace {

using json = nlohmann::ordered_json;

absl::Status Run(const ParsedArgs& args, std::ostream& out) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json"}); !f.ok()) {
    return f.status();
  }
  const auto& profiles = CatalogueProfiles();
  std::string text;
  if (format == "json") {
    json j = json::array();
    for (const auto& p : profiles) {
      j.push_back({{"name", p.name()},
                   {"kind", ProfileKindName(p)},
                   {"description", p.description()},
                   {"sources", SourcesJson(p.sources())}});
    }
    text = j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
  } else {
    Table table({"name", "kind", "description"}, {false, false, false});
    for (const auto& p : profiles) {
      table.AddRow({p.name(), ProfileKindName(p), p.description()});
    }
    text = table.Render();
    for (const auto& p : profiles) {
      absl::StrAppend(&text, "\n", p.name(), " sources:\n");
      for (const auto& s : p.sources()) {
        absl::StrAppend(&text, "  [", s.id(), "] ", SourceKindName(s.kind()),
                        ": ", s.citation().empty() ? s.note() : s.citation(),
                        "\n");
      }
    }
  }
  return WriteOutput(args.Get("output"), text, out);
}

}  // namespace

json SourcesJson(
    const google::protobuf::RepeatedPtrField<v1::Source>& sources) {
  json out = json::array();
  for (const auto& s : sources) {
    out.push_back({{"id", s.id()},
                   {"kind", SourceKindName(s.kind())},
                   {"citation", s.citation()},
                   {"note", s.note()}});
  }
  return out;
}

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
