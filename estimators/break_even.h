// Where a neuromorphic chip and a von Neumann processor cost the same per
// inference, as a spike rate. Energy on the spiking chip is affine in the
// activity knob except where the busiest core, not the timestep, sets the
// time; it is then the larger of two affine functions, and the crossing is
// solved exactly on each.
#ifndef NEUROWATT_ESTIMATORS_BREAK_EVEN_H_
#define NEUROWATT_ESTIMATORS_BREAK_EVEN_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "estimators/ac_mac.h"
#include "estimators/neuromorphic.h"
#include "estimators/spike_activity.h"

namespace neurowatt {

struct BreakEvenPoint {
  double knob = 0;  // may lie outside [0, knob_max]; +-inf when none
  bool feasible = false;
  double spikes_per_neuron_per_step = 0;
  double spikes_per_synapse_per_inference = 0;
  // True when the spiking chip is the cheaper one below the knob (and so
  // everywhere when the knob is above the feasible range).
  bool neuromorphic_cheaper_below = false;
};

// Solves energy_per_inference(chip, x) = `target_j` (joules per inference)
// for the knob x of `spikes`, `count` (per inference) run `batch` at a time
// with the non-spike-native nodes at `host_energy_j` (see
// EstimateNeuromorphic) on a system of `chips` (0: as many as it needs).
// Fails when the system cannot hold the network.
absl::StatusOr<BreakEvenPoint> SolveBreakEven(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, int64_t batch,
    std::optional<double> host_energy_j, double target_j, int64_t chips = 0);

// The same crossing under the compute-only convention (ac_mac.h): MACs x 4.6 pJ
// against synaptic operations x 0.9 pJ.
absl::StatusOr<BreakEvenPoint> SolveAcMacBreakEven(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, int64_t batch);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_BREAK_EVEN_H_
