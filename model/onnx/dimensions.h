// Binding an ONNX model's symbolic input dimensions (importer.h has the
// rules), before shape inference.
#ifndef NEUROWATT_MODEL_ONNX_DIMENSIONS_H_
#define NEUROWATT_MODEL_ONNX_DIMENSIONS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/graph.h"
#include "model/onnx/importer.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

struct BoundDimensions {
  DimBindings bindings;      // every input symbol and its value
  std::string batch_symbol;  // as OnnxImport::batch_symbol
  int64_t batch = 1;         // as OnnxImport::batch
  // A decoder that takes past_key_values: its past inputs (named "past..."
  // and consumed only by two-input Concats that append to them), the
  // symbol of their length (bound to options.context, which may be 0) and
  // that of the new tokens (1 when options.decode).
  std::vector<std::string> past_inputs;
  std::string context_symbol, seq_symbol;
};


// Binds the symbolic dimensions of `graph`'s inputs (those that are not
// initializers) as `options` say, and writes the values into the inputs'
// shapes. A dimension without a name is the symbol "INPUT:INDEX". Errors
// (InvalidArgument): a fixed dimension out of range; a binding for a
// symbol the model lacks (detail kUnknownDimension, or kNoBatchDimension
// for "batch" without a batch symbol) or out of range; a non-batch symbol
// left unbound (kUnboundDimension, the first such symbol).
absl::StatusOr<BoundDimensions> BindInputDimensions(
    onnx::GraphProto& graph, const OnnxImportOptions& options);

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_DIMENSIONS_H_
