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
#include "estimators/von_neumann.h"
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
  VonNeumannCost cost;
};

struct Estimate {
  CountedModel model;
  int64_t batch = 1;
  std::string precision;  // "model" when each node keeps its own
  std::vector<Priced> hardware;
};

std::string BoundName(const VonNeumannParams& hw, int bound) {
  return bound < 0 ? "compute" : hw.levels[bound].name;
}

json BreakdownJson(const VonNeumannLayerCost& c, const VonNeumannParams& hw) {
  json b;
  b["compute"] = c.energy.compute;
  b["data_movement"] = c.energy.data_movement;
  b["bit_maintenance"] = c.energy.bit_maintenance();
  b["static"] = c.energy.static_power;
  b["leakage"] = c.energy.leakage;
  b["refresh"] = c.energy.refresh;
  b["standby"] = c.energy.standby;
  json levels = json::object();
  for (size_t l = 0; l < hw.levels.size(); ++l) {
    levels[hw.levels[l].name] = c.level_energy[l];
  }
  b["data_movement_by_level"] = levels;
  return b;
}

json BytesJson(const VonNeumannLayerCost& c, const VonNeumannParams& hw) {
  json levels = json::object();
  for (size_t l = 0; l < hw.levels.size(); ++l) {
    levels[hw.levels[l].name] = c.bytes[l];
  }
  return levels;
}

// Profile-wide caveats: assumed figures and capacity warnings.
std::vector<std::string> Caveats(const Priced& p, const NetworkCount& count) {
  std::vector<std::string> out;
  for (const auto& s : p.profile.sources()) {
    if (s.kind() == v1::Source::ASSUMED) {
      out.push_back(StrCat("assumed figures (", s.id(), "): ", s.note()));
    }
  }
  double weights = 0;
  for (const Workload& w : count.layers) {
    weights += static_cast<double>(w.params) * BytesPerElement(w.dtype);
  }
  const LevelParams& main = p.params.levels.back();
  if (weights > main.capacity_bytes) {
    out.push_back(StrCat(
        "the weights (", Bytes(static_cast<int64_t>(weights)), ") exceed ",
        main.name, " (", Bytes(static_cast<int64_t>(main.capacity_bytes)),
        "): a real system needs ",
        static_cast<int64_t>(std::ceil(weights / main.capacity_bytes)),
        " such chips; this estimate prices one"));
  }
  return out;
}

json EstimateJson(const Estimate& e) {
  json j;
  j["model"] = e.model.count.model;
  j["scenario"] = {{"batch", e.batch}, {"precision", e.precision}};
  j["scenario"]["dimensions"] = json::object();
  for (const auto& [k, v] : e.model.bindings)
    j["scenario"]["dimensions"][k] = v;
  j["hardware"] = json::array();
  for (const Priced& p : e.hardware) {
    const VonNeumannLayerCost& t = p.cost.total;
    json h;
    h["name"] = p.profile.name();
    h["kind"] = ProfileKindName(p.profile);
    h["energy_joules"] = t.energy.total();
    h["energy_per_inference_joules"] =
        t.energy.total() / static_cast<double>(e.batch);
    h["latency_seconds"] = t.time_s;
    h["bound"] = BoundName(p.params, t.bound);
    h["breakdown"] = BreakdownJson(t, p.params);
    h["bytes_by_level"] = BytesJson(t, p.params);
    h["weights_level"] = p.params.levels[p.cost.weight_level].name;
    h["layers"] = json::array();
    for (size_t i = 0; i < p.cost.layers.size(); ++i) {
      const VonNeumannLayerCost& c = p.cost.layers[i];
      const Workload& w = e.model.count.layers[i];
      h["layers"].push_back({{"name", w.name},
                             {"kind", w.kind},
                             {"energy_joules", c.energy.total()},
                             {"latency_seconds", c.time_s},
                             {"bound", BoundName(p.params, c.bound)},
                             {"breakdown", BreakdownJson(c, p.params)},
                             {"bytes_by_level", BytesJson(c, p.params)}});
    }
    json notes = VonNeumannAssumptions();
    for (const std::string& c : Caveats(p, e.model.count)) notes.push_back(c);
    h["assumptions"] = notes;
    h["sources"] = json::array();
    for (const auto& s : p.profile.sources()) {
      h["sources"].push_back({{"id", s.id()},
                              {"kind", SourceKindName(s.kind())},
                              {"citation", s.citation()},
                              {"note", s.note()}});
    }
    j["hardware"].push_back(h);
  }
  return j;
}

