// How a profile's chips join into a system, flattened into plain numbers:
// what `--chips N|auto` sizes and the estimators price links with.
#ifndef NEUROWATT_HW_SYSTEM_PARAMS_H_
#define NEUROWATT_HW_SYSTEM_PARAMS_H_

#include <cstdint>
#include <string>

#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

// The most chips a system may be sized to: far beyond any built (Hala
// Point has 1,152 chips, the largest GPU clusters ~10^5), small enough that
// placement and collectives stay in exact integers.
inline constexpr int64_t kMaxSystemChips = 10'000'000;

struct LinkParams {
  bool present = false;
  std::string name;
  double bytes_per_s = 0;  // per chip, one direction
  double latency_s = 0;    // per message
  double j_per_bit = 0;
};

struct SystemParams {
  std::string topology;
  double described_chips = 1;  // the largest system of this kind described
  int64_t chips_per_node = 1;
  LinkParams intra_node;  // between chips of a node
  LinkParams inter_node;  // between nodes
  double node_static_w = 0;
  double spike_message_bits = 0;  // 0: not given

  // The link between two chips in the same node or in different nodes: the
  // other one when the profile describes only one (a chip-to-chip mesh
  // that spans boards); null when it describes none.
  const LinkParams* LinkBetween(bool same_node) const {
    const LinkParams& l = same_node ? intra_node : inter_node;
    const LinkParams& other = same_node ? inter_node : intra_node;
    return l.present ? &l : other.present ? &other : nullptr;
  }
};

// Flattens `profile.system()` (validated by ValidateProfile); a profile
// without one is a single chip (`max_chips` for a neuromorphic profile that
// still gives it) with no links.
SystemParams CompileSystem(const v1::HardwareProfile& profile);

}  // namespace neurowatt

#endif  // NEUROWATT_HW_SYSTEM_PARAMS_H_
