#include "estimators/break_even.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace neurowatt {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The x where a + b x reaches `target`, +-inf when it never does.
double Reach(double a, double b, double target) {
  if (b > 0) return (target - a) / b;
  return a >= target ? -kInf : kInf;
}

// Fills the rates at `p.knob` from the two evaluations at x = 0 and 1.
void Describe(const NetworkCount& count, const SpikeActivity& spikes,
              int64_t batch, const NeuromorphicCost& at0,
              const NeuromorphicCost& at1, BreakEvenPoint& p) {
  // Neuron instances for the batch (the count is per inference).
  double neurons = 0, synapses = 0, fired0 = 0, fired1 = 0;
  for (size_t i = 0; i < count.layers.size(); ++i) {
    neurons += static_cast<double>(count.layers[i].neuron_instances) *
               static_cast<double>(batch);
    synapses += static_cast<double>(count.layers[i].synapses);
    fired0 += at0.layers[i].spikes;
    fired1 += at1.layers[i].spikes;
  }
  const double x = p.knob;
  p.feasible = std::isfinite(x) && x >= 0 && x <= spikes.knob_max;
  if (!std::isfinite(x)) {
    // No crossing at any rate: the rates are "infinite" in its direction.
    p.spikes_per_neuron_per_step = x;
    p.spikes_per_synapse_per_inference = x;
    return;
  }
  const double steps = static_cast<double>(spikes.timesteps);
  const double fired = fired0 + (fired1 - fired0) * x;
  p.spikes_per_neuron_per_step = neurons > 0 ? fired / neurons / steps : 0;
  const double ops =
      at0.synaptic_ops + (at1.synaptic_ops - at0.synaptic_ops) * x;
  // Synapses are stored once; synaptic operations cover the batch.
  p.spikes_per_synapse_per_inference =
      synapses > 0 ? ops / synapses / static_cast<double>(batch) : 0;
}

}  // namespace

absl::StatusOr<BreakEvenPoint> SolveBreakEven(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, int64_t batch,
    std::optional<double> host_energy_j, double target_j, int64_t chips) {
  const auto& host = host_energy_j;
  auto at0 = EstimateNeuromorphic(count, chip, spikes, 0, batch, host, chips);
  if (!at0.ok()) return at0.status();
  auto at1 = EstimateNeuromorphic(count, chip, spikes, 1, batch, host, chips);
  if (!at1.ok()) return at1.status();
  // Energy = D(x) + P max(steps time, busiest core time(x), links' time(x)),
  // D and both times affine in x, P the chips' static power.
  const double target = target_j * static_cast<double>(batch);
  const double d0 = at0->total() - at0->static_energy;
  const double d1 = at1->total() - at1->static_energy;
  const double power = at0->static_power_w;
  const double steps_line = d0 + power * at0->steps_time_s;
  const double busy0 = d0 + power * at0->busiest_core_s;
  const double busy1 = d1 + power * at1->busiest_core_s;
  const double link0 = d0 + power * at0->link_time_s;
  const double link1 = d1 + power * at1->link_time_s;
  BreakEvenPoint p;
  p.knob = std::min({Reach(steps_line, d1 - d0, target),
                     Reach(busy0, busy1 - busy0, target),
                     Reach(link0, link1 - link0, target)});
  p.neuromorphic_cheaper_below = at0->total() < target;
  // The busiest core can change with the rate, which bends the time line;
  // when the two-point solution misses, bisect on the estimator itself
  // (energy never falls as the rate grows).
  auto excess = [&](double x) -> absl::StatusOr<double> {
    auto c = EstimateNeuromorphic(count, chip, spikes, x, batch, host, chips);
    if (!c.ok()) return c.status();
    return c->total() - target;
  };
  if (std::isfinite(p.knob)) {
    auto miss = excess(p.knob);
    if (!miss.ok()) return miss.status();
    if (std::abs(*miss) > 1e-9 * target) {
      double lo = std::min(0.0, p.knob), hi = std::max(1.0, p.knob);
      for (int i = 0; i < 64; ++i) {  // widen until the crossing is inside
        auto a = excess(lo), b = excess(hi);
        if (!a.ok()) return a.status();
        if (!b.ok()) return b.status();
        if (*a <= 0 && *b >= 0) break;
        if (*a > 0) lo = 2 * lo - 1;
        if (*b < 0) hi = 2 * hi + 1;
      }
      for (int i = 0; i < 200; ++i) {
        const double mid = (lo + hi) / 2;
        auto m = excess(mid);
        if (!m.ok()) return m.status();
        (*m < 0 ? lo : hi) = mid;
      }
      p.knob = (lo + hi) / 2;
    }
  }
  Describe(count, spikes, batch, *at0, *at1, p);
  return p;
}

absl::StatusOr<BreakEvenPoint> SolveAcMacBreakEven(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, int64_t batch) {
  auto at0 = EstimateNeuromorphic(count, chip, spikes, 0, batch, std::nullopt);
  if (!at0.ok()) return at0.status();
  auto at1 = EstimateNeuromorphic(count, chip, spikes, 1, batch, std::nullopt);
  if (!at1.ok()) return at1.status();
  const double target = static_cast<double>(count.total.macs) *
                        static_cast<double>(batch) * kAcMacMacJ;
  BreakEvenPoint p;
  p.knob = Reach(at0->synaptic_ops * kAcMacAccumulateJ,
                 (at1->synaptic_ops - at0->synaptic_ops) * kAcMacAccumulateJ,
                 target);
  p.neuromorphic_cheaper_below = at0->synaptic_ops * kAcMacAccumulateJ < target;
  Describe(count, spikes, batch, *at0, *at1, p);
  return p;
}

}  // namespace neurowatt
