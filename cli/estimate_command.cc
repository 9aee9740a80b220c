#include "cli/estimate_command.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "cli/count_command.h"
#include "cli/format.h"
#include "cli/layer_rows.h"
#include "cli/output_file.h"
#include "cli/profiles_command.h"
#include "estimators/cost_report.h"
#include "estimators/von_neumann.h"
#include "google/protobuf/text_format.h"
#include "hw/profile.h"
#include "hw/von_neumann_params.h"
#include "model/source.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {
namespace {

using absl::StrCat;
using json = nlohmann::ordered_json;

struct Priced {
  v1::HardwareProfile profile;
  VonNeumannParams params;
};

json EnergyJson(
    const v1::EnergyBreakdown& e,
    const google::protobuf::RepeatedPtrField<v1::LevelTraffic>& levels) {
  json b;
  b["compute"] = e.compute();
  b["data_movement"] = e.data_movement();
  b["bit_maintenance"] = e.bit_maintenance();
  b["static"] = e.static_power();
  b["leakage"] = e.leakage();
  b["refresh"] = e.refresh();
  b["standby"] = e.standby();
  b["data_movement_by_level"] = json::object();
  for (const auto& l : levels) {
    b["data_movement_by_level"][l.level()] = l.energy_j();
  }
  return b;
}

json BytesJson(
    const google::protobuf::RepeatedPtrField<v1::LevelTraffic>& levels) {
  json out = json::object();
  for (const auto& l : levels) out[l.level()] = l.bytes();
  return out;
}

json ReportJson(const v1::CostReport& r, const DimBindings& bindings) {
  json j;
  j["model"] = r.model();
  j["scenario"] = {
      {"batch", r.scenario().batch()},
      {"precision", r.scenario().precision() == v1::ELEMENT_TYPE_UNSPECIFIED
                        ? std::string("model")
                        : ElementTypeName(r.scenario().precision())}};
  j["scenario"]["dimensions"] = json::object();
  for (const auto& [k, v] : bindings) j["scenario"]["dimensions"][k] = v;
  j["hardware"] = json::array();
  for (const v1::HardwareCost& h : r.hardware()) {
    json o;
    o["name"] = h.name();
    o["kind"] = h.kind();
    o["energy_joules"] = h.energy().total();
    o["energy_per_inference_joules"] = h.energy_per_inference_j();
    o["latency_seconds"] = h.latency_s();
    o["bound"] = h.bound();
    o["breakdown"] = EnergyJson(h.energy(), h.levels());
    o["bytes_by_level"] = BytesJson(h.levels());
    o["weights_level"] = h.weights_level();
    o["layers"] = json::array();
    for (const v1::LayerCost& l : h.layers()) {
      o["layers"].push_back({{"name", l.name()},
                             {"kind", l.kind()},
                             {"energy_joules", l.energy().total()},
                             {"latency_seconds", l.time_s()},
                             {"bound", l.bound()},
                             {"breakdown", EnergyJson(l.energy(), l.levels())},
                             {"bytes_by_level", BytesJson(l.levels())}});
    }
    o["assumptions"] = json::array();
    for (const auto& a : h.assumptions()) o["assumptions"].push_back(a);
    o["sources"] = SourcesJson(h.sources());
    j["hardware"].push_back(o);
  }
  return j;
}

std::string ReportCsv(const v1::CostReport& r) {
  std::string out =
      "hardware,layer,kind,energy_joules,compute,data_movement,"
      "bit_maintenance,leakage,refresh,standby,static,latency_seconds,bound\n";
  auto row = [&](const std::string& hw, const std::string& name,
                 const std::string& kind, const v1::EnergyBreakdown& e,
                 double time, const std::string& bound) {
    out += absl::StrFormat(
        "%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%s\n",
        CsvField(hw), CsvField(name), kind, e.total(), e.compute(),
        e.data_movement(), e.bit_maintenance(), e.leakage(), e.refresh(),
        e.standby(), e.static_power(), time, CsvField(bound));
  };
  for (const v1::HardwareCost& h : r.hardware()) {
    for (const v1::LayerCost& l : h.layers()) {
      row(h.name(), l.name(), l.kind(), l.energy(), l.time_s(), l.bound());
    }
    row(h.name(), r.model(), "total", h.energy(), h.latency_s(), h.bound());
  }
  return out;
}

// The four parts of a breakdown, the largest marked with '*'.
std::vector<std::string> EnergyCells(const v1::EnergyBreakdown& e) {
  const double terms[] = {e.compute(), e.data_movement(), e.bit_maintenance(),
                          e.static_power()};
  const size_t largest =
      std::max_element(std::begin(terms), std::end(terms)) - std::begin(terms);
  std::vector<std::string> cells;
  for (size_t i = 0; i < 4; ++i) {
    cells.push_back(Si(terms[i], "J") +
                    (i == largest && terms[i] > 0 ? "*" : " "));
  }
  return cells;
}

std::string ReportTable(const v1::CostReport& r, const CountedModel& model,
                        bool per_layer) {
  const int64_t batch = r.scenario().batch();
  const double per = static_cast<double>(batch);
  std::string out = StrCat(
      "model: ", r.model(), "  (batch ", batch, ", precision ",
      r.scenario().precision() == v1::ELEMENT_TYPE_UNSPECIFIED
          ? std::string("as the model declares")
          : ElementTypeName(r.scenario().precision()),
      "; dimensions: ",
      absl::StrJoin(model.bindings, ", ", absl::PairFormatter("=")), ")\n");
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows =
      FoldLayers(model.count.layers, per_layer, &layout_only);
  for (const v1::HardwareCost& h : r.hardware()) {
    absl::StrAppend(&out, "\nhardware: ", h.name(), " (", h.kind(), ") - ",
                    h.description(), "\n\n");
    Table table(
        {"layer", "kind", "x", "energy", "compute", "data movement",
         "bit maint.", "static", "time", "bound"},
        {false, false, true, true, true, true, true, true, true, false});
    for (const LayerRow& row : rows) {
      const v1::LayerCost& c = h.layers(static_cast<int>(row.index));
      std::vector<std::string> cells = {row.name, c.kind(), StrCat(row.repeats),
                                        Si(c.energy().total(), "J")};
      for (std::string& s : EnergyCells(c.energy())) cells.push_back(s);
      cells.push_back(Si(c.time_s(), "s"));
      cells.push_back(c.bound());
      table.AddRow(cells);
    }
    absl::StrAppend(&out, table.Render(), FoldingNotes(rows, layout_only),
                    "(* marks the largest term of each row)\n");

    const v1::EnergyBreakdown& e = h.energy();
    absl::StrAppend(
        &out, "\nenergy per inference: ", Si(h.energy_per_inference_j(), "J"),
        batch > 1 ? StrCat("  (batch of ", batch, ": ", Si(e.total(), "J"), ")")
                  : std::string(),
        "\n");
    const double largest = std::max({e.compute(), e.data_movement(),
                                     e.bit_maintenance(), e.static_power()});
    Table parts({"per inference", "energy", "share", ""},
                {false, true, true, false});
    auto part = [&](const std::string& name, double v, bool top) {
      parts.AddRow(
          {name, Si(v / per, "J"),
           absl::StrFormat("%.1f%%", e.total() > 0 ? 100 * v / e.total() : 0),
           top && v == largest && v > 0 ? "<- largest" : ""});
    };
    part("compute", e.compute(), true);
    part("data movement", e.data_movement(), true);
    for (const v1::LevelTraffic& l : h.levels()) {
      part(StrCat("  ", l.level(), " (",
                  Bytes(static_cast<int64_t>(l.bytes() / per)), ")"),
           l.energy_j(), false);
    }
    part("bit maintenance", e.bit_maintenance(), true);
    part("  SRAM leakage", e.leakage(), false);
    part("  DRAM refresh", e.refresh(), false);
    part("  DRAM standby", e.standby(), false);
    part("static", e.static_power(), true);
    absl::StrAppend(&out, parts.Render(), "latency: ", Si(h.latency_s(), "s"),
                    " per batch, ",
                    h.bound() == "compute"
                        ? std::string("compute-bound")
                        : StrCat("memory-bound (", h.bound(), ")"),
                    "; weights live in ", h.weights_level(), "\n");
  }
  // Assumptions shared by every profile are listed once, at the end.
  absl::StrAppend(&out, "\nassumptions (docs/von-neumann-model.md):\n");
  std::vector<std::string> seen;
  for (const v1::HardwareCost& h : r.hardware()) {
    for (const std::string& a : h.assumptions()) {
      if (std::find(seen.begin(), seen.end(), a) != seen.end()) continue;
      seen.push_back(a);
      absl::StrAppend(&out, "  - ", a, "\n");
    }
  }
  return out;
}

absl::StatusOr<v1::ElementType> ParsePrecision(const std::string& s) {
  if (s == "fp32") return v1::FP32;
  if (s == "fp16") return v1::FP16;
  if (s == "bf16") return v1::BF16;
  if (s == "int8") return v1::INT8;
  return absl::InvalidArgumentError(
      StrCat("--precision ", s, ": expected one of fp32, fp16, bf16, int8"));
}

absl::Status Run(const ParsedArgs& args, std::ostream& out) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f =
          OneOf("format", format, {"table", "json", "csv", "textproto", "pb"});
      !f.ok()) {
    return f.status();
  }
  const std::vector<std::string> hw = args.GetAll("hw");
  if (hw.empty()) {
    return absl::InvalidArgumentError(
        "--hw is required: a catalogue name (see neurowatt profiles) or a "
        "profile file");
  }
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  int64_t batch = 1;
  if (auto b = args.Get("batch")) {
    if (!absl::SimpleAtoi(*b, &batch) || batch <= 0 ||
        batch > (int64_t{1} << 40)) {
      return absl::InvalidArgumentError(
          StrCat("--batch ", *b, ": expected a whole number from 1 to 2^40"));
    }
    if (dims->count("batch")) {
      return absl::InvalidArgumentError(
          "--batch and --dim batch=... are both given; use --batch");
    }
    (*dims)["batch"] = batch;
  } else if (auto it = dims->find("batch"); it != dims->end()) {
    batch = it->second;
  }
  v1::ElementType precision = v1::ELEMENT_TYPE_UNSPECIFIED;
  if (auto p = args.Get("precision")) {
    auto parsed = ParsePrecision(*p);
    if (!parsed.ok()) return parsed.status();
    precision = *parsed;
  }
  // Profiles first: a typo in --hw should not wait for a large model.
  std::vector<Priced> priced;
  for (const std::string& name : hw) {
    auto profile = LoadProfile(name);
    if (!profile.ok()) return profile.status();
    VonNeumannParams params = CompileVonNeumann(*profile);
    priced.push_back({*std::move(profile), std::move(params)});
  }
  auto model = LoadAndCount(args.positional[0], *dims, precision);
  if (!model.ok()) {
    if (args.Has("batch") &&
        absl::StrContains(model.status().message(), "named 'batch'")) {
      return absl::InvalidArgumentError(
          StrCat(args.positional[0],
                 ": --batch needs a symbolic 'batch' dimension, and this "
                 "model's inputs have fixed sizes"));
    }
    return model.status();
  }
  v1::CostReport report;
  report.set_model(model->count.model);
  report.mutable_scenario()->set_batch(batch);
  report.mutable_scenario()->set_precision(precision);
  for (const auto& [k, v] : model->bindings) {
    if (k != "batch") (*report.mutable_scenario()->mutable_dims())[k] = v;
  }
  for (const Priced& p : priced) {
    auto cost = EstimateVonNeumann(model->count, p.params);
    if (!cost.ok()) return cost.status();
    *report.add_hardware() =
        VonNeumannReport(model->count, p.profile, p.params, *cost, batch);
  }
  std::string text;
  if (format == "json") {
    text = ReportJson(report, model->bindings).dump(2) + "\n";
  } else if (format == "csv") {
    text = ReportCsv(report);
  } else if (format == "textproto") {
    google::protobuf::TextFormat::PrintToString(report, &text);
  } else if (format == "pb") {
    text = report.SerializeAsString();
  } else {
    text = ReportTable(report, *model, args.Has("per-layer"));
  }
  return WriteOutput(args.Get("output"), text, out);
}

}  // namespace

