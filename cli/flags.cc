#include "cli/flags.h"

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "estimators/system.h"
#include "explore/generation.h"
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
  return WithPhaseFlags(
      {{"hw", '\0', "NAME|PATH", "hardware profile (repeatable)", true},
       {"batch", '\0', "N", "inferences per batch (default 1)"},
       {"precision", '\0', "P",
        "fp32, tf32, fp16, bf16, fp8, int8 or int4 for every layer "
        "(default: the model's)"},
       {"weight-precision", '\0', "P",
        "precision the weights are stored and moved at (default: "
        "--precision); int4 or fp8 weights with fp16 arithmetic are "
        "weight-only quantisation"},
       {"kv-precision", '\0', "P",
        "precision of the KV cache (default: --precision)"},
       {"dim", '\0', "NAME=VALUE", "bind a symbolic dimension (repeatable)",
        true},
       {"chips", '\0', "N|auto",
        "chips in each profile's system (default auto: as few as hold the "
        "network)"},
       {"prompt", '\0', "P",
        "a generation: P prompt tokens prefilled, then --generate G tokens "
        "decoded (time to first token, time per output token, totals)"},
       {"generate", '\0', "G", "tokens generated per sequence (with --prompt)"},
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
        "list every layer instead of folding repeated blocks"}});
}

std::vector<FlagSpec> WithPhaseFlags(std::vector<FlagSpec> flags) {
  flags.push_back({"phase", '\0', "PHASE",
                   "forward (default: the graph as written), prefill (the "
                   "prompt, causal, writing the KV cache), decode (one token "
                   "per sequence) or train (one training step)"});
  flags.push_back({"context", '\0', "N",
                   "decode: tokens already in the KV cache (default: the "
                   "model's seq - 1)"});
  flags.push_back({"optimizer", '\0', "OPT",
                   "train: adam (default; moments at fp32) or sgd"});
  flags.push_back({"recompute", '\0', "",
                   "train: recompute activations in the backward pass "
                   "(checkpoints every sqrt(n) layers) instead of keeping "
                   "them"});
  flags.push_back({"tokens", '\0', "N",
                   "train: tokens of the whole run (steps = N / (batch x "
                   "seq)); totals for the run"});
  return flags;
}

absl::StatusOr<PhaseOptions> ParsePhaseFlags(const ParsedArgs& args,
                                             DimBindings& dims) {
  PhaseOptions p;
  if (auto s = args.Get("phase")) {
    auto phase = ParsePhase(*s);
    if (!phase.ok()) {
      return InvalidArgumentError(
          StrCat("--phase ", *s,
                 ": expected forward, prefill, decode or "
                 "train"));
    }
    p.phase = *phase;
  }
  if (auto c = args.Get("context")) {
    int64_t context = -1;
    if (!absl::SimpleAtoi(*c, &context) || context < 0 ||
        context > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("--context ", *c, ": expected a whole number from 0 to 2^40"));
    }
    if (dims.count(kContextSymbol)) {
      return InvalidArgumentError(
          "--context and --dim context=... are both given; use --context");
    }
    p.context = context;
  } else if (auto it = dims.find(kContextSymbol); it != dims.end()) {
    p.context = it->second;
    dims.erase(it);
  }
  const bool train = p.phase == v1::TRAIN;
  for (const char* flag : {"optimizer", "recompute", "tokens"}) {
    if (args.Has(flag) && !train) {
      return InvalidArgumentError(
          StrCat("--", flag, " describes training: it needs --phase train"));
    }
  }
  if (auto o = args.Get("optimizer")) {
    if (*o == "adam") {
      p.training.set_optimizer(v1::Training::ADAM);
    } else if (*o == "sgd") {
      p.training.set_optimizer(v1::Training::SGD);
    } else {
      return InvalidArgumentError(
          StrCat("--optimizer ", *o, ": expected adam or sgd"));
    }
  }
  p.training.set_recompute(args.Has("recompute"));
  if (auto t = args.Get("tokens")) {
    double tokens = 0;
    if (!absl::SimpleAtod(*t, &tokens) || !(tokens >= 1) || tokens > 1e18) {
      return InvalidArgumentError(
          StrCat("--tokens ", *t,
                 ": expected a number of tokens from 1 to 1e18 "
                 "(e.g. 300e9)"));
    }
    p.training.set_tokens(tokens);
  }
  return p;
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

