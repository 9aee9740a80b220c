#include "model/source.h"

#include <string>

#include "absl/strings/match.h"
#include "model/architecture_io.h"
#include "model/presets.h"

namespace neurowatt {

absl::StatusOr<v1::Architecture> LoadSource(absl::string_view source) {
  constexpr absl::string_view kPreset = "preset:";
  if (absl::StartsWith(source, kPreset)) {
    return BuildPreset(source.substr(kPreset.size()));
  }
  return ReadArchitectureFile(std::string(source));
}

}  // namespace neurowatt
