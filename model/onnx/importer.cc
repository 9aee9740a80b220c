#include "model/onnx/importer.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/onnx/onnx_file.h"
#include "model/onnx/shape_folding.h"
#include "model/weight_stats.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

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

// Ops that move or select data without arithmetic.
bool IsLayoutOp(const std::string& op) {
  static const auto* ops = new absl::flat_hash_set<std::string>{
      "Reshape",   "Flatten",        "Squeeze",      "Unsqueeze",    "Concat",
      "Split",     "Slice",          "Expand",       "Tile",         "Pad",
      "Identity",  "Dropout",        "Cast",         "CastLike",     "Gather",
      "GatherND",  "GatherElements", "DepthToSpace", "SpaceToDepth", "Trilu",
      "ScatterND", "ScatterElements"};
  return ops->contains(op);
}

template <typename Kind>
std::optional<Kind> Find(const absl::flat_hash_map<std::string, Kind>& kinds,
                         const std::string& op) {
  auto it = kinds.find(op);
  if (it == kinds.end()) return std::nullopt;
  return it->second;
}

std::optional<v1::Activation::Kind> ActivationKind(const std::string& op) {
  static const auto* kinds =
      new absl::flat_hash_map<std::string, v1::Activation::Kind>{
          {"Relu", v1::Activation::RELU},
          {"Gelu", v1::Activation::GELU},
          {"Tanh", v1::Activation::TANH},
          {"Sigmoid", v1::Activation::SIGMOID},
          {"Softmax", v1::Activation::SOFTMAX},
          {"LogSoftmax", v1::Activation::LOG_SOFTMAX},
          {"Erf", v1::Activation::ERF},
          {"Exp", v1::Activation::EXP},
          {"Log", v1::Activation::LOG},
          {"Sqrt", v1::Activation::SQRT},
          {"Reciprocal", v1::Activation::RECIPROCAL},
          {"Neg", v1::Activation::NEG},
          {"Abs", v1::Activation::ABS},
          {"Clip", v1::Activation::CLIP},
          {"HardSigmoid", v1::Activation::HARD_SIGMOID},
          {"HardSwish", v1::Activation::HARD_SWISH},
          {"LeakyRelu", v1::Activation::LEAKY_RELU},
          {"PRelu", v1::Activation::LEAKY_RELU},
          {"Elu", v1::Activation::ELU},
          {"Selu", v1::Activation::ELU},
          {"Celu", v1::Activation::ELU},
          {"Softplus", v1::Activation::SOFTPLUS},
          {"Floor", v1::Activation::ROUND},
          {"Ceil", v1::Activation::ROUND},
          {"Round", v1::Activation::ROUND},
          {"Sign", v1::Activation::ROUND},
          {"Not", v1::Activation::ROUND},
      };
  return Find(*kinds, op);
}

std::optional<v1::Elementwise::Kind> ElementwiseKind(const std::string& op) {
  static const auto* kinds =
      new absl::flat_hash_map<std::string, v1::Elementwise::Kind>{
          {"Add", v1::Elementwise::ADD},
          {"Sum", v1::Elementwise::ADD},
          {"Mean", v1::Elementwise::ADD},
          {"Sub", v1::Elementwise::SUB},
          {"Mul", v1::Elementwise::MUL},
          {"Div", v1::Elementwise::DIV},
          {"Mod", v1::Elementwise::DIV},
          {"Pow", v1::Elementwise::POW},
          {"Max", v1::Elementwise::MAX},
          {"Min", v1::Elementwise::MIN},
          {"Equal", v1::Elementwise::COMPARE},
          {"Less", v1::Elementwise::COMPARE},
          {"LessOrEqual", v1::Elementwise::COMPARE},
          {"Greater", v1::Elementwise::COMPARE},
          {"GreaterOrEqual", v1::Elementwise::COMPARE},
          {"And", v1::Elementwise::COMPARE},
          {"Or", v1::Elementwise::COMPARE},
          {"Xor", v1::Elementwise::COMPARE},
          {"Where", v1::Elementwise::WHERE},
      };
  return Find(*kinds, op);
}

std::optional<v1::Reduce::Kind> ReduceKind(const std::string& op) {
  static const auto* kinds =
      new absl::flat_hash_map<std::string, v1::Reduce::Kind>{
          {"ReduceSum", v1::Reduce::SUM},
          {"ReduceMean", v1::Reduce::MEAN},
          {"ReduceMax", v1::Reduce::MAX},
          {"ReduceMin", v1::Reduce::MIN},
          {"ReduceProd", v1::Reduce::PROD},
          {"ReduceSumSquare", v1::Reduce::SUM_SQUARE},
          {"ReduceL2", v1::Reduce::SUM_SQUARE},
          {"ReduceL1", v1::Reduce::SUM},
      };
  return Find(*kinds, op);
}

// ONNX's messages span lines; errors here are one line.
std::string OneLineOf(absl::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// Attribute values that become dimensions: from `min` to 2^40.
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

int64_t Product(const std::vector<int64_t>& v, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < v.size(); ++i) p *= v[i];
  return p;
}

class Importer {
 public:
  Importer(OnnxFile& file, bool read_weights)
      : file_(file),
        graph_(file.model().graph()),
        read_weights_(read_weights) {}

  absl::StatusOr<OnnxImport> Run(const DimBindings& dims);

 private:
  absl::Status BindInputs(const DimBindings& dims);
  absl::Status InferShapes();
  void CollectInfo();
  void MarkData();
  absl::Status Translate(const onnx::NodeProto& n, int index);
  absl::Status CheckShapes(const Graph& g) const;

  // Node translations; each emits one or more nodes producing n.output(0).
  absl::Status Conv(const onnx::NodeProto& n, bool transposed);
  absl::Status Gemm(const onnx::NodeProto& n);
  absl::Status MatMul(const onnx::NodeProto& n);
  absl::Status Recurrent(const onnx::NodeProto& n, v1::Recurrent::Cell cell);
  absl::Status Pool(const onnx::NodeProto& n);
  absl::Status Reduce(const onnx::NodeProto& n, v1::Reduce::Kind kind);
  absl::Status Elementwise(const onnx::NodeProto& n, v1::Elementwise::Kind k);
  absl::Status Transpose(const onnx::NodeProto& n, const std::string& input,
                         const std::string& output);
  absl::Status Layout(const onnx::NodeProto& n, const std::string& output,
                      std::vector<std::string> inputs,
                      const std::string& op_type);
  absl::Status Uncounted(const onnx::NodeProto& n, const std::string& why);

