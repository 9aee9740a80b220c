#include "explore/generation.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "util/error.h"

namespace neurowatt {
namespace {

absl::Status GenerationError(absl::string_view source, absl::string_view why) {
  return WithDetail(absl::InvalidArgumentError(absl::StrCat(source, ": ", why)),
                    ErrorSubject::kPhase);
}

// Time and energy of one decode step, by profile.
struct Step {
  double seconds = 0, joules = 0;
};

}  // namespace

absl::StatusOr<GenerationPricing> PriceGeneration(
    absl::string_view source, const DimBindings& dims, bool read_weights,
    const std::vector<Hardware>& hardware, const v1::Scenario& scenario,
    const PricingOptions& options) {
  const int64_t prompt = scenario.generation().prompt();
  const int64_t generate = scenario.generation().generate();
  if (prompt < 1 || generate < 1 || prompt > kMaxDimension ||
      generate > kMaxDimension) {
    return GenerationError(
        source, absl::StrCat("a generation needs a prompt and generated "
                             "tokens from 1 to 2^40, got ",
                             prompt, " and ", generate));
  }
  if (dims.contains(kSeqSymbol)) {
    return GenerationError(
        source, "a generation's prompt gives seq: do not bind it as well");
  }
  if (absl::EndsWithIgnoreCase(source, ".onnx")) {
    return GenerationError(
        source,
        "a generation prices a preset or native architecture, whose seq and "
        "context neurowatt binds; for an ONNX decoder price the prefill and "
        "decode phases separately");
  }
  GenerationPricing out;
  DimBindings at_prompt = dims;
  at_prompt[kSeqSymbol] = prompt;
  PhaseOptions prefill;
  prefill.phase = v1::PREFILL;
  auto model = LoadModel(source, at_prompt, read_weights, prefill);
  if (!model.ok()) return model.status();
  v1::Scenario sc = scenario;
  sc.set_phase(v1::PREFILL);
  auto priced = Price(*model, hardware, sc, options);
  if (!priced.ok()) return priced.status();
  out.prefill = *std::move(model);
  out.pricing = *std::move(priced);

  // The decode steps: contexts prompt .. prompt + steps - 1, sampled.
  const int64_t steps = generate - 1;
  std::map<std::string, double> seconds, joules;  // summed over the steps
  if (steps > 0) {
    const int samples = static_cast<int>(std::min<int64_t>(steps, 5));
    std::vector<double> at(samples);
    std::vector<std::map<std::string, Step>> cost(samples);
    PricingOptions quiet = options;
    quiet.break_even = false;
    for (int s = 0; s < samples; ++s) {
      const int64_t offset =
          samples == 1 ? 0
                       : static_cast<int64_t>(
                             std::llround(static_cast<double>(steps - 1) * s /
                                          static_cast<double>(samples - 1)));
      at[s] = static_cast<double>(offset);
      PhaseOptions decode;
      decode.phase = v1::DECODE;
      decode.context = prompt + offset;
      auto step = LoadModel(source, dims, read_weights, decode);
      if (!step.ok()) return step.status();
      v1::Scenario dsc = scenario;
      dsc.set_phase(v1::DECODE);
      auto p = Price(*step, hardware, dsc, quiet);
      if (!p.ok()) return p.status();
      for (const v1::HardwareCost& h : p->report.hardware()) {
        cost[s][h.name()] = {h.latency_s(), h.energy().total()};
      }
    }
    for (const auto& [name, first] : cost[0]) {
      double t = 0, e = 0;
      if (samples == steps) {  // every step priced
        for (int s = 0; s < samples; ++s) {
          t += cost[s][name].seconds;
          e += cost[s][name].joules;
        }
      } else {
        // sum over i of f(i) ~ trapezoid integral over [0, steps - 1] plus
        // half of each end (exact for affine f).
        for (int s = 0; s + 1 < samples; ++s) {
          const double w = (at[s + 1] - at[s]) / 2;
          t += w * (cost[s][name].seconds + cost[s + 1][name].seconds);
          e += w * (cost[s][name].joules + cost[s + 1][name].joules);
        }
        t += (cost[0][name].seconds + cost[samples - 1][name].seconds) / 2;
        e += (cost[0][name].joules + cost[samples - 1][name].joules) / 2;
      }
      seconds[name] = t;
      joules[name] = e;
    }
  }
  const double batch = static_cast<double>(out.pricing.batch);
  v1::CostReport& r = out.pricing.report;
  *r.mutable_scenario()->mutable_generation() = scenario.generation();
  for (v1::HardwareCost& h : *r.mutable_hardware()) {
    v1::GenerationCost* g = h.mutable_generation();
    g->set_prompt_tokens(prompt);
    g->set_generated_tokens(generate);
    g->set_time_to_first_token_s(h.latency_s());
    if (steps > 0 && !seconds.count(h.name())) {
      return GenerationError(source, absl::StrCat(h.name(),
                                                  " prices the prefill but "
                                                  "not the decode steps"));
    }
    const double decode_s = steps > 0 ? seconds[h.name()] : 0;
    const double decode_j = steps > 0 ? joules[h.name()] : 0;
    g->set_time_per_output_token_s(
        steps > 0 ? decode_s / static_cast<double>(steps) : 0);
    g->set_total_s(h.latency_s() + decode_s);
    g->set_prefill_energy_j(h.energy().total());
    g->set_decode_energy_j(decode_j);
    g->set_energy_j(h.energy().total() + decode_j);
    const double tokens = static_cast<double>(generate) * batch;
    g->set_tokens_per_second(g->total_s() > 0 ? tokens / g->total_s() : 0);
    g->set_energy_per_token_j(g->energy_j() / tokens);
  }
  return out;
}

}  // namespace neurowatt
