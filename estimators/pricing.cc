#include "estimators/pricing.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "estimators/ac_mac.h"
#include "estimators/break_even.h"
#include "estimators/cost_report.h"
#include "estimators/neuromorphic.h"
#include "estimators/von_neumann.h"
#include "hw/profile.h"
#include "model/batch.h"
#include "model/training.h"
#include "util/error.h"

namespace neurowatt {
namespace {

using absl::StrCat;

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

// Adds the break-even point of every (neuromorphic, von Neumann) pair of
// `p`: physical, or under the compute-only ac-mac convention.
absl::Status AddBreakEven(const NetworkCount& count, bool ac_mac, Pricing& p) {
  for (size_t i = 0; i < p.priced.size(); ++i) {
    if (!p.priced[i]->neuromorphic) continue;
    const NeuromorphicParams& chip = p.priced[i]->spiking;
    for (size_t j = 0; j < p.priced.size(); ++j) {
      if (p.priced[j]->neuromorphic) continue;
      const double target =
          p.report.hardware(static_cast<int>(j)).energy_per_inference_j();
      auto point = ac_mac
                       ? SolveAcMacBreakEven(count, chip, *p.activity, p.batch)
                       : SolveBreakEven(count, chip, *p.activity, p.batch,
                                        p.host_energy_j, target, p.chips);
      if (!point.ok()) return point.status();
      v1::BreakEven* b = p.report.add_break_even();
      b->set_knob(point->knob);
      b->set_neuromorphic(p.priced[i]->name());
      b->set_von_neumann(p.priced[j]->name());
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

// Tokens per second and energy per token of a language model's entry, and
// the totals of a training run.
void AddTokenFigures(const Model& model, int64_t batch, v1::HardwareCost& h) {
  if (model.tokens <= 0) return;
  const double tokens =
      static_cast<double>(model.tokens) * static_cast<double>(batch);
  if (h.latency_s() > 0) h.set_tokens_per_second(tokens / h.latency_s());
  h.set_energy_per_token_j(h.energy().total() / tokens);
  if (model.phase != v1::TRAIN) return;
  const TrainingRun run =
      RunOf(model.count, model.tokens, batch, model.training);
  v1::TrainingCost* t = h.mutable_training();
  t->set_optimizer(OptimizerName(model.training.optimizer()));
  t->set_recompute(model.training.recompute());
  t->set_tokens_per_step(run.tokens_per_step);
  t->set_steps(run.steps);
  t->set_flops_per_step(run.flops_per_step);
  t->set_flops(run.flops());
  t->set_seconds_per_step(h.latency_s());
  t->set_total_s(h.latency_s() * run.steps);
  t->set_energy_per_step_j(h.energy().total());
  t->set_total_energy_j(h.energy().total() * run.steps);
}

}  // namespace

absl::StatusOr<int64_t> ScenarioBatch(const Model& model,
                                      const v1::Scenario& scenario) {
  const int64_t batch = scenario.batch() == 0 ? model.batch : scenario.batch();
  if (batch < 1 || batch > kMaxDimension) {
    return absl::InvalidArgumentError(
        StrCat("batch ", batch, ": expected a whole number from 1 to 2^40"));
  }
  if (batch > 1 && !model.has_batch_dimension()) {
    return WithDetail(absl::InvalidArgumentError(StrCat(
                          model.source,
                          ": the model's inputs have fixed sizes, so it has "
                          "no batch dimension to price a batch of ",
                          batch, " on")),
                      ErrorSubject::kNoBatchDimension);
  }
  // The counts at the batch must fit in 64 bits, as if it had been built.
  if (auto scaled = ScaleWorkload(model.count.total, batch); !scaled.ok()) {
    return Prefixed(model.source, scaled.status());
  }
  return batch;
}

absl::StatusOr<Costs> PriceCosts(const Model& model,
                                 const std::vector<Hardware>& hardware,
                                 const v1::Scenario& scenario) {
  Costs c;
  auto batch = ScenarioBatch(model, scenario);
  if (!batch.ok()) return batch.status();
  c.batch = *batch;
  c.precision = Precision(scenario.precision(), scenario.weight_precision(),
                          scenario.kv_precision());
  if (scenario.chips() < 0 || scenario.chips() > kMaxSystemChips) {
    return WithDetail(
        absl::InvalidArgumentError(
            StrCat("chips '", scenario.chips(), "': expected ", kChipChoices)),
        ErrorSubject::kChips);
  }
  const NetworkCount& count = model.count;
  c.host = FirstVonNeumann(hardware);
  c.profiles.reserve(hardware.size());
  // What the host charges for the non-native nodes does not depend on the
  // spike activity: priced once, when the first spiking chip needs it.
  std::optional<absl::Status> host_status;
  for (const Hardware& h : hardware) {
    ProfileCost& pc = c.profiles.emplace_back();
    pc.hardware = &h;
    if (!h.neuromorphic) {
      auto cost = EstimateVonNeumann(count, h.von_neumann, c.batch, c.precision,
                                     nullptr, scenario.chips());
      if (cost.ok()) {
        pc.von_neumann = *std::move(cost);
      } else {
        pc.status = cost.status();
      }
      continue;
    }
    if (model.phase == v1::TRAIN) {
      pc.status = WithDetail(
          absl::InvalidArgumentError(
              "a training step is not priced on spiking hardware: on-chip "
              "learning is not modelled"),
          ErrorSubject::kPhase);
      continue;
    }
    if (!c.activity) {
      c.activity = ResolveSpikeActivity(count, scenario.spikes());
    }
    if (!c.activity->ok()) {
      pc.status = c.activity->status();
      continue;
    }
    if (c.host != nullptr && !host_status) {
      auto e = HostEnergy(count, c.host->von_neumann, c.batch, c.precision);
      host_status = e.status();
      if (e.ok()) c.host_energy_j = *e;
    }
    if (host_status && !host_status->ok()) {
      pc.status = *host_status;
      continue;
    }
    const SpikeActivity& activity = **c.activity;
    auto cost =
        EstimateNeuromorphic(count, h.spiking, activity, activity.knob, c.batch,
                             c.host_energy_j, scenario.chips());
    if (cost.ok()) {
      pc.neuromorphic = *std::move(cost);
    } else {
      pc.status = cost.status();
    }
  }
  return c;
}

absl::StatusOr<Pricing> Price(const Model& model,
                              const std::vector<Hardware>& hardware,
                              const v1::Scenario& scenario,
                              const PricingOptions& options) {
  auto costs = PriceCosts(model, hardware, scenario);
  if (!costs.ok()) return costs.status();
  Pricing p;
  p.batch = costs->batch;
  p.precision = costs->precision;
  p.host = costs->host;
  p.host_energy_j = costs->host_energy_j;
  p.chips = scenario.chips();
  const bool spiking = costs->activity.has_value();
  if (spiking) {
    if (!costs->activity->ok()) {
      return Prefixed(model.source, costs->activity->status());
    }
    p.activity = **costs->activity;
  }
  const NetworkCount& count = model.count;
  v1::CostReport& r = p.report;
  r.set_model(count.model);
  r.set_convention("physical");
  v1::Scenario* sc = r.mutable_scenario();
  sc->set_batch(p.batch);
  sc->set_precision(p.precision.compute);
  sc->set_weight_precision(p.precision.weights);
  sc->set_kv_precision(p.precision.kv);
  // The model was loaded for its phase: what it was counted for is what
  // the report describes.
  sc->set_phase(model.phase);
  if (model.phase == v1::DECODE || model.context > 0) {
    sc->set_context(model.context);
  }
  if (model.phase == v1::TRAIN) *sc->mutable_training() = model.training;
  if (scenario.has_generation()) {
    *sc->mutable_generation() = scenario.generation();
  }
  sc->set_chips(p.chips);
  for (const auto& [k, v] : model.DimsAt(p.batch)) {
    if (k != "batch") (*sc->mutable_dims())[k] = v;
  }
  if (spiking) *sc->mutable_spikes() = scenario.spikes();
  for (const ProfileCost& pc : costs->profiles) {
    const Hardware& h = *pc.hardware;
    if (!pc.status.ok()) {
      const auto detail = DetailOf(pc.status);
      const bool too_small =
          detail && (detail->subject == ErrorSubject::kCapacity ||
                     detail->subject == ErrorSubject::kPhase);
      if (!options.keep_going || !too_small) {
        return Prefixed(StrCat(model.source, " on ", h.name()), pc.status);
      }
      v1::Unpriced* u = r.add_unpriced();
      u->set_name(h.name());
      u->set_kind(ProfileKindName(h.profile));
      u->set_reason(std::string(pc.status.message()));
      u->set_does_not_fit(detail->subject == ErrorSubject::kCapacity);
      if (h.neuromorphic && u->does_not_fit()) {
        const ChipsNeeded need = ChipsFor(count, h.spiking);
        u->set_cores_needed(need.cores);
        u->set_chips_needed(need.chips);
      }
      u->set_chips_available(scenario.chips() > 0
                                 ? static_cast<double>(scenario.chips())
                                 : h.system().described_chips);
      continue;
    }
    if (pc.von_neumann) {
      *r.add_hardware() = VonNeumannReport(count, h.profile, h.von_neumann,
                                           *pc.von_neumann, p.batch);
      AddTokenFigures(model, p.batch, *r.mutable_hardware()->rbegin());
    } else {
      *r.add_hardware() =
          NeuromorphicReport(count, h.profile, h.spiking, *pc.neuromorphic,
                             p.batch, p.activity->coding, p.activity->timesteps,
                             p.host != nullptr ? p.host->name() : "");
      AddTokenFigures(model, p.batch, *r.mutable_hardware()->rbegin());
    }
    p.priced.push_back(&h);
  }
  if (options.ac_mac) ApplyAcMac(count, p.batch, r);
  if (options.break_even) {
    if (auto s = AddBreakEven(count, options.ac_mac, p); !s.ok()) return s;
  }
  return p;
}

}  // namespace neurowatt
