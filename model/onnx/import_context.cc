#include "model/onnx/import_context.h"

#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace onnx_import {

using absl::InvalidArgumentError;
using absl::StrCat;

v1::Node* ImportContext::NewNode(const onnx::NodeProto& n,
                                 const std::string& output,
                                 absl::string_view suffix) {
  std::string name = n.name().empty()
                         ? StrCat(n.op_type(), "_", current_, suffix)
                         : StrCat(n.name(), suffix);
  while (!node_names_.insert(name).second) name += "'";
  v1::Node* node = arch_.add_nodes();
  node->set_name(std::move(name));
  node->add_outputs(output);
  node->set_dtype(tensors_.TypeOf(output));
  return node;
}

absl::StatusOr<std::string> ImportContext::InputFor(const std::string& t) {
  if (tensors_.IsData(t)) return t;
  if (constants_.contains(t)) return t;
  auto shape = tensors_.ShapeOf(t);
  if (!shape.ok()) return shape.status();
  // A parameter reshaped or broadcast on its way (ViT's class token is
  // expanded to the batch): the parameter once, then the layout op, so that
  // params do not grow with the batch.
  if (const onnx::NodeProto* p = tensors_.Producer(t);
      p != nullptr && !tensors_.IsInitializer(t) &&
      tensors_.ReachesParameter(t)) {
    auto source = InputFor(p->input(0));
    if (!source.ok()) return source.status();
    constants_.insert(t);
    auto s = p->op_type() == "Transpose"
                 ? EmitTranspose(*p, *source, t)
                 : EmitLayout(*p, t, {*source}, p->op_type());
    if (!s.ok()) return s;
    return t;
  }
  const bool parameter = tensors_.ReachesParameter(t);
  v1::Node* node = arch_.add_nodes();
  std::string name = StrCat(parameter ? "param:" : "const:", t);
  while (!node_names_.insert(name).second) name += "'";
  node->set_name(name);
  node->add_outputs(t);
  node->set_dtype(tensors_.TypeOf(t));
  auto* c = node->mutable_constant();
  c->set_parameter(parameter);
  for (int64_t d : *shape) c->add_shape()->set_size(d);
  if (parameter) NoteStored(node, {tensors_.Weight(t)});
  constants_.insert(t);
  return t;
}

absl::Status ImportContext::EmitLayout(const onnx::NodeProto& n,
                                       const std::string& output,
                                       const std::vector<std::string>& inputs,
                                       const std::string& op_type) {
  auto shape = tensors_.ShapeOf(output);
  if (!shape.ok()) return shape.status();
  v1::Node* node =
      NewNode(n, output, output == n.output(0) ? "" : StrCat("/", output));
  for (const auto& t : inputs) node->add_inputs(t);
  auto* l = node->mutable_layout();
  l->set_op_type(op_type);
  for (int64_t d : *shape) l->add_shape()->set_size(d);
  return absl::OkStatus();
}

absl::Status ImportContext::EmitTranspose(const onnx::NodeProto& n,
                                          const std::string& input,
                                          const std::string& output) {
  auto x = tensors_.ShapeOf(input);
  if (!x.ok()) return x.status();
  std::vector<int64_t> perm = AttrInts(n, "perm");
  if (perm.empty()) {  // ONNX's default: reverse the dimensions
    for (size_t i = x->size(); i > 0; --i) perm.push_back(i - 1);
  }
  v1::Node* node = NewNode(n, output);
  node->add_inputs(input);
  for (int64_t p : perm) node->mutable_transpose()->add_perm(p);
  return absl::OkStatus();
}

absl::Status ImportContext::EmitUncounted(const onnx::NodeProto& n,
                                          const std::string& why) {
  auto shape = tensors_.ShapeOf(n.output(0));
  if (!shape.ok()) return shape.status();
  v1::Node* node = NewNode(n, n.output(0));
  for (const auto& t : tensors_.DataInputs(n)) node->add_inputs(t);
  auto* u = node->mutable_uncounted();
  u->set_op_type(why.empty() ? n.op_type()
                             : StrCat(n.op_type(), " (", why, ")"));
  for (int64_t d : *shape) u->add_shape()->set_size(d);
  return absl::OkStatus();
}

absl::Status ImportContext::Analyze(
    v1::Node* node, int64_t presynaptic,
    const std::vector<std::pair<WeightRef, PresynapticMap>>& parts) {
  if (!read_weights_) return absl::OkStatus();
  WeightAnalyzer analyzer(presynaptic);
  for (const auto& [ref, map] : parts) {
    auto payload = file_.Payload(ref.index);
    if (!payload.ok()) return payload.status();
    if (!payload->has_value()) return absl::OkStatus();  // weight-stripped
    const onnx::TensorProto& t = tensors_.initializer(ref.index);
    int64_t elements = 1;
    for (int64_t d : t.dims()) elements *= d;
    if (auto s = analyzer.Add(**payload, t.data_type(), elements, map);
        !s.ok()) {
      return InvalidArgumentError(
          StrCat("initializer '", t.name(), "': ", s.message()));
    }
  }
  *node->mutable_weight_stats() = analyzer.Finish();
  return absl::OkStatus();
}

void ImportContext::TakeWeightType(v1::Node* node, const WeightRef& w) {
  const int32_t type = tensors_.initializer(w.index).data_type();
  if (!IsFloating(type)) node->set_dtype(ToElementType(type));
}

void ImportContext::NoteStored(
    v1::Node* node, const std::vector<std::optional<WeightRef>>& stored) {
  int64_t shared = 0;
  for (const auto& ref : stored) {
    if (!ref) continue;
    auto [it, first] = holder_.emplace(ref->index, node->name());
    if (first || it->second == node->name()) continue;
    // IndexInitializers bounded every initializer's element count.
    shared += Product({tensors_.initializer(ref->index).dims().begin(),
                       tensors_.initializer(ref->index).dims().end()});
    if (!node->has_shared()) node->mutable_shared()->set_with(it->second);
  }
  if (shared > 0) node->mutable_shared()->set_params(shared);
}

}  // namespace onnx_import
}  // namespace neurowatt
