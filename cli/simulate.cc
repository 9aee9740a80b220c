#include <algorithm>
#include <functional>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "cli/commands.h"
#include "model/nir/nir_file.h"
#include "render/format.h"
#include "render/simulation.h"
#include "simulate/ann_conversion.h"
#include "simulate/input_file.h"
#include "simulate/spiking_network.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace neurowatt::cli {
namespace {

using absl::StrCat;

constexpr int64_t kMaxSteps = int64_t{1} << 24;

absl::StatusOr<std::vector<int64_t>> ParseBudgets(const std::string& text,
                                                  bool several) {
  std::vector<int64_t> out;
  for (absl::string_view part : absl::StrSplit(text, ',')) {
    int64_t t;
    if (!absl::SimpleAtoi(part, &t) || t < 1 || t > kMaxSteps) {
      return absl::InvalidArgumentError(
          StrCat("--timesteps ", text,
                 ": each must be a whole number from 1 to ", kMaxSteps));
    }
    out.push_back(t);
  }
  if (out.size() > 1 && !several) {
    return absl::InvalidArgumentError(
        "--timesteps takes one value (a list, e.g. 10,50,100, only with "
        "--convert)");
  }
  // Budgets in increasing order, each once: the last is the largest.
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

absl::Status CheckColumns(const std::vector<std::vector<float>>& rows,
                          int64_t want, const std::string& path,
                          const char* what) {
  if (static_cast<int64_t>(rows[0].size()) != want) {
    return absl::InvalidArgumentError(StrCat(path, ": ", rows[0].size(),
                                             " columns, but the network has ",
                                             want, " ", what));
  }
  return absl::OkStatus();
}

absl::Status RunConverted(const ParsedArgs& args,
                          const std::vector<int64_t>& budgets, double dt,
                          const std::string& format, std::ostream& out,
                          std::ostream& err) {
  const std::string& source = args.positional[0];
  if (args.Get("convert") != "rate") {
    return absl::InvalidArgumentError(
        StrCat("--convert ", *args.Get("convert"),
               ": the conversion is rate (rate-coded integrate-and-fire)"));
  }
  if (!absl::EndsWithIgnoreCase(source, ".onnx")) {
    return absl::InvalidArgumentError(
        StrCat(source, ": --convert takes an ONNX model with its weights"));
  }
  if (args.Has("record")) {
    return absl::InvalidArgumentError(
        "--record is for NIR graphs, not with --convert");
  }
  const auto input_path = args.Get("input");
  if (!input_path) {
    return absl::InvalidArgumentError(
        "--convert needs --input FILE: the samples, one per row");
  }
  auto ann = Ann::Read(source);
  if (!ann.ok()) return ann.status();
  auto samples = ReadMatrix(*input_path);
  if (!samples.ok()) return samples.status();
  if (auto s =
          CheckColumns(*samples, (*ann)->input_size(), *input_path, "inputs");
      !s.ok()) {
    return s;
  }
  std::vector<int64_t> labels;
  if (const auto l = args.Get("labels")) {
    auto read = ReadLabels(*l, static_cast<int64_t>(samples->size()),
                           (*ann)->output_size());
    if (!read.ok()) return read.status();
    labels = *std::move(read);
  }
  absl::StatusOr<ConversionRun> run;
  {
    ProgressLine progress(err, "simulate", "sample steps");
    run =
        RunConversion(**ann, *samples, labels, budgets, dt, std::ref(progress));
  }
  if (!run.ok()) return Prefixed(source, run.status());
  const BudgetRun& last = run->budgets.back();
  if (const auto o = args.Get("output")) {
    if (auto s = WriteFileAtomically(*o, ActivityFileText(last.activity));
        !s.ok()) {
      return s;
    }
  }
  if (format == "json") {
    out << JsonText(ConversionJson(*run));
    return absl::OkStatus();
  }
  out << "converted " << source << " (rate-coded IF, data-based "
      << "normalisation over " << run->samples << " samples)";
  if (run->ann_accuracy) {
    out << "; ANN accuracy " << Decimal(100 * *run->ann_accuracy, 2) << " %";
  }
  out << "\n";
  for (const BudgetRun& b : run->budgets) {
    out << "  T = " << b.timesteps << ": "
        << (b.accuracy
                ? StrCat("accuracy ", Decimal(100 * *b.accuracy, 2), " %")
                : std::string("no labels"))
        << ", " << Decimal(b.activity.synaptic_events, 0)
        << " synaptic events per sample\n";
  }
  out << "activity per sample at T = " << last.timesteps << ":\n"
      << SimulationTable(last.activity);
  return absl::OkStatus();
}

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json"}); !f.ok()) {
    return f.status();
  }
  const auto steps_flag = args.Get("timesteps");
  if (!steps_flag) {
    return absl::InvalidArgumentError("--timesteps T is required");
  }
  const bool convert = args.Has("convert");
  auto budgets = ParseBudgets(*steps_flag, convert);
  if (!budgets.ok()) return budgets.status();
  double dt = convert ? 1.0 : 0.0;
  if (const auto d = args.Get("dt")) {
    if (!absl::SimpleAtod(*d, &dt) || !(dt > 0) || !std::isfinite(dt)) {
      return absl::InvalidArgumentError(StrCat(
          "--dt ", *d, ": the step must be a positive number of seconds"));
    }
  } else if (!convert) {
    return absl::InvalidArgumentError(
        "--dt S is required: the step in seconds (1 for a discrete-time "
        "toolchain's own step, as Sinabs writes IF neurons)");
  }
  if (args.Has("trace") != args.Has("record")) {
    return absl::InvalidArgumentError(
        "--record NODE and --trace FILE go together");
  }
  if (convert) return RunConverted(args, *budgets, dt, format, out, err);
  if (args.Has("labels")) {
    return absl::InvalidArgumentError("--labels is for --convert");
  }
  const std::string& source = args.positional[0];
  if (!absl::EndsWithIgnoreCase(source, ".nir")) {
    return absl::InvalidArgumentError(
        StrCat(source,
               ": simulate reads NIR graphs (.nir), or an ONNX model with "
               "--convert rate"));
  }
  auto graph = ReadNirFile(source);
  if (!graph.ok()) return graph.status();
  auto net = SpikingNetwork::Build(*graph, source, dt);
  if (!net.ok()) return net.status();
  std::vector<std::vector<float>> rows;
  if (const auto in = args.Get("input")) {
    auto m = ReadMatrix(*in);
    if (!m.ok()) return m.status();
    if (auto s = CheckColumns(*m, (*net)->input_size(), *in, "input neurons");
        !s.ok()) {
      return s;
    }
    rows = *std::move(m);
    if (static_cast<int64_t>(rows.size()) > (*budgets)[0]) {
      err << "warning: " << *in << " has " << rows.size()
          << " rows; only the first " << (*budgets)[0] << " are simulated\n";
    }
  }
  if (const auto node = args.Get("record")) {
    if (auto s = (*net)->Record(*node); !s.ok()) {
      return absl::InvalidArgumentError(
          StrCat(source, ": --record ", *node, ": ", s.message()));
    }
  }
  {
    ProgressLine progress(err, "simulate", "steps");
    RunFromRest(**net, rows, (*budgets)[0], std::ref(progress));
  }
  const SimulationResult r = (*net)->Totals();
  if (const auto t = args.Get("trace")) {
    if (auto s = WriteFileAtomically(*t, TraceCsv((*net)->trace())); !s.ok()) {
      return s;
    }
  }
  if (const auto o = args.Get("output")) {
    if (auto s = WriteFileAtomically(*o, ActivityFileText(r)); !s.ok()) {
      return s;
    }
  }
  if (format == "json") {
    out << JsonText(SimulationJson(r));
  } else {
    out << "simulated " << source << ": " << r.timesteps
        << " steps of dt = " << r.dt << " s"
        << (rows.empty() ? " with no input" : "") << "\n"
        << SimulationTable(r) << "input entries: " << Decimal(r.input_spikes, 0)
        << "; synaptic events delivered: " << Decimal(r.synaptic_events, 0)
        << "\n";
  }
  return absl::OkStatus();
}

}  // namespace

