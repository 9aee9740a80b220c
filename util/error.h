// Typed details on errors a user can cause. The library words its errors in
// its own terms (a dimension, a precision, a profile name); a detail says
// which input was at fault, so that a caller - the command line, the Python
// module - can point at its own flag or argument without matching message
// text.
#ifndef NEUROWATT_UTIL_ERROR_H_
#define NEUROWATT_UTIL_ERROR_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace neurowatt {

enum class ErrorSubject {
  kUnknownDimension,  // a binding for a symbol the model does not have
  kUnboundDimension,  // a symbol with no value
  kNoBatchDimension,  // a batch for a model whose inputs have fixed sizes
  kPrecision,         // a precision a profile has no figures for
  kUnknownProfile,    // a hardware name that is not in the catalogue
  kTimesteps,         // spiking hardware without timesteps
  kSpikeRate,         // a spike rate outside [0, 1]
  kInputRate,         // the input neurons' rate outside [0, 1]
  kLayerRate,         // a per-layer rate: unknown layer or out of range
  kCapacity,          // a system too small for the network
  kChips,             // a chip count out of range
  kPhase,             // a phase the model cannot run (decode with no cache)
};

struct ErrorDetail {
  ErrorSubject subject;
  std::string name;  // the dimension, precision, profile or layer
};

// `status` carrying `detail` (an OK status stays OK).
absl::Status WithDetail(absl::Status status, ErrorSubject subject,
                        absl::string_view name = "");

// The detail `status` carries, if any.
std::optional<ErrorDetail> DetailOf(const absl::Status& status);

// `status` with "PREFIX: " before its message, its code and detail kept.
absl::Status Prefixed(absl::string_view prefix, const absl::Status& status);

}  // namespace neurowatt

#endif  // NEUROWATT_UTIL_ERROR_H_
