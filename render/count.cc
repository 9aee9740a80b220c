#include "render/count.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "model/brain_reference.h"
#include "model/layer_folding.h"
#include "model/training.h"
#include "model/uncounted.h"
#include "render/format.h"

namespace neurowatt {
namespace {

using absl::StrCat;

double ZeroFraction(const v1::WeightStats& s) {
  return s.weights() == 0 ? 0.0
                          : static_cast<double>(s.zeros()) /
                                static_cast<double>(s.weights());
}

// Params that layers read but another layer stores, counted there.
int64_t SharedParams(const NetworkCount& count) {
  int64_t shared = 0;
  for (const Workload& w : count.layers) shared += w.shared_params;
  return shared;
}

nlohmann::ordered_json WorkloadJson(const Workload& w) {
  nlohmann::ordered_json j;
  j["name"] = w.name;
  j["kind"] = w.kind;
  if (w.kind != "total") j["dtype"] = ElementTypeName(w.dtype);
  j["neurons"] = w.neurons;
  j["synapses"] = w.synapses;
  j["synapses_per_neuron"] = w.synapses_per_neuron();
  j["neuron_instances"] = w.neuron_instances;
  j["params"] = w.params;
  j["active_params"] = w.active_params;
  if (w.experts > 1) {
    j["experts"] = w.experts;
    j["experts_per_token"] = w.experts_per_token;
  }
  j["macs"] = w.macs;
  j["other_ops"] = {{"adds", w.other_ops.adds},
                    {"muls", w.other_ops.muls},
                    {"compares", w.other_ops.compares},
                    {"exps", w.other_ops.exps},
                    {"divs", w.other_ops.divs}};
  j["input_bytes"] = w.input_bytes;
  j["output_bytes"] = w.output_bytes;
  j["weight_bytes"] = w.weights_read();
  j["state_bytes"] = w.state_bytes;
  if (w.kv_read_bytes > 0) j["kv_read_bytes"] = w.kv_read_bytes;
  if (!w.op_type.empty()) j["op_type"] = w.op_type;
  if (w.repeats > 1) j["repeats"] = w.repeats;
  if (w.weight_users > 1) j["weight_users"] = w.weight_users;
  if (w.shared_params > 0) {
    j["shared_params"] = w.shared_params;
    j["params_shared_with"] = w.params_shared_with;
  }
  if (w.weight_stats) {
    const v1::WeightStats& s = *w.weight_stats;
    j["weights"] = {{"examined", s.weights()},
                    {"zeros", s.zeros()},
                    {"zero_fraction", ZeroFraction(s)},
                    {"nonzero_synapses", w.nonzero_synapses()},
                    {"excitatory", s.excitatory()},
                    {"inhibitory", s.inhibitory()},
                    {"mixed", s.mixed()},
                    {"silent", s.silent()},
                    {"bits", s.bits()}};
  }
  return j;
}

constexpr const char* kCsvColumns[] = {"name",
                                       "kind",
                                       "dtype",
                                       "neurons",
                                       "synapses",
                                       "synapses_per_neuron",
                                       "neuron_instances",
                                       "params",
                                       "macs",
                                       "adds",
                                       "muls",
                                       "compares",
                                       "exps",
                                       "divs",
                                       "input_bytes",
                                       "output_bytes",
                                       "weight_bytes",
                                       "state_bytes",
                                       "op_type",
                                       "zero_weights"};

std::string CsvRow(const Workload& w) {
  std::vector<std::string> cells = {
      CsvField(w.name),
      w.kind,
      w.kind == "total" ? "" : ElementTypeName(w.dtype),
      StrCat(w.neurons),
      StrCat(w.synapses),
      absl::StrFormat("%.6g", w.synapses_per_neuron()),
      StrCat(w.neuron_instances),
      StrCat(w.params),
      StrCat(w.macs),
      StrCat(w.other_ops.adds),
      StrCat(w.other_ops.muls),
      StrCat(w.other_ops.compares),
      StrCat(w.other_ops.exps),
      StrCat(w.other_ops.divs),
      StrCat(w.input_bytes),
      StrCat(w.output_bytes),
      StrCat(w.weights_read()),
      StrCat(w.state_bytes),
      CsvField(w.op_type),
      w.weight_stats ? StrCat(w.weight_stats->zeros()) : ""};
  return absl::StrJoin(cells, ",") + "\n";
}

std::string BindingsText(const DimBindings& b) {
  if (b.empty()) return "none";
  return absl::StrJoin(b, ", ", absl::PairFormatter("="));
}

std::string Percent(double fraction) {
  return fraction >= 0.01 ? absl::StrFormat("%.1f%%", 100 * fraction)
                          : absl::StrFormat("%.3g%%", 100 * fraction);
}

}  // namespace

std::string RenderWeightTable(const NetworkCount& count) {
  Table table({"layer", "synapses", "zero", "non-zero", "excit.", "inhib.",
               "mixed", "silent", "bits"},
              {false, true, true, true, true, true, true, true, true});
  for (const Workload& w : count.layers) {
    if (!w.weight_stats) continue;
    const v1::WeightStats& s = *w.weight_stats;
    table.AddRow({w.name, Scaled(w.synapses), Percent(ZeroFraction(s)),
                  Scaled(w.nonzero_synapses()), Scaled(s.excitatory()),
                  Scaled(s.inhibitory()), Scaled(s.mixed()), Scaled(s.silent()),
                  StrCat(s.bits())});
  }
  const v1::WeightStats total =
      StoredWeights(count).value_or(v1::WeightStats());
  return StrCat(
      "\nstored weights (presynaptic neurons by the signs of their outgoing "
      "weights:\n  excitatory all > 0, inhibitory all < 0, mixed both, silent "
      "none non-zero):\n",
      table.Render(), "  ", WithSeparators(total.zeros()), " of ",
      WithSeparators(total.weights()), " weights are zero (",
      Percent(ZeroFraction(total)),
      "): absent synapses a spiking chip need not store or drive\n");
}

CountPhase CountPhaseOf(const Model& model, int64_t batch) {
  CountPhase p;
  p.phase = PhaseName(model.phase);
  p.tokens = model.tokens;
  p.context = model.context;
  if (model.phase == v1::TRAIN) {
    p.training = RunOf(model.count, model.tokens, batch, model.training);
  }
  return p;
}

std::string RenderCountTable(const NetworkCount& count,
                             const std::string& description,
                             const DimBindings& bindings, bool per_layer,
                             const CountPhase& phase) {
  std::string out = StrCat("model: ", count.model, "\n");
  if (!description.empty()) absl::StrAppend(&out, "  ", description, "\n");
  absl::StrAppend(&out, "  dimensions: ", BindingsText(bindings),
                  " (counts are per inference)\n\n");

  int64_t layout_only = 0;
  const std::vector<LayerRow> rows = FoldLayers(count, per_layer, &layout_only);
  Table table({"layer", "kind", "x", "neurons", "synapses", "syn/neuron",
               "params", "MACs"},
              {false, false, true, true, true, true, true, true});
  for (const LayerRow& r : rows) {
    const Workload& w = count.layers[r.index];
    table.AddRow({r.name, w.kind, StrCat(r.repeats), Scaled(w.neurons),
                  Scaled(w.synapses),
                  w.neurons ? Decimal(w.synapses_per_neuron(), 1) : "-",
                  Scaled(w.params), Scaled(w.macs)});
  }
  absl::StrAppend(&out, table.Render(), FoldingNotes(rows, layout_only));
  if (const std::string u = UncountedSummary(count); !u.empty()) {
    absl::StrAppend(&out,
                    "NOT COUNTED (unknown ops; their work is missing "
                    "from every figure): ",
                    u, "\n");
  }
  for (const std::string& a : count.assumptions) {
    absl::StrAppend(&out, "ASSUMED: ", a, "\n");
  }
  if (const int64_t shared = SharedParams(count); shared > 0) {
    absl::StrAppend(&out, "shared weights: ", WithSeparators(shared),
                    " params read by more than one layer are counted once\n");
  }

  const Workload& t = count.total;
  Table totals({"total", "exact", "short"}, {false, true, true});
  auto add = [&](const std::string& label, int64_t v) {
    totals.AddRow({label, WithSeparators(v), Scaled(v)});
  };
  add("neurons", t.neurons);
  add("synapses", t.synapses);
  totals.AddRow(
      {"synapses per neuron", Decimal(t.synapses_per_neuron(), 1), ""});
  add("params", t.params);
  if (t.active_params != t.params)
    add("params active per token", t.active_params);
  add("MACs", t.macs);
  add("other ops", t.other_ops.total());
  add("neuron instances", t.neuron_instances);
  totals.AddRow({"weights read", WithSeparators(t.weights_read()),
                 Bytes(t.weights_read())});
  totals.AddRow({"state held (RNN/KV/neuron)", WithSeparators(t.state_bytes),
                 Bytes(t.state_bytes)});
  absl::StrAppend(&out, "\n", totals.Render());
  if (phase.phase != "forward") {
    absl::StrAppend(&out, "\nphase: ", phase.phase, ", ", phase.tokens,
                    " token(s) per sequence",
                    phase.context > 0
                        ? StrCat(", ", phase.context, " in the KV cache")
                        : std::string(),
                    "\n");
  }
  if (const auto& run = phase.training) {
    absl::StrAppend(
        &out, "training FLOPs: ", absl::StrFormat("%.4g", run->flops_per_step),
        " per step; ", absl::StrFormat("%.6g", run->steps),
        " step(s): ", absl::StrFormat("%.4g", run->flops()), "\n");
  }

  const double brain_synapses = brain::kNeurons * brain::kSynapsesPerNeuron;
  absl::StrAppend(&out, "\ncompared with a human brain (",
                  brain::kNeuronsSource,
                  ": 86.1 billion neurons;\n  ~7,000 synapses per neuron, ",
                  brain::kSynapsesPerNeuronSource, "):\n");
  absl::StrAppend(&out, "  neurons:             ",
                  Percent(t.neurons / brain::kNeurons), " of the brain's\n");
  absl::StrAppend(
      &out, "  synapses:            ", Percent(t.synapses / brain_synapses),
      " of the brain's ~", Decimal(brain_synapses / 1e12, 0), " trillion\n");
  if (t.neurons > 0) {
    absl::StrAppend(
        &out, "  synapses per neuron: ",
        Decimal(t.synapses_per_neuron() / brain::kSynapsesPerNeuron, 2),
        " x the brain's\n");
  }
  return out;
}

nlohmann::ordered_json CountToJson(const NetworkCount& count,
                                   const DimBindings& bindings,
                                   const CountPhase& phase) {
  nlohmann::ordered_json j;
  j["model"] = count.model;
  j["phase"] = phase.phase;
  j["tokens_per_inference"] = phase.tokens > 0
                                  ? nlohmann::ordered_json(phase.tokens)
                                  : nlohmann::ordered_json(nullptr);
  j["dimensions"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : bindings) j["dimensions"][k] = v;
  j["uncounted"] = nlohmann::ordered_json::object();
  for (const auto& [op, n] : UncountedOps(count)) j["uncounted"][op] = n;
  j["assumptions"] = count.assumptions;
  j["layers"] = nlohmann::ordered_json::array();
  for (const Workload& w : count.layers) j["layers"].push_back(WorkloadJson(w));
  nlohmann::ordered_json totals = WorkloadJson(count.total);
  if (const auto stored = StoredWeights(count)) {
    totals["nonzero_synapses"] = count.total.synapses - stored->zeros();
  }
  totals.erase("name");
  totals.erase("kind");
  totals["shared_params"] = SharedParams(count);
  if (const auto& run = phase.training) {
    totals["training_flops_per_step"] = run->flops_per_step;
    totals["training_flops"] = run->flops();
    totals["training_steps"] = run->steps;
  }
  j["totals"] = totals;
  j["brain"] = {
      {"neurons", brain::kNeurons},
      {"neurons_source", brain::kNeuronsSource},
      {"synapses_per_neuron", brain::kSynapsesPerNeuron},
      {"synapses_per_neuron_source", brain::kSynapsesPerNeuronSource},
      {"neuron_fraction", count.total.neurons / brain::kNeurons},
      {"synapses_per_neuron_ratio",
       count.total.synapses_per_neuron() / brain::kSynapsesPerNeuron}};
  return j;
}

std::string RenderCountCsv(const NetworkCount& count) {
  std::string out = absl::StrJoin(kCsvColumns, ",") + "\n";
  for (const Workload& w : count.layers) out += CsvRow(w);
  out += CsvRow(count.total);
  return out;
}

}  // namespace neurowatt
