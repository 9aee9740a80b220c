#include "model/onnx/graph_index.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/graph.h"
#include "model/onnx/control_flow.h"
#include "model/onnx/shape_folding.h"

namespace neurowatt {
namespace onnx_import {

using absl::InvalidArgumentError;
using absl::StrCat;

v1::ElementType ToElementType(int32_t onnx_type) {
  switch (onnx_type) {
    case onnx::TensorProto::FLOAT:
      return v1::FP32;
    case onnx::TensorProto::FLOAT16:
      return v1::FP16;
    case onnx::TensorProto::BFLOAT16:
      return v1::BF16;
    case onnx::TensorProto::DOUBLE:
      return v1::FP64;
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::BOOL:
      return v1::INT8;
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return v1::INT32;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
      return v1::INT64;
    // Types newer than ONNX 1.12's enum: FLOAT8E4M3FN, FLOAT8E4M3FNUZ,
    // FLOAT8E5M2, FLOAT8E5M2FNUZ (opset 19), UINT4 and INT4 (opset 21).
    case 17:
    case 18:
    case 19:
    case 20:
      return v1::FP8;
    case 21:
    case 22:
      return v1::INT4;
    default:
      return v1::ELEMENT_TYPE_UNSPECIFIED;
  }
}

bool IsFloating(int32_t t) {
  return t == onnx::TensorProto::FLOAT || t == onnx::TensorProto::FLOAT16 ||
         t == onnx::TensorProto::BFLOAT16 || t == onnx::TensorProto::DOUBLE;
}

const onnx::AttributeProto* Attr(const onnx::NodeProto& n,
                                 absl::string_view name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t AttrInt(const onnx::NodeProto& n, absl::string_view name,
                int64_t fallback) {
  const auto* a = Attr(n, name);
  return a != nullptr ? a->i() : fallback;
}

std::vector<int64_t> AttrInts(const onnx::NodeProto& n,
                              absl::string_view name) {
  const auto* a = Attr(n, name);
  if (a == nullptr) return {};
  return {a->ints().begin(), a->ints().end()};
}

std::string AttrString(const onnx::NodeProto& n, absl::string_view name,
                       absl::string_view fallback) {
  const auto* a = Attr(n, name);
  return a != nullptr ? a->s() : std::string(fallback);
}

absl::Status InRange(const std::vector<int64_t>& values, int64_t min,
                     absl::string_view name) {
  for (int64_t v : values) {
    if (v < min || v > kMaxDimension) {
      return InvalidArgumentError(
          StrCat(name, " value ", v, " is out of range (", min, " to 2^40)"));
    }
  }
  return absl::OkStatus();
}

int64_t Product(const std::vector<int64_t>& v, size_t from) {
  int64_t p = 1;
  for (size_t i = from; i < v.size(); ++i) p *= v[i];
  return p;
}

const absl::flat_hash_set<std::string>& LayoutOps() {
  static const auto* ops = new absl::flat_hash_set<std::string>{
      "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Concat", "Split", "Slice",
      "Expand", "Tile", "Pad", "Identity", "Dropout", "Cast", "CastLike",
      "Gather", "GatherND", "GatherElements", "DepthToSpace", "SpaceToDepth",
      "Trilu", "ScatterND", "ScatterElements",
      // Values made from shapes, or moved by indices: no arithmetic.
      "Scatter", "ConstantOfShape", "Range", "EyeLike", "OneHot", "MaxUnpool",
      "ReverseSequence", "CenterCropPad"};
  return *ops;
}

absl::Status GraphIndex::IndexInitializers() {
  for (int i = 0; i < graph_.initializer_size(); ++i) {
    const onnx::TensorProto& t = graph_.initializer(i);
    initializer_[t.name()] = i;
    for (int64_t d : t.dims()) {
      if (d < 0 || d > kMaxDimension) {
        return InvalidArgumentError(StrCat("initializer '", t.name(),
                                           "': dimension ", d,
                                           " is out of range (0 to 2^40)"));
      }
    }
    if (auto n = NumElements(Shape(t.dims().begin(), t.dims().end()));
        !n.ok()) {
      return InvalidArgumentError(
          StrCat("initializer '", t.name(), "': ", n.status().message()));
    }
  }
  return absl::OkStatus();
}

void GraphIndex::CollectTensorInfo() {
  info_.clear();
  auto add = [this](const onnx::ValueInfoProto& v) {
    if (!v.type().has_tensor_type()) return;
    const auto& tt = v.type().tensor_type();
    TensorInfo info;
    info.elem_type = tt.elem_type();
    info.has_shape = tt.has_shape();
    for (const auto& d : tt.shape().dim()) {
      info.dims.push_back(d.has_dim_value() ? d.dim_value() : -1);
    }
    info_[v.name()] = std::move(info);
  };
  for (const auto& v : graph_.input()) add(v);
  for (const auto& v : graph_.value_info()) add(v);
  for (const auto& v : graph_.output()) add(v);
  for (const auto& t : graph_.initializer()) {
    TensorInfo info;
    info.elem_type = t.data_type();
    info.has_shape = true;
    info.dims.assign(t.dims().begin(), t.dims().end());
    info_[t.name()] = std::move(info);
  }
}

void GraphIndex::MarkData(
    const std::vector<std::pair<std::string, std::string>>& feedback) {
  for (const auto& in : graph_.input()) {
    if (!initializer_.contains(in.name())) data_.insert(in.name());
  }
  for (int i = 0; i < graph_.node_size(); ++i) {
    for (const auto& o : graph_.node(i).output()) producer_[o] = i;
  }
  auto is_data = [this](const std::string& t) { return data_.contains(t); };
  // One sweep in graph order, again whenever a loop's state turns out to
  // be data (its next value is): a loop nested k deep needs k + 1 sweeps.
  for (bool again = true; again;) {
    for (const auto& n : graph_.node()) {
      // Shape and Size describe a tensor, they do not carry it.
      if (n.op_type() == "Shape" || n.op_type() == "Size") continue;
      // A subgraph (what inlining left) reads its enclosing scope directly.
      const std::vector<std::string> outer = OuterReferences(n);
      // A lookup in a stored table (position embeddings read at constant
      // indices) is a layer even when nothing else about it is data.
      const bool data =
          std::any_of(n.input().begin(), n.input().end(), is_data) ||
          std::any_of(outer.begin(), outer.end(), is_data) ||
          IsEmbeddingLookup(n);
      if (!data) continue;
      for (const auto& o : n.output()) {
        if (!o.empty()) data_.insert(o);
      }
    }
    again = false;
    for (const auto& [state, next] : feedback) {
      if (data_.contains(next) && data_.insert(state).second) again = true;
    }
  }
}

std::optional<int> GraphIndex::InitializerIndex(const std::string& t) const {
  auto it = initializer_.find(t);
  if (it == initializer_.end()) return std::nullopt;
  return it->second;
}

int32_t GraphIndex::OnnxTypeOf(const std::string& t) const {
  auto it = info_.find(t);
  return it == info_.end() ? 0 : it->second.elem_type;
}

std::optional<std::vector<int64_t>> GraphIndex::KnownShape(
    const std::string& t) const {
  auto it = info_.find(t);
  if (it == info_.end() || !it->second.has_shape) return std::nullopt;
  for (int64_t d : it->second.dims) {
    if (d < 0) return std::nullopt;
  }
  return it->second.dims;
}

absl::StatusOr<std::vector<int64_t>> GraphIndex::ShapeOf(
    const std::string& t) const {
  // CheckTopology (model/onnx/topology.h) has ruled this out for the file's
  // own nodes; what folding leaves is checked again here.
  if (!producer_.contains(t) && !initializer_.contains(t) &&
      !data_.contains(t)) {
    return InvalidArgumentError(StrCat("tensor '", t,
                                       "' is produced by no node and is not "
                                       "an input or an initializer"));
  }
  auto known = KnownShape(t);
  if (!known) {
    return InvalidArgumentError(
        StrCat("ONNX shape inference left the shape of tensor '", t,
               "' unknown (a dimension computed at run time?)"));
  }
  for (int64_t d : *known) {
    if (d == 0) {
      return InvalidArgumentError(
          StrCat("tensor '", t, "' has an empty dimension"));
    }
    if (d > kMaxDimension) {
      return InvalidArgumentError(StrCat("tensor '", t, "': dimension ", d,
                                         " is beyond the largest accepted "
                                         "(2^40)"));
    }
  }
  if (auto n = NumElements(*known); !n.ok()) {
    return InvalidArgumentError(
        StrCat("tensor '", t, "': ", n.status().message()));
  }
  return *known;
}

v1::ElementType GraphIndex::TypeOf(const std::string& t) const {
  auto it = info_.find(t);
  return it == info_.end() ? v1::ELEMENT_TYPE_UNSPECIFIED
                           : ToElementType(it->second.elem_type);
}

std::vector<std::string> GraphIndex::DataInputs(
    const onnx::NodeProto& n) const {
  std::vector<std::string> out;
  for (const auto& t : n.input()) {
    if (IsData(t)) out.push_back(t);
  }
  return out;
}

bool GraphIndex::IsEmbeddingLookup(const onnx::NodeProto& n) const {
  if (n.op_type() != "Gather" || AttrInt(n, "axis", 0) != 0 ||
      n.input_size() != 2) {
    return false;
  }
  auto it = initializer_.find(n.input(0));
  if (it == initializer_.end()) return false;
  const onnx::TensorProto& t = graph_.initializer(it->second);
  return t.dims_size() == 2 && IsFloating(t.data_type());
}

const onnx::NodeProto* GraphIndex::Producer(const std::string& t) const {
  auto p = producer_.find(t);
  return p == producer_.end() ? nullptr : &graph_.node(p->second);
}

std::optional<WeightRef> GraphIndex::Weight(const std::string& t) const {
  if (t.empty() || IsData(t)) return std::nullopt;
  if (auto it = initializer_.find(t); it != initializer_.end()) {
    return WeightRef{it->second, false};
  }
  const onnx::NodeProto* n = Producer(t);
  if (n == nullptr || n->input_size() < 1) return std::nullopt;
  // A quantised model's weights reach their layer dequantised.
  if (n->op_type() == "Identity" || n->op_type() == "Cast" ||
      n->op_type() == "DequantizeLinear") {
    return Weight(n->input(0));
  }
  if (n->op_type() == "Transpose") {
    auto w = Weight(n->input(0));
    const auto perm = AttrInts(*n, "perm");
    if (w && graph_.initializer(w->index).dims_size() == 2 &&
        (perm.empty() || perm == std::vector<int64_t>{1, 0})) {
      w->transposed = !w->transposed;
      return w;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<int64_t>> GraphIndex::ConstInts(
    const std::string& t) const {
  const onnx::TensorProto* tensor = nullptr;
  if (auto it = initializer_.find(t); it != initializer_.end()) {
    tensor = &graph_.initializer(it->second);
  } else if (const onnx::NodeProto* n = Producer(t)) {
    if (n->op_type() == "Constant") {
      if (const auto* a = Attr(*n, "value")) tensor = &a->t();
      if (const auto* a = Attr(*n, "value_ints")) {
        return std::vector<int64_t>(a->ints().begin(), a->ints().end());
      }
    }
  }
  if (tensor == nullptr || tensor->data_type() != onnx::TensorProto::INT64) {
    return std::nullopt;
  }
  return IntValues(*tensor);
}

bool GraphIndex::ReachesParameter(const std::string& t) const {
  if (auto it = initializer_.find(t); it != initializer_.end()) {
    const onnx::TensorProto& init = graph_.initializer(it->second);
    int64_t n = 1;
    for (int64_t d : init.dims()) n *= d;
    return IsFloating(init.data_type()) && n > 1;
  }
  const onnx::NodeProto* n = Producer(t);
  if (n == nullptr) return false;
  return (IsLayoutOp(n->op_type()) || n->op_type() == "Transpose") &&
         n->input_size() > 0 && ReachesParameter(n->input(0));
}

}  // namespace onnx_import
}  // namespace neurowatt