std::string EstimateCsv(const Estimate& e) {
  std::string out =
      "hardware,layer,kind,energy_joules,compute,data_movement,"
      "bit_maintenance,leakage,refresh,standby,static,latency_seconds,bound\n";
  auto row = [&](const Priced& p, const std::string& name,
                 const std::string& kind, const VonNeumannLayerCost& c) {
    const VonNeumannEnergy& en = c.energy;
    out += absl::StrFormat(
        "%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%s\n",
        CsvField(p.profile.name()), CsvField(name), kind, en.total(),
        en.compute, en.data_movement, en.bit_maintenance(), en.leakage,
        en.refresh, en.standby, en.static_power, c.time_s,
        CsvField(BoundName(p.params, c.bound)));
  };
  for (const Priced& p : e.hardware) {
    for (size_t i = 0; i < p.cost.layers.size(); ++i) {
      const Workload& w = e.model.count.layers[i];
      row(p, w.name, w.kind, p.cost.layers[i]);
    }
    row(p, e.model.count.model, "total", p.cost.total);
  }
  return out;
}

// Marks the largest of a row's energy terms with '*'.
std::vector<std::string> EnergyCells(const VonNeumannEnergy& en) {
  const double terms[] = {en.compute, en.data_movement, en.bit_maintenance(),
                          en.static_power};
  const size_t largest =
      std::max_element(std::begin(terms), std::end(terms)) - std::begin(terms);
  std::vector<std::string> cells;
  for (size_t i = 0; i < 4; ++i) {
    cells.push_back(Si(terms[i], "J") +
                    (i == largest && terms[i] > 0 ? "*" : " "));
  }
  return cells;
}

