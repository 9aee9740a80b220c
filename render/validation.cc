#include "render/validation.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "render/format.h"

namespace neurowatt {
namespace {

using json = nlohmann::ordered_json;

json Maybe(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

std::string Ratio(const std::optional<double>& r) {
  return r ? absl::StrFormat("%.2f", *r) : "-";
}

}  // namespace

std::string ValidationTable(const std::vector<ValidationResult>& results) {
  Table table({"case", "hardware", "batch", "energy measured", "predicted",
               "ratio", "latency measured", "predicted", "ratio"},
              {false, false, true, true, true, true, true, true, true});
  int within = 0, with_energy = 0;
  for (const ValidationResult& r : results) {
    const PublishedCase& c = *r.c;
    const auto e = r.energy_ratio();
    const auto t = r.latency_ratio();
    if (e) {
      ++with_energy;
      if (*e >= 0.5 && *e <= 2) ++within;
    }
    table.AddRow({c.name, c.hardware, absl::StrCat(c.batch),
                  c.energy_j ? Si(*c.energy_j, "J") : "-",
                  Si(r.predicted_energy_j, "J"), Ratio(e),
                  c.latency_s ? Si(*c.latency_s, "s") : "-",
                  Si(r.predicted_latency_s, "s"),
                  c.latency_is_input ? Ratio(t) + " (input)" : Ratio(t)});
  }
  std::string out =
      "Published measurements against neurowatt's estimates (energy per "
      "inference; latency per batch; ratio = predicted / measured)\n\n";
  out += table.Render();
  out += absl::StrFormat(
      "\n%d of %d energy ratios within 0.5-2. Dynamic energies exclude idle "
      "power, as the sources measure them.\n",
      within, with_energy);
  for (const ValidationResult& r : results) {
    out += absl::StrCat("  ", r.c->name, ": ", r.c->note, "\n    ", r.c->source,
                        "\n");
  }
  out += "docs/validation.md discusses each case.\n";
  return out;
}

std::string ValidationJson(const std::vector<ValidationResult>& results) {
  json cases = json::array();
  for (const ValidationResult& r : results) {
    const PublishedCase& c = *r.c;
    cases.push_back({{"name", c.name},
                     {"source", c.source},
                     {"network", c.network},
                     {"hardware", c.hardware},
                     {"measured_energy_joules", Maybe(c.energy_j)},
                     {"predicted_energy_joules", r.predicted_energy_j},
                     {"energy_ratio", Maybe(r.energy_ratio())},
                     {"measured_latency_seconds", Maybe(c.latency_s)},
                     {"predicted_latency_seconds", r.predicted_latency_s},
                     {"latency_ratio", Maybe(r.latency_ratio())},
                     {"batch", c.batch},
                     {"energy_is_dynamic", c.dynamic},
                     {"latency_is_input", c.latency_is_input},
                     {"note", c.note}});
  }
  return JsonText(json{{"cases", cases}});
}

}  // namespace neurowatt
