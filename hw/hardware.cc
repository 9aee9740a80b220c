#include "hw/hardware.h"

#include "hw/profile.h"

namespace neurowatt {

Hardware CompileHardware(v1::HardwareProfile profile) {
  Hardware h;
  h.neuromorphic = profile.has_neuromorphic();
  if (h.neuromorphic) {
    h.spiking = CompileNeuromorphic(profile);
  } else {
    h.von_neumann = CompileVonNeumann(profile);
  }
  h.profile = std::move(profile);
  return h;
}

absl::StatusOr<std::vector<Hardware>> LoadHardware(
    const std::vector<std::string>& names) {
  std::vector<Hardware> out;
  out.reserve(names.size());
  for (const std::string& name : names) {
    auto profile = LoadProfile(name);
    if (!profile.ok()) return profile.status();
    out.push_back(CompileHardware(*std::move(profile)));
  }
  return out;
}

const Hardware* FirstVonNeumann(const std::vector<Hardware>& all) {
  for (const Hardware& h : all) {
    if (!h.neuromorphic) return &h;
  }
  return nullptr;
}

}  // namespace neurowatt