  // Shape of tensor `t`, all dimensions known and positive.
  absl::StatusOr<std::vector<int64_t>> ShapeOf(const std::string& t) const;
  v1::ElementType TypeOf(const std::string& t) const;
  bool IsData(const std::string& t) const { return data_.contains(t); }
  std::vector<std::string> DataInputs(const onnx::NodeProto& n) const;
  // Gather (axis 0) of rows of a stored floating-point matrix.
  bool IsEmbeddingLookup(const onnx::NodeProto& n) const;
  std::optional<WeightRef> Weight(const std::string& t) const;
  // Whether `t` is a floating-point initializer of more than one element,
  // possibly through layout ops.
  bool ReachesParameter(const std::string& t) const;
  // `t` as a node input: itself when it is data, else a constant node.
  absl::StatusOr<std::string> InputFor(const std::string& t);
  std::optional<std::vector<int64_t>> ConstInts(const std::string& t) const;
  // A new node named after `n`, writing `output`.
  v1::Node* NewNode(const onnx::NodeProto& n, const std::string& output,
                    absl::string_view suffix = "");
  // Pads for an ONNX window op, resolving auto_pad.
  absl::StatusOr<std::vector<int64_t>> Pads(
      const onnx::NodeProto& n, const std::vector<int64_t>& in,
      const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
      const std::vector<int64_t>& dilations) const;
  // Weight statistics over `parts` (tensor name, layout), when every payload
  // is present.
  absl::Status Analyze(
      v1::Node* node, int64_t presynaptic,
      const std::vector<std::pair<WeightRef, PresynapticMap>>& parts);
  absl::Status NodeError(const onnx::NodeProto& n,
                         absl::string_view msg) const {
    return InvalidArgumentError(
        StrCat("node '", n.name(), "' (", n.op_type(), "): ", msg));
  }

  OnnxFile& file_;
  const onnx::GraphProto& graph_;
  bool read_weights_;
  int current_ = 0;  // index of the node being translated
  DimBindings bindings_;
  absl::flat_hash_map<std::string, TensorInfo> info_;
  absl::flat_hash_map<std::string, int> initializer_;
  absl::flat_hash_map<std::string, int> producer_;
  absl::flat_hash_set<std::string> data_;
  absl::flat_hash_set<std::string> node_names_;
  absl::flat_hash_set<std::string> constants_;
  std::map<int, std::string> embedding_of_;          // initializer -> node
  std::vector<std::pair<int, int>> linear_weights_;  // arch node, initializer
  v1::Architecture arch_;
};

absl::Status Importer::BindInputs(const DimBindings& dims) {
  // Exporters name the batch "batch", "batch_size", "N"...: a symbol is
  // the batch when its name says so.
  auto is_batch = [](const std::string& sym) {
    std::string lower = sym;
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    return lower == "n" || absl::StrContains(lower, "batch");
  };
  std::set<std::string> symbols;
  for (const auto& in : graph_.input()) {
    if (initializer_.contains(in.name())) continue;
    const auto& shape = in.type().tensor_type().shape();
    for (int i = 0; i < shape.dim_size(); ++i) {
      const auto& d = shape.dim(i);
      if (d.has_dim_value()) {
        const int64_t v = d.dim_value();
        if (v <= 0 || v > kMaxDimension) {
          return InvalidArgumentError(
              StrCat("input '", in.name(), "': dimension ", i, " is ", v,
                     v <= 0 ? ", not positive"
                            : ", beyond the largest accepted (2^40)"));
        }
        continue;
      }
      symbols.insert(d.has_dim_param() && !d.dim_param().empty()
                         ? d.dim_param()
                         : StrCat(in.name(), ":", i));
    }
  }
  std::vector<std::string> batch_symbols;
  for (const auto& s : symbols) {
    if (is_batch(s)) batch_symbols.push_back(s);
  }
  for (const auto& [name, value] : dims) {
    std::string sym = name;
    if (!symbols.contains(name) && name == "batch" &&
        batch_symbols.size() == 1 && !dims.contains(batch_symbols[0])) {
      sym = batch_symbols[0];
    }
    if (!symbols.contains(sym)) {
      std::vector<std::string> have(symbols.begin(), symbols.end());
      return InvalidArgumentError(StrCat(
          "--dim ", name, "=", value, ": the model has no dimension named '",
          name, "'",
          have.empty() ? std::string(" (it has no symbolic dimensions)")
                       : StrCat(" (it has: ", absl::StrJoin(have, ", "), ")")));
    }
    if (value <= 0 || value > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("--dim ", name, "=", value, ": must be from 1 to 2^40"));
    }
    bindings_[sym] = value;
  }
  std::vector<std::string> unbound;
  for (const auto& sym : symbols) {
    if (bindings_.contains(sym)) continue;
    if (is_batch(sym)) {
      bindings_[sym] = 1;
    } else {
      unbound.push_back(sym);
    }
  }
  if (!unbound.empty()) {
    return InvalidArgumentError(
        StrCat("symbolic dimension(s) ", absl::StrJoin(unbound, ", "),
               " have no value; bind them with --dim ", unbound[0], "=N"));
  }
  auto* graph = file_.model().mutable_graph();
  for (auto& in : *graph->mutable_input()) {
    if (initializer_.contains(in.name())) continue;
    auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto* d = shape->mutable_dim(i);
      if (d->has_dim_value()) continue;
      const std::string sym = d->has_dim_param() && !d->dim_param().empty()
                                  ? d->dim_param()
                                  : StrCat(in.name(), ":", i);
      d->set_dim_value(bindings_.at(sym));
    }
  }
  return absl::OkStatus();
}

