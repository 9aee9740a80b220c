// Work outside MACs: activations, broadcast arithmetic and comparisons,
// reductions and norms, which keep their other ops (docs/counting.md).
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

absl::Status Activation(ImportContext& cx, const onnx::NodeProto& n,
                        v1::Activation::Kind kind) {
  // PRelu's slope is a parameter.
  if (n.op_type() == "PRelu" && n.input_size() > 1) {
    if (auto s = cx.InputFor(n.input(1)); !s.ok()) return s.status();
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  node->mutable_activation()->set_kind(kind);
  return absl::OkStatus();
}

absl::Status Elementwise(ImportContext& cx, const onnx::NodeProto& n,
                         v1::Elementwise::Kind kind) {
  std::vector<std::string> inputs;
  for (const auto& t : n.input()) {
    if (t.empty()) continue;
    auto in = cx.InputFor(t);
    if (!in.ok()) return in.status();
    inputs.push_back(*in);
  }
  // Sum, Mean, Max and Min of one tensor compute nothing.
  if (inputs.size() < 2) {
    return cx.EmitLayout(n, n.output(0), cx.tensors().DataInputs(n),
                         n.op_type());
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  for (const auto& t : inputs) node->add_inputs(t);
  node->mutable_elementwise()->set_kind(kind);
  return absl::OkStatus();
}

absl::Status Reduce(ImportContext& cx, const onnx::NodeProto& n,
                    v1::Reduce::Kind kind) {
  std::vector<int64_t> axes = AttrInts(n, "axes");
  // Axes as an input: ReduceSum from opset 13, the others from 18.
  if (n.input_size() > 1 && !n.input(1).empty()) {
    auto values = cx.tensors().ConstInts(n.input(1));
    if (!values) return cx.EmitUncounted(n, "axes computed at run time");
    axes = *values;
  }
  if (axes.empty() && AttrInt(n, "noop_with_empty_axes", 0) != 0) {
    return cx.EmitLayout(n, n.output(0), {n.input(0)}, n.op_type());
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* r = node->mutable_reduce();
  r->set_kind(kind);
  for (int64_t a : axes) r->add_axes(a);
  r->set_keep_dims(AttrInt(n, "keepdims", 1) != 0);
  return absl::OkStatus();
}

// ArgMax and ArgMin: the compares of a max or min over their one axis.
absl::Status ArgReduce(ImportContext& cx, const onnx::NodeProto& n) {
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* r = node->mutable_reduce();
  r->set_kind(n.op_type() == "ArgMax" ? v1::Reduce::MAX : v1::Reduce::MIN);
  r->add_axes(AttrInt(n, "axis", 0));
  r->set_keep_dims(AttrInt(n, "keepdims", 1) != 0);
  return absl::OkStatus();
}

absl::Status Norm(ImportContext& cx, const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  auto x = cx.tensors().ShapeOf(n.input(0));
  if (!x.ok()) return x.status();
  if (x->size() < 2) {
    return absl::InvalidArgumentError("input has fewer than 2 dims");
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  // Its gain and shift (scale and B) are its params.
  std::vector<std::optional<WeightRef>> stored;
  for (int i = 1; i <= 2 && i < n.input_size(); ++i) {
    stored.push_back(cx.tensors().Weight(n.input(i)));
  }
  cx.NoteStored(node, stored);
  auto* norm = node->mutable_norm();
  if (op == "LayerNormalization") {
    int64_t axis = AttrInt(n, "axis", -1);
    if (axis < 0) axis += static_cast<int64_t>(x->size());
    if (axis < 0 || axis >= static_cast<int64_t>(x->size())) {
      return absl::InvalidArgumentError("axis is outside the input's dims");
    }
    norm->set_kind(v1::Norm::LAYER);
    norm->set_features(Product(*x, axis));
  } else {
    norm->set_kind(op == "BatchNormalization" ? v1::Norm::BATCH
                                              : v1::Norm::GROUP);
    norm->set_features((*x)[1]);
    if (op == "InstanceNormalization") norm->set_groups((*x)[1]);
    if (op == "GroupNormalization") {
      const int64_t groups = AttrInt(n, "num_groups", 0);
      if (auto s = InRange({groups}, 1, "num_groups"); !s.ok()) return s;
      norm->set_groups(groups);
    }
  }
  return absl::OkStatus();
}

// Registers `translate` (one of the above, taking a kind) for each op of
// `kinds`, bound to its kind.
template <typename Kind>
void AddKinds(TranslatorTable& table,
              absl::Status (*translate)(ImportContext&, const onnx::NodeProto&,
                                        Kind),
              std::initializer_list<std::pair<const char*, Kind>> kinds) {
  for (const auto& entry : kinds) {
    const Kind kind = entry.second;
    AddTranslator(
        table, entry.first,
        [translate, kind](ImportContext& cx, const onnx::NodeProto& n) {
          return translate(cx, n, kind);
        });
  }
}

}  // namespace

void AddElementwiseTranslators(TranslatorTable& table) {
  using A = v1::Activation;
  AddKinds<A::Kind>(table, Activation,
                    {
                        {"Relu", A::RELU},
                        {"Gelu", A::GELU},
                        {"Tanh", A::TANH},
                        {"Sigmoid", A::SIGMOID},
                        {"Softmax", A::SOFTMAX},
                        {"LogSoftmax", A::LOG_SOFTMAX},
                        {"Erf", A::ERF},
                        {"Exp", A::EXP},
                        {"Log", A::LOG},
                        {"Sqrt", A::SQRT},
                        {"Reciprocal", A::RECIPROCAL},
                        {"Neg", A::NEG},
                        {"Abs", A::ABS},
                        {"Clip", A::CLIP},
                        {"HardSigmoid", A::HARD_SIGMOID},
                        {"HardSwish", A::HARD_SWISH},
                        {"LeakyRelu", A::LEAKY_RELU},
                        {"PRelu", A::LEAKY_RELU},
                        {"Elu", A::ELU},
                        {"Selu", A::ELU},
                        {"Celu", A::ELU},
                        {"Softplus", A::SOFTPLUS},
                        {"Floor", A::ROUND},
                        {"Ceil", A::ROUND},
                        {"Round", A::ROUND},
                        {"Sign", A::ROUND},
                        {"Not", A::ROUND},
                        {"BitwiseNot", A::ROUND},
                        {"IsInf", A::ROUND},
                        {"IsNaN", A::ROUND},
                        // argmax along the axis: a compare per element
                        {"Hardmax", A::ROUND},
                        {"ThresholdedRelu", A::RELU},
                        {"Mish", A::MISH},
                        {"Softsign", A::SOFTSIGN},
                        {"Sin", A::TRANSCENDENTAL},
                        {"Cos", A::TRANSCENDENTAL},
                        {"Tan", A::TRANSCENDENTAL},
                        {"Asin", A::TRANSCENDENTAL},
                        {"Acos", A::TRANSCENDENTAL},
                        {"Atan", A::TRANSCENDENTAL},
                        {"Sinh", A::TRANSCENDENTAL},
                        {"Cosh", A::TRANSCENDENTAL},
                        {"Asinh", A::TRANSCENDENTAL},
                        {"Acosh", A::TRANSCENDENTAL},
                        {"Atanh", A::TRANSCENDENTAL},
                        {"Shrink", A::SHRINK},
                        {"CumSum", A::CUMULATIVE_SUM},
                        {"QuantizeLinear", A::QUANTIZE},
                        {"DynamicQuantizeLinear", A::QUANTIZE},
                        {"DequantizeLinear", A::DEQUANTIZE},
                    });
  using E = v1::Elementwise;
  AddKinds<E::Kind>(table, Elementwise,
                    {
                        {"Add", E::ADD},
                        {"Sum", E::ADD},
                        {"Mean", E::ADD},
                        {"Sub", E::SUB},
                        {"Mul", E::MUL},
                        {"Div", E::DIV},
                        {"Mod", E::DIV},
                        {"Pow", E::POW},
                        {"Max", E::MAX},
                        {"Min", E::MIN},
                        {"Equal", E::COMPARE},
                        {"Less", E::COMPARE},
                        {"LessOrEqual", E::COMPARE},
                        {"Greater", E::COMPARE},
                        {"GreaterOrEqual", E::COMPARE},
                        {"And", E::COMPARE},
                        {"Or", E::COMPARE},
                        {"Xor", E::COMPARE},
                        {"Where", E::WHERE},
                        {"BitwiseAnd", E::COMPARE},
                        {"BitwiseOr", E::COMPARE},
                        {"BitwiseXor", E::COMPARE},
                        {"BitShift", E::COMPARE},
                    });
  using R = v1::Reduce;
  AddKinds<R::Kind>(table, Reduce,
                    {
                        {"ReduceSum", R::SUM},
                        {"ReduceMean", R::MEAN},
                        {"ReduceMax", R::MAX},
                        {"ReduceMin", R::MIN},
                        {"ReduceProd", R::PROD},
                        {"ReduceSumSquare", R::SUM_SQUARE},
                        {"ReduceL2", R::SUM_SQUARE},
                        {"ReduceL1", R::SUM},
                        {"ReduceLogSumExp", R::LOG_SUM_EXP},
                        {"ReduceLogSum", R::LOG_SUM},
                    });
  AddTranslator(table, "ArgMax", ArgReduce);
  AddTranslator(table, "ArgMin", ArgReduce);
  for (const char* op : {"BatchNormalization", "InstanceNormalization",
                         "LayerNormalization", "GroupNormalization"}) {
    AddTranslator(table, op, Norm);
  }
}

}  // namespace onnx_import
}  // namespace neurowatt
