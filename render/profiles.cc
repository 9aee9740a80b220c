#include "render/profiles.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hw/profile.h"
#include "render/format.h"

namespace neurowatt {

using json = nlohmann::ordered_json;

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

absl::StatusOr<std::string> RenderProfiles(
    const std::vector<v1::HardwareProfile>& profiles,
    absl::string_view format) {
  if (format == "json") {
    json j = json::array();
    for (const auto& p : profiles) {
      j.push_back({{"name", p.name()},
                   {"kind", ProfileKindName(p)},
                   {"description", p.description()},
                   {"sources", SourcesJson(p.sources())}});
    }
    return JsonText(j);
  }
  if (format != "table") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown format '", format, "': expected table or json"));
  }
  Table table({"name", "kind", "description"}, {false, false, false});
  for (const auto& p : profiles) {
    table.AddRow({p.name(), ProfileKindName(p), p.description()});
  }
  std::string text = table.Render();
  for (const auto& p : profiles) {
    absl::StrAppend(&text, "\n", p.name(), " sources:\n");
    for (const auto& s : p.sources()) {
      absl::StrAppend(&text, "  [", s.id(), "] ", SourceKindName(s.kind()),
                      ": ", s.citation().empty() ? s.note() : s.citation(),
                      "\n");
    }
  }
  return text;
}

}  // namespace neurowatt