std::string EstimateTable(const Estimate& e, bool per_layer) {
  const NetworkCount& count = e.model.count;
  std::string out = StrCat(
      "model: ", count.model, "  (batch ", e.batch, ", precision ", e.precision,
      "; dimensions: ",
      absl::StrJoin(e.model.bindings, ", ", absl::PairFormatter("=")), ")\n");
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows =
      FoldLayers(count.layers, per_layer, &layout_only);
  for (const Priced& p : e.hardware) {
    absl::StrAppend(&out, "\nhardware: ", p.profile.name(), " (",
                    ProfileKindName(p.profile), ") - ", p.profile.description(),
                    "\n\n");
    Table table(
        {"layer", "kind", "x", "energy", "compute", "data movement",
         "bit maint.", "static", "time", "bound"},
        {false, false, true, true, true, true, true, true, true, false});
    for (const LayerRow& r : rows) {
      const VonNeumannLayerCost& c = p.cost.layers[r.index];
      std::vector<std::string> cells = {r.name, count.layers[r.index].kind,
                                        StrCat(r.repeats),
                                        Si(c.energy.total(), "J")};
      for (std::string& s : EnergyCells(c.energy)) cells.push_back(s);
      cells.push_back(Si(c.time_s, "s"));
      cells.push_back(BoundName(p.params, c.bound));
      table.AddRow(cells);
    }
    absl::StrAppend(&out, table.Render(), FoldingNotes(rows, layout_only),
                    "(* marks the largest term of each row)\n");

    const VonNeumannLayerCost& t = p.cost.total;
    const double total = t.energy.total();
    const double per_inference = total / static_cast<double>(e.batch);
    absl::StrAppend(
        &out, "\nenergy per inference: ", Si(per_inference, "J"),
        e.batch > 1 ? StrCat("  (batch of ", e.batch, ": ", Si(total, "J"), ")")
                    : std::string(),
        "\n");
    const double terms[] = {t.energy.compute, t.energy.data_movement,
                            t.energy.bit_maintenance(), t.energy.static_power};
    const double largest =
        *std::max_element(std::begin(terms), std::end(terms));
    Table parts({"per inference", "energy", "share", ""},
                {false, true, true, false});
    auto part = [&](const std::string& name, double v, bool top) {
      const double share = total > 0 ? v / total : 0;
      parts.AddRow({name, Si(v / static_cast<double>(e.batch), "J"),
                    absl::StrFormat("%.1f%%", 100 * share),
                    top && v == largest && v > 0 ? "<- largest" : ""});
    };
    part("compute", t.energy.compute, true);
    part("data movement", t.energy.data_movement, true);
    for (size_t l = 0; l < p.params.levels.size(); ++l) {
      part(StrCat("  ", p.params.levels[l].name, " (",
                  Bytes(static_cast<int64_t>(t.bytes[l] /
                                             static_cast<double>(e.batch))),
                  ")"),
           t.level_energy[l], false);
    }
    part("bit maintenance", t.energy.bit_maintenance(), true);
    part("  SRAM leakage", t.energy.leakage, false);
    part("  DRAM refresh", t.energy.refresh, false);
    part("  DRAM standby", t.energy.standby, false);
    part("static", t.energy.static_power, true);
    absl::StrAppend(&out, parts.Render());
    absl::StrAppend(
        &out, "latency: ", Si(t.time_s, "s"), " per batch, ",
        t.bound < 0
            ? std::string("compute-bound")
            : StrCat("memory-bound (", p.params.levels[t.bound].name, ")"),
        "; weights live in ", p.params.levels[p.cost.weight_level].name, "\n");
    const std::vector<std::string> caveats = Caveats(p, count);
    if (!caveats.empty()) {
      absl::StrAppend(&out, "notes:\n");
      for (const auto& c : caveats) absl::StrAppend(&out, "  - ", c, "\n");
    }
  }
  absl::StrAppend(&out, "\nmodel assumptions (docs/von-neumann-model.md):\n");
  for (const auto& a : VonNeumannAssumptions()) {
    absl::StrAppend(&out, "  - ", a, "\n");
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
  if (auto f = OneOf("format", format, {"table", "json", "csv"}); !f.ok()) {
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
  Estimate e;
  if (auto b = args.Get("batch")) {
    if (!absl::SimpleAtoi(*b, &e.batch) || e.batch <= 0 ||
        e.batch > (int64_t{1} << 40)) {
      return absl::InvalidArgumentError(
          StrCat("--batch ", *b, ": expected a whole number from 1 to 2^40"));
    }
    if (dims->count("batch")) {
      return absl::InvalidArgumentError(
          "--batch and --dim batch=... are both given; use --batch");
    }
    (*dims)["batch"] = e.batch;
  } else if (auto it = dims->find("batch"); it != dims->end()) {
    e.batch = it->second;
  }
  v1::ElementType precision = v1::ELEMENT_TYPE_UNSPECIFIED;
  e.precision = "model";
  if (auto p = args.Get("precision")) {
    auto parsed = ParsePrecision(*p);
    if (!parsed.ok()) return parsed.status();
    precision = *parsed;
    e.precision = *p;
  }
  // Profiles first: a typo in --hw should not wait for a large model.
  for (const std::string& name : hw) {
    auto profile = LoadProfile(name);
    if (!profile.ok()) return profile.status();
    Priced p;
    p.profile = *std::move(profile);
    p.params = CompileVonNeumann(p.profile);
    e.hardware.push_back(std::move(p));
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
  e.model = *std::move(model);
  for (Priced& p : e.hardware) {
    auto cost = EstimateVonNeumann(e.model.count, p.params);
    if (!cost.ok()) return cost.status();
    p.cost = *std::move(cost);
  }
  std::string text;
  if (format == "json") {
    text = EstimateJson(e).dump(2) + "\n";
  } else if (format == "csv") {
    text = EstimateCsv(e);
  } else {
    text = EstimateTable(e, args.Has("per-layer"));
  }
  return WriteOutput(args.Get("output"), text, out);
}

}  // namespace

const CommandSpec& EstimateSpec() {
  static const auto* spec = new CommandSpec{
      "estimate",
      "SOURCE --hw NAME|PATH [--hw ...] [--batch N] [--precision "
      "fp32|fp16|bf16|int8] [--format table|json|csv] [-o FILE]",
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
       {"format", '\0', "FORMAT", "table (default), json or csv"},
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
