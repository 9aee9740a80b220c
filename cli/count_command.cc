#include "cli/count_command.h"

#include <map>
#include <optional>
#include <tuple>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "cli/format.h"
#include "cli/layer_rows.h"
#include "util/atomic_file.h"
#include "cli/uncounted.h"
#include "model/brain_reference.h"
#include "model/source.h"

namespace neurowatt::cli {
namespace {

using absl::StrCat;

double ZeroFraction(const v1::WeightStats& s) {
  return s.weights() == 0 ? 0.0
                          : static_cast<double>(s.zeros()) /
                                static_cast<double>(s.weights());
}

// Weights examined and zeros over the layers whose weights were read, or
// nullopt when none were.
std::optional<v1::WeightStats> StoredWeights(const NetworkCount& count) {
  std::optional<v1::WeightStats> total;
  for (const Workload& w : count.layers) {
    if (!w.weight_stats) continue;
    if (!total) total.emplace();
    total->set_weights(total->weights() + w.weight_stats->weights());
    total->set_zeros(total->zeros() + w.weight_stats->zeros());
  }
  return total;
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
  j["macs"] = w.macs;
  j["other_ops"] = {{"adds", w.other_ops.adds},
                    {"muls", w.other_ops.muls},
                    {"compares", w.other_ops.compares},
                    {"exps", w.other_ops.exps},
                    {"divs", w.other_ops.divs}};
  j["input_bytes"] = w.input_bytes;
  j["output_bytes"] = w.output_bytes;
  j["weight_bytes"] = w.weight_bytes;
  j["state_bytes"] = w.state_bytes;
  if (!w.op_type.empty()) j["op_type"] = w.op_type;
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
      StrCat(w.weight_bytes),
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

// The --weights table: what the stored weights say, per weighted layer.
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

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json", "csv"}); !f.ok()) {
    return f.status();
  }
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  const bool weights = args.Has("weights");
  auto model = LoadAndCount(args.positional[0], *dims,
                            v1::ELEMENT_TYPE_UNSPECIFIED, weights);
  if (!model.ok()) return model.status();
  const NetworkCount& count = model->count;
  if (weights && !StoredWeights(count)) {
    return absl::InvalidArgumentError(
        StrCat(args.positional[0],
               ": --weights needs stored weights, and this model holds none "
               "(a weight-stripped ONNX file, a preset, or a native file "
               "without weight_stats)"));
  }
  WarnUncounted(args.positional[0], count, err);
  std::string text;
  if (format == "json") {
    text = CountToJson(count, model->bindings)
               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace) +
           "\n";
  } else if (format == "csv") {
    text = RenderCountCsv(count);
  } else {
    text = RenderCountTable(count, model->arch.description(), model->bindings,
                            args.Has("per-layer"));
    if (weights) text += RenderWeightTable(count);
  }
  return WriteOutput(args.Get("output"), text, out);
}

}  // namespace

const CommandSpec& CountSpec() {
  static const auto* spec = new CommandSpec{
      "count",
      "SOURCE [--format table|json|csv] [-o FILE] [--dim NAME=VALUE ...]",
      "Neurons, synapses, params and MACs per layer and in total.\n"
      "Compares the network with the human brain.",
      "SOURCE is an ONNX model (.onnx), a native architecture file (.pb,\n"
      ".textproto, .pbtxt), preset:NAME, or preset:KIND:key=value,...\n"
      "(neurowatt --help lists the presets). ONNX symbolic dimensions other\n"
      "than the batch need --dim (e.g. --dim seq=128). Ops neurowatt does\n"
      "not know are listed as uncounted, with a warning on stderr.\n"
      "Counts are per inference at batch 1 unless --dim batch=N says "
      "otherwise.\n"
      "Synapses are weights (biases excluded); params include biases and "
      "norm gains.\n",
      {{"format", '\0', "FORMAT", "table (default), json or csv"},
       {"output", 'o', "FILE", "write to FILE (atomically) instead of stdout"},
       {"dim", '\0', "NAME=VALUE",
        "bind a symbolic dimension, e.g. --dim seq=128 (repeatable)", true},
       {"per-layer", '\0', "",
        "list every layer in the table instead of folding repeated blocks"},
       {"weights", '\0', "",
        "read the stored weights (ONNX files that hold them): zero fraction, "
        "excitatory / inhibitory / mixed neurons, bits per weight"}},
      1,
      1};
  return *spec;
}

absl::StatusOr<DimBindings> ParseDims(const std::vector<std::string>& values) {
  DimBindings out;
  for (const std::string& v : values) {
    std::vector<std::string> kv = absl::StrSplit(v, absl::MaxSplits('=', 1));
    int64_t n;
    if (kv.size() != 2 || kv[0].empty() || !absl::SimpleAtoi(kv[1], &n) ||
        n <= 0 || n > kMaxDimension) {
      return absl::InvalidArgumentError(
          StrCat("--dim ", v,
                 ": expected NAME=VALUE with VALUE a whole number from 1 to "
                 "2^40"));
    }
    if (!out.emplace(kv[0], n).second) {
      return absl::InvalidArgumentError(
          StrCat("--dim ", kv[0], " is given more than once"));
    }
  }
  return out;
}

int RunCount(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  return RunCommand(CountSpec(), args, out, err, Run);
}

std::string RenderCountTable(const NetworkCount& count,
                             const std::string& description,
                             const DimBindings& bindings, bool per_layer) {
  std::string out = StrCat("model: ", count.model, "\n");
  if (!description.empty()) absl::StrAppend(&out, "  ", description, "\n");
  absl::StrAppend(&out, "  dimensions: ", BindingsText(bindings),
                  " (counts are per inference)\n\n");

  int64_t layout_only = 0;
  const std::vector<LayerRow> rows =
      FoldLayers(count.layers, per_layer, &layout_only);
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
  add("MACs", t.macs);
  add("other ops", t.other_ops.adds + t.other_ops.muls + t.other_ops.compares +
                       t.other_ops.exps + t.other_ops.divs);
  add("neuron instances", t.neuron_instances);
  totals.AddRow(
      {"weights read", WithSeparators(t.weight_bytes), Bytes(t.weight_bytes)});
  totals.AddRow({"state held (RNN, KV cache)", WithSeparators(t.state_bytes),
                 Bytes(t.state_bytes)});
  absl::StrAppend(&out, "\n", totals.Render());

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
                                   const DimBindings& bindings) {
  nlohmann::ordered_json j;
  j["model"] = count.model;
  j["dimensions"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : bindings) j["dimensions"][k] = v;
  j["uncounted"] = nlohmann::ordered_json::object();
  for (const auto& [op, n] : UncountedOps(count)) j["uncounted"][op] = n;
  j["layers"] = nlohmann::ordered_json::array();
  for (const Workload& w : count.layers) j["layers"].push_back(WorkloadJson(w));
  nlohmann::ordered_json totals = WorkloadJson(count.total);
  if (const auto stored = StoredWeights(count)) {
    totals["nonzero_synapses"] = count.total.synapses - stored->zeros();
  }
  totals.erase("name");
  totals.erase("kind");
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

}  // namespace neurowatt::cli
