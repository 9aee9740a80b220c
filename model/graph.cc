#include "model/graph.h"

#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <optional>
#include <set>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/shape_inference.h"
#include "util/checked.h"
#include "util/error.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Where a tensor comes from: a graph input, or a node's output.
struct TensorSource {
  std::optional<Vertex> producer;  // empty for graph inputs
  Shape shape;                     // filled once known
  v1::ElementType dtype = v1::FP32;
};

v1::ElementType Resolve(v1::ElementType t, v1::ElementType fallback) {
  if (t != v1::ELEMENT_TYPE_UNSPECIFIED) return t;
  if (fallback != v1::ELEMENT_TYPE_UNSPECIFIED) return fallback;
  return v1::FP32;
}

// Records the first back edge the search meets: its target closes a cycle.
class CycleFinder : public boost::default_dfs_visitor {
 public:
  explicit CycleFinder(std::optional<std::pair<Vertex, Vertex>>* found)
      : found_(found) {}
  void back_edge(BoostGraph::edge_descriptor e, const BoostGraph& g) {
    if (!found_->has_value()) {
      *found_ = std::make_pair(boost::source(e, g), boost::target(e, g));
    }
  }

 private:
  std::optional<std::pair<Vertex, Vertex>>* found_;
};

// Text and binary protos may carry any number in an enum field; only the
// declared values mean anything.
absl::Status CheckEnums(const v1::Node& n) {
  if (!v1::ElementType_IsValid(n.dtype())) {
    return InvalidArgumentError(StrCat("dtype ", n.dtype(), " is not valid"));
  }
  bool ok = true;
  switch (n.op_case()) {
    case v1::Node::kRecurrent:
      ok = v1::Recurrent::Cell_IsValid(n.recurrent().cell());
      break;
    case v1::Node::kNorm:
      ok = v1::Norm::Kind_IsValid(n.norm().kind());
      break;
    case v1::Node::kActivation:
      ok = v1::Activation::Kind_IsValid(n.activation().kind());
      break;
    case v1::Node::kPool:
      ok = v1::Pool::Kind_IsValid(n.pool().kind());
      break;
    case v1::Node::kElementwise:
      ok = v1::Elementwise::Kind_IsValid(n.elementwise().kind());
      break;
    case v1::Node::kReduce:
      ok = v1::Reduce::Kind_IsValid(n.reduce().kind());
      break;
    case v1::Node::kMatmul:
      ok = v1::MatMul::Causal_IsValid(n.matmul().causal());
      break;
    default:
      break;
  }
  return ok ? absl::OkStatus()
            : InvalidArgumentError("its kind or cell is not a valid value");
}

// The declared shape of a node that states its own (constant, layout,
// uncounted), or null.
const google::protobuf::RepeatedPtrField<v1::Dim>* DeclaredShape(
    const v1::Node& n) {
  switch (n.op_case()) {
    case v1::Node::kConstant:
      return &n.constant().shape();
    case v1::Node::kLayout:
      return &n.layout().shape();
    case v1::Node::kUncounted:
      return &n.uncounted().shape();
    case v1::Node::kResize:
      return &n.resize().shape();
    default:
      return nullptr;
  }
}

// `what` names the tensor in errors, e.g. "input 'x'".
absl::StatusOr<Shape> BindShape(
    const google::protobuf::RepeatedPtrField<v1::Dim>& dims,
    const std::string& what, const DimBindings& bindings) {
  Shape shape;
  for (int i = 0; i < dims.size(); ++i) {
    const v1::Dim& d = dims.Get(i);
    int64_t v;
    switch (d.value_case()) {
      case v1::Dim::kSize:
        v = d.size();
        break;
      case v1::Dim::kSymbol: {
        auto it = bindings.find(d.symbol());
        if (it == bindings.end()) {
          return WithDetail(InvalidArgumentError(StrCat(
                                what, ": dimension ", i, " is the symbol '",
                                d.symbol(), "', which has no value")),
                            ErrorSubject::kUnboundDimension, d.symbol());
        }
        v = it->second;
        break;
      }
      default:
        return InvalidArgumentError(StrCat(what, ": dimension ", i,
                                           " has neither a size nor a symbol"));
    }
    if (v <= 0 || v > kMaxDimension) {
      return InvalidArgumentError(StrCat(
          what, ": dimension ", i, " is ", v,
          v <= 0 ? ", not positive" : ", beyond the largest accepted (2^40)"));
    }
    shape.push_back(v);
  }
  if (auto n = NumElements(shape); !n.ok()) {
    return InvalidArgumentError(StrCat(what, ": ", n.status().message()));
  }
  return shape;
}

