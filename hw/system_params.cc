#include "hw/system_params.h"

namespace neurowatt {
namespace {

LinkParams CompileLink(bool present, const v1::Interconnect& l) {
  if (!present) return {};
  return {true, l.name(), l.bandwidth_bytes_per_s().value(),
          l.latency_s().value(), l.energy_j_per_bit().value()};
}

}  // namespace

SystemParams CompileSystem(const v1::HardwareProfile& profile) {
  SystemParams out;
  if (!profile.has_system()) {
    if (profile.has_neuromorphic() && profile.neuromorphic().has_max_chips()) {
      out.described_chips = profile.neuromorphic().max_chips().value();
    }
    return out;
  }
  const v1::SystemProfile& s = profile.system();
  out.topology = s.topology();
  if (s.has_chips()) out.described_chips = s.chips().value();
  if (s.has_chips_per_node()) {
    out.chips_per_node = static_cast<int64_t>(s.chips_per_node().value());
  }
  out.intra_node = CompileLink(s.has_intra_node(), s.intra_node());
  out.inter_node = CompileLink(s.has_inter_node(), s.inter_node());
  out.node_static_w = s.node_static_power_w().value();
  out.spike_message_bits = s.spike_message_bits().value();
  return out;
}

}  // namespace neurowatt
