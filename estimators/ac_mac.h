// The literature's compute-only convention (reference-numbers.md, "SNN
// versus ANN conventions"; syops-counter): a conventional processor costs
// 4.6 pJ per MAC and a spiking chip 0.9 pJ per synaptic operation, 45 nm
// fp32 (Horowitz 2014); memory, routing, neuron updates and static power
// are left out. neurowatt offers it, labelled, so that published "N x more
// efficient" claims can be reproduced and set beside the physical model.
#ifndef NEUROWATT_ESTIMATORS_AC_MAC_H_
#define NEUROWATT_ESTIMATORS_AC_MAC_H_

#include <cstdint>

#include "model/workload.h"
#include "neurowatt/v1/cost_report.pb.h"

namespace neurowatt {

inline constexpr double kAcMacMacJ = 4.6e-12;
inline constexpr double kAcMacAccumulateJ = 0.9e-12;

// Rewrites every entry of `report` (priced on `count`, per inference, for
// `batch` inferences) to the convention: each layer's energy becomes its
// MACs x 4.6 pJ (von Neumann) or its synaptic operations x 0.9 pJ
// (neuromorphic), the totals their sums, and each entry says so in its
// assumptions. Sets report.convention to "ac-mac".
void ApplyAcMac(const NetworkCount& count, int64_t batch,
                v1::CostReport& report);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_AC_MAC_H_