// The positions a KV cache holds before this pass: unlike a tensor's
// dimensions these may be 0 (a prefill starts from an empty cache).
absl::StatusOr<int64_t> CachedPositions(const v1::KvCache& op,
                                        const DimBindings& bindings) {
  const v1::Dim& d = op.cached();
  int64_t v = 0;
  if (d.value_case() == v1::Dim::kSize) {
    v = d.size();
  } else if (d.value_case() == v1::Dim::kSymbol) {
    // Unbound, the cache is empty: a pass over a fresh sequence.
    auto it = bindings.find(d.symbol());
    v = it == bindings.end() ? 0 : it->second;
  }
  if (v < 0 || v > kMaxDimension) {
    return InvalidArgumentError(
        StrCat("cached positions are ", v, ", expected 0 to 2^40"));
  }
  return v;
}

// Symbols the inputs use, bound from `dims`, then the architecture's
// defaults, then batch = 1.
absl::StatusOr<DimBindings> BindSymbols(const v1::Architecture& arch,
                                        const DimBindings& dims) {
  std::set<std::string> used;
  auto collect = [&used](const google::protobuf::RepeatedPtrField<v1::Dim>& s) {
    for (const auto& d : s) {
      if (d.value_case() == v1::Dim::kSymbol) used.insert(d.symbol());
    }
  };
  for (const auto& in : arch.inputs()) collect(in.shape());
  for (const auto& n : arch.nodes()) {
    if (const auto* declared = DeclaredShape(n)) collect(*declared);
    if (n.op_case() == v1::Node::kKvCache &&
        n.kv_cache().cached().value_case() == v1::Dim::kSymbol) {
      used.insert(n.kv_cache().cached().symbol());
    }
  }
  for (const auto& [name, value] : dims) {
    if (!used.count(name)) {
      return WithDetail(
          InvalidArgumentError(StrCat(
              "the model has no dimension named '", name, "'",
              used.empty()
                  ? std::string(" (it has no symbolic dimensions)")
                  : StrCat(" (it has: ", absl::StrJoin(used, ", "), ")"))),
          name == "batch" ? ErrorSubject::kNoBatchDimension
                          : ErrorSubject::kUnknownDimension,
          name);
    }
  }
  DimBindings out;
  for (const std::string& name : used) {
    if (auto it = dims.find(name); it != dims.end()) {
      out[name] = it->second;
    } else if (auto d = arch.dim_defaults().find(name);
               d != arch.dim_defaults().end()) {
      out[name] = d->second;
    } else if (name == "batch") {
      out[name] = 1;
    }
  }
  return out;
}

}  // namespace

double ElementBytes(v1::ElementType t) {
  return t == v1::INT4 ? 0.5 : static_cast<double>(BytesPerElement(t));
}

absl::StatusOr<v1::ElementType> PricingPrecision(absl::string_view name) {
  for (v1::ElementType t :
       {v1::FP32, v1::TF32, v1::FP16, v1::BF16, v1::FP8, v1::INT8, v1::INT4}) {
    if (ElementTypeName(t) == name) return t;
  }
  return InvalidArgumentError(
      StrCat("precision '", name, "': expected one of ", kPricingPrecisions));
}

int64_t BytesPerElement(v1::ElementType t) {
  switch (t) {
    case v1::FP16:
    case v1::BF16:
      return 2;
    case v1::INT8:
    case v1::FP8:
    case v1::INT4:  // a whole byte: counts are in whole bytes
      return 1;
    case v1::FP64:
    case v1::INT64:
      return 8;
    default:
      return 4;
  }
}

