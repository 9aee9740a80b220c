// Output shapes that ONNX 1.12's shape inference leaves open and that the
// importer can work out: Einsum's dimensions (ONNX infers only its rank),
// and ops newer than its opset-17 registry (Gelu, Mish, the Bitwise ops,
// GroupNormalization), which keep or broadcast their inputs' shapes.
// Internal to model/onnx/.
#ifndef NEUROWATT_MODEL_ONNX_EXTRA_SHAPES_H_
#define NEUROWATT_MODEL_ONNX_EXTRA_SHAPES_H_

#include <string>

#include "absl/container/flat_hash_map.h"
#include "model/onnx/graph_index.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

// Tensor name -> the type and shape worked out for it.
using ExtraShapes = absl::flat_hash_map<std::string, onnx::ValueInfoProto>;

// Adds to `extra` the output of every node of `graph` whose shape
// `tensors` does not know but whose inputs' shapes it does, for the ops
// above; returns how many it added. The caller puts `extra` into the
// graph's value_info before the next pass of inference.
int WorkOutShapes(const onnx::GraphProto& graph, const GraphIndex& tensors,
                  ExtraShapes& extra);

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_EXTRA_SHAPES_H_
