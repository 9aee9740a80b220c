// Published measurements to check the estimators against: per-inference
// energy and latency measured on named hardware running a named network,
// each with the settings it was run at. `neurowatt validate` prices every
// case on its profile and sets the prediction beside the measurement; no
// case has a constant of its own (docs/validation.md discusses each).
#ifndef NEUROWATT_VALIDATE_CASES_H_
#define NEUROWATT_VALIDATE_CASES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

struct PublishedCase {
  std::string name;      // "blouw2019-cpu"
  std::string source;    // the citation, table and row
  std::string network;   // a source for LoadModel: "preset:mlp:sizes=..."
  std::string hardware;  // a catalogue profile
  int64_t batch = 1;
  v1::ElementType precision = v1::ELEMENT_TYPE_UNSPECIFIED;  // the model's
  // Spiking profiles: rate coding at this many steps and spike rate.
  int64_t timesteps = 0;
  double spike_rate = 0;
  // What was measured, per inference; absent where the source gives none.
  // `dynamic` energy is above the idle power (running - idle) x time, as
  // Blouw et al. report it; otherwise the whole energy.
  std::optional<double> energy_j;
  bool dynamic = true;
  std::optional<double> latency_s;  // per batch: batch / throughput
  // The profile's time is set from this measurement (a host-paced
  // timestep), so the latency ratio is 1 by construction, not a check.
  bool latency_is_input = false;
  std::string note;  // what the case tests, in a line
};

// The built-in cases, in the order validate prints them.
const std::vector<PublishedCase>& PublishedCases();

struct ValidationResult {
  const PublishedCase* c = nullptr;
  // Per inference, the part of energy the case measured (dynamic: all but
  // the idle power x time).
  double predicted_energy_j = 0;
  double predicted_latency_s = 0;  // per batch
  // predicted / measured; absent where nothing was measured.
  std::optional<double> energy_ratio() const {
    if (!c->energy_j) return std::nullopt;
    return predicted_energy_j / *c->energy_j;
  }
  std::optional<double> latency_ratio() const {
    if (!c->latency_s) return std::nullopt;
    return predicted_latency_s / *c->latency_s;
  }
};

// Prices `c` on its profile. Fails (Internal) only when a built-in case no
// longer loads or prices: a defect, not a user error.
absl::StatusOr<ValidationResult> RunCase(const PublishedCase& c);

// Every case of PublishedCases(), in order.
absl::StatusOr<std::vector<ValidationResult>> RunValidation();

}  // namespace neurowatt

#endif  // NEUROWATT_VALIDATE_CASES_H_