const CommandSpec& EstimateSpec() {
  static const auto* spec = new CommandSpec{
      "estimate",
      "SOURCE --hw NAME|PATH [--hw ...] [--batch N] [--precision "
      "fp32|fp16|bf16|int8] [--format table|json|csv|textproto|pb] [-o FILE]",
      "Energy, time and memory traffic on von Neumann hardware.\n"
      "What the network costs per inference on conventional processors:\n"
      "energy split into compute, data movement, bit maintenance and static\n"
      "power, per layer and in total, with roofline time.",
      "Profiles: neurowatt profiles lists the catalogue; a path loads a\n"
      "profile file (proto/neurowatt/v1/hardware.proto). JSON energies are in\n"
      "joules for the whole batch; energy_per_inference_joules divides by it.\n"
      "The model is described in docs/von-neumann-model.md.\n",
      {{"hw", '\0', "NAME|PATH", "hardware profile (repeatable)", true},
       {"batch", '\0', "N", "inferences per batch (default 1)"},
       {"precision", '\0', "P",
        "fp32, fp16, bf16 or int8 for every layer (default: the model's)"},
       {"dim", '\0', "NAME=VALUE", "bind a symbolic dimension (repeatable)",
        true},
       {"format", '\0', "FORMAT",
        "table (default), json, csv, or the CostReport protobuf as "
        "textproto or pb"},
       {"output", 'o', "FILE", "write to FILE (atomically) instead of stdout"},
       {"per-layer", '\0', "",
        "list every layer instead of folding repeated blocks"}},
      1,
      1};
  return *spec;
}

int RunEstimate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  return RunCommand(EstimateSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
