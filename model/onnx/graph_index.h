// What an ONNX graph says about each of its tensors, for the importer's
// translators (model/onnx/import_context.h): initializers, producers, the
// shapes and types that ONNX's shape inference found, and which tensors lie
// on the data path. Internal to model/onnx/; also the node attribute
// helpers the translators share.
#ifndef NEUROWATT_MODEL_ONNX_GRAPH_INDEX_H_
#define NEUROWATT_MODEL_ONNX_GRAPH_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/architecture.pb.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

// What ONNX shape inference says about a tensor.
struct TensorInfo {
  std::vector<int64_t> dims;  // -1 where unknown
  bool has_shape = false;
  int32_t elem_type = 0;
};

// A stored weight, possibly seen through a Transpose of a 2-D initializer.
struct WeightRef {
  int index = -1;  // into graph().initializer()
  bool transposed = false;
};

v1::ElementType ToElementType(int32_t onnx_type);
bool IsFloating(int32_t onnx_type);

// Node attributes by name; absent ones read as `fallback` (or empty).
const onnx::AttributeProto* Attr(const onnx::NodeProto& n,
                                 absl::string_view name);
int64_t AttrInt(const onnx::NodeProto& n, absl::string_view name,
                int64_t fallback);
std::vector<int64_t> AttrInts(const onnx::NodeProto& n, absl::string_view name);
std::string AttrString(const onnx::NodeProto& n, absl::string_view name,
                       absl::string_view fallback);

// Attribute values that become dimensions: OK when each is from `min` to
// 2^40, else an error naming the attribute `name`.
absl::Status InRange(const std::vector<int64_t>& values, int64_t min,
                     absl::string_view name);

// The product of v[from], v[from + 1], ...; callers have bounded the terms.
int64_t Product(const std::vector<int64_t>& v, size_t from = 0);

// Ops that move or select data without arithmetic (Transpose aside, which
// has its own schema op).
const absl::flat_hash_set<std::string>& LayoutOps();
inline bool IsLayoutOp(const std::string& op) {
  return LayoutOps().contains(op);
}

class GraphIndex {
 public:
  // `graph` must outlive the index; the importer rewrites it (binding,
  // folding) only between the setup calls below.
  explicit GraphIndex(const onnx::GraphProto& graph) : graph_(graph) {}

  GraphIndex(const GraphIndex&) = delete;
  GraphIndex& operator=(const GraphIndex&) = delete;

  // Setup, in this order. IndexInitializers checks that every initializer's
  // dimensions are from 0 to 2^40 and its element count fits in 64 bits, so
  // that every later product of them does.
  absl::Status IndexInitializers();
  // After each pass of shape inference: what it found.
  void CollectTensorInfo();
  // Once the shapes are final: producers, and which tensors carry data.
  // Each (state, next) pair of `feedback` makes the state data when the
  // next value is (a loop's carried state, control_flow.h).
  void MarkData(
      const std::vector<std::pair<std::string, std::string>>& feedback = {});

  const onnx::GraphProto& graph() const { return graph_; }
  bool IsInitializer(const std::string& t) const {
    return initializer_.contains(t);
  }
  // graph().initializer(index), and the index of the one named `t`.
  const onnx::TensorProto& initializer(int index) const {
    return graph_.initializer(index);
  }
  std::optional<int> InitializerIndex(const std::string& t) const;

  // Shape of tensor `t`, all dimensions known, positive and at most 2^40,
  // their product within 64 bits; otherwise an error naming `t`.
  absl::StatusOr<std::vector<int64_t>> ShapeOf(const std::string& t) const;
  // The shape of `t` when inference knows every dimension, else nullopt.
  std::optional<std::vector<int64_t>> KnownShape(const std::string& t) const;
  v1::ElementType TypeOf(const std::string& t) const;
  // The ONNX element type inference found for `t` (0 when unknown).
  int32_t OnnxTypeOf(const std::string& t) const;

  // Whether `t` derives from a graph input (not just from constants).
  bool IsData(const std::string& t) const { return data_.contains(t); }
  // The inputs of `n` that are data, in order.
  std::vector<std::string> DataInputs(const onnx::NodeProto& n) const;
  // Gather (axis 0) of rows of a stored floating-point matrix.
  bool IsEmbeddingLookup(const onnx::NodeProto& n) const;
  // The stored weight `t` is, through Identity, Cast, DequantizeLinear and
  // 2-D Transpose.
  std::optional<WeightRef> Weight(const std::string& t) const;
  // Whether `t` is a floating-point initializer of more than one element,
  // possibly through layout ops.
  bool ReachesParameter(const std::string& t) const;
  // The node that produces `t`, or null for inputs and initializers.
  const onnx::NodeProto* Producer(const std::string& t) const;
  // The values of an INT64 initializer or Constant `t`, else nullopt.
  std::optional<std::vector<int64_t>> ConstInts(const std::string& t) const;

 private:
  const onnx::GraphProto& graph_;
  absl::flat_hash_map<std::string, TensorInfo> info_;
  absl::flat_hash_map<std::string, int> initializer_;
  absl::flat_hash_map<std::string, int> producer_;
  absl::flat_hash_set<std::string> data_;
};

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_GRAPH_INDEX_H_
