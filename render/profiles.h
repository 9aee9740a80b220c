// The hardware catalogue for people and programs: `neurowatt profiles`,
// and the sources every report lists.
#ifndef NEUROWATT_RENDER_PROFILES_H_
#define NEUROWATT_RENDER_PROFILES_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/hardware.pb.h"
#include "nlohmann/json.hpp"

namespace neurowatt {

// A profile's sources as JSON: [{"id", "kind", "citation", "note"}].
nlohmann::ordered_json SourcesJson(
    const google::protobuf::RepeatedPtrField<v1::Source>& sources);

// `profiles` as "table" (a line each, then every profile's sources) or
// "json" ([{"name", "kind", "description", "sources"}]). Fails
// (InvalidArgument) on another format.
absl::StatusOr<std::string> RenderProfiles(
    const std::vector<v1::HardwareProfile>& profiles, absl::string_view format);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_PROFILES_H_
