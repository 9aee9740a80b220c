#include "cli/pricing.h"

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "cli/activity_file.h"
#include "cli/count_command.h"
#include "cli/uncounted.h"
#include "estimators/break_even.h"
#include "estimators/cost_report.h"
#include "estimators/neuromorphic.h"
#include "estimators/von_neumann.h"
#include "hw/profile.h"

namespace neurowatt::cli {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

}  // namespace

absl::StatusOr<v1::ElementType> ParsePrecision(const std::string& s) {
  if (s == "fp32") return v1::FP32;
  if (s == "fp16") return v1::FP16;
  if (s == "bf16") return v1::BF16;
  if (s == "int8") return v1::INT8;
  return InvalidArgumentError(
      StrCat("--precision ", s, ": expected one of fp32, fp16, bf16, int8"));
}

namespace {

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

absl::StatusOr<std::vector<PricedProfile>> LoadProfiles(
    const std::vector<std::string>& names) {
  std::vector<PricedProfile> out;
  for (const std::string& name : names) {
    auto profile = LoadProfile(name);
    if (!profile.ok()) return profile.status();
    PricedProfile pp;
    pp.neuromorphic = profile->has_neuromorphic();
    if (pp.neuromorphic) {
      pp.spiking = CompileNeuromorphic(*profile);
    } else {
      pp.von_neumann = CompileVonNeumann(*profile);
    }
    pp.profile = *std::move(profile);
    out.push_back(std::move(pp));
  }
  return out;
}

const PricedProfile* FirstVonNeumann(const std::vector<PricedProfile>& all) {
  for (const PricedProfile& p : all) {
    if (!p.neuromorphic) return &p;
  }
  return nullptr;
}

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

absl::StatusOr<Pricing> Price(const ParsedArgs& args, std::ostream& err,
                              bool keep_going) {
  const std::vector<std::string> hw = args.GetAll("hw");
  if (hw.empty()) {
    return InvalidArgumentError(
        "--hw is required: a catalogue name (see neurowatt profiles) or a "
        "profile file");
  }
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  Pricing p;
  if (auto b = args.Get("batch")) {
    if (!absl::SimpleAtoi(*b, &p.batch) || p.batch <= 0 ||
        p.batch > (int64_t{1} << 40)) {
      return InvalidArgumentError(
          StrCat("--batch ", *b, ": expected a whole number from 1 to 2^40"));
    }
    if (dims->count("batch")) {
      return InvalidArgumentError(
          "--batch and --dim batch=... are both given; use --batch");
    }
    (*dims)["batch"] = p.batch;
  } else if (auto it = dims->find("batch"); it != dims->end()) {
    p.batch = it->second;
  }
  v1::ElementType precision = v1::ELEMENT_TYPE_UNSPECIFIED;
  if (auto s = args.Get("precision")) {
    auto parsed = ParsePrecision(*s);
    if (!parsed.ok()) return parsed.status();
    precision = *parsed;
  }
  // Profiles first: a typo in --hw should not wait for a large model.
  auto profiles = LoadProfiles(hw);
  if (!profiles.ok()) return profiles.status();
  p.profiles = *std::move(profiles);
  bool spiking = false;
  for (const PricedProfile& pp : p.profiles) spiking |= pp.neuromorphic;
  auto spikes = ParseSpikeFlags(args, spiking);
  if (!spikes.ok()) return spikes.status();
  // Stored weights, where an ONNX file holds them, tell which synapses are
  // absent (zero): a spiking chip neither stores nor drives those. Only
  // spiking profiles use that, so only they pay for reading the weights.
  auto model = LoadAndCount(args.positional[0], *dims, precision,
                            /*read_weights=*/spiking);
  if (!model.ok()) {
    if (args.Has("batch") &&
        absl::StrContains(model.status().message(), "named 'batch'")) {
      return InvalidArgumentError(
          StrCat(args.positional[0],
                 ": --batch needs a symbolic 'batch' dimension, and this "
                 "model's inputs have fixed sizes"));
    }
    return model.status();
  }
  p.model = *std::move(model);
  const NetworkCount& count = p.model.count;
  WarnUncounted(args.positional[0], count, err);
  if (spiking) {
    auto activity = ResolveSpikeActivity(count, *spikes, p.batch);
    if (!activity.ok()) {
      return absl::Status(
          activity.status().code(),
          StrCat(args.positional[0], ": ", activity.status().message()));
    }
    p.activity = *std::move(activity);
  }
  if (const PricedProfile* h = FirstVonNeumann(p.profiles)) {
    p.host = &h->von_neumann;
    p.host_name = h->profile.name();
  }

  v1::CostReport& r = p.report;
  r.set_model(count.model);
  r.set_convention("physical");
  v1::Scenario* sc = r.mutable_scenario();
  sc->set_batch(p.batch);
  sc->set_precision(precision);
  for (const auto& [k, v] : p.model.bindings) {
    if (k != "batch") (*sc->mutable_dims())[k] = v;
  }
  if (spiking) *sc->mutable_spikes() = *spikes;
  std::vector<bool> fits;
  for (const PricedProfile& pp : p.profiles) {
    if (pp.neuromorphic) {
      auto cost = EstimateNeuromorphic(count, pp.spiking, *p.activity,
                                       p.activity->knob, p.batch, p.host);
      if (!cost.ok()) {
        const absl::Status st(
            cost.status().code(),
            StrCat(args.positional[0], " on ", pp.profile.name(), ": ",
                   cost.status().message()));
        if (!keep_going) return st;
        p.unpriced.emplace_back(pp.profile.name(), std::string(st.message()));
        fits.push_back(false);
        continue;
      }
      *r.add_hardware() = NeuromorphicReport(
          count, pp.profile, *cost, p.batch, p.activity->coding,
          p.activity->timesteps, p.host_name);
    } else {
      auto cost = EstimateVonNeumann(count, pp.von_neumann);
      if (!cost.ok()) return cost.status();
      *r.add_hardware() =
          VonNeumannReport(count, pp.profile, pp.von_neumann, *cost, p.batch);
    }
    fits.push_back(true);
  }
  // Profiles that could not be priced are dropped, so that profiles and
  // report entries stay parallel; the host pointer moves with its profile.
  std::vector<PricedProfile> fitting;
  for (size_t i = 0; i < p.profiles.size(); ++i) {
    if (fits[i]) fitting.push_back(std::move(p.profiles[i]));
  }
  p.profiles = std::move(fitting);
  const PricedProfile* h = FirstVonNeumann(p.profiles);
  p.host = h ? &h->von_neumann : nullptr;
  return p;
}

namespace {

std::string Note(const v1::BreakEven& b) {
  const std::string& nm = b.neuromorphic();
  const std::string& vn = b.von_neumann();
  if (b.feasible()) {
    const bool nm_low = b.cheaper_below() == nm;
    return absl::StrFormat("below this rate %s is cheaper; above it %s",
                           nm_low ? nm : vn, nm_low ? vn : nm);
  }
  if (b.cheaper_below() == nm) {
    return absl::StrFormat(
        "%s is cheaper at every feasible spike rate: the crossing lies "
        "beyond what its neurons can fire",
        nm);
  }
  return absl::StrFormat(
      "%s is cheaper at every spike rate: %s costs more even with no spikes",
      vn, nm);
}

}  // namespace

absl::Status AddBreakEven(bool ac_mac, Pricing& p) {
  const NetworkCount& count = p.model.count;
  for (size_t i = 0; i < p.profiles.size(); ++i) {
    if (!p.profiles[i].neuromorphic) continue;
    for (size_t j = 0; j < p.profiles.size(); ++j) {
      if (p.profiles[j].neuromorphic) continue;
      const double target =
          p.report.hardware(static_cast<int>(j)).energy_per_inference_j();
      auto point = ac_mac
                       ? SolveAcMacBreakEven(count, p.profiles[i].spiking,
                                             *p.activity, p.batch)
                       : SolveBreakEven(count, p.profiles[i].spiking,
                                        *p.activity, p.batch, p.host, target);
      if (!point.ok()) return point.status();
      v1::BreakEven* b = p.report.add_break_even();
      b->set_knob(point->knob);
      b->set_neuromorphic(p.profiles[i].profile.name());
      b->set_von_neumann(p.profiles[j].profile.name());
      b->set_spikes_per_neuron_per_step(point->spikes_per_neuron_per_step);
      b->set_spikes_per_synapse_per_inference(
          point->spikes_per_synapse_per_inference);
      b->set_feasible(point->feasible);
      b->set_cheaper_below(point->neuromorphic_cheaper_below
                               ? b->neuromorphic()
                               : b->von_neumann());
      b->set_note(Note(*b));
    }
  }
  return absl::OkStatus();
}

}  // namespace neurowatt::cli
