#include "render/profiles.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "hw/profile.h"
#include "hw/system_params.h"
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

namespace {

// "8 a node (NVLink 4 ...), nodes on InfiniBand NDR; 8 described".
std::string SystemText(const SystemParams& s, bool spiking) {
  std::string out =
      s.chips_per_node > 1
          ? absl::StrCat(s.chips_per_node, " a node on ", s.intra_node.name)
          : std::string("1 a node");
  // A spiking chip's one link carries spikes between nodes too.
  absl::StrAppend(&out, s.inter_node.present
                            ? absl::StrCat("; nodes on ", s.inter_node.name)
                        : spiking && s.intra_node.present
                            ? std::string("; the same link between nodes")
                            : std::string("; no link between nodes"));
  absl::StrAppend(&out, "; largest described: ", s.described_chips);
  return out;
}

json LinkJson(const LinkParams& l) {
  if (!l.present) return nullptr;
  return {{"name", l.name},
          {"bandwidth_bytes_per_s", l.bytes_per_s},
          {"latency_seconds", l.latency_s},
          {"energy_joules_per_bit", l.j_per_bit}};
}

}  // namespace

absl::StatusOr<std::string> RenderProfiles(
    const std::vector<v1::HardwareProfile>& profiles,
    absl::string_view format) {
  if (format == "json") {
    json j = json::array();
    for (const auto& p : profiles) {
      const SystemParams s = CompileSystem(p);
      j.push_back({{"name", p.name()},
                   {"kind", ProfileKindName(p)},
                   {"description", p.description()},
                   {"system",
                    {{"topology", s.topology},
                     {"largest_described_chips", s.described_chips},
                     {"chips_per_node", s.chips_per_node},
                     {"intra_node", LinkJson(s.intra_node)},
                     {"inter_node", LinkJson(s.inter_node)},
                     {"node_static_power_watts", s.node_static_w}}},
                   {"sources", SourcesJson(p.sources())}});
    }
    return JsonText(j);
  }
  if (format != "table") {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown format '", format, "': expected table or json"));
  }
  Table table({"name", "kind", "description", "system"},
              {false, false, false, false});
  for (const auto& p : profiles) {
    table.AddRow({p.name(), ProfileKindName(p), p.description(),
                  SystemText(CompileSystem(p), p.has_neuromorphic())});
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
