// Hardware profiles ready to price on: the validated profile and its
// figures flattened for the estimator of its kind.
#ifndef NEUROWATT_HW_HARDWARE_H_
#define NEUROWATT_HW_HARDWARE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "hw/neuromorphic_params.h"
#include "hw/von_neumann_params.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

struct Hardware {
  v1::HardwareProfile profile;
  bool neuromorphic = false;
  VonNeumannParams von_neumann;  // when !neuromorphic
  NeuromorphicParams spiking;    // when neuromorphic

  const std::string& name() const { return profile.name(); }
  const SystemParams& system() const {
    return neuromorphic ? spiking.system : von_neumann.system;
  }
};

// Compiles `profile`, which must have passed ValidateProfile.
Hardware CompileHardware(v1::HardwareProfile profile);

// Each of `names`: a catalogue name or a profile file (see LoadProfile).
// Errors name the profile; an unknown name carries an
// ErrorSubject::kUnknownProfile detail.
absl::StatusOr<std::vector<Hardware>> LoadHardware(
    const std::vector<std::string>& names);

// The first von Neumann entry of `all`, which hosts the nodes a spiking chip
// cannot run; null when there is none.
const Hardware* FirstVonNeumann(const std::vector<Hardware>& all);

}  // namespace neurowatt

#endif  // NEUROWATT_HW_HARDWARE_H_
