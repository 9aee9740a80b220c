// Pricing a scenario on many profiles: the one place that turns a model,
// hardware and a v1::Scenario into a v1::CostReport. The first von Neumann
// profile hosts the nodes a spiking chip cannot run; every (neuromorphic,
// von Neumann) pair can get its break-even point.
#ifndef NEUROWATT_ESTIMATORS_PRICING_H_
#define NEUROWATT_ESTIMATORS_PRICING_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "estimators/neuromorphic.h"
#include "estimators/spike_activity.h"
#include "estimators/von_neumann.h"
#include "hw/hardware.h"
#include "model/source.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

struct PricingOptions {
  // A spiking system too small for the network is listed in
  // CostReport::unpriced instead of failing the whole pricing.
  bool keep_going = false;
  // Adds the break-even point of every (neuromorphic, von Neumann) pair.
  bool break_even = false;
  // The literature's compute-only convention (estimators/ac_mac.h) instead
  // of the physical model, for the energies and the break-even points.
  bool ac_mac = false;
};

// One profile's cost under a scenario, or why it has none.
struct ProfileCost {
  const Hardware* hardware = nullptr;
  absl::Status status;  // not OK: not priced (kCapacity: does not fit)
  std::optional<VonNeumannCost> von_neumann;
  std::optional<NeuromorphicCost> neuromorphic;  // covers the batch
};

// Every profile's cost under one scenario: what Price reports and a sweep
// streams.
struct Costs {
  int64_t batch = 1;
  Precision precision;
  // When a profile is neuromorphic: the activity, or why it is wrong.
  std::optional<absl::StatusOr<SpikeActivity>> activity;
  const Hardware* host = nullptr;  // the first von Neumann profile
  // The host's energy for the non-spike-native nodes (the whole batch).
  std::optional<double> host_energy_j;
  std::vector<ProfileCost> profiles;  // parallel to the hardware
};

// Prices `model` on each of `hardware` under `scenario` (see Price). Fails
// only when the batch is wrong for the model; what fails for one profile
// (a precision it has no figures for, a system too small, spike settings
// out of range for the spiking ones) is that profile's status, its message
// without the source's name.
absl::StatusOr<Costs> PriceCosts(const Model& model,
                                 const std::vector<Hardware>& hardware,
                                 const v1::Scenario& scenario);

struct Pricing {
  v1::CostReport report;  // one HardwareCost per priced profile, in order
  // The hardware of each report entry (pointers into the caller's list).
  std::vector<const Hardware*> priced;
  int64_t batch = 1;
  Precision precision;
  std::optional<SpikeActivity> activity;  // when a spiking profile is priced
  const Hardware* host = nullptr;         // the first von Neumann profile
  // The host's energy for the non-spike-native nodes (the whole batch).
  std::optional<double> host_energy_j;
  int64_t chips = 0;  // the scenario's: 0 for auto
};

// Prices `model` on each of `hardware` under `scenario`: batch (0: the
// model's own, 1 unless it was loaded at another), precision (UNSPECIFIED:
// each node's), and, when a profile is neuromorphic, the spike activity
// (timesteps and rate, or measured counts). Errors (InvalidArgument with an
// ErrorSubject detail where an input is at fault) name the source and the
// profile: a batch above 1 for a model with fixed input sizes, counts past
// 64 bits at the batch, spike settings out of range, a precision a profile
// has no figures for, a spiking system too small (unless `keep_going`).
absl::StatusOr<Pricing> Price(const Model& model,
                              const std::vector<Hardware>& hardware,
                              const v1::Scenario& scenario,
                              const PricingOptions& options = {});

// The batch `scenario` prices `model` at, checked as Price checks it.
absl::StatusOr<int64_t> ScenarioBatch(const Model& model,
                                      const v1::Scenario& scenario);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_PRICING_H_
