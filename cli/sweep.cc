#include "explore/sweep.h"

#include <algorithm>
#include <functional>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "render/sweep_rows.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// The sweep the flags describe. (cli::SweepSpec is the command's flags.)
absl::StatusOr<neurowatt::SweepSpec> Spec(const ParsedArgs& args) {
  neurowatt::SweepSpec s;
  s.source = args.positional[0];
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  s.dims = *dims;
  if (auto st = ParseScenarioFlags(args, s.dims, s.scenario); !st.ok()) {
    return st;
  }
  for (const std::string& v : args.GetAll("vary")) {
    auto axis = ParseSweepAxis(v);
    if (!axis.ok()) {
      return InvalidArgumentError(StrCat("--vary ", axis.status().message()));
    }
    if (axis->key == "batch" && (args.Has("batch") || s.dims.count("batch"))) {
      return InvalidArgumentError(
          "--vary batch and a fixed batch (--batch or --dim batch) are "
          "both given");
    }
    if (axis->key == "chips" && args.Has("chips")) {
      return InvalidArgumentError("--vary chips and --chips are both given");
    }
    if (axis->key == "context" && s.scenario.has_context()) {
      return InvalidArgumentError(
          "--vary context and --context are both given");
    }
    if (args.Has("activity") &&
        (axis->key == "coding" || axis->key == "spike_rate" ||
         axis->key == "input_rate")) {
      return InvalidArgumentError(
          StrCat("--vary ", axis->key,
                 " and --activity are both given; measured "
                 "counts replace the rate settings"));
    }
    s.axes.push_back(*std::move(axis));
  }
  if (s.axes.empty()) {
    return InvalidArgumentError("give at least one --vary KEY=V1,V2,...");
  }
  if (!args.Has("hw")) {
    return InvalidArgumentError("--hw is required (see neurowatt profiles)");
  }
  auto hardware = LoadHardware(args.GetAll("hw"));
  if (!hardware.ok()) return hardware.status();
  s.hardware = *std::move(hardware);
  auto varied = [&](const std::string& key) {
    return std::any_of(s.axes.begin(), s.axes.end(),
                       [&](const SweepAxis& a) { return a.key == key; });
  };
  const bool spiking =
      std::any_of(s.hardware.begin(), s.hardware.end(),
                  [](const Hardware& h) { return h.neuromorphic; });
  if (spiking && !args.Has("activity") &&
      ((!args.Has("spike-rate") && !varied("spike_rate")) ||
       (!args.Has("timesteps") && !varied("timesteps")))) {
    return InvalidArgumentError(
        "neuromorphic profiles need spike activity: --spike-rate R and "
        "--timesteps T, or --vary spike_rate=... / timesteps=..., or "
        "--activity FILE");
  }
  auto spikes = ParseSpikeFlags(args, false);
  if (!spikes.ok()) return spikes.status();
  *s.scenario.mutable_spikes() = *std::move(spikes);
  s.threads = static_cast<int>(std::thread::hardware_concurrency());
  if (auto t = args.Get("threads")) {
    if (!absl::SimpleAtoi(*t, &s.threads) || s.threads < 1 ||
        s.threads > 1024) {
      return InvalidArgumentError(
          StrCat("--threads ", *t, ": expected 1-1024"));
    }
  }
  s.threads = std::max(1, s.threads);
  return s;
}

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  auto path = args.Get("output");
  if (!path) {
    return InvalidArgumentError(
        "sweep writes to a file: -o out.csv or -o out.jsonl");
  }
  const std::string format = args.Get("format").value_or(
      absl::EndsWith(*path, ".jsonl") ? "jsonl" : "csv");
  if (auto f = OneOf("format", format, {"csv", "jsonl"}); !f.ok()) {
    return f.status();
  }
  auto spec = Spec(args);
  if (!spec.ok()) return spec.status();
  AtomicFileWriter file;
  if (auto st = file.Open(*path); !st.ok()) return st;
  SweepFileSink sink(spec->axes, format == "jsonl", file);
  absl::Status status;
  {
    ProgressLine progress(err, "sweep", "configurations");
    status = RunSweep(*spec, sink, std::ref(progress));
  }
  if (!status.ok()) return status;
  if (auto st = file.Commit(); !st.ok()) return st;
  const int64_t configs = SweepConfigurations(*spec);
  out << absl::StrFormat(
      "sweep: %d rows (%d configurations x %d profiles) -> %s\n",
      configs * static_cast<int64_t>(spec->hardware.size()), configs,
      spec->hardware.size(), *path);
  return absl::OkStatus();
}

}  // namespace

const CommandSpec& SweepSpec() {
  static const auto* spec = [] {
    std::vector<FlagSpec> flags;
    for (FlagSpec f : PricingFlags()) {
      if (f.name == "per-layer" || f.name == "format" || f.name == "prompt" ||
          f.name == "generate") {
        continue;
      }
      if (f.name == "output") f.help = "the output file (.csv or .jsonl)";
      flags.push_back(f);
    }
    flags.push_back({"vary", '\0', "KEY=VALUES",
                     "KEY=V1,V2,... or KEY=START:STOP:COUNT (repeatable)",
                     true});
    flags.push_back({"format", '\0', "FORMAT",
                     "csv or jsonl (default: from the file name)"});
    flags.push_back({"threads", '\0', "N",
                     "worker threads (default: all "
                     "cores)"});
    return new CommandSpec{
        "sweep",
        "SOURCE --hw P [--hw ...] --vary KEY=V1,V2 [--vary "
        "KEY=START:STOP:COUNT ...] -o out.csv|out.jsonl",
        "Prices every combination of the varied parameters on every profile.\n"
        "One row per (configuration, hardware): the values, energy per\n"
        "inference and its parts, latency, what bounds it and the chips.",
        "Keys: batch, precision, weight_precision, kv_precision, chips (auto\n"
        "or N), spike_rate, timesteps, coding, input_rate, context (tokens in\n"
        "the KV cache, with --phase decode), and for presets their own keys\n"
        "(d_model, layers, sizes, hidden...).\n"
        "The last --vary changes fastest; rows are in that order whatever the\n"
        "number of threads. Rows stream to a temporary file that replaces the\n"
        "output only when the sweep is complete. A configuration that cannot\n"
        "be priced (a network too large for a chip) gets an error column;\n"
        "progress goes to stderr on long sweeps.\n",
        flags,
        1,
        1};
  }();
  return *spec;
}

int RunSweep(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err) {
  return RunCommand(SweepSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
