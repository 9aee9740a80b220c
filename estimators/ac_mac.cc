#include "estimators/ac_mac.h"

namespace neurowatt {

void ApplyAcMac(const NetworkCount& count, int64_t batch,
                v1::CostReport& report) {
  report.set_convention("ac-mac");
  const double per = static_cast<double>(batch);
  for (v1::HardwareCost& h : *report.mutable_hardware()) {
    const bool spiking = h.kind() == "neuromorphic";
    double total = 0;
    for (int i = 0; i < h.layers_size(); ++i) {
      v1::LayerCost* l = h.mutable_layers(i);
      const double e = spiking ? l->ops() * kAcMacAccumulateJ
                               : static_cast<double>(count.layers[i].macs) *
                                     per * kAcMacMacJ;
      l->clear_energy();
      l->clear_levels();
      l->mutable_energy()->set_total(e);
      if (spiking) {
        l->mutable_energy()->set_synaptic_ops(e);
      } else {
        l->mutable_energy()->set_compute(e);
      }
      total += e;
    }
    h.clear_energy();
    h.clear_levels();
    h.mutable_energy()->set_total(total);
    if (spiking) {
      h.mutable_energy()->set_synaptic_ops(total);
    } else {
      h.mutable_energy()->set_compute(total);
    }
    h.set_energy_per_inference_j(total / per);
    h.add_assumptions(
        "Convention ac-mac (compute only): MACs x 4.6 pJ against synaptic "
        "operations x 0.9 pJ, 45 nm fp32 (Horowitz 2014, as syops-counter); "
        "memory, routing, neuron updates and static power are left out.");
  }
}

}  // namespace neurowatt
