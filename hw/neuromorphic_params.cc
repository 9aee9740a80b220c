#include "hw/neuromorphic_params.h"

namespace neurowatt {

NeuromorphicParams CompileNeuromorphic(const v1::HardwareProfile& profile) {
  const v1::NeuromorphicProfile& n = profile.neuromorphic();
  NeuromorphicParams p;
  p.name = profile.name();
  p.all_in = n.synaptic_op_energy_is_all_in();
  p.synaptic_op_j = n.synaptic_op_energy_j().value();
  p.neuron_active_j = n.neuron_update_active_energy_j().value();
  p.neuron_inactive_j = n.neuron_update_inactive_energy_j().value();
  p.spike_in_core_j = n.spike_within_core_energy_j().value();
  p.spike_hop_j = n.spike_hop_energy_j().value();
  p.static_w = n.static_power_w().value();
  p.host_w = n.host_power_w().value();
  p.cores_per_chip = n.cores_per_chip().value();
  p.neurons_per_core = n.neurons_per_core().value();
  p.synapses_per_core = n.synapses_per_core().value();
  p.timestep_s = n.timestep_s().value();
  p.synaptic_op_s = n.synaptic_op_time_s().value();
  p.neuron_update_s = n.neuron_update_time_s().value();
  p.system = CompileSystem(profile);
  p.max_fan_in = n.max_fan_in().value();
  p.max_fan_out = n.max_fan_out().value();
  return p;
}

}  // namespace neurowatt
