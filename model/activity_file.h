// The spike activity a user gives: counts measured per layer, e.g. by a
// simulator (an activity file), or a coding with rates and timesteps.
//
// Activity files - JSON: {"timesteps": 16, "spikes": {"input": 12544, "fc1":
// 3400.5, ...}} CSV:  a header "layer,spikes", then one row per layer. Counts
// are spikes emitted per inference by all of a layer's neurons; "input" names
// the network's input neurons. Every layer with neurons needs a count. CSV
// files take their timesteps from --timesteps.
#ifndef NEUROWATT_MODEL_ACTIVITY_FILE_H_
#define NEUROWATT_MODEL_ACTIVITY_FILE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

// Reads `path` (.json or .csv) into a MEASURED SpikeActivity. Errors
// (InvalidArgument, NotFound) name the file and, for CSV, the line.
absl::StatusOr<v1::SpikeActivity> ReadActivityFile(const std::string& path);

// The same for `text` already read from `path` (whose extension picks the
// format).
absl::StatusOr<v1::SpikeActivity> ParseActivity(const std::string& text,
                                                const std::string& path);

// Spike settings as a command's flags or a Python call's keywords give
// them; unset ones take the defaults (rate coding, inputs at the spike
// rate).
struct SpikeSettings {
  std::optional<std::string> activity_file;  // measured counts
  std::optional<std::string> coding;         // "rate" or "ttfs"
  std::optional<int64_t> timesteps;
  std::optional<double> spike_rate;
  std::optional<double> input_rate;
  std::map<std::string, double> layer_rates;  // by layer name
};

// What the caller calls each setting in its messages: its flags
// ("--spike-rate") or its keywords ("spike_rate").
struct SpikeSettingNames {
  std::string activity_file = "activity file";
  std::string coding = "coding";
  std::string timesteps = "timesteps";
  std::string spike_rate = "spike rate";
  std::string input_rate = "input rate";
  std::string layer_rates = "layer rate";
};

// `settings` as a v1::SpikeActivity, the activity file read (MEASURED) or
// the rates set. When `needed` (a profile spikes), the timesteps and a
// spike rate (or an activity file) are required. Errors (InvalidArgument,
// or the activity file's) name the setting as `names` call it: an activity
// file with rate settings, a coding other than rate or ttfs, a rate outside
// [0, 1], timesteps outside 1 to 2^30 or other than the file's, a rate or
// timesteps missing when needed.
absl::StatusOr<v1::SpikeActivity> SpikeActivityFrom(
    const SpikeSettings& settings, bool needed,
    const SpikeSettingNames& names = {});

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ACTIVITY_FILE_H_
