#include "cli/flags.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "model/activity_file.h"
#include "model/uncounted.h"
#include "render/report.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

absl::StatusOr<double> ParseRate(const std::string& flag,
                                 const std::string& text) {
  double v;
  if (!absl::SimpleAtod(text, &v) || !(v >= 0 && v <= 1)) {
    return InvalidArgumentError(
        StrCat("--", flag, " ", text, ": expected a number from 0 to 1"));
  }
  return v;
}

}  // namespace

std::vector<FlagSpec> PricingFlags() {
  return {
      {"hw", '\0', "NAME|PATH", "hardware profile (repeatable)", true},
      {"batch", '\0', "N", "inferences per batch (default 1)"},
      {"precision", '\0', "P",
       "fp32, fp16, bf16 or int8 for every layer (default: the model's)"},
      {"dim", '\0', "NAME=VALUE", "bind a symbolic dimension (repeatable)",
       true},
      {"coding", '\0', "CODING",
       "spike coding: rate (default) or ttfs (time to first spike)"},
      {"timesteps", '\0', "T", "spiking timesteps per inference"},
      {"spike-rate", '\0', "R",
       "rate: spikes per neuron per step (0-1); ttfs: fraction that fire"},
      {"input-rate", '\0', "R", "the same for input neurons (default R)"},
      {"layer-rate", '\0', "NAME=R", "a layer's own rate (repeatable)", true},
      {"activity", '\0', "FILE",
       "measured spikes per layer (.json or .csv; see docs)"},
      {"format", '\0', "FORMAT",
       "table (default), json, csv, or the CostReport protobuf as "
       "textproto or pb"},
      {"output", 'o', "FILE", "write to FILE (atomically) instead of stdout"},
      {"per-layer", '\0', "",
       "list every layer instead of folding repeated blocks"}};
}

absl::StatusOr<DimBindings> ParseDims(const std::vector<std::string>& values) {
  DimBindings out;
  for (const std::string& v : values) {
    std::vector<std::string> kv = absl::StrSplit(v, absl::MaxSplits('=', 1));
    int64_t n;
    if (kv.size() != 2 || kv[0].empty() || !absl::SimpleAtoi(kv[1], &n) ||
        n <= 0 || n > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("--dim ", v,
                 ": expected NAME=VALUE with VALUE a whole number from 1 to "
                 "2^40"));
    }
    if (!out.emplace(kv[0], n).second) {
      return InvalidArgumentError(
          StrCat("--dim ", kv[0], " is given more than once"));
    }
  }
  return out;
}

absl::StatusOr<v1::SpikeActivity> ParseSpikeFlags(const ParsedArgs& args,
                                                  bool needed) {
  v1::SpikeActivity s;
  if (auto file = args.Get("activity")) {
    for (const char* f : {"coding", "spike-rate", "input-rate", "layer-rate"}) {
      if (args.Has(f)) {
        return InvalidArgumentError(StrCat("--activity and --", f,
                                           " are both given; measured counts "
                                           "replace the rate settings"));
      }
    }
    auto measured = ReadActivityFile(*file);
    if (!measured.ok()) return measured.status();
    s = *std::move(measured);
  } else {
    const std::string coding = args.Get("coding").value_or("rate");
    if (auto c = OneOf("coding", coding, {"rate", "ttfs"}); !c.ok()) {
      return c.status();
    }
    s.set_coding(coding == "ttfs" ? v1::SpikeActivity::TTFS
                                  : v1::SpikeActivity::RATE);
    if (auto r = args.Get("spike-rate")) {
      auto v = ParseRate("spike-rate", *r);
      if (!v.ok()) return v.status();
      s.set_spike_rate(*v);
    } else if (needed) {
      return InvalidArgumentError(
          "neuromorphic profiles need spike activity: --spike-rate R (with "
          "--timesteps T), or --activity FILE");
    }
    if (auto r = args.Get("input-rate")) {
      auto v = ParseRate("input-rate", *r);
      if (!v.ok()) return v.status();
      s.set_input_spike_rate(*v);
    }
    for (const std::string& lr : args.GetAll("layer-rate")) {
      std::vector<std::string> kv = absl::StrSplit(lr, absl::MaxSplits('=', 1));
      if (kv.size() != 2 || kv[0].empty()) {
        return InvalidArgumentError(
            StrCat("--layer-rate ", lr, ": expected NAME=RATE"));
      }
      auto v = ParseRate("layer-rate", kv[1]);
      if (!v.ok()) return v.status();
      (*s.mutable_layer_rates())[kv[0]] = *v;
    }
  }
  if (auto t = args.Get("timesteps")) {
    int64_t steps;
    if (!absl::SimpleAtoi(*t, &steps) || steps <= 0 || steps > (1 << 30)) {
      return InvalidArgumentError(
          StrCat("--timesteps ", *t, ": expected a whole number >= 1"));
    }
    if (s.timesteps() != 0 && s.timesteps() != steps) {
      return InvalidArgumentError(StrCat("--timesteps ", steps,
                                         " disagrees with the activity "
                                         "file's ",
                                         s.timesteps()));
    }
    s.set_timesteps(steps);
  } else if (needed && s.timesteps() == 0) {
    return InvalidArgumentError(
        "neuromorphic profiles need --timesteps T (steps per inference)");
  }
  return s;
}

