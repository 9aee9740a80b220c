// Evaluates the small integer subgraphs that exporters emit to compute
// shapes at run time (Shape -> Gather -> Add -> Div -> Concat -> Reshape),
// replacing each evaluated node with a Constant so that ONNX's shape
// inference, whose data propagation in ONNX 1.12 stops at Div, Mod, Range
// and friends, sees concrete shapes. Only integer tensors of at most
// kMaxFoldedElements are evaluated; nothing on the data path is touched.
#ifndef NEUROWATT_MODEL_ONNX_SHAPE_FOLDING_H_
#define NEUROWATT_MODEL_ONNX_SHAPE_FOLDING_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace neurowatt {

inline constexpr int64_t kMaxFoldedElements = 4096;

// The fully known shape of a tensor, or nullopt.
using ShapeLookup =
    std::function<std::optional<std::vector<int64_t>>(const std::string&)>;

// Folds every node of `graph` it can evaluate; returns how many nodes it
// replaced (Constant nodes already there are not counted).
int FoldShapeArithmetic(onnx::GraphProto& graph, const ShapeLookup& shapes);

// The values of an integer or boolean tensor of at most kMaxFoldedElements
// stored in the file (int64/int32 data or raw bytes), else nullopt.
std::optional<std::vector<int64_t>> IntValues(const onnx::TensorProto& t);

// The values of `name` when it is an integer or boolean initializer or
// Constant output of `graph` (what folding leaves), else nullopt.
std::optional<std::vector<int64_t>> StaticInts(const onnx::GraphProto& graph,
                                               const std::string& name);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_SHAPE_FOLDING_H_
