// Gemm, MatMul and Einsum: linear layers where one operand is stored (its
// rows are neurons, its columns synapses), matmul and einsum nodes, which
// keep their MACs but have no synapses, between two activations.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

using absl::StrCat;

absl::Status Gemm(ImportContext& cx, const onnx::NodeProto& n) {
  const GraphIndex& g = cx.tensors();
  const bool trans_a = AttrInt(n, "transA", 0) != 0;
  const bool trans_b = AttrInt(n, "transB", 0) != 0;
  std::string a = n.input(0);
  if (!g.IsData(a)) {
    return cx.EmitUncounted(n, "the activation is not the first input");
  }
  if (trans_a) {
    v1::Node* t = cx.NewNode(n, StrCat(n.output(0), "/A^T"), "/transA");
    t->add_inputs(a);
    t->mutable_transpose()->add_perm(1);
    t->mutable_transpose()->add_perm(0);
    a = t->outputs(0);
  }
  const auto w = g.Weight(n.input(1));
  const bool has_c = n.input_size() > 2 && !n.input(2).empty();
  auto out = g.ShapeOf(n.output(0));
  if (!out.ok()) return out.status();
  const int64_t outputs = out->back();
  std::optional<WeightRef> bias;
  if (has_c) {
    auto c_shape = g.ShapeOf(n.input(2));
    bias = g.Weight(n.input(2));
    if (!c_shape.ok() || Product(*c_shape) != outputs) bias.reset();
  }
  const std::string mm_out =
      has_c && !bias ? StrCat(n.output(0), "/AB") : n.output(0);
  v1::Node* node = cx.NewNode(n, mm_out, has_c && !bias ? "/matmul" : "");
  node->add_inputs(a);
  if (w) {
    const auto& dims = g.initializer(w->index).dims();
    if (dims.size() != 2)
      return absl::InvalidArgumentError("B is not a matrix");
    const bool rows_are_inputs = trans_b == w->transposed;  // stored [K, N]
    const int64_t k = rows_are_inputs ? dims[0] : dims[1];
    cx.TakeWeightType(node, *w);
    auto* l = node->mutable_linear();
    l->set_in_features(k);
    l->set_out_features(outputs);
    l->set_bias(bias.has_value());
    cx.NoteStored(node, {w, bias});
    PresynapticMap map = rows_are_inputs ? PresynapticMap{dims[1], k, 0, 0}
                                         : PresynapticMap{1, k, 0, 0};
    if (auto s = cx.Analyze(node, k, {{*w, map}}); !s.ok()) return s;
  } else {
    auto b = cx.InputFor(n.input(1));
    if (!b.ok()) return b.status();
    node->add_inputs(*b);
    node->mutable_matmul()->set_transpose_b(trans_b);
  }
  if (has_c && !bias) {
    auto c = cx.InputFor(n.input(2));
    if (!c.ok()) return c.status();
    v1::Node* add = cx.NewNode(n, n.output(0), "/bias");
    add->add_inputs(mm_out);
    add->add_inputs(*c);
    add->mutable_elementwise()->set_kind(v1::Elementwise::ADD);
  }
  return absl::OkStatus();
}