absl::Status ParseScenarioFlags(const ParsedArgs& args, DimBindings& dims,
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
  struct {
    const char* flag;
    void (v1::Scenario::*set)(v1::ElementType);
  } precisions[] = {{"precision", &v1::Scenario::set_precision},
                    {"weight-precision", &v1::Scenario::set_weight_precision},
                    {"kv-precision", &v1::Scenario::set_kv_precision}};
  for (const auto& [flag, set] : precisions) {
    auto s = args.Get(flag);
    if (!s) continue;
    auto parsed = PricingPrecision(*s);
    if (!parsed.ok()) {
      return InvalidArgumentError(StrCat(
          "--", flag, " ", *s, ": expected one of ", kPricingPrecisions));
    }
    (scenario.*set)(*parsed);
  }
  auto phase = ParsePhaseFlags(args, dims);
  if (!phase.ok()) return phase.status();
  scenario.set_phase(phase->phase);
  if (phase->context) scenario.set_context(*phase->context);
  *scenario.mutable_training() = phase->training;
  if (args.Has("prompt") != args.Has("generate")) {
    return InvalidArgumentError(
        "--prompt P and --generate G go together: a generation prefills P "
        "tokens and generates G");
  }
  if (args.Has("prompt")) {
    if (args.Has("phase")) {
      return InvalidArgumentError(
          "--prompt/--generate price a whole generation (prefill, then "
          "decode); drop --phase");
    }
    int64_t prompt = 0, generate = 0;
    if (!absl::SimpleAtoi(*args.Get("prompt"), &prompt) || prompt < 1 ||
        prompt > kMaxDimension) {
      return InvalidArgumentError(StrCat("--prompt ", *args.Get("prompt"),
                                         ": expected a whole number of "
                                         "tokens from 1 to 2^40"));
    }
    if (!absl::SimpleAtoi(*args.Get("generate"), &generate) || generate < 1 ||
        generate > kMaxDimension) {
      return InvalidArgumentError(StrCat("--generate ", *args.Get("generate"),
                                         ": expected a whole number of "
                                         "tokens from 1 to 2^40"));
    }
    scenario.mutable_generation()->set_prompt(prompt);
    scenario.mutable_generation()->set_generate(generate);
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
  p.read_weights = spiking;
  p.dims = *std::move(dims);
  if (p.scenario.has_generation()) return p;  // loaded per phase
  auto model =
      LoadModel(args.positional[0], p.dims, spiking, PhaseOf(p.scenario));
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
  if (in->scenario.has_generation()) {
    auto g = PriceGeneration(args.positional[0], in->dims, in->read_weights,
                             in->hardware, in->scenario, options);
    if (!g.ok()) return g.status();
    WarnUncounted(g->prefill.source, g->prefill.count, err);
    auto text = RenderReport(g->pricing.report, g->prefill, format, compare,
                             args.Has("per-layer"));
    if (!text.ok()) return text.status();
    return WriteOutput(args.Get("output"), *text, out);
  }
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
  for (const std::string& a : count.assumptions) {
    err << "neurowatt: warning: " << source << ": assumed: " << a << "\n";
  }
  const std::string summary = UncountedSummary(count);
  if (summary.empty()) return;
  err << "neurowatt: warning: " << source
      << ": not counted (unknown ops, listed as uncounted): " << summary
      << "\n";
}

}  // namespace neurowatt::cli