const CommandSpec& SimulateSpec() {
  static const auto* spec = new CommandSpec{
      "simulate",
      "SOURCE --timesteps T --dt S [--input FILE] [-o ACTIVITY] "
      "[--record NODE --trace FILE.csv] [--format table|json]\n"
      "       MODEL.onnx --convert rate --input SAMPLES --timesteps T[,T...] "
      "[--labels FILE]",
      "Runs a spiking NIR graph step by step and measures its activity;\n"
      "or converts a trained ONNX MLP/CNN into integrate-and-fire neurons\n"
      "and measures accuracy and activity on a data set.",
      "NIR's continuous-time neurons are stepped at dt: input is a current\n"
      "held over each step (a spike is a pulse of height 1 for one step),\n"
      "LI/LIF integrate exactly, LIF and IF find the threshold crossing\n"
      "inside the step; docs/nir.md gives the scheme. --input is CSV or\n"
      ".npy, one row per step, one column per input neuron (no input:\n"
      "zeros). -o writes the activity file that estimate, compare, report\n"
      "and sweep take with --activity; counts are per inference.\n"
      "\n"
      "With --convert rate the ONNX model's ReLUs become IF neurons after\n"
      "data-based weight normalisation (Diehl et al. 2015), --input holds\n"
      "one sample per row (a constant input current for T steps), --labels\n"
      "one class per row; the JSON gives accuracy, ann_accuracy and the\n"
      "activity for each timestep budget. -o then writes the activity of the\n"
      "largest budget, named by the ONNX model's layers.\n",
      {{"timesteps", '\0', "T",
        "steps to simulate; with --convert a list, e.g. 10,50,100"},
       {"dt", '\0', "S",
        "the step in seconds (required for NIR; 1 with --convert)"},
       {"input", '\0', "FILE",
        "CSV or .npy: steps x input neurons (samples x features with "
        "--convert)"},
       {"output", 'o', "ACTIVITY", "write the measured activity file (.json)"},
       {"record", '\0', "NODE", "record one node's state and spikes"},
       {"trace", '\0', "FILE.csv",
        "where --record writes per-step v_i and spike_i columns"},
       {"format", '\0', "FORMAT", "table (default) or json"},
       {"convert", '\0', "rate",
        "convert an ONNX ANN to a rate-coded spiking network"},
       {"labels", '\0', "FILE",
        "with --convert: one label per sample (CSV or .npy)"}},
      1,
      1};
  return *spec;
}

int RunSimulate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  return RunCommand(SimulateSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
