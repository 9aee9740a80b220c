// Ops that move or select data: layout and transpose nodes, which compute
// nothing but keep the graph's shapes; Gather on a stored table, which is
// an embedding layer; Resize, which computes only when it interpolates.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

absl::Status LayoutOp(ImportContext& cx, const onnx::NodeProto& n) {
  const GraphIndex& g = cx.tensors();
  // Stored tensors joined to activations (ViT's class token) are
  // parameters; shape operands are not inputs.
  std::vector<std::string> inputs;
  for (const auto& t : n.input()) {
    if (t.empty() || (!g.IsData(t) && !g.ReachesParameter(t))) continue;
    auto in = cx.InputFor(t);
    if (!in.ok()) return in.status();
    inputs.push_back(*in);
  }
  return cx.EmitLayout(n, n.output(0), inputs, n.op_type());
}

// A lookup in a stored matrix is an embedding: a one-hot linear layer of
// vocab x dim synapses and no MACs. Gather on activations only selects.
absl::Status Gather(ImportContext& cx, const onnx::NodeProto& n) {
  const GraphIndex& g = cx.tensors();
  if (!g.IsEmbeddingLookup(n)) return LayoutOp(cx, n);
  const int table = *g.InitializerIndex(n.input(0));
  const auto& dims = g.initializer(table).dims();
  auto indices = cx.InputFor(n.input(1));
  if (!indices.ok()) return indices.status();
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(*indices);
  node->mutable_embedding()->set_vocab(dims[0]);
  node->mutable_embedding()->set_dim(dims[1]);
  cx.NoteStored(node, {WeightRef{table, false}});
  return cx.Analyze(
      node, dims[0],
      {{WeightRef{table, false}, PresynapticMap{dims[1], dims[0], 0, 0}}});
}

// Concat(past, new) on a KV cache input: the new positions appended to
// the cached ones, a kv_cache node. Any other Concat is a layout node.
absl::Status Concat(ImportContext& cx, const onnx::NodeProto& n) {
  int past = -1;
  for (int i = 0; i < n.input_size(); ++i) {
    if (cx.IsCacheInput(n.input(i))) past = i;
  }
  if (past < 0) return LayoutOp(cx, n);
  const std::string& fresh = n.input(1 - past);
  auto in = cx.InputFor(fresh);
  if (!in.ok()) return in.status();
  // The cached positions are what the new ones add up to (the cache may
  // be empty, which ShapeOf refuses).
  auto shape = cx.tensors().ShapeOf(n.output(0));
  if (!shape.ok()) return shape.status();
  auto added = cx.tensors().ShapeOf(fresh);
  if (!added.ok()) return added.status();
  const int64_t rank = static_cast<int64_t>(shape->size());
  int64_t axis = AttrInt(n, "axis", 0);
  if (axis < 0) axis += rank;
  if (axis < 0 || axis >= rank) {
    return absl::InvalidArgumentError(
        absl::StrCat("axis ", AttrInt(n, "axis", 0), " is outside the cache"));
  }
  if (added->size() != shape->size()) {
    return absl::InvalidArgumentError(
        "the cache and the new positions differ in rank");
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(*in);
  node->mutable_kv_cache()->set_axis(axis);
  node->mutable_kv_cache()->mutable_cached()->set_size((*shape)[axis] -
                                                       (*added)[axis]);
  return absl::OkStatus();
}

absl::Status Transpose(ImportContext& cx, const onnx::NodeProto& n) {
  return cx.EmitTranspose(n, n.input(0), n.output(0));
}

// Resize and Upsample: nearest copies, linear and cubic interpolate
// (Resize in architecture.proto).
absl::Status Resize(ImportContext& cx, const onnx::NodeProto& n) {
  const std::string mode = AttrString(n, "mode", "nearest");
  v1::Resize::Mode kind;
  if (mode == "nearest") {
    kind = v1::Resize::NEAREST;
  } else if (mode == "linear" || mode == "bilinear" || mode == "trilinear") {
    kind = v1::Resize::LINEAR;
  } else if (mode == "cubic") {
    kind = v1::Resize::CUBIC;
  } else {
    return cx.EmitUncounted(n, absl::StrCat("mode ", mode));
  }
  auto shape = cx.tensors().ShapeOf(n.output(0));
  if (!shape.ok()) return shape.status();
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* r = node->mutable_resize();
  r->set_mode(kind);
  for (int64_t d : *shape) r->add_shape()->set_size(d);
  return absl::OkStatus();
}

}  // namespace

void AddLayoutTranslators(TranslatorTable& table) {
  for (const std::string& op : LayoutOps()) {
    AddTranslator(table, op,
                  op == "Gather"   ? Translator(Gather)
                  : op == "Concat" ? Translator(Concat)
                                   : Translator(LayoutOp));
  }
  AddTranslator(table, "Transpose", Transpose);
  AddTranslator(table, "Resize", Resize);
  AddTranslator(table, "Upsample", Resize);
}

}  // namespace onnx_import
}  // namespace neurowatt
