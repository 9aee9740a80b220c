// Where a neuromorphic chip and a von Neumann processor cost the same per
// inference, as a spike rate. Energy on the spiking chip is affine in the
// activity knob except where the busiest core, not the timestep, sets the
// time; it is then the larger of two affine functions, and the crossing is
// solved exactly on each.
#ifndef NEUROWATT_ESTIMATORS_BREAK_EVEN_H_
#define NEUROWATT_ESTIMATORS_BREAK_EVEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
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
// for the knob x of `spikes`. Fails when the chip cannot hold the network.
absl::StatusOr<BreakEvenPoint> SolveBreakEven(const NetworkCount& count,
                                              const NeuromorphicParams& chip,
                                              const SpikeActivity& spikes,
                                              int64_t batch,
                                              const VonNeumannParams* host,
                                              double target_j);

// The literature's compute-only convention (reference-numbers.md, "SNN
// versus ANN conventions"; syops-counter): a MAC costs 4.6 pJ and an
// accumulate 0.9 pJ, 45 nm fp32 (Horowitz 2014).
inline constexpr double kAcMacMacJ = 4.6e-12;
inline constexpr double kAcMacAccumulateJ = 0.9e-12;

// The same crossing under that convention: MACs x 4.6 pJ against synaptic
// operations x 0.9 pJ.
absl::StatusOr<BreakEvenPoint> SolveAcMacBreakEven(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, int64_t batch);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_BREAK_EVEN_H_
