// Hardware profiles: the built-in catalogue (hw/profiles/*.textproto, built
// into the binary), loading by name or path, and validation.
#ifndef NEUROWATT_HW_PROFILE_H_
#define NEUROWATT_HW_PROFILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

// The built-in profiles, parsed and validated, in name order.
const std::vector<v1::HardwareProfile>& CatalogueProfiles();

// A catalogue name (see CatalogueProfiles) or a path to a profile file
// (.textproto, .pbtxt or .pb). The result is validated. Errors name the
// profile or path and the field at fault; an unknown name lists the
// catalogue.
absl::StatusOr<v1::HardwareProfile> LoadProfile(absl::string_view name_or_path);

// Parses profile text; errors read "SOURCE:LINE:COLUMN: message".
absl::StatusOr<v1::HardwareProfile> ParseProfileText(absl::string_view text,
                                                     absl::string_view source);

// Checks that every required number is present, finite and in range, names
// a declared source, and that the memory hierarchy is consistent (capacities
// grow away from the processor, main memory last). Errors (InvalidArgument)
// name the profile and the field, e.g.
// "profile 'x': memory[1] 'L2'.bandwidth_bytes_per_s is missing".
absl::Status ValidateProfile(const v1::HardwareProfile& profile);

// "catalogue", "calibrated", "user" or "assumed".
std::string SourceKindName(v1::Source::Kind kind);

// "von_neumann" (later: "neuromorphic").
std::string ProfileKindName(const v1::HardwareProfile& profile);

}  // namespace neurowatt

#endif  // NEUROWATT_HW_PROFILE_H_
