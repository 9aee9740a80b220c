// Ops that move or select data: layout and transpose nodes, which compute
// nothing but keep the graph's shapes; Gather on a stored table, which is
// an embedding layer; Resize, which computes only when it interpolates.
#include <string>
#include <vector>

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
  cx.NoteEmbedding(table, node->name());
  return cx.Analyze(
      node, dims[0],
      {{WeightRef{table, false}, PresynapticMap{dims[1], dims[0], 0, 0}}});
}

absl::Status Transpose(ImportContext& cx, const onnx::NodeProto& n) {
  return cx.EmitTranspose(n, n.input(0), n.output(0));
}

// Nearest-neighbour resizing copies; the interpolating modes are not
// counted yet.
absl::Status Resize(ImportContext& cx, const onnx::NodeProto& n) {
  if (AttrString(n, "mode", "nearest") == "nearest") {
    return cx.EmitLayout(n, n.output(0), cx.tensors().DataInputs(n),
                         n.op_type());
  }
  return cx.EmitUncounted(n, "");
}

}  // namespace

void AddLayoutTranslators(TranslatorTable& table) {
  for (const std::string& op : LayoutOps()) {
    AddTranslator(table, op, op == "Gather" ? Translator(Gather) : LayoutOp);
  }
  AddTranslator(table, "Transpose", Transpose);
  AddTranslator(table, "Resize", Resize);
  AddTranslator(table, "Upsample", Resize);
}

}  // namespace onnx_import
}  // namespace neurowatt
