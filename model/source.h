// SOURCE on the command line: "preset:SPEC" (see presets.h) or a path to an
// architecture file (.pb, .textproto, .pbtxt).
#ifndef NEUROWATT_MODEL_SOURCE_H_
#define NEUROWATT_MODEL_SOURCE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// Loads the architecture `source` names. Errors name the source.
absl::StatusOr<v1::Architecture> LoadSource(absl::string_view source);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_SOURCE_H_