absl::StatusOr<Priceable> LoadPriceable(const ParsedArgs& args) {
  const std::vector<std::string> hw = args.GetAll("hw");
  if (hw.empty()) {
    return InvalidArgumentError(
        "--hw is required: a catalogue name (see neurowatt profiles) or a "
        "profile file");
  }
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  Priceable p;
  if (auto b = args.Get("batch")) {
    int64_t batch = 0;
    if (!absl::SimpleAtoi(*b, &batch) || batch <= 0 || batch > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("--batch ", *b, ": expected a whole number from 1 to 2^40"));
    }
    if (dims->count("batch")) {
      return InvalidArgumentError(
          "--batch and --dim batch=... are both given; use --batch");
    }
    p.scenario.set_batch(batch);
  }
  if (auto s = args.Get("precision")) {
    auto parsed = PricingPrecision(*s);
    if (!parsed.ok()) {
      return InvalidArgumentError(
          StrCat("--precision ", *s, ": expected one of ", kPricingPrecisions));
    }
    p.scenario.set_precision(*parsed);
  }
  auto hardware = LoadHardware(hw);
  if (!hardware.ok()) return hardware.status();
  p.hardware = *std::move(hardware);
  bool spiking = false;
  for (const Hardware& h : p.hardware) spiking |= h.neuromorphic;
  auto spikes = ParseSpikeFlags(args, spiking);
  if (!spikes.ok()) return spikes.status();
  if (spiking) *p.scenario.mutable_spikes() = *std::move(spikes);
  // Stored weights, where an ONNX file holds them, tell which synapses are
  // absent (zero): a spiking chip neither stores nor drives those. Only
  // spiking profiles use that, so only they pay for reading the weights.
  auto model = LoadModel(args.positional[0], *dims, /*read_weights=*/spiking);
  if (!model.ok()) return model.status();
  p.model = *std::move(model);
  return p;
}

absl::Status PriceAndWrite(const ParsedArgs& args, const PricingOptions& options,
                           bool compare, std::ostream& out, std::ostream& err) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, ReportFormats()); !f.ok()) {
    return f.status();
  }
  auto in = LoadPriceable(args);
  if (!in.ok()) return in.status();
  WarnUncounted(in->model.source, in->model.count, err);
  auto priced = Price(in->model, in->hardware, in->scenario, options);
  if (!priced.ok()) return priced.status();
  auto text = RenderReport(priced->report, in->model, format, compare,
                           args.Has("per-layer"));
  if (!text.ok()) return text.status();
  return WriteOutput(args.Get("output"), *text, out);
}

void WarnUncounted(const std::string& source, const NetworkCount& count,
                   std::ostream& err) {
  const std::string summary = UncountedSummary(count);
  if (summary.empty()) return;
  err << "neurowatt: warning: " << source
      << ": not counted (unknown ops, listed as uncounted): " << summary
      << "\n";
}

}  // namespace neurowatt::cli
