// Output shapes of single nodes, from their attributes and input shapes.
// Errors describe the mismatch; Graph::Build prefixes the node's name.
#ifndef NEUROWATT_MODEL_SHAPE_INFERENCE_H_
#define NEUROWATT_MODEL_SHAPE_INFERENCE_H_

#include <map>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/graph.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// Per-spatial-dimension window parameters of a Conv or Pool, with defaults
// filled in and single entries repeated: every vector has `spatial_dims`
// entries.
struct Window {
  std::vector<int64_t> kernel, stride, pad_begin, pad_end, dilation;
  std::vector<int64_t> output_padding;  // transposed convolutions
  bool ceil_mode = false;               // pooling
};

// An einsum equation resolved against its inputs' shapes.
struct EinsumTerms {
  std::map<char, int64_t> sizes;  // every letter's extent
  Shape output;
};

// Parses "ab,bc->ac" for one or two inputs (no ellipses).
absl::StatusOr<EinsumTerms> ParseEinsum(absl::string_view equation,
                                        const std::vector<Shape>& inputs);

// Expands the repeated fields of a Conv for `spatial_dims` dimensions.
absl::StatusOr<Window> ConvWindow(const v1::Conv& conv, size_t spatial_dims);

// Expands the repeated fields of a Pool over input `shape` ([N, C, ...]).
absl::StatusOr<Window> PoolWindow(const v1::Pool& pool, const Shape& shape);

// The output shape of `node`, whose op is set, given one shape per input.
// Nodes whose shape is declared (constant, layout, uncounted) are resolved
// by Graph::Build instead.
absl::StatusOr<Shape> InferOutputShape(const v1::Node& node,
                                       const std::vector<Shape>& inputs);

// Numpy broadcasting of two shapes.
absl::StatusOr<Shape> Broadcast(const Shape& a, const Shape& b);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_SHAPE_INFERENCE_H_
