// SOURCE on the command line: "preset:SPEC" (see presets.h), an ONNX model
// (.onnx, see onnx_importer.h) or a native architecture file (.pb,
// .textproto, .pbtxt).
#ifndef NEUROWATT_MODEL_SOURCE_H_
#define NEUROWATT_MODEL_SOURCE_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/graph.h"
#include "model/workload.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// An architecture as loaded, before its graph is built.
struct LoadedSource {
  v1::Architecture arch;
  // Symbols still to bind when building the graph (presets, native files);
  // empty for ONNX, whose symbols are bound on import.
  DimBindings build_dims;
  // The ONNX inputs' symbols and their values; empty otherwise.
  DimBindings imported;
  bool onnx = false;
};

// Loads the architecture `source` names. `dims` binds symbolic dimensions;
// with `read_weights`, an ONNX file's stored weights are analysed (see
// WeightStats). Errors name the source.
absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights = false);

struct CountedModel {
  v1::Architecture arch;
  DimBindings bindings;  // every symbol's bound value
  NetworkCount count;
};

// Loads `source`, applies `precision` (UNSPECIFIED keeps the model's), binds
// `dims`, builds the graph and counts it. Errors name the source.
absl::StatusOr<CountedModel> LoadAndCount(
    absl::string_view source, const DimBindings& dims,
    v1::ElementType precision = v1::ELEMENT_TYPE_UNSPECIFIED,
    bool read_weights = false);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_SOURCE_H_
