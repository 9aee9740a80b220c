// The neuromorphic estimator: prices a counted network as a spiking network
// on a neuromorphic chip. Pure: no I/O, no globals; the model is in
// docs/neuromorphic-model.md.
//
// Synaptic operations = spikes into each layer x its fan-out (MACs / input
// elements, so convolutions fan out over kernel positions); neuron updates
// = neurons x timesteps, active and inactive priced apart; every spike is
// delivered in its core and routed over the core grid; static power x chips
// x time. Work a spiking chip cannot do is listed and priced on a von
// Neumann host when one is given.
#ifndef NEUROWATT_ESTIMATORS_NEUROMORPHIC_H_
#define NEUROWATT_ESTIMATORS_NEUROMORPHIC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "estimators/spike_activity.h"
#include "estimators/system.h"
#include "hw/neuromorphic_params.h"
#include "hw/von_neumann_params.h"
#include "model/batch.h"
#include "model/workload.h"

namespace neurowatt {

struct NeuromorphicLayerCost {
  double synaptic_ops = 0;
  double spikes = 0;  // emitted by the layer's neurons
  double active_updates = 0;
  double inactive_updates = 0;
  double hops = 0;  // per spike, to the next layer's cores
  // Per spike: links crossed to reach the next layer's chips, within a node
  // and between nodes.
  double chip_crossings = 0;
  double node_crossings = 0;
  int64_t cores = 0;
  // Joules.
  double synaptic = 0;
  double neuron = 0;
  double routing = 0;
  double interconnect = 0;  // spikes sent between chips
};

struct NeuromorphicCost {
  std::vector<NeuromorphicLayerCost> layers;  // parallel to the count
  double synaptic_ops = 0;
  double spikes = 0;  // network input included
  double active_updates = 0;
  double inactive_updates = 0;
  // Joules, whole batch.
  double synaptic = 0;
  double neuron = 0;
  double routing = 0;
  double static_energy = 0;
  double interconnect = 0;  // spikes sent between chips
  double non_native = 0;    // on the host; 0 without one
  // Chips in use x host_power_w x time: management cores and host I/O.
  double host = 0;
  // Seconds: the largest of timesteps x timestep, the busiest core's work
  // and the links' traffic spread over the chips.
  double time_s = 0;
  double steps_time_s = 0;
  double busiest_core_s = 0;
  double link_time_s = 0;
  double link_bytes = 0;      // sent between chips
  double static_power_w = 0;  // chips x static power per chip
  int64_t cores = 0;
  int64_t chips = 0;
  SystemShape system;
  std::vector<size_t> non_native_layers;  // indices into the count
  std::vector<std::string> notes;         // limits the model does not enforce

  double total() const {
    return synaptic + neuron + routing + static_energy + interconnect +
           non_native + host;
  }
};

// The cores and chips `count` needs on `chip`: each layer with neurons
// takes the share of cores its neurons (per inference) or its non-zero
// synapses need. `cores` may be astronomically large.
struct ChipsNeeded {
  double cores = 0;
  double chips = 0;
};
ChipsNeeded ChipsFor(const NetworkCount& count, const NeuromorphicParams& chip);

// The von Neumann host's energy (joules, the whole batch) for the nodes of
// `count` that are not spike-native (SpikeNative), with every
// floating-point tensor at `precision`. It does not depend on the spike
// activity, so a caller prices it once per scenario.
absl::StatusOr<double> HostEnergy(const NetworkCount& count,
                                  const VonNeumannParams& host, int64_t batch,
                                  const Precision& precision);

// Prices `count` (counted per inference) for `batch` inferences on `chip`
// with the activity `spikes` evaluated at knob `x`. `host_energy_j`, when
// given (HostEnergy), is what a von Neumann host charges for the nodes that
// are not spike-native; without it they are listed but not priced.
// `chips` sizes the system (ShapeNeuromorphicSystem): 0 for the chips the
// network needs, else that many, all paying static power. Fails
// (InvalidArgument, with an ErrorSubject::kCapacity detail) when the
// network needs more chips than that, saying by how much.
absl::StatusOr<NeuromorphicCost> EstimateNeuromorphic(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, double x, int64_t batch,
    std::optional<double> host_energy_j, int64_t chips = 0);

// The model's assumptions in one line each, for reports.
const std::vector<std::string>& NeuromorphicAssumptions();

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_NEUROMORPHIC_H_
