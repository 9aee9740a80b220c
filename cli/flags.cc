#include "cli/flags.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "estimators/system.h"
#include "model/activity_file.h"
#include "model/uncounted.h"
#include "render/report.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// The value of a rate flag as a number; the range is SpikeActivityFrom's to
// check.
absl::StatusOr<double> ParseNumber(const std::string& flag,
                                   const std::string& text) {
  double v;
  if (!absl::SimpleAtod(text, &v)) {
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
       "fp32, tf32, fp16, bf16, fp8, int8 or int4 for every layer "
       "(default: the model's)"},
      {"dim", '\0', "NAME=VALUE", "bind a symbolic dimension (repeatable)",
       true},
      {"chips", '\0', "N|auto",
       "chips in each profile's system (default auto: as few as hold the "
       "network)"},
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
  SpikeSettings settings;
  settings.activity_file = args.Get("activity");
  settings.coding = args.Get("coding");
  if (auto r = args.Get("spike-rate")) {
    auto v = ParseNumber("spike-rate", *r);
    if (!v.ok()) return v.status();
    settings.spike_rate = *v;
  }
  if (auto r = args.Get("input-rate")) {
    auto v = ParseNumber("input-rate", *r);
    if (!v.ok()) return v.status();
    settings.input_rate = *v;
  }
  for (const std::string& lr : args.GetAll("layer-rate")) {
    std::vector<std::string> kv = absl::StrSplit(lr, absl::MaxSplits('=', 1));
    if (kv.size() != 2 || kv[0].empty()) {
      return InvalidArgumentError(
          StrCat("--layer-rate ", lr, ": expected NAME=RATE"));
    }
    auto v = ParseNumber("layer-rate", kv[1]);
    if (!v.ok()) return v.status();
    settings.layer_rates[kv[0]] = *v;
  }
  if (auto t = args.Get("timesteps")) {
    int64_t steps;
    if (!absl::SimpleAtoi(*t, &steps)) {
      return InvalidArgumentError(
          StrCat("--timesteps ", *t, ": expected a whole number >= 1"));
    }
    settings.timesteps = steps;
  }
  SpikeSettingNames names;
  names.activity_file = "--activity";
  names.coding = "--coding";
  names.timesteps = "--timesteps";
  names.spike_rate = "--spike-rate";
  names.input_rate = "--input-rate";
  names.layer_rates = "--layer-rate";
  return SpikeActivityFrom(settings, needed, names);
}

absl::Status ParseScenarioFlags(const ParsedArgs& args, const DimBindings& dims,
                                v1::Scenario& scenario) {
  if (auto b = args.Get("batch")) {
    int64_t batch = 0;
    if (!absl::SimpleAtoi(*b, &batch) || batch <= 0 || batch > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("--batch ", *b, ": expected a whole number from 1 to 2^40"));
    }
    if (dims.count("batch")) {
      return InvalidArgumentError(
          "--batch and --dim batch=... are both given; use --batch");
    }
    scenario.set_batch(batch);
  }
  if (auto s = args.Get("precision")) {
    auto parsed = PricingPrecision(*s);
    if (!parsed.ok()) {
      return InvalidArgumentError(
          StrCat("--precision ", *s, ": expected one of ", kPricingPrecisions));
    }
    scenario.set_precision(*parsed);
  }
  if (auto c = args.Get("chips")) {
    auto chips = ParseChips(*c);
    if (!chips.ok()) {
      return InvalidArgumentError(
          StrCat("--chips ", *c, ": expected ", kChipChoices));
    }
    scenario.set_chips(*chips);
  }
  return absl::OkStatus();
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
  if (auto st = ParseScenarioFlags(args, *dims, p.scenario); !st.ok()) {
    return st;
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

absl::Status PriceAndWrite(const ParsedArgs& args,
                           const PricingOptions& options, bool compare,
                           std::ostream& out, std::ostream& err) {
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