// MatMul, and the integer products whose operands are inputs `a` and `b`
// (QLinearMatMul: 0 and 3, between their scales and zero points).
absl::Status MatMul(ImportContext& cx, const onnx::NodeProto& n, int a_at,
                    int b_at) {
  const GraphIndex& g = cx.tensors();
  if (n.input_size() <= b_at) {
    return absl::InvalidArgumentError("an operand is missing");
  }
  const std::string& a_in = n.input(a_at);
  const std::string& b_in = n.input(b_at);
  auto a_shape = g.ShapeOf(a_in);
  if (!a_shape.ok()) return a_shape.status();
  auto b_shape = g.ShapeOf(b_in);
  if (!b_shape.ok()) return b_shape.status();
  if (a_shape->size() < 2 || b_shape->size() < 2) {
    return cx.EmitUncounted(n, "a one-dimensional operand");
  }
  const auto wa = g.Weight(a_in);
  const auto wb = g.Weight(b_in);
  if (wb && b_shape->size() == 2 && g.IsData(a_in)) {
    // x W: W is [K, N], N neurons of K synapses.
    v1::Node* node = cx.NewNode(n, n.output(0));
    node->add_inputs(a_in);
    cx.TakeWeightType(node, *wb);
    auto* l = node->mutable_linear();
    l->set_in_features((*b_shape)[0]);
    l->set_out_features((*b_shape)[1]);
    cx.NoteStored(node, {wb});
    const auto& dims = g.initializer(wb->index).dims();
    PresynapticMap map = wb->transposed
                             ? PresynapticMap{1, dims[1], 0, 0}
                             : PresynapticMap{dims[1], dims[0], 0, 0};
    return cx.Analyze(node, (*b_shape)[0], {{*wb, map}});
  }
  if (wa && a_shape->size() == 2 && g.IsData(b_in)) {
    // W x: transpose x so that the same linear layer applies, and back.
    const size_t r = b_shape->size();
    auto swap = [r](v1::Transpose* t) {
      for (size_t i = 0; i < r; ++i) {
        t->add_perm(i + 2 == r ? r - 1 : i + 1 == r ? r - 2 : i);
      }
    };
    v1::Node* t1 = cx.NewNode(n, StrCat(n.output(0), "/x^T"), "/in^T");
    t1->add_inputs(b_in);
    swap(t1->mutable_transpose());
    v1::Node* node = cx.NewNode(n, StrCat(n.output(0), "/y^T"));
    node->add_inputs(t1->outputs(0));
    cx.TakeWeightType(node, *wa);
    auto* l = node->mutable_linear();
    l->set_in_features((*a_shape)[1]);
    l->set_out_features((*a_shape)[0]);
    cx.NoteStored(node, {wa});
    const auto& dims = g.initializer(wa->index).dims();
    PresynapticMap map = wa->transposed ? PresynapticMap{dims[1], dims[0], 0, 0}
                                        : PresynapticMap{1, dims[1], 0, 0};
    if (auto s = cx.Analyze(node, (*a_shape)[1], {{*wa, map}}); !s.ok()) {
      return s;
    }
    v1::Node* t2 = cx.NewNode(n, n.output(0), "/out^T");
    t2->add_inputs(node->outputs(0));
    swap(t2->mutable_transpose());
    return absl::OkStatus();
  }
  auto a = cx.InputFor(a_in);
  if (!a.ok()) return a.status();
  auto b = cx.InputFor(b_in);
  if (!b.ok()) return b.status();
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(*a);
  node->add_inputs(*b);
  node->mutable_matmul();
  // An integer product's operands are integers, whatever it outputs.
  if (n.op_type() != "MatMul") node->set_dtype(g.TypeOf(a_in));
  return absl::OkStatus();
}

absl::Status Einsum(ImportContext& cx, const onnx::NodeProto& n) {
  std::vector<std::string> inputs;
  for (const auto& t : n.input()) {
    auto in = cx.InputFor(t);
    if (!in.ok()) return in.status();
    inputs.push_back(*in);
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  for (const auto& t : inputs) node->add_inputs(t);
  node->mutable_einsum()->set_equation(AttrString(n, "equation", ""));
  return absl::OkStatus();
}

}  // namespace

void AddLinearTranslators(TranslatorTable& table) {
  AddTranslator(table, "Gemm", Gemm);
  for (const auto& [op, b] :
       {std::pair{"MatMul", 1}, std::pair{"MatMulInteger", 1},
        std::pair{"QLinearMatMul", 3}}) {
    const int b_at = b;
    AddTranslator(table, op,
                  [b_at](ImportContext& cx, const onnx::NodeProto& n) {
                    return MatMul(cx, n, 0, b_at);
                  });
  }
  AddTranslator(table, "Einsum", Einsum);
}

}  // namespace onnx_import
}  // namespace neurowatt