std::string ElementTypeName(v1::ElementType t) {
  if (t == v1::ELEMENT_TYPE_UNSPECIFIED) t = v1::FP32;
  std::string name = v1::ElementType_Name(t);
  for (char& c : name) c = static_cast<char>(std::tolower(c));
  return name;
}

absl::StatusOr<int64_t> NumElements(const Shape& shape) {
  CheckedCount n = 1;
  for (int64_t d : shape) n *= d;
  if (!n.ok()) {
    return InvalidArgumentError(StrCat("shape ", ShapeToString(shape),
                                       " has more elements than fit in 64 "
                                       "bits"));
  }
  return n.value();
}

std::string ShapeToString(const Shape& shape) {
  return StrCat("[", absl::StrJoin(shape, ", "), "]");
}

absl::StatusOr<Graph> Graph::Build(const v1::Architecture& arch,
                                   const DimBindings& dims) {
  Graph g;
  g.name_ = arch.name();
  g.assumptions_.assign(arch.assumptions().begin(), arch.assumptions().end());
  auto bindings = BindSymbols(arch, dims);
  if (!bindings.ok()) return bindings.status();
  g.bindings_ = *bindings;

  absl::flat_hash_map<std::string, TensorSource> tensors;
  tensors.reserve(arch.inputs_size() + arch.nodes_size());
  if (!v1::ElementType_IsValid(arch.default_dtype())) {
    return InvalidArgumentError(
        StrCat("default_dtype ", arch.default_dtype(), " is not valid"));
  }
  for (const auto& in : arch.inputs()) {
    if (in.name().empty()) {
      return InvalidArgumentError("a graph input has no name");
    }
    if (!v1::ElementType_IsValid(in.dtype())) {
      return InvalidArgumentError(StrCat("input '", in.name(), "': dtype ",
                                         in.dtype(), " is not valid"));
    }
    auto shape =
        BindShape(in.shape(), StrCat("input '", in.name(), "'"), g.bindings_);
    if (!shape.ok()) return shape.status();
    auto [it, inserted] = tensors.emplace(
        in.name(), TensorSource{std::nullopt, *shape,
                                Resolve(in.dtype(), arch.default_dtype())});
    if (!inserted) {
      return InvalidArgumentError(
          StrCat("input '", in.name(), "' is declared twice"));
    }
  }

  absl::flat_hash_map<std::string, Vertex> node_index;  // by name
  node_index.reserve(arch.nodes_size());
  // Every vertex at once: growing the vertex vector would briefly hold two
  // copies of every node of a large graph.
  g.graph_ = std::make_unique<BoostGraph>(arch.nodes_size());
  BoostGraph& bg = *g.graph_;
  Vertex v = 0;
  for (const auto& n : arch.nodes()) {
    if (n.name().empty()) {
      return InvalidArgumentError(StrCat("node #", v, " has no name"));
    }
    if (!node_index.emplace(n.name(), v).second) {
      return InvalidArgumentError(
          StrCat("node '", n.name(), "': the name is used twice"));
    }
    if (n.outputs_size() != 1 || n.outputs(0).empty()) {
      return InvalidArgumentError(StrCat("node '", n.name(),
                                         "': needs exactly one named output, "
                                         "has ",
                                         n.outputs_size()));
    }
    if (auto s = CheckEnums(n); !s.ok()) {
      return InvalidArgumentError(
          StrCat("node '", n.name(), "': ", s.message()));
    }
    GraphNode& gn = bg[v];
    gn.node = n;
    gn.dtype = Resolve(n.dtype(), arch.default_dtype());
    if (n.op_case() == v1::Node::kKvCache) {
      auto cached = CachedPositions(n.kv_cache(), g.bindings_);
      if (!cached.ok()) {
        return Prefixed(StrCat("node '", n.name(), "'"), cached.status());
      }
      gn.node.mutable_kv_cache()->mutable_cached()->set_size(*cached);
    }
    auto [it, inserted] =
        tensors.emplace(n.outputs(0), TensorSource{v, {}, bg[v].dtype});
    if (!inserted) {
      return InvalidArgumentError(
          StrCat("node '", n.name(), "': output tensor '", n.outputs(0),
                 "' is already ",
                 it->second.producer
                     ? StrCat("produced by node '",
                              bg[*it->second.producer].node.name(), "'")
                     : std::string("a graph input")));
    }
    ++v;
  }

  for (Vertex v = 0; v < g.num_nodes(); ++v) {
    const v1::Node& n = bg[v].node;
    for (const std::string& t : n.inputs()) {
      auto it = tensors.find(t);
      if (it == tensors.end()) {
        return InvalidArgumentError(
            StrCat("node '", n.name(), "': input tensor '", t,
                   "' is produced by no node and is not a graph input"));
      }
      if (it->second.producer) {
        boost::add_edge(*it->second.producer, v, GraphEdge{t}, bg);
      }
    }
  }

  std::optional<std::pair<Vertex, Vertex>> back_edge;
  boost::depth_first_search(bg, boost::visitor(CycleFinder(&back_edge)));
  if (back_edge) {
    return InvalidArgumentError(
        StrCat("node '", bg[back_edge->second].node.name(),
               "': is part of a cycle (through node '",
               bg[back_edge->first].node.name(),
               "'); recurrence belongs inside a recurrent node"));
  }
  // Reports read best in the order the author wrote, so keep declaration
  // order whenever it is already topological (every edge points forward).
  bool declared_order_ok = true;
  for (auto [e, end] = boost::edges(bg); e != end; ++e) {
    if (boost::source(*e, bg) >= boost::target(*e, bg)) {
      declared_order_ok = false;
      break;
    }
  }
  if (declared_order_ok) {
    for (Vertex v = 0; v < g.num_nodes(); ++v) g.order_.push_back(v);
  } else {
    // Emits vertices in reverse order; cannot throw not_a_dag because the
    // search above found no back edge.
    boost::topological_sort(bg, std::back_inserter(g.order_));
    std::reverse(g.order_.begin(), g.order_.end());
  }

  for (Vertex v : g.order_) {
    GraphNode& gn = bg[v];
    for (const std::string& t : gn.node.inputs()) {
      const TensorSource& src = tensors.at(t);
      gn.input_shapes.push_back(src.shape);
      gn.input_dtypes.push_back(src.dtype);
    }
    const auto* declared = DeclaredShape(gn.node);
    absl::StatusOr<Shape> shape =
        declared != nullptr ? BindShape(*declared, "output", g.bindings_)
                            : InferOutputShape(gn.node, gn.input_shapes);
    if (shape.ok() && gn.node.op_case() == v1::Node::kConstant &&
        gn.node.inputs_size() > 0) {
      shape = InvalidArgumentError("a constant takes no inputs");
    }
    if (shape.ok()) {
      if (auto n = NumElements(*shape); !n.ok()) shape = n.status();
    }
    if (!shape.ok()) {
      return Prefixed(StrCat("node '", gn.node.name(), "'"), shape.status());
    }
    gn.output_shape = *shape;
    tensors.at(gn.node.outputs(0)).shape = *shape;
  }
  // A recurrent edge's state has the shape of the node it remembers.
  for (Vertex v = 0; v < g.num_nodes(); ++v) {
    const v1::Node& n = bg[v].node;
    if (n.op_case() != v1::Node::kConstant || n.constant().state_of().empty()) {
      continue;
    }
    auto it = node_index.find(n.constant().state_of());
    if (it == node_index.end()) {
      return InvalidArgumentError(StrCat("node '", n.name(), "': state_of '",
                                         n.constant().state_of(),
                                         "' names no node"));
    }
    if (bg[it->second].output_shape != bg[v].output_shape) {
      return InvalidArgumentError(
          StrCat("node '", n.name(), "': its shape differs from that of '",
                 n.constant().state_of(), "', whose state it holds"));
    }
  }
  return g;
}

}  // namespace neurowatt
