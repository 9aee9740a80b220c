// SOURCE on the command line: "preset:SPEC" (see presets.h) or a path to an
// architecture file (.pb, .textproto, .pbtxt).
#ifndef NEUROWATT_MODEL_SOURCE_H_
#define NEUROWATT_MODEL_SOURCE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/graph.h"
#include "model/workload.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// Loads the architecture `source` names. Errors name the source.
absl::StatusOr<v1::Architecture> LoadSource(absl::string_view source);

struct CountedModel {
  v1::Architecture arch;
  DimBindings bindings;  // every symbol's bound value
  NetworkCount count;
};

// Loads `source`, applies `precision` (UNSPECIFIED keeps the model's), binds
// `dims`, builds the graph and counts it. Errors name the source.
absl::StatusOr<CountedModel> LoadAndCount(
    absl::string_view source, const DimBindings& dims,
    v1::ElementType precision = v1::ELEMENT_TYPE_UNSPECIFIED);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_SOURCE_H_
