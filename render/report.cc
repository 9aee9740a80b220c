#include "render/report.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "estimators/mapping.h"
#include "estimators/spike_activity.h"
#include "google/protobuf/text_format.h"
#include "model/graph.h"
#include "model/layer_folding.h"
#include "model/source.h"
#include "model/training.h"
#include "render/format.h"
#include "render/profiles.h"

namespace neurowatt {
namespace {

using absl::StrCat;
using json = nlohmann::ordered_json;
using Levels = google::protobuf::RepeatedPtrField<v1::LevelTraffic>;

bool Spiking(const v1::HardwareCost& h) { return h.kind() == "neuromorphic"; }

json BreakdownJson(const v1::HardwareCost& h, const v1::EnergyBreakdown& e,
                   const Levels& levels) {
  json b;
  if (Spiking(h)) {
    b["synaptic_ops"] = e.synaptic_ops();
    b["neuron_updates"] = e.neuron_updates();
    b["spike_routing"] = e.spike_routing();
    b["static"] = e.static_power();
    b["interconnect"] = e.interconnect();
    b["non_native"] = e.non_native();
    b["host"] = e.host();
    return b;
  }
  b["compute"] = e.compute();
  b["data_movement"] = e.data_movement();
  b["bit_maintenance"] = e.bit_maintenance();
  b["static"] = e.static_power();
  b["interconnect"] = e.interconnect();
  b["control_overhead"] = e.control_overhead();
  b["active"] = e.active();
  b["leakage"] = e.leakage();
  b["refresh"] = e.refresh();
  b["standby"] = e.standby();
  b["data_movement_by_level"] = json::object();
  for (const auto& l : levels) {
    b["data_movement_by_level"][l.level()] = l.energy_j();
  }
  return b;
}

json BytesJson(const Levels& levels) {
  json out = json::object();
  for (const auto& l : levels) out[l.level()] = l.bytes();
  return out;
}

json SpikingJson(const v1::SpikingStats& s) {
  json nn = json::array();
  for (const auto& n : s.non_native()) {
    nn.push_back({{"name", n.name()},
                  {"kind", n.kind()},
                  {"macs", n.macs()},
                  {"other_ops", n.other_ops()}});
  }
  return {{"coding", s.coding()},
          {"timesteps", s.timesteps()},
          {"spikes", s.spikes()},
          {"synaptic_ops", s.synaptic_ops()},
          {"neuron_updates_active", s.neuron_updates_active()},
          {"neuron_updates_inactive", s.neuron_updates_inactive()},
          {"mean_hops", s.mean_hops()},
          {"cores", s.cores()},
          {"chips", s.chips()},
          {"non_native", nn},
          {"non_native_host", s.non_native_host()}};
}

json SystemJson(const v1::SystemStats& s) {
  return {{"chips", s.chips()},
          {"chips_needed", s.chips_needed()},
          {"tensor_parallel", s.tensor_parallel()},
          {"pipeline_stages", s.pipeline_stages()},
          {"data_parallel", s.replicas()},
          {"nodes", s.nodes()},
          {"sized", s.automatic() ? "auto" : "given"},
          {"why", s.why()},
          {"topology", s.topology()},
          {"largest_described_chips", s.described_chips()},
          {"interconnect_bytes", s.interconnect_bytes()},
          {"interconnect_seconds", s.interconnect_seconds()}};
}

// "system: 16 chip(s) in 2 node(s), sized by --chips auto: why".
std::string SystemLine(const v1::SystemStats& s) {
  return absl::StrFormat(
      "system: %d chip(s) in %d node(s), %s: %s%s\n", s.chips(), s.nodes(),
      s.automatic() ? "sized by --chips auto" : "as given by --chips", s.why(),
      s.interconnect_bytes() > 0
          ? StrCat("; ", BytesReal(s.interconnect_bytes()), " over links in ",
                   Si(s.interconnect_seconds(), "s"))
          : std::string());
}

json BreakEvenJson(const v1::BreakEven& b) {
  auto number = [](double v) -> json {
    return std::isfinite(v) ? json(v) : json(v > 0 ? "inf" : "-inf");
  };
  return {
      {"neuromorphic", b.neuromorphic()},
      {"von_neumann", b.von_neumann()},
      {"spikes_per_neuron_per_step", number(b.spikes_per_neuron_per_step())},
      {"spikes_per_synapse_per_inference",
       number(b.spikes_per_synapse_per_inference())},
      {"feasible", b.feasible()},
      {"cheaper_below", b.cheaper_below()},
      {"note", b.note()}};
}

std::string PrecisionText(const v1::CostReport& r) {
  const v1::Scenario& s = r.scenario();
  std::string out = s.precision() == v1::ELEMENT_TYPE_UNSPECIFIED
                        ? std::string("as the model declares")
                        : ElementTypeName(s.precision());
  if (s.weight_precision() != v1::ELEMENT_TYPE_UNSPECIFIED) {
    absl::StrAppend(&out, ", weights ", ElementTypeName(s.weight_precision()));
  }
  if (s.kv_precision() != v1::ELEMENT_TYPE_UNSPECIFIED) {
    absl::StrAppend(&out, ", KV cache ", ElementTypeName(s.kv_precision()));
  }
  return out;
}

// "model" for UNSPECIFIED, else the precision's name.
json PrecisionJson(v1::ElementType t) {
  return t == v1::ELEMENT_TYPE_UNSPECIFIED ? json("model")
                                           : json(ElementTypeName(t));
}

json OptionalJson(bool has, double v) { return has ? json(v) : json(nullptr); }

// The language-model figures of an entry: tokens, traffic by kind, and a
// generation's or a training run's totals.
void AddTokenJson(const v1::HardwareCost& h, json& o) {
  o["tokens_per_second"] =
      OptionalJson(h.has_tokens_per_second(), h.tokens_per_second());
  o["energy_per_token_joules"] =
      OptionalJson(h.has_energy_per_token_j(), h.energy_per_token_j());
  if (h.has_traffic()) {
    const v1::TrafficBytes& t = h.traffic();
    o["traffic_bytes"] = {{"weights", t.weights()},
                          {"activations", t.activations()},
                          {"kv_cache", t.kv_cache()},
                          {"state", t.state()}};
  } else {
    o["traffic_bytes"] = nullptr;
  }
  if (h.has_generation()) {
    const v1::GenerationCost& g = h.generation();
    o["generation"] = {
        {"prompt_tokens", g.prompt_tokens()},
        {"generated_tokens", g.generated_tokens()},
        {"time_to_first_token_seconds", g.time_to_first_token_s()},
        {"time_per_output_token_seconds",
         g.generated_tokens() > 1 ? json(g.time_per_output_token_s())
                                  : json(nullptr)},
        {"total_seconds", g.total_s()},
        {"energy_joules", g.energy_j()},
        {"prefill_energy_joules", g.prefill_energy_j()},
        {"decode_energy_joules", g.decode_energy_j()},
        {"tokens_per_second", g.tokens_per_second()},
        {"energy_per_token_joules", g.energy_per_token_j()}};
  }
  if (h.has_training()) {
    const v1::TrainingCost& t = h.training();
    o["training"] = {{"optimizer", t.optimizer()},
                     {"recompute", t.recompute()},
                     {"tokens_per_step", t.tokens_per_step()},
                     {"steps", t.steps()},
                     {"flops_per_step", t.flops_per_step()},
                     {"flops", t.flops()},
                     {"seconds_per_step", t.seconds_per_step()},
                     {"total_seconds", t.total_s()},
                     {"energy_per_step_joules", t.energy_per_step_j()},
                     {"total_energy_joules", t.total_energy_j()}};
  }
}

// Table lines for the same.
std::string TokenLines(const v1::HardwareCost& h) {
  std::string out;
  if (h.has_tokens_per_second() || h.has_energy_per_token_j()) {
    absl::StrAppend(
        &out, "tokens: ",
        h.has_tokens_per_second()
            ? absl::StrFormat("%.4g tokens/s", h.tokens_per_second())
            : std::string("-"),
        ", ", Si(h.energy_per_token_j(), "J"), " per token\n");
  }
  if (h.has_traffic()) {
    const v1::TrafficBytes& t = h.traffic();
    absl::StrAppend(&out, "traffic: weights ", BytesReal(t.weights()),
                    ", activations ", BytesReal(t.activations()), ", KV cache ",
                    BytesReal(t.kv_cache()),
                    t.state() > 0 ? StrCat(", state ", BytesReal(t.state()))
                                  : std::string(),
                    "\n");
  }
  if (h.has_generation()) {
    const v1::GenerationCost& g = h.generation();
    absl::StrAppend(
        &out, "generation: ", g.prompt_tokens(), " prompt + ",
        g.generated_tokens(), " generated tokens: first token after ",
        Si(g.time_to_first_token_s(), "s"),
        g.generated_tokens() > 1
            ? StrCat(", then ", Si(g.time_per_output_token_s(), "s"),
                     " per token")
            : std::string(),
        "; ", Si(g.total_s(), "s"), " and ", Si(g.energy_j(), "J"), " in all (",
        Si(g.energy_per_token_j(), "J"), " per generated token)\n");
  }
  if (h.has_training()) {
    const v1::TrainingCost& t = h.training();
    absl::StrAppend(
        &out, "training (", t.optimizer(), t.recompute() ? ", recompute" : "",
        "): ", absl::StrFormat("%.4g", t.flops_per_step()),
        " FLOP per step of ", absl::StrFormat("%.6g", t.tokens_per_step()),
        " tokens in ", Si(t.seconds_per_step(), "s"), "; ",
        absl::StrFormat("%.6g", t.steps()),
        " step(s): ", absl::StrFormat("%.4g", t.flops()), " FLOP, ",
        Si(t.total_s(), "s"), ", ", Si(t.total_energy_j(), "J"), "\n");
  }
  return out;
}

std::string Header(const v1::CostReport& r, const Model& model) {
  std::string out =
      StrCat("model: ", r.model(), "  (batch ", r.scenario().batch(),
             ", precision ", PrecisionText(r), "; dimensions: ",
             absl::StrJoin(model.DimsAt(r.scenario().batch()), ", ",
                           absl::PairFormatter("=")),
             ")\n");
  const v1::Scenario& sc = r.scenario();
  if (sc.phase() != v1::PHASE_UNSPECIFIED && sc.phase() != v1::FORWARD) {
    absl::StrAppend(&out, "phase: ", PhaseName(sc.phase()));
    if (sc.phase() == v1::DECODE) {
      absl::StrAppend(&out, ", one new token per sequence with ", sc.context(),
                      " in the KV cache");
    } else if (sc.phase() == v1::PREFILL) {
      absl::StrAppend(&out, ", causal attention skipping the masked half");
    } else if (sc.phase() == v1::TRAIN) {
      absl::StrAppend(
          &out, ", one step: forward, backward and ",
          OptimizerName(sc.training().optimizer()), " update",
          sc.training().recompute() ? ", activations recomputed" : "");
    }
    absl::StrAppend(&out, "\n");
  }
  if (r.scenario().has_spikes()) {
    absl::StrAppend(
        &out, "spikes: ", DescribeSpikeActivity(r.scenario().spikes()), "\n");
  }
  if (r.convention() == "ac-mac") {
    absl::StrAppend(
        &out,
        "CONVENTION ac-mac: COMPUTE ONLY - a MAC costs 4.6 pJ and a synaptic "
        "operation 0.9 pJ (45 nm fp32, Horowitz 2014); memory, routing, "
        "neuron updates and static power are left out, as in much of the "
        "literature\n");
  }
  return out;
}

// Lists each distinct assumption once.
std::string Assumptions(const v1::CostReport& r) {
  std::string out =
      "\nassumptions (docs/von-neumann-model.md, "
      "docs/neuromorphic-model.md):\n";
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

// The largest of `terms` marked with '*'.
std::vector<std::string> MarkLargest(const std::vector<double>& terms) {
  const size_t largest =
      std::max_element(terms.begin(), terms.end()) - terms.begin();
  std::vector<std::string> cells;
  for (size_t i = 0; i < terms.size(); ++i) {
    cells.push_back(Si(terms[i], "J") +
                    (i == largest && terms[i] > 0 ? "*" : " "));
  }
  return cells;
}

// The parts of `h`'s energy: name, joules, whether a top-level part.
std::vector<std::tuple<std::string, double, bool>> Parts(
    const v1::HardwareCost& h, double per) {
  const v1::EnergyBreakdown& e = h.energy();
  std::vector<std::tuple<std::string, double, bool>> parts;
  if (Spiking(h)) {
    parts = {{"synaptic ops", e.synaptic_ops(), true},
             {"neuron updates", e.neuron_updates(), true},
             {"spike routing", e.spike_routing(), true},
             {"static", e.static_power(), true},
             {"interconnect", e.interconnect(), true},
             {"host and management cores", e.host(), true},
             {"not spike-native (host)", e.non_native(), true}};
    return parts;
  }
  parts.emplace_back("compute", e.compute(), true);
  parts.emplace_back("data movement", e.data_movement(), true);
  for (const v1::LevelTraffic& l : h.levels()) {
    parts.emplace_back(
        StrCat("  ", l.level(), " (",
               BytesReal(static_cast<double>(l.bytes() / per)), ")"),
        l.energy_j(), false);
  }
  parts.emplace_back("bit maintenance", e.bit_maintenance(), true);
  parts.emplace_back("  SRAM leakage", e.leakage(), false);
  parts.emplace_back("  DRAM refresh", e.refresh(), false);
  parts.emplace_back("  DRAM standby", e.standby(), false);
  parts.emplace_back("static (idle power)", e.static_power(), true);
  parts.emplace_back("control overhead", e.control_overhead(), true);
  parts.emplace_back("active (busy power)", e.active(), true);
  parts.emplace_back("interconnect", e.interconnect(), true);
  return parts;
}

std::string LayerTable(const v1::HardwareCost& h, const Model& model,
                       const std::vector<LayerRow>& rows) {
  const bool spiking = Spiking(h);
  Table table =
      spiking
          ? Table({"layer", "kind", "x", "energy", "synaptic", "neurons",
                   "routing", "syn. ops"},
                  {false, false, true, true, true, true, true, true})
          : Table({"layer", "kind", "x", "energy", "compute", "data movement",
                   "bit maint.", "static", "time", "bound"},
                  {false, false, true, true, true, true, true, true, true,
                   false});
  for (const LayerRow& row : rows) {
    const v1::LayerCost& c = h.layers(static_cast<int>(row.index));
    const v1::EnergyBreakdown& e = c.energy();
    const bool foreign = spiking && !SpikeNative(model.count.layers[row.index]);
    std::vector<std::string> cells = {
        row.name, c.kind(), StrCat(row.repeats),
        foreign ? std::string("host") : Si(e.total(), "J")};
    if (spiking) {
      for (std::string& s : MarkLargest(
               {e.synaptic_ops(), e.neuron_updates(), e.spike_routing()})) {
        cells.push_back(foreign ? "-" : s);
      }
      cells.push_back(foreign ? "-" : ScaledReal(static_cast<double>(c.ops())));
    } else {
      for (std::string& s :
           MarkLargest({e.compute(), e.data_movement(), e.bit_maintenance(),
                        e.static_power()})) {
        cells.push_back(s);
      }
      cells.push_back(Si(c.time_s(), "s"));
      cells.push_back(c.bound());
    }
    table.AddRow(cells);
  }
  return table.Render();
}

std::string SpikingSummary(const v1::HardwareCost& h, double per) {
  const v1::SpikingStats& s = h.spiking();
  std::string out = absl::StrFormat(
      "per inference: %s spikes, %s synaptic ops, %s neuron updates (%s "
      "active); %d cores on %d chip(s), %.2f hops per spike\n",
      ScaledReal(static_cast<double>(s.spikes() / per)),
      ScaledReal(static_cast<double>(s.synaptic_ops() / per)),
      ScaledReal(static_cast<double>(
          (s.neuron_updates_active() + s.neuron_updates_inactive()) / per)),
      ScaledReal(static_cast<double>(s.neuron_updates_active() / per)),
      s.cores(), s.chips(), s.mean_hops());
  absl::StrAppend(&out, "latency: ", Si(h.latency_s(), "s"), " per batch (",
                  h.bound(), ")\n");
  if (s.non_native_size() > 0) {
    std::map<std::string, std::pair<int, double>> by_kind;
    for (const auto& n : s.non_native()) {
      auto& k = by_kind[n.kind()];
      ++k.first;
      k.second += n.macs() + n.other_ops();
    }
    std::vector<std::string> parts;
    for (const auto& [kind, k] : by_kind) {
      parts.push_back(StrCat(k.first, " ", kind, " (",
                             ScaledReal(static_cast<double>(k.second / per)),
                             " ops)"));
    }
    absl::StrAppend(&out, "not spike-native: ", absl::StrJoin(parts, ", "),
                    s.non_native_host().empty()
                        ? " - NOT priced (no von Neumann --hw to host them)"
                        : StrCat(" - run on ", s.non_native_host()),
                    "\n");
  }
  return out;
}

std::string BreakEvenText(const v1::CostReport& r) {
  if (r.break_even().empty()) return "";
  std::string out = "\nbreak-even spike rate (energy per inference equal):\n";
  for (const v1::BreakEven& b : r.break_even()) {
    absl::StrAppend(
        &out, "  ", b.neuromorphic(), " vs ", b.von_neumann(), ": ",
        absl::StrFormat("%.4g spikes per neuron per step, %.4g spikes per "
                        "synapse per inference",
                        b.spikes_per_neuron_per_step(),
                        b.spikes_per_synapse_per_inference()),
        b.feasible() ? "" : " (outside the feasible range)", "\n    ", b.note(),
        "\n");
  }
  return out;
}

}  // namespace

json ReportJson(const v1::CostReport& r, const DimBindings& bindings) {
  json j;
  j["model"] = r.model();
  const v1::Scenario& sc = r.scenario();
  j["scenario"] = {
      {"batch", sc.batch()},
      {"precision", PrecisionJson(sc.precision())},
      {"weight_precision", PrecisionJson(sc.weight_precision())},
      {"kv_precision", PrecisionJson(sc.kv_precision())},
      {"phase", PhaseName(sc.phase())},
      {"chips", sc.chips() == 0 ? json("auto") : json(sc.chips())}};
  if (sc.phase() == v1::DECODE) j["scenario"]["context"] = sc.context();
  if (sc.phase() == v1::TRAIN) {
    j["scenario"]["optimizer"] = OptimizerName(sc.training().optimizer());
    j["scenario"]["recompute"] = sc.training().recompute();
    if (sc.training().tokens() > 0) {
      j["scenario"]["tokens"] = sc.training().tokens();
    }
  }
  if (sc.has_generation()) {
    j["scenario"]["prompt"] = sc.generation().prompt();
    j["scenario"]["generate"] = sc.generation().generate();
  }
  j["scenario"]["dimensions"] = json::object();
  for (const auto& [k, v] : bindings) j["scenario"]["dimensions"][k] = v;
  if (r.scenario().has_spikes()) {
    const v1::SpikeActivity& s = r.scenario().spikes();
    j["scenario"]["spikes"] = {
        {"coding", s.coding() == v1::SpikeActivity::TTFS       ? "ttfs"
                   : s.coding() == v1::SpikeActivity::MEASURED ? "measured"
                                                               : "rate"},
        {"timesteps", s.timesteps()},
        {"spike_rate", s.spike_rate()}};
  }
  j["convention"] = r.convention();
  j["hardware"] = json::array();
  for (const v1::HardwareCost& h : r.hardware()) {
    json o;
    o["name"] = h.name();
    o["kind"] = h.kind();
    o["energy_joules"] = h.energy().total();
    o["energy_per_inference_joules"] = h.energy_per_inference_j();
    o["latency_seconds"] = h.latency_s();
    o["bound"] = h.bound();
    o["chips"] = h.system().chips();
    o["system"] = SystemJson(h.system());
    AddTokenJson(h, o);
    o["breakdown"] = BreakdownJson(h, h.energy(), h.levels());
    if (Spiking(h)) {
      o["spiking"] = SpikingJson(h.spiking());
    } else {
      o["bytes_by_level"] = BytesJson(h.levels());
      o["weights_level"] = h.weights_level();
    }
    o["layers"] = json::array();
    for (const v1::LayerCost& l : h.layers()) {
      json layer = {{"name", l.name()},
                    {"kind", l.kind()},
                    {"energy_joules", l.energy().total()},
                    {"breakdown", BreakdownJson(h, l.energy(), l.levels())}};
      if (Spiking(h)) {
        layer["synaptic_ops"] = l.ops();
        layer["spike_native"] = l.bound().empty();
      } else {
        layer["latency_seconds"] = l.time_s();
        layer["bound"] = l.bound();
        layer["bytes_by_level"] = BytesJson(l.levels());
      }
      o["layers"].push_back(layer);
    }
    o["assumptions"] = json::array();
    for (const auto& a : h.assumptions()) o["assumptions"].push_back(a);
    o["sources"] = SourcesJson(h.sources());
    j["hardware"].push_back(o);
  }
  if (!r.break_even().empty()) {
    j["break_even"] = BreakEvenJson(r.break_even(0));
    j["break_even_all"] = json::array();
    for (const auto& b : r.break_even()) {
      j["break_even_all"].push_back(BreakEvenJson(b));
    }
  }
  return j;
}

std::string ReportCsv(const v1::CostReport& r) {
  std::string out =
      "hardware,layer,kind,energy_joules,compute,data_movement,"
      "bit_maintenance,leakage,refresh,standby,static,latency_seconds,bound,"
      "synaptic_ops,neuron_updates,spike_routing,non_native,interconnect,"
      "control_overhead,active,host\n";
  auto row = [&](const std::string& hw, const std::string& name,
                 const std::string& kind, const v1::EnergyBreakdown& e,
                 double time, const std::string& bound) {
    out += absl::StrFormat(
        "%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%.6g,%s,%.6g,%.6g,"
        "%.6g,%.6g,%.6g,%.6g,%.6g,%.6g\n",
        CsvField(hw), CsvField(name), kind, e.total(), e.compute(),
        e.data_movement(), e.bit_maintenance(), e.leakage(), e.refresh(),
        e.standby(), e.static_power(), time, CsvField(bound), e.synaptic_ops(),
        e.neuron_updates(), e.spike_routing(), e.non_native(), e.interconnect(),
        e.control_overhead(), e.active(), e.host());
  };
  for (const v1::HardwareCost& h : r.hardware()) {
    for (const v1::LayerCost& l : h.layers()) {
      row(h.name(), l.name(), l.kind(), l.energy(), l.time_s(), l.bound());
    }
    row(h.name(), r.model(), "total", h.energy(), h.latency_s(), h.bound());
  }
  return out;
}

std::string ReportDetailTable(const v1::CostReport& r, const Model& model,
                              bool per_layer) {
  const int64_t batch = r.scenario().batch();
  const double per = static_cast<double>(batch);
  std::string out = Header(r, model);
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows =
      FoldLayers(model.count, per_layer, &layout_only);
  for (const v1::HardwareCost& h : r.hardware()) {
    absl::StrAppend(&out, "\nhardware: ", h.name(), " (", h.kind(), ") - ",
                    h.description(), "\n\n", LayerTable(h, model, rows),
                    FoldingNotes(rows, layout_only),
                    "(* marks the largest term of each row)\n");
    const v1::EnergyBreakdown& e = h.energy();
    absl::StrAppend(
        &out, "\nenergy per inference: ", Si(h.energy_per_inference_j(), "J"),
        batch > 1 ? StrCat("  (batch of ", batch, ": ", Si(e.total(), "J"), ")")
                  : std::string(),
        "\n");
    const auto parts = Parts(h, per);
    double largest = 0;
    for (const auto& [name, v, top] : parts) {
      if (top) largest = std::max(largest, v);
    }
    Table table({"per inference", "energy", "share", ""},
                {false, true, true, false});
    for (const auto& [name, v, top] : parts) {
      table.AddRow(
          {name, Si(v / per, "J"),
           absl::StrFormat("%.1f%%", e.total() > 0 ? 100 * v / e.total() : 0),
           top && v == largest && v > 0 ? "<- largest" : ""});
    }
    absl::StrAppend(&out, table.Render());
    absl::StrAppend(&out, SystemLine(h.system()), TokenLines(h));
    if (Spiking(h)) {
      absl::StrAppend(&out, SpikingSummary(h, per));
    } else {
      absl::StrAppend(&out, "latency: ", Si(h.latency_s(), "s"), " per batch, ",
                      h.bound() == "compute" ? std::string("compute-bound")
                      : h.bound() == "power (TDP)"
                          ? std::string("power-bound (TDP)")
                      : h.bound() == "interconnect"
                          ? std::string("interconnect-bound")
                          : StrCat("memory-bound (", h.bound(), ")"),
                      "; weights live in ", h.weights_level(), "\n");
    }
  }
  return out + BreakEvenText(r) + Assumptions(r);
}

std::string ReportCompareTable(const v1::CostReport& r, const Model& model) {
  const double per = static_cast<double>(r.scenario().batch());
  std::string out = Header(r, model) + "\nenergy per inference:\n";
  std::vector<std::string> headers = {"part"};
  std::vector<bool> numeric = {false};
  for (const auto& h : r.hardware()) {
    headers.push_back(h.name());
    numeric.push_back(true);
  }
  // Every part any profile has, in first-seen order.
  std::vector<std::string> names;
  std::vector<std::map<std::string, double>> values(r.hardware_size());
  for (int i = 0; i < r.hardware_size(); ++i) {
    for (const auto& [name, v, top] : Parts(r.hardware(i), per)) {
      if (!top) continue;
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
      values[i][name] = v;
    }
  }
  Table table(headers, numeric);
  std::vector<std::string> total = {"total"};
  for (const auto& h : r.hardware()) {
    total.push_back(Si(h.energy_per_inference_j(), "J"));
  }
  table.AddRow(total);
  table.AddSeparator();
  for (const std::string& name : names) {
    std::vector<std::string> row = {name};
    for (const auto& v : values) {
      auto it = v.find(name);
      row.push_back(it == v.end() ? "-" : Si(it->second / per, "J"));
    }
    table.AddRow(row);
  }
  table.AddSeparator();
  std::vector<std::string> latency = {"latency per batch"};
  for (const auto& h : r.hardware()) latency.push_back(Si(h.latency_s(), "s"));
  table.AddRow(latency);
  std::vector<std::string> chips = {"chips"};
  for (const auto& h : r.hardware())
    chips.push_back(StrCat(h.system().chips()));
  table.AddRow(chips);
  absl::StrAppend(&out, table.Render());
  for (const auto& h : r.hardware()) {
    absl::StrAppend(&out, "\n", h.name(), ": ", SystemLine(h.system()));
    if (Spiking(h)) absl::StrAppend(&out, SpikingSummary(h, per));
  }
  if (r.break_even().empty()) {
    absl::StrAppend(&out,
                    "\n(no break-even point: that needs at least one "
                    "neuromorphic and one von Neumann profile)\n");
  }
  return out + BreakEvenText(r) + Assumptions(r);
}

std::string ReportJsonText(const Model& model, const v1::CostReport& report) {
  return JsonText(ReportJson(report, model.DimsAt(report.scenario().batch())));
}

absl::StatusOr<std::string> RenderReport(const v1::CostReport& report,
                                         const Model& model,
                                         absl::string_view format, bool compare,
                                         bool per_layer) {
  std::string text;
  if (format == "json") {
    text = ReportJsonText(model, report);
  } else if (format == "csv") {
    text = ReportCsv(report);
  } else if (format == "textproto") {
    google::protobuf::TextFormat::PrintToString(report, &text);
  } else if (format == "pb") {
    text = report.SerializeAsString();
  } else if (format == "table") {
    text = compare ? ReportCompareTable(report, model)
                   : ReportDetailTable(report, model, per_layer);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown report format '", format,
                     "': expected one of table, json, csv, textproto, pb"));
  }
  return text;
}

}  // namespace neurowatt
