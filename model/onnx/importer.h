// ONNX models (.onnx) as neurowatt architectures. The importer opens the
// file without copying its weights (model/onnx_file.h), binds its symbolic
// dimensions, runs ONNX's own C++ shape inference (with data propagation, so
// that shapes computed by Shape -> Gather -> Concat -> Reshape chains are
// concrete), and maps each node onto the schema's ops: weighted layers
// (Conv, ConvTranspose, Gemm, MatMul with a stored operand, LSTM/GRU/RNN,
// Gather on a stored table) become linear, conv, recurrent and embedding
// nodes with synapses; activation x activation MatMul and Einsum keep their
// MACs; norms, activations, pools, reductions and elementwise ops keep their
// other ops; zero-compute ops become layout nodes; anything else becomes an
// uncounted node that reports list by op type. Subgraphs that only compute
// shapes or constants are folded away. See docs/onnx.md.
#ifndef NEUROWATT_MODEL_ONNX_IMPORTER_H_
#define NEUROWATT_MODEL_ONNX_IMPORTER_H_

#include <string>

#include "absl/status/statusor.h"
#include "model/graph.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

struct OnnxImport {
  // Every shape concrete, at the bound dimensions.
  v1::Architecture arch;
  // The ONNX inputs' symbolic dimensions and the values they were given.
  DimBindings bindings;
};

// Imports `path`. `dims` binds symbolic input dimensions by name; "batch"
// also binds the one symbol whose name contains "batch" (or is "N"), when no
// symbol is called "batch". Unbound batch symbols are 1; any other unbound
// symbol (a sequence length) is an error naming it. With `read_weights`,
// weighted layers whose payloads the file holds get WeightStats. Errors
// (InvalidArgument, NotFound) start with `path`.
absl::StatusOr<OnnxImport> ImportOnnx(const std::string& path,
                                      const DimBindings& dims,
                                      bool read_weights);

// The same for a model in memory (the fuzzer's entry point).
absl::StatusOr<OnnxImport> ImportOnnxBytes(std::string bytes,
                                           const std::string& name,
                                           const DimBindings& dims,
                                           bool read_weights);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_IMPORTER_H_
