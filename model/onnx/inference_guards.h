// Guards ahead of ONNX 1.12's shape inference. On some malformed nodes its
// inference functions read past the end of a shape, divide by zero,
// dereference null or loop without end (a fuzzer found the first; the rest
// come from reading its source, each with a test in
// tests/inference_guards_test.cc). Those are signals, not exceptions, so no
// try/catch around InferShapes can stop them: what the functions take for
// granted has to be checked before they run.
#ifndef NEUROWATT_MODEL_ONNX_INFERENCE_GUARDS_H_
#define NEUROWATT_MODEL_ONNX_INFERENCE_GUARDS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

// Checks that every tensor value that shape inference may parse holds as
// many elements as its dims say: the graph's initializers, the tensors in
// node attributes (Constant's value), and those in subgraphs. ONNX 1.12
// copies raw_data without checking its length (a heap write when it is not
// a multiple of the element size: defs/tensor_proto_util.cc:106) and reads
// the first element of a scalar that has none. A tensor with no payload at
// all is a weight-stripped one and passes, unless it is a scalar.
// InvalidArgument names the tensor.
absl::Status CheckTensorData(const onnx::GraphProto& graph);

// The schema registry that InferShapes is given in place of
// onnx::OpSchemaRegistry::Instance(). It hands out the standard schemas,
// except for the ops with a known fault: for those, a copy whose inference
// and data-propagation functions first check what the original assumes.
//
// A failed check either
// - rejects the node, when it breaks the op's own rules (weights of another
//   rank than the input, a zero stride, an axis out of range...): the node's
//   outputs get no inferred types, and rejection() says what is wrong (the
//   importer makes that the file's error); or
// - skips ONNX's inference for the node, when the input is legal but 1.12
//   cannot take it (an input with no type yet): the importer's own shape
//   rules may still fill it in.
//
// Owned by one import, not thread-safe (GetSchema fills a cache).
class GuardedSchemas final : public onnx::ISchemaRegistry {
 public:
  GuardedSchemas() = default;
  GuardedSchemas(const GuardedSchemas&) = delete;
  GuardedSchemas& operator=(const GuardedSchemas&) = delete;

  const onnx::OpSchema* GetSchema(
      const std::string& key, const int max_inclusive_version,
      const std::string& domain = onnx::ONNX_DOMAIN) const override;

  // The first node rejected: its op and what is wrong with it.
  struct Rejection {
    std::string op, why;
  };
  const std::optional<Rejection>& rejection() const { return rejection_; }

 private:
  void Reject(const std::string& op, const std::string& why) const;

  // Guarded copies, by the standard schema they copy (which outlives them:
  // libonnx's registry is static).
  mutable absl::flat_hash_map<const onnx::OpSchema*,
                              std::unique_ptr<onnx::OpSchema>>
      guarded_;
  mutable std::optional<Rejection> rejection_;
};

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_INFERENCE_GUARDS_H_
