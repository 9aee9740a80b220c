// The estimators' results as a v1::CostReport: the one form every renderer
// (table, JSON, CSV, protobuf) reads.
#ifndef NEUROWATT_ESTIMATORS_COST_REPORT_H_
#define NEUROWATT_ESTIMATORS_COST_REPORT_H_

#include <cstdint>

#include "estimators/neuromorphic.h"
#include "estimators/von_neumann.h"
#include "model/workload.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

// What sets the time: "compute" or the memory level's name for a von
// Neumann `bound`; "busiest core" or "timesteps" on a spiking chip.
std::string BoundName(const VonNeumannParams& hw, int bound);
std::string BoundName(const NeuromorphicCost& cost);

// Describes `cost` of `count` on `profile` (whose flattened figures are
// `params`) for a batch of `batch` inferences. Also lists the model's
// assumptions, the profile's assumed figures, and those of the system model
// when it runs on more than one chip.
v1::HardwareCost VonNeumannReport(const NetworkCount& count,
                                  const v1::HardwareProfile& profile,
                                  const VonNeumannParams& params,
                                  const VonNeumannCost& cost, int64_t batch);

// Describes `cost` of `count` on the spiking chip `profile` (whose
// flattened figures are `params`) for a batch of `batch`, with the activity
// `coding` at `timesteps`; `host` names the von Neumann profile that priced
// the non-native nodes ("" when none did).
v1::HardwareCost NeuromorphicReport(const NetworkCount& count,
                                    const v1::HardwareProfile& profile,
                                    const NeuromorphicParams& params,
                                    const NeuromorphicCost& cost, int64_t batch,
                                    const std::string& coding,
                                    int64_t timesteps, const std::string& host);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_COST_REPORT_H_
