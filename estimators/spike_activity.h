// How many spikes each layer emits, from the scenario's spike settings.
// Every figure is affine in one knob x: the global spike rate (rate coding),
// the fraction of neurons that fire (TTFS), or a scale on measured counts
// (x = 1 reproduces them). The break-even search moves x.
#ifndef NEUROWATT_ESTIMATORS_SPIKE_ACTIVITY_H_
#define NEUROWATT_ESTIMATORS_SPIKE_ACTIVITY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/workload.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

// fixed + slope x.
struct Affine {
  double fixed = 0;
  double slope = 0;
  double at(double x) const { return fixed + slope * x; }
};

struct SpikeActivity {
  std::string coding;  // "rate", "ttfs", "measured"
  int64_t timesteps = 1;
  double knob = 0;      // x of the scenario itself
  double knob_max = 1;  // the largest x a neuron can sustain
  // Spikes per inference per output element of each layer: for layers with
  // neurons, per neuron instance; other layers pass their first input's on.
  std::vector<Affine> per_element;
  Affine network_input;  // per network input element per inference
};

// Resolves `spikes` for `count` (counted per inference). Errors
// (InvalidArgument, with an ErrorSubject detail): rates outside [0, 1], no
// timesteps, an override or measured count naming no layer, or a layer with
// neurons missing from measured counts.
absl::StatusOr<SpikeActivity> ResolveSpikeActivity(
    const NetworkCount& count, const v1::SpikeActivity& spikes);

// The spike settings as a person would write them, e.g.
// "rate coding, T = 16, 0.05 spikes per neuron per step".
std::string DescribeSpikeActivity(const v1::SpikeActivity& spikes);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_SPIKE_ACTIVITY_H_