absl::Status Importer::InferShapes() {
  // Each pass of ONNX's inference can make more shape arithmetic evaluable,
  // which in turn makes more shapes concrete; exporters nest a few levels.
  constexpr int kMaxPasses = 8;
  auto lookup =
      [this](const std::string& t) -> std::optional<std::vector<int64_t>> {
    auto it = info_.find(t);
    if (it == info_.end() || !it->second.has_shape) return std::nullopt;
    for (int64_t d : it->second.dims) {
      if (d < 0) return std::nullopt;
    }
    return it->second.dims;
  };
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    try {
      onnx::shape_inference::InferShapes(
          file_.model(), onnx::OpSchemaRegistry::Instance(),
          onnx::ShapeInferenceOptions(/*check_type=*/false, /*error_mode=*/0,
                                      /*data_prop=*/true));
    } catch (const std::exception& e) {
      return InvalidArgumentError(
          StrCat("ONNX shape inference failed: ", OneLineOf(e.what())));
    }
    info_.clear();
    CollectInfo();
    auto* graph = file_.model().mutable_graph();
    if (FoldShapeArithmetic(*graph, lookup) == 0) break;
    graph->clear_value_info();
  }
  return absl::OkStatus();
}

void Importer::CollectInfo() {
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

void Importer::MarkData() {
  for (const auto& in : graph_.input()) {
    if (!initializer_.contains(in.name())) data_.insert(in.name());
  }
  for (int i = 0; i < graph_.node_size(); ++i) {
    const auto& n = graph_.node(i);
    for (const auto& o : n.output()) producer_[o] = i;
    // Shape and Size describe a tensor, they do not carry it.
    if (n.op_type() == "Shape" || n.op_type() == "Size") continue;
    // A lookup in a stored table (position embeddings read at constant
    // indices) is a layer even when nothing else about it is data.
    const bool data = std::any_of(n.input().begin(), n.input().end(),
                                  [this](const std::string& t) {
                                    return data_.contains(t);
                                  }) ||
                      IsEmbeddingLookup(n);
    if (!data) continue;
    for (const auto& o : n.output()) {
      if (!o.empty()) data_.insert(o);
    }
  }
}

absl::StatusOr<std::vector<int64_t>> Importer::ShapeOf(
    const std::string& t) const {
  if (!producer_.contains(t) && !initializer_.contains(t) &&
      !data_.contains(t)) {
    return InvalidArgumentError(StrCat("tensor '", t,
                                       "' is produced by no node and is not "
                                       "an input or an initializer"));
  }
  auto it = info_.find(t);
  if (it == info_.end() || !it->second.has_shape ||
      std::any_of(it->second.dims.begin(), it->second.dims.end(),
                  [](int64_t d) { return d < 0; })) {
    return InvalidArgumentError(
        StrCat("ONNX shape inference left the shape of tensor '", t,
               "' unknown (a dimension computed at run time?); bind symbolic "
               "dimensions with --dim"));
  }
  for (int64_t d : it->second.dims) {
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
  if (auto n = NumElements(it->second.dims); !n.ok()) {
    return InvalidArgumentError(
        StrCat("tensor '", t, "': ", n.status().message()));
  }
  return it->second.dims;
}

v1::ElementType Importer::TypeOf(const std::string& t) const {
  auto it = info_.find(t);
  return it == info_.end() ? v1::ELEMENT_TYPE_UNSPECIFIED
                           : ToElementType(it->second.elem_type);
}

std::vector<std::string> Importer::DataInputs(const onnx::NodeProto& n) const {
  std::vector<std::string> out;
  for (const auto& t : n.input()) {
    if (IsData(t)) out.push_back(t);
  }
  return out;
}

bool Importer::IsEmbeddingLookup(const onnx::NodeProto& n) const {
  if (n.op_type() != "Gather" || AttrInt(n, "axis", 0) != 0 ||
      n.input_size() != 2) {
    return false;
  }
  auto it = initializer_.find(n.input(0));
  if (it == initializer_.end()) return false;
  const onnx::TensorProto& t = graph_.initializer(it->second);
  return t.dims_size() == 2 && IsFloating(t.data_type());
}

std::optional<WeightRef> Importer::Weight(const std::string& t) const {
  if (t.empty() || IsData(t)) return std::nullopt;
  if (auto it = initializer_.find(t); it != initializer_.end()) {
    return WeightRef{it->second, false};
  }
  auto p = producer_.find(t);
  if (p == producer_.end()) return std::nullopt;
  const auto& n = graph_.node(p->second);
  if (n.input_size() < 1) return std::nullopt;
  if (n.op_type() == "Identity" || n.op_type() == "Cast") {
    return Weight(n.input(0));
  }
  if (n.op_type() == "Transpose") {
    auto w = Weight(n.input(0));
    const auto perm = AttrInts(n, "perm");
    if (w && graph_.initializer(w->index).dims_size() == 2 &&
        (perm.empty() || perm == std::vector<int64_t>{1, 0})) {
      w->transposed = !w->transposed;
      return w;
    }
  }
  return std::nullopt;
}

std::optional<std::vector<int64_t>> Importer::ConstInts(
    const std::string& t) const {
  const onnx::TensorProto* tensor = nullptr;
  if (auto it = initializer_.find(t); it != initializer_.end()) {
    tensor = &graph_.initializer(it->second);
  } else if (auto p = producer_.find(t); p != producer_.end()) {
    const auto& n = graph_.node(p->second);
    if (n.op_type() == "Constant") {
      if (const auto* a = Attr(n, "value")) tensor = &a->t();
      if (const auto* a = Attr(n, "value_ints")) {
        return std::vector<int64_t>(a->ints().begin(), a->ints().end());
      }
    }
  }
  if (tensor == nullptr || tensor->data_type() != onnx::TensorProto::INT64) {
    return std::nullopt;
  }
  if (tensor->int64_data_size() > 0) {
    return std::vector<int64_t>(tensor->int64_data().begin(),
                                tensor->int64_data().end());
  }
  const std::string& raw = tensor->raw_data();
  std::vector<int64_t> out(raw.size() / sizeof(int64_t));
  std::memcpy(out.data(), raw.data(), out.size() * sizeof(int64_t));
  return out;
}

bool Importer::ReachesParameter(const std::string& t) const {
  if (auto it = initializer_.find(t); it != initializer_.end()) {
    const onnx::TensorProto& init = graph_.initializer(it->second);
    int64_t n = 1;
    for (int64_t d : init.dims()) n *= d;
    return IsFloating(init.data_type()) && n > 1;
  }
  auto p = producer_.find(t);
  if (p == producer_.end()) return false;
  const auto& n = graph_.node(p->second);
  return (IsLayoutOp(n.op_type()) || n.op_type() == "Transpose") &&
         n.input_size() > 0 && ReachesParameter(n.input(0));
}

absl::StatusOr<std::string> Importer::InputFor(const std::string& t) {
  if (IsData(t)) return t;
  if (constants_.contains(t)) return t;
  auto shape = ShapeOf(t);
  if (!shape.ok()) return shape.status();
  // A parameter reshaped or broadcast on its way (ViT's class token is
  // expanded to the batch): the parameter once, then the layout op, so that
  // params do not grow with the batch.
  if (auto p = producer_.find(t); p != producer_.end() &&
                                  !initializer_.contains(t) &&
                                  ReachesParameter(t)) {
    const onnx::NodeProto& n = graph_.node(p->second);
    auto source = InputFor(n.input(0));
    if (!source.ok()) return source.status();
    constants_.insert(t);
    auto s = n.op_type() == "Transpose" ? Transpose(n, *source, t)
                                        : Layout(n, t, {*source}, n.op_type());
    if (!s.ok()) return s;
    return t;
  }
  const bool parameter = ReachesParameter(t);
  v1::Node* node = arch_.add_nodes();
  std::string name = StrCat(parameter ? "param:" : "const:", t);
  while (!node_names_.insert(name).second) name += "'";
  node->set_name(name);
  node->add_outputs(t);
  node->set_dtype(TypeOf(t));
  auto* c = node->mutable_constant();
  c->set_parameter(parameter);
  for (int64_t d : *shape) c->add_shape()->set_size(d);
  constants_.insert(t);
  return t;
}

v1::Node* Importer::NewNode(const onnx::NodeProto& n, const std::string& output,
                            absl::string_view suffix) {
  std::string name = n.name().empty()
                         ? StrCat(n.op_type(), "_", current_, suffix)
                         : StrCat(n.name(), suffix);
  while (!node_names_.insert(name).second) name += "'";
  v1::Node* node = arch_.add_nodes();
  node->set_name(std::move(name));
  node->add_outputs(output);
  node->set_dtype(TypeOf(output));
  return node;
}

absl::StatusOr<std::vector<int64_t>> Importer::Pads(
    const onnx::NodeProto& n, const std::vector<int64_t>& in,
    const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
    const std::vector<int64_t>& dilations) const {
  const size_t dims = kernel.size();
  const std::string auto_pad = AttrString(n, "auto_pad", "NOTSET");
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
    std::vector<int64_t> pads = AttrInts(n, "pads");
    if (pads.size() != 2 * dims) pads.assign(2 * dims, 0);
    if (auto s = InRange(pads, 0, "pads"); !s.ok()) return s;
    return pads;
  }
  std::vector<int64_t> pads(2 * dims, 0);
  for (size_t i = 0; i < dims; ++i) {
    // Each term is at most 2^40 (checked), their products at most 2^80.
    const __int128 s = strides[i];
    const __int128 out = (in[i + 2] + s - 1) / s;
    const __int128 span = __int128{kernel[i] - 1} * dilations[i] + 1;
    const __int128 wide =
        std::max<__int128>(0, (out - 1) * s + span - in[i + 2]);
    if (wide > kMaxDimension) {
      return NodeError(n, "the window spans more than 2^40 elements");
    }
    const int64_t total = static_cast<int64_t>(wide);
    const int64_t small = total / 2, large = total - small;
    pads[i] = auto_pad == "SAME_UPPER" ? small : large;
    pads[i + dims] = auto_pad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

absl::Status Importer::Analyze(
    v1::Node* node, int64_t presynaptic,
    const std::vector<std::pair<WeightRef, PresynapticMap>>& parts) {
  if (!read_weights_) return absl::OkStatus();
  WeightAnalyzer analyzer(presynaptic);
  for (const auto& [ref, map] : parts) {
    auto payload = file_.Payload(ref.index);
    if (!payload.ok()) return payload.status();
    if (!payload->has_value()) return absl::OkStatus();  // weight-stripped
    const onnx::TensorProto& t = graph_.initializer(ref.index);
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

absl::Status Importer::Conv(const onnx::NodeProto& n, bool transposed) {
  const auto w = n.input_size() > 1 ? Weight(n.input(1)) : std::nullopt;
  if (!w) return Uncounted(n, "weights computed at run time");
  auto x = ShapeOf(n.input(0));
  if (!x.ok()) return x.status();
  const std::vector<int64_t> ws(graph_.initializer(w->index).dims().begin(),
                                graph_.initializer(w->index).dims().end());
  if (ws.size() < 3 || x->size() != ws.size()) {
    return NodeError(n, StrCat("weights ", ShapeToString(ws),
                               " do not fit input ", ShapeToString(*x)));
  }
  const int64_t groups = AttrInt(n, "group", 1);
  const size_t dims = ws.size() - 2;
  std::vector<int64_t> kernel(ws.begin() + 2, ws.end());
  std::vector<int64_t> strides = AttrInts(n, "strides");
  std::vector<int64_t> dilations = AttrInts(n, "dilations");
  if (strides.size() != dims) strides.assign(dims, 1);
  if (dilations.size() != dims) dilations.assign(dims, 1);
  for (auto s :
       {InRange(strides, 1, "strides"), InRange(dilations, 1, "dilations"),
        InRange({groups}, 1, "group")}) {
    if (!s.ok()) return NodeError(n, s.message());
  }
  if (transposed && ws[1] * static_cast<__int128>(groups) > kMaxDimension) {
    return NodeError(n, "output channels exceed 2^40");
  }
  v1::Node* node = NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* c = node->mutable_conv();
  c->set_in_channels((*x)[1]);
  c->set_out_channels(transposed ? ws[1] * groups : ws[0]);
  c->set_groups(groups);
  c->set_bias(n.input_size() > 2 && !n.input(2).empty());
  c->set_transposed(transposed);
  for (size_t i = 0; i < dims; ++i) {
    c->add_kernel(kernel[i]);
    c->add_stride(strides[i]);
    c->add_dilation(dilations[i]);
  }
  std::vector<int64_t> pads;
  if (!transposed) {
    auto p = Pads(n, *x, kernel, strides, dilations);
    if (!p.ok()) return p.status();
    pads = *p;
  } else {
    // auto_pad and output_shape leave the split to the runtime; the total
    // follows from the inferred output, and the counts do not depend on the
    // split.
    auto out = ShapeOf(n.output(0));
    if (!out.ok()) return out.status();
    std::vector<int64_t> output_padding = AttrInts(n, "output_padding");
    if (output_padding.size() != dims) output_padding.assign(dims, 0);
    if (auto s = InRange(output_padding, 0, "output_padding"); !s.ok()) {
      return NodeError(n, s.message());
    }
    pads = AttrInts(n, "pads");
    if (pads.size() != 2 * dims || Attr(n, "output_shape") != nullptr ||
        AttrString(n, "auto_pad", "NOTSET") != "NOTSET") {
      pads.assign(2 * dims, 0);
      for (size_t i = 0; i < dims; ++i) {
        const __int128 full = __int128{strides[i]} * ((*x)[i + 2] - 1) +
                              output_padding[i] +
                              __int128{kernel[i] - 1} * dilations[i] + 1;
        const __int128 wide = full - (*out)[i + 2];
        if (wide < 0 || wide > kMaxDimension) {
          return NodeError(n, "its padding does not match its output");
        }
        const int64_t total = static_cast<int64_t>(wide);
        pads[i] = total / 2;
        pads[i + dims] = total - total / 2;
      }
    }
    for (int64_t p : output_padding) c->add_output_padding(p);
  }
  for (int64_t p : pads) c->add_padding(p);
  // Presynaptic neurons are input channels.
  const int64_t k = Product(kernel);
  PresynapticMap map;
  if (!transposed) {  // [out, in/groups, k...]
    map = {k, ws[1], ws[0] / groups * ws[1] * k, 0};
    if (groups == 1) map.group_block = 0;
  } else {  // [in, out/groups, k...]
    map = {ws[1] * k, ws[0], 0, 0};
  }
  return Analyze(node, (*x)[1], {{*w, map}});
}

absl::Status Importer::Gemm(const onnx::NodeProto& n) {
  const bool trans_a = AttrInt(n, "transA", 0) != 0;
  const bool trans_b = AttrInt(n, "transB", 0) != 0;
  std::string a = n.input(0);
  if (!IsData(a)) return Uncounted(n, "the activation is not the first input");
  if (trans_a) {
    v1::Node* t = NewNode(n, StrCat(n.output(0), "/A^T"), "/transA");
    t->add_inputs(a);
    t->mutable_transpose()->add_perm(1);
    t->mutable_transpose()->add_perm(0);
    a = t->outputs(0);
  }
  const auto w = Weight(n.input(1));
  const bool has_c = n.input_size() > 2 && !n.input(2).empty();
  auto out = ShapeOf(n.output(0));
  if (!out.ok()) return out.status();
  const int64_t outputs = out->back();
  std::optional<WeightRef> bias;
  if (has_c) {
    auto c_shape = ShapeOf(n.input(2));
    bias = Weight(n.input(2));
    if (!c_shape.ok() || Product(*c_shape) != outputs) bias.reset();
  }
  const std::string mm_out =
      has_c && !bias ? StrCat(n.output(0), "/AB") : n.output(0);
  v1::Node* node = NewNode(n, mm_out, has_c && !bias ? "/matmul" : "");
  node->add_inputs(a);
  if (w) {
    const auto& dims = graph_.initializer(w->index).dims();
    if (dims.size() != 2) return NodeError(n, "B is not a matrix");
    const bool rows_are_inputs = trans_b == w->transposed;  // stored [K, N]
    const int64_t k = rows_are_inputs ? dims[0] : dims[1];
    auto* l = node->mutable_linear();
    l->set_in_features(k);
    l->set_out_features(outputs);
    l->set_bias(bias.has_value());
    linear_weights_.emplace_back(arch_.nodes_size() - 1, w->index);
    PresynapticMap map = rows_are_inputs ? PresynapticMap{dims[1], k, 0, 0}
                                         : PresynapticMap{1, k, 0, 0};
    if (auto s = Analyze(node, k, {{*w, map}}); !s.ok()) return s;
  } else {
    auto b = InputFor(n.input(1));
    if (!b.ok()) return b.status();
    node->add_inputs(*b);
    node->mutable_matmul()->set_transpose_b(trans_b);
  }
  if (has_c && !bias) {
    auto c = InputFor(n.input(2));
    if (!c.ok()) return c.status();
    v1::Node* add = NewNode(n, n.output(0), "/bias");
    add->add_inputs(mm_out);
    add->add_inputs(*c);
    add->mutable_elementwise()->set_kind(v1::Elementwise::ADD);
  }
  return absl::OkStatus();
}

absl::Status Importer::MatMul(const onnx::NodeProto& n) {
  auto a_shape = ShapeOf(n.input(0));
  if (!a_shape.ok()) return a_shape.status();
  auto b_shape = ShapeOf(n.input(1));
  if (!b_shape.ok()) return b_shape.status();
  if (a_shape->size() < 2 || b_shape->size() < 2) {
    return Uncounted(n, "a one-dimensional operand");
  }
  const auto wa = Weight(n.input(0));
  const auto wb = Weight(n.input(1));
  if (wb && b_shape->size() == 2 && IsData(n.input(0))) {
    // x W: W is [K, N], N neurons of K synapses.
    v1::Node* node = NewNode(n, n.output(0));
    node->add_inputs(n.input(0));
    auto* l = node->mutable_linear();
    l->set_in_features((*b_shape)[0]);
    l->set_out_features((*b_shape)[1]);
    linear_weights_.emplace_back(arch_.nodes_size() - 1, wb->index);
    const auto& dims = graph_.initializer(wb->index).dims();
    PresynapticMap map = wb->transposed
                             ? PresynapticMap{1, dims[1], 0, 0}
                             : PresynapticMap{dims[1], dims[0], 0, 0};
    return Analyze(node, (*b_shape)[0], {{*wb, map}});
  }
  if (wa && a_shape->size() == 2 && IsData(n.input(1))) {
    // W x: transpose x so that the same linear layer applies, and back.
    const size_t r = b_shape->size();
    auto swap = [r](v1::Transpose* t) {
      for (size_t i = 0; i < r; ++i) {
        t->add_perm(i + 2 == r ? r - 1 : i + 1 == r ? r - 2 : i);
      }
    };
    v1::Node* t1 = NewNode(n, StrCat(n.output(0), "/x^T"), "/in^T");
    t1->add_inputs(n.input(1));
    swap(t1->mutable_transpose());
    v1::Node* node = NewNode(n, StrCat(n.output(0), "/y^T"));
    node->add_inputs(t1->outputs(0));
    auto* l = node->mutable_linear();
    l->set_in_features((*a_shape)[1]);
    l->set_out_features((*a_shape)[0]);
    linear_weights_.emplace_back(arch_.nodes_size() - 1, wa->index);
    const auto& dims = graph_.initializer(wa->index).dims();
    PresynapticMap map = wa->transposed ? PresynapticMap{dims[1], dims[0], 0, 0}
                                        : PresynapticMap{1, dims[1], 0, 0};
    if (auto s = Analyze(node, (*a_shape)[1], {{*wa, map}}); !s.ok()) return s;
    v1::Node* t2 = NewNode(n, n.output(0), "/out^T");
    t2->add_inputs(node->outputs(0));
    swap(t2->mutable_transpose());
    return absl::OkStatus();
  }
  auto a = InputFor(n.input(0));
  if (!a.ok()) return a.status();
  auto b = InputFor(n.input(1));
  if (!b.ok()) return b.status();
  v1::Node* node = NewNode(n, n.output(0));
  node->add_inputs(*a);
  node->add_inputs(*b);
  node->mutable_matmul();
  return absl::OkStatus();
}

absl::Status Importer::Recurrent(const onnx::NodeProto& n,
                                 v1::Recurrent::Cell cell) {
  if (AttrInt(n, "layout", 0) != 0) {
    return Uncounted(n, "batch-first layout");
  }
  const auto w = n.input_size() > 2 ? Weight(n.input(1)) : std::nullopt;
  const auto r = n.input_size() > 2 ? Weight(n.input(2)) : std::nullopt;
  if (!w || !r) return Uncounted(n, "weights computed at run time");
  const auto& wd = graph_.initializer(w->index).dims();
  const int64_t hidden = AttrInt(n, "hidden_size", 0);
  const std::string direction = AttrString(n, "direction", "forward");
  const int64_t dirs = direction == "bidirectional" ? 2 : 1;
  const auto& rd = graph_.initializer(r->index).dims();
  if (wd.size() != 3 || rd.size() != 3 || hidden <= 0 || rd[2] != hidden) {
    return NodeError(n,
                     "W and R are not [directions, gates x hidden, input] "
                     "and [directions, gates x hidden, hidden_size]");
  }
  const int64_t gates = cell == v1::Recurrent::LSTM  ? 4
                        : cell == v1::Recurrent::GRU ? 3
                                                     : 1;
  const std::string y = n.output_size() > 0 && !n.output(0).empty()
                            ? n.output(0)
                            : StrCat(n.name(), "/Y");
  v1::Node* node = NewNode(n, y);
  if (!n.output(0).empty()) {
    node->set_dtype(TypeOf(n.output(0)));
  } else {
    node->set_dtype(TypeOf(n.input(0)));
  }
  node->add_inputs(n.input(0));
  auto* rec = node->mutable_recurrent();
  rec->set_cell(cell);
  rec->set_input_size(wd[2]);
  rec->set_hidden_size(hidden);
  rec->set_layers(1);
  rec->set_bidirectional(dirs == 2);
  rec->set_bias(n.input_size() > 3 && !n.input(3).empty());
  rec->set_sequence_first(true);
  const int64_t input = wd[2];
  // Presynaptic neurons: the inputs, then each direction's hidden units.
  return Analyze(
      node, input + dirs * hidden,
      {{*w, PresynapticMap{1, input, 0, 0}},
       {*r, PresynapticMap{1, hidden, gates * hidden * hidden, input}}});
}

absl::Status Importer::Pool(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool") {
    v1::Node* node = NewNode(n, n.output(0));
    node->add_inputs(n.input(0));
    node->mutable_pool()->set_kind(op == "GlobalMaxPool"
                                       ? v1::Pool::GLOBAL_MAX
                                       : v1::Pool::GLOBAL_AVERAGE);
    return absl::OkStatus();
  }
  auto x = ShapeOf(n.input(0));
  if (!x.ok()) return x.status();
  const std::vector<int64_t> kernel = AttrInts(n, "kernel_shape");
  const size_t dims = kernel.size();
  std::vector<int64_t> strides = AttrInts(n, "strides");
  if (strides.size() != dims) strides.assign(dims, 1);
  std::vector<int64_t> dilations = AttrInts(n, "dilations");
  if (dilations.size() != dims) dilations.assign(dims, 1);
  for (auto s :
       {InRange(kernel, 1, "kernel_shape"), InRange(strides, 1, "strides"),
        InRange(dilations, 1, "dilations")}) {
    if (!s.ok()) return NodeError(n, s.message());
  }
  if (std::any_of(dilations.begin(), dilations.end(),
                  [](int64_t d) { return d != 1; })) {
    return Uncounted(n, "dilated pooling");
  }
  auto pads = Pads(n, *x, kernel, strides, dilations);
  if (!pads.ok()) return pads.status();
  v1::Node* node = NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* p = node->mutable_pool();
  p->set_kind(op == "MaxPool" ? v1::Pool::MAX : v1::Pool::AVERAGE);
  for (size_t i = 0; i < dims; ++i) {
    p->add_kernel(kernel[i]);
    p->add_stride(strides[i]);
  }
  for (int64_t v : *pads) p->add_padding(v);
  p->set_ceil_mode(AttrInt(n, "ceil_mode", 0) != 0);
  return absl::OkStatus();
}

absl::Status Importer::Reduce(const onnx::NodeProto& n, v1::Reduce::Kind kind) {
  std::vector<int64_t> axes = AttrInts(n, "axes");
  if (n.input_size() > 1 && !n.input(1).empty()) {
    auto values = ConstInts(n.input(1));
    if (!values) return Uncounted(n, "axes computed at run time");
    axes = *values;
  }
  if (axes.empty() && AttrInt(n, "noop_with_empty_axes", 0) != 0) {
    return Layout(n, n.output(0), {n.input(0)}, n.op_type());
  }
  v1::Node* node = NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* r = node->mutable_reduce();
  r->set_kind(kind);
  for (int64_t a : axes) r->add_axes(a);
  r->set_keep_dims(AttrInt(n, "keepdims", 1) != 0);
  return absl::OkStatus();
}

absl::Status Importer::Elementwise(const onnx::NodeProto& n,
                                   v1::Elementwise::Kind kind) {
  std::vector<std::string> inputs;
  for (const auto& t : n.input()) {
    if (t.empty()) continue;
    auto in = InputFor(t);
    if (!in.ok()) return in.status();
    inputs.push_back(*in);
  }
  if (inputs.size() < 2) {
    return Layout(n, n.output(0), DataInputs(n), n.op_type());
  }
  v1::Node* node = NewNode(n, n.output(0));
  for (const auto& t : inputs) node->add_inputs(t);
  node->mutable_elementwise()->set_kind(kind);
  return absl::OkStatus();
}

absl::Status Importer::Transpose(const onnx::NodeProto& n,
                                 const std::string& input,
                                 const std::string& output) {
  auto x = ShapeOf(input);
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

absl::Status Importer::Layout(const onnx::NodeProto& n,
                              const std::string& output,
                              std::vector<std::string> inputs,
                              const std::string& op_type) {
  auto shape = ShapeOf(output);
  if (!shape.ok()) return shape.status();
  v1::Node* node =
      NewNode(n, output, output == n.output(0) ? "" : StrCat("/", output));
  for (const auto& t : inputs) node->add_inputs(t);
  auto* l = node->mutable_layout();
  l->set_op_type(op_type);
  for (int64_t d : *shape) l->add_shape()->set_size(d);
  return absl::OkStatus();
}

absl::Status Importer::Uncounted(const onnx::NodeProto& n,
                                 const std::string& why) {
  auto shape = ShapeOf(n.output(0));
  if (!shape.ok()) return shape.status();
  v1::Node* node = NewNode(n, n.output(0));
  for (const auto& t : DataInputs(n)) node->add_inputs(t);
  auto* u = node->mutable_uncounted();
  u->set_op_type(why.empty() ? n.op_type()
                             : StrCat(n.op_type(), " (", why, ")"));
  for (int64_t d : *shape) u->add_shape()->set_size(d);
  return absl::OkStatus();
}

absl::Status Importer::Translate(const onnx::NodeProto& n, int index) {
  current_ = index;
  const std::string& op = n.op_type();
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    onnx::NodeProto renamed = n;
    renamed.set_op_type(StrCat(n.domain(), ".", op));
    return Uncounted(renamed, "");
  }
  if (op == "Conv") return Conv(n, false);
  if (op == "ConvTranspose") return Conv(n, true);
  if (op == "Gemm") return Gemm(n);
  if (op == "MatMul") return MatMul(n);
  if (op == "LSTM") return Recurrent(n, v1::Recurrent::LSTM);
  if (op == "GRU") return Recurrent(n, v1::Recurrent::GRU);
  if (op == "RNN") return Recurrent(n, v1::Recurrent::RNN);
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalAveragePool" ||
      op == "GlobalMaxPool") {
    return Pool(n);
  }
  if (op == "BatchNormalization" || op == "InstanceNormalization" ||
      op == "LayerNormalization") {
    auto x = ShapeOf(n.input(0));
    if (!x.ok()) return x.status();
    if (x->size() < 2) return NodeError(n, "input has fewer than 2 dims");
    v1::Node* node = NewNode(n, n.output(0));
    node->add_inputs(n.input(0));
    auto* norm = node->mutable_norm();
    if (op == "LayerNormalization") {
      int64_t axis = AttrInt(n, "axis", -1);
      if (axis < 0) axis += static_cast<int64_t>(x->size());
      if (axis < 0 || axis >= static_cast<int64_t>(x->size())) {
        return NodeError(n, StrCat("axis is outside the input's dims"));
      }
      norm->set_kind(v1::Norm::LAYER);
      norm->set_features(Product(*x, axis));
    } else {
      norm->set_kind(op == "BatchNormalization" ? v1::Norm::BATCH
                                                : v1::Norm::GROUP);
      norm->set_features((*x)[1]);
      if (op == "InstanceNormalization") norm->set_groups((*x)[1]);
    }
    return absl::OkStatus();
  }
  if (IsEmbeddingLookup(n)) {
    const int table = initializer_.at(n.input(0));
    const auto& dims = graph_.initializer(table).dims();
    auto indices = InputFor(n.input(1));
    if (!indices.ok()) return indices.status();
    v1::Node* node = NewNode(n, n.output(0));
    node->add_inputs(*indices);
    node->mutable_embedding()->set_vocab(dims[0]);
    node->mutable_embedding()->set_dim(dims[1]);
    embedding_of_.emplace(table, node->name());
    return Analyze(
        node, dims[0],
        {{WeightRef{table, false}, PresynapticMap{dims[1], dims[0], 0, 0}}});
  }
  if (op == "Transpose") return Transpose(n, n.input(0), n.output(0));
  if (op == "Einsum") {
    std::vector<std::string> inputs;
    for (const auto& t : n.input()) {
      auto in = InputFor(t);
      if (!in.ok()) return in.status();
      inputs.push_back(*in);
    }
    v1::Node* node = NewNode(n, n.output(0));
    for (const auto& t : inputs) node->add_inputs(t);
    node->mutable_einsum()->set_equation(AttrString(n, "equation", ""));
    return absl::OkStatus();
  }
  if (op == "Resize" || op == "Upsample") {
    if (AttrString(n, "mode", "nearest") == "nearest") {
      return Layout(n, n.output(0), DataInputs(n), op);
    }
    return Uncounted(n, "");
  }
  if (auto kind = ActivationKind(op)) {
    if (op == "PRelu" && n.input_size() > 1) {
      if (auto s = InputFor(n.input(1)); !s.ok()) return s.status();
    }
    v1::Node* node = NewNode(n, n.output(0));
    node->add_inputs(n.input(0));
    node->mutable_activation()->set_kind(*kind);
    return absl::OkStatus();
  }
  if (auto kind = ElementwiseKind(op)) return Elementwise(n, *kind);
  if (auto kind = ReduceKind(op)) return Reduce(n, *kind);
  if (IsLayoutOp(op)) {
    // Stored tensors joined to activations (ViT's class token) are
    // parameters; shape operands are not inputs.
    std::vector<std::string> inputs;
    for (const auto& t : n.input()) {
      if (t.empty() || (!IsData(t) && !ReachesParameter(t))) continue;
      auto in = InputFor(t);
      if (!in.ok()) return in.status();
      inputs.push_back(*in);
    }
    return Layout(n, n.output(0), inputs, op);
  }
  return Uncounted(n, "");
}

absl::Status Importer::CheckShapes(const Graph& g) const {
  for (Vertex v : g.topological_order()) {
    const GraphNode& gn = g.node(v);
    auto it = info_.find(gn.node.outputs(0));
    if (it == info_.end() || !it->second.has_shape ||
        std::any_of(it->second.dims.begin(), it->second.dims.end(),
                    [](int64_t d) { return d < 0; })) {
      continue;
    }
    if (it->second.dims != gn.output_shape) {
      return absl::InternalError(StrCat(
          "node '", gn.node.name(), "': neurowatt infers ",
          ShapeToString(gn.output_shape), " but ONNX infers ",
          ShapeToString(it->second.dims), " (an importer bug; please report)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<OnnxImport> Importer::Run(const DimBindings& dims) {
  for (int i = 0; i < graph_.initializer_size(); ++i) {
    const onnx::TensorProto& t = graph_.initializer(i);
    initializer_[t.name()] = i;
    // Every later product of these dimensions then fits in 64 bits.
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
  if (auto s = BindInputs(dims); !s.ok()) return s;
  if (auto s = InferShapes(); !s.ok()) return s;
  MarkData();
  const onnx::ModelProto& model = file_.model();
  arch_.set_name(graph_.name());
  std::string opsets;
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      opsets = StrCat(o.version());
    }
  }
  arch_.set_description(StrCat(
      "ONNX model (opset ", opsets.empty() ? "?" : opsets,
      model.producer_name().empty() ? std::string()
                                    : StrCat(", from ", model.producer_name(),
                                             " ", model.producer_version()),
      ")"));
  for (const auto& in : graph_.input()) {
    if (initializer_.contains(in.name())) continue;
    auto shape = ShapeOf(in.name());
    if (!shape.ok()) return shape.status();
    v1::TensorSpec* spec = arch_.add_inputs();
    spec->set_name(in.name());
    spec->set_dtype(TypeOf(in.name()));
    for (int64_t d : *shape) spec->add_shape()->set_size(d);
  }
  for (int i = 0; i < graph_.node_size(); ++i) {
    const onnx::NodeProto& n = graph_.node(i);
    if (n.output_size() == 0 || !IsData(n.output(0))) {
      // Shape and constant arithmetic, folded away; or a node whose first
      // output is unused while others are data.
      bool any = false;
      for (const auto& o : n.output()) any |= IsData(o);
      if (!any) continue;
    }
    const int first = arch_.nodes_size();
    auto s = Translate(n, i);
    if (!s.ok()) {
      if (absl::StartsWith(s.message(), "node '")) return s;
      return NodeError(n, s.message());
    }
    if (arch_.nodes_size() == first) {
      return absl::InternalError(
          StrCat("node '", n.name(), "' emitted nothing"));
    }
    const std::string primary = arch_.nodes(arch_.nodes_size() - 1).outputs(0);
    // Outputs past the first (Split's pieces, LSTM's final states, masks):
    // layout nodes, fed like a layout op or by the primary output.
    const bool layout_op = IsLayoutOp(n.op_type());
    for (int o = 1; o < n.output_size(); ++o) {
      if (n.output(o).empty() || !IsData(n.output(o))) continue;
      std::vector<std::string> from =
          layout_op ? DataInputs(n) : std::vector<std::string>{primary};
      if (auto st = Layout(n, n.output(o), from, n.op_type()); !st.ok()) {
        return NodeError(n, st.message());
      }
    }
  }
  for (const auto& [node, init] : linear_weights_) {
    if (auto it = embedding_of_.find(init); it != embedding_of_.end()) {
      arch_.mutable_nodes(node)->mutable_linear()->set_weight_tied_to(
          it->second);
    }
  }
  auto g = Graph::Build(arch_);
  if (!g.ok()) return g.status();
  if (auto s = CheckShapes(*g); !s.ok()) return s;
  return OnnxImport{std::move(arch_), std::move(bindings_)};
}

}  // namespace

namespace {

absl::StatusOr<OnnxImport> Import(
    absl::StatusOr<std::unique_ptr<OnnxFile>> file, const std::string& path,
    const DimBindings& dims, bool read_weights) {
  if (!file.ok()) return file.status();
  Importer importer(**file, read_weights);
  auto result = importer.Run(dims);
  if (!result.ok()) {
    return absl::Status(result.status().code(),
                        StrCat(path, ": ", result.status().message()));
  }
  return result;
}

}  // namespace

absl::StatusOr<OnnxImport> ImportOnnx(const std::string& path,
                                      const DimBindings& dims,
                                      bool read_weights) {
  return Import(OnnxFile::Open(path), path, dims, read_weights);
}

absl::StatusOr<OnnxImport> ImportOnnxBytes(std::string bytes,
                                           const std::string& name,
                                           const DimBindings& dims,
                                           bool read_weights) {
  return Import(OnnxFile::FromBytes(std::move(bytes), name), name, dims,
                read_weights);
}

}  // namespace neurowatt
