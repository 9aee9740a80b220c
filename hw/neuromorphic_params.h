// A validated neuromorphic profile flattened into plain numbers.
#ifndef NEUROWATT_HW_NEUROMORPHIC_PARAMS_H_
#define NEUROWATT_HW_NEUROMORPHIC_PARAMS_H_

#include <string>

#include "hw/system_params.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

struct NeuromorphicParams {
  std::string name;
  bool all_in = false;  // synaptic_op_j already holds everything else
  double synaptic_op_j = 0;
  double neuron_active_j = 0;
  double neuron_inactive_j = 0;
  double spike_in_core_j = 0;
  double spike_hop_j = 0;
  double static_w = 0;  // per chip
  double host_w = 0;    // per chip in use: management cores, host I/O
  double cores_per_chip = 1;
  double neurons_per_core = 1;
  double synapses_per_core = 1;
  double timestep_s = 0;
  double synaptic_op_s = 0;    // 0 when the profile gives none
  double neuron_update_s = 0;  // 0 when the profile gives none
  SystemParams system;
  double max_fan_in = 0;   // 0: no limit given
  double max_fan_out = 0;  // 0: no limit given
};

// Flattens `profile`, which must have passed ValidateProfile and be of the
// neuromorphic kind. Absent optional figures are 0.
NeuromorphicParams CompileNeuromorphic(const v1::HardwareProfile& profile);

}  // namespace neurowatt

#endif  // NEUROWATT_HW_NEUROMORPHIC_PARAMS_H_
