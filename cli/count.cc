#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "neurowatt/neurowatt.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json", "csv"}); !f.ok()) {
    return f.status();
  }
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  const bool weights = args.Has("weights");
  const std::string& source = args.positional[0];
  auto phase = ParsePhaseFlags(args, *dims);
  if (!phase.ok()) return phase.status();
  auto model = LoadModel(source, *dims, weights, *phase);
  if (!model.ok()) return model.status();
  if (weights && !StoredWeights(model->count)) {
    return absl::InvalidArgumentError(absl::StrCat(
        source,
        ": --weights needs stored weights, and this model holds none "
        "(a weight-stripped ONNX file, a preset, or a native file without "
        "weight_stats)"));
  }
  WarnUncounted(source, model->count, err);
  // Counts are for the batch the dimensions name (one inference unless
  // --dim batch=N).
  auto count = Count(*model);
  if (!count.ok()) return count.status();
  std::string text;
  if (format == "json") {
    text = CountJsonText(*model, *count);
  } else if (format == "csv") {
    text = RenderCountCsv(*count);
  } else {
    text = RenderCountTable(*count, model->arch.description(),
                            model->DimsAt(model->batch), args.Has("per-layer"),
                            CountPhaseOf(*model, model->batch));
    if (weights) text += RenderWeightTable(*count);
  }
  return WriteOutput(args.Get("output"), text, out);
}

}  // namespace

const CommandSpec& CountSpec() {
  static const auto* spec = new CommandSpec{
      "count",
      "SOURCE [--format table|json|csv] [-o FILE] [--dim NAME=VALUE ...] "
      "[--phase forward|prefill|decode|train] [--context N] [--tokens N]",
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
      "norm gains.\n"
      "Language models: --phase prefill counts causal attention as kernels\n"
      "that skip the masked half; --phase decode one new token per sequence\n"
      "with --context N tokens in the KV cache; --phase train a training\n"
      "step (forward, backward, optimizer), and with --tokens N the\n"
      "training FLOPs of a run (totals.training_flops).\n",
      WithPhaseFlags(
          {{"format", '\0', "FORMAT", "table (default), json or csv"},
           {"output", 'o', "FILE",
            "write to FILE (atomically) instead of stdout"},
           {"dim", '\0', "NAME=VALUE",
            "bind a symbolic dimension, e.g. --dim seq=128 (repeatable)", true},
           {"per-layer", '\0', "",
            "list every layer in the table instead of folding repeated blocks"},
           {"weights", '\0', "",
            "read the stored weights (ONNX files that hold them): zero "
            "fraction, "
            "excitatory / inhibitory / mixed neurons, bits per weight"}}),
      1,
      1};
  return *spec;
}

int RunCount(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  return RunCommand(CountSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
