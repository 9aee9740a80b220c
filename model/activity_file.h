// --activity FILE: spike counts measured per layer, e.g. by a simulator.
//
// JSON: {"timesteps": 16, "spikes": {"input": 12544, "fc1": 3400.5, ...}}
// CSV:  a header "layer,spikes", then one row per layer.
// Counts are spikes emitted per inference by all of a layer's neurons;
// "input" names the network's input neurons. Every layer with neurons needs
// a count. CSV files take their timesteps from --timesteps.
#ifndef NEUROWATT_MODEL_ACTIVITY_FILE_H_
#define NEUROWATT_MODEL_ACTIVITY_FILE_H_

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

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ACTIVITY_FILE_H_
