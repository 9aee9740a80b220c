// SOURCE on the command line and in the API: "preset:SPEC" (see presets.h),
// an ONNX model (.onnx, see onnx/importer.h) or a native architecture file
// (.pb, .textproto, .pbtxt).
#ifndef NEUROWATT_MODEL_SOURCE_H_
#define NEUROWATT_MODEL_SOURCE_H_

#include <cstdint>
#include <string>

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

// Loads the architecture `source` names, at the dimensions `dims` bind
// (for ONNX, concrete on import; see convert). With `read_weights`, an ONNX
// file's stored weights are analysed (see WeightStats). Errors name the
// source.
absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights = false);

// A model built and counted once, for one inference: batch, precision and
// spike activity are parameters of pricing, so a scenario never rebuilds it.
struct Model {
  std::string source;  // as given
  v1::Architecture arch;
  // Every symbol's bound value, the batch symbol's at 1.
  DimBindings dims;
  // The symbol a batch binds ("batch", or an ONNX input's "batch_size",
  // "N"...); empty when the inputs have fixed sizes.
  std::string batch_symbol;
  // The batch the dimensions given asked for (--dim batch=8); 1 if none.
  int64_t batch = 1;
  NetworkCount count;  // per inference

  bool has_batch_dimension() const { return !batch_symbol.empty(); }
  // `dims` with the batch symbol at `batch`: the dimensions of a priced
  // scenario, as reports show them.
  DimBindings DimsAt(int64_t batch) const;
};

// Loads `source`, binds `dims` (a batch among them - "batch" or the batch
// symbol's own name - becomes Model::batch), builds the graph at batch 1 and
// counts it. Errors name the source and carry an ErrorSubject detail where
// a dimension is at fault.
absl::StatusOr<Model> LoadModel(absl::string_view source,
                                const DimBindings& dims,
                                bool read_weights = false);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_SOURCE_H_
