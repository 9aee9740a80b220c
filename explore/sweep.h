// Exploring a design space: the cartesian product of scenario and model
// parameters, priced on every profile on many threads, one row per
// (configuration, profile), handed in order to a sink that streams them
// (render/sweep_rows.h writes CSV and JSON Lines).
//
// A configuration that changes only the scenario (batch, precision, spike
// settings) reuses the model built for its preset keys: the graph is built
// and counted once per distinct model, and pricing grows with the number of
// distinct layers.
#ifndef NEUROWATT_EXPLORE_SWEEP_H_
#define NEUROWATT_EXPLORE_SWEEP_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "hw/hardware.h"
#include "model/graph.h"
#include "model/source.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

// One varied parameter: a key and its values, in order.
struct SweepAxis {
  std::string key;
  std::vector<std::string> values;
};

// "KEY=V1,V2,..." or "KEY=START:STOP:COUNT" (COUNT evenly spaced values,
// both ends included; whole numbers for integer keys). Values of the
// scenario keys are checked (batch and timesteps >= 1, rates in [0, 1],
// precision and coding names). Errors (InvalidArgument) quote `text`.
absl::StatusOr<SweepAxis> ParseSweepAxis(const std::string& text);

// batch, precision, weight_precision, kv_precision, chips, spike_rate,
// timesteps, coding, input_rate; "context" (tokens in the KV cache) rebuilds
// the model for any source; any other key is a preset's own (d_model,
// layers, sizes...).
bool IsScenarioKey(const std::string& key);

struct SweepSpec {
  std::string source;  // a SOURCE; keys other than the scenario's need a preset
  DimBindings dims;    // fixed symbolic dimensions
  std::vector<Hardware> hardware;
  v1::Scenario scenario;        // the base every configuration varies
  std::vector<SweepAxis> axes;  // the last one varies fastest
  int threads = 1;
};

// The parts of energy per inference every row carries, in column order:
// von Neumann parts, then neuromorphic ones (0 where a kind has none).
inline constexpr const char* kSweepParts[] = {
    "compute",      "data_movement",    "bit_maintenance", "static",
    "synaptic_ops", "neuron_updates",   "spike_routing",   "non_native",
    "interconnect", "control_overhead", "active",          "host"};
inline constexpr int kSweepPartCount = 12;

struct SweepRow {
  std::string hardware, kind;
  std::string error;  // empty when priced
  // The error is a system too small for this configuration's network: a
  // row of its own, not a mistake in the sweep.
  bool does_not_fit = false;
  double energy_per_inference_j = 0;
  double parts[kSweepPartCount] = {};  // joules per inference
  double latency_s = 0;                // the whole batch
  std::string bound;
  int64_t chips = 0;  // in the priced system
  // Language models: the batch's tokens per second of latency and energy
  // per token; 0 for a model without a sequence dimension.
  double tokens_per_second = 0;
  double energy_per_token_j = 0;
};

// Receives the rows of each configuration, in configuration order, from the
// thread that called RunSweep.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // `values` are the configuration's axis values, `rows` one per profile.
  virtual absl::Status Write(const std::vector<std::string>& values,
                             const std::vector<SweepRow>& rows) = 0;
};

// Configurations in `spec`: the product of the axes' sizes.
int64_t SweepConfigurations(const SweepSpec& spec);

// The axis values of configuration `index` (the last axis fastest).
std::vector<std::string> SweepValues(const SweepSpec& spec, int64_t index);

// Checks `spec` (at least one axis, no key twice, model keys only for a
// preset, at most 100 million configurations) and evaluates the first
// configuration, so that a mistake common to every row is an error rather
// than a file of error rows; then prices every configuration on
// `spec.threads` workers and hands the rows to `sink` in order. No more
// than a fixed window of finished configurations waits for the sink, so
// memory does not grow with the sweep. `progress(done, total)` is called
// from the calling thread as configurations are written. Stops at the
// sink's first error.
absl::Status RunSweep(
    const SweepSpec& spec, RowSink& sink,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace neurowatt

#endif  // NEUROWATT_EXPLORE_SWEEP_H_
