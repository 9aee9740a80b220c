#include "model/onnx/extra_shapes.h"

#include <optional>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "model/shape_inference.h"

namespace neurowatt {
namespace onnx_import {
namespace {

// Ops that ONNX 1.12 does not know whose output is shaped like input 0.
bool KeepsShape(const std::string& op) {
  static const auto* ops = new absl::flat_hash_set<std::string>{
      "Gelu", "Mish", "BitwiseNot", "GroupNormalization"};
  return ops->contains(op);
}

bool Broadcasts(const std::string& op) {
  return op == "BitwiseAnd" || op == "BitwiseOr" || op == "BitwiseXor";
}

std::optional<Shape> OutputShape(const onnx::NodeProto& n,
                                 const std::vector<Shape>& in) {
  const std::string& op = n.op_type();
  if (KeepsShape(op)) return in[0];
  if (Broadcasts(op) && in.size() == 2) {
    auto b = Broadcast(in[0], in[1]);
    if (b.ok()) return *b;
    return std::nullopt;
  }
  if (op == "Einsum") {
    auto e = ParseEinsum(AttrString(n, "equation", ""), in);
    if (e.ok()) return e->output;
  }
  return std::nullopt;
}

}  // namespace

int WorkOutShapes(const onnx::GraphProto& graph, const GraphIndex& tensors,
                  ExtraShapes& extra) {
  int added = 0;
  for (const auto& n : graph.node()) {
    if (n.output_size() == 0 || n.output(0).empty() ||
        (!n.domain().empty() && n.domain() != "ai.onnx")) {
      continue;
    }
    const std::string& op = n.op_type();
    if (!KeepsShape(op) && !Broadcasts(op) && op != "Einsum") continue;
    if (tensors.KnownShape(n.output(0)) || extra.contains(n.output(0))) {
      continue;
    }
    std::vector<Shape> in;
    bool known = true;
    for (const auto& t : n.input()) {
      if (t.empty()) continue;  // an optional input left out
      auto shape = tensors.KnownShape(t);
      if (!shape) known = false;
      if (known) in.push_back(*std::move(shape));
    }
    if (!known || in.empty()) continue;
    auto shape = OutputShape(n, in);
    if (!shape) continue;
    onnx::ValueInfoProto v;
    v.set_name(n.output(0));
    auto* tt = v.mutable_type()->mutable_tensor_type();
    const int32_t type = tensors.OnnxTypeOf(n.input(0));
    tt->set_elem_type(type != 0 ? type : onnx::TensorProto::FLOAT);
    for (int64_t d : *shape) tt->mutable_shape()->add_dim()->set_dim_value(d);
    extra.emplace(n.output(0), std::move(v));
    ++added;
  }
  return added;
}

}  // namespace onnx_import
}  // namespace neurowatt
