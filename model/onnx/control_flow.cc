#include "model/onnx/control_flow.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/onnx/graph_index.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

using absl::StrCat;
using Names = absl::flat_hash_map<std::string, std::string>;
using Nodes = google::protobuf::RepeatedPtrField<onnx::NodeProto>;

const onnx::GraphProto* GraphAttr(const onnx::NodeProto& n,
                                  absl::string_view name) {
  const onnx::AttributeProto* a = Attr(n, name);
  return a != nullptr && a->has_g() ? &a->g() : nullptr;
}

std::string FirstOutput(const onnx::NodeProto& n) {
  for (const auto& o : n.output()) {
    if (!o.empty()) return o;
  }
  return n.name();
}

// The names `g` itself defines: its inputs, initializers and node outputs.
absl::flat_hash_set<std::string> Defined(const onnx::GraphProto& g) {
  absl::flat_hash_set<std::string> names;
  for (const auto& v : g.input()) names.insert(v.name());
  for (const auto& t : g.initializer()) names.insert(t.name());
  for (const auto& n : g.node()) {
    for (const auto& o : n.output()) {
      if (!o.empty()) names.insert(o);
    }
  }
  return names;
}

void CollectOuter(const onnx::GraphProto& g,
                  absl::flat_hash_set<std::string>& seen,
                  std::vector<std::string>& out) {
  const absl::flat_hash_set<std::string> own = Defined(g);
  auto note = [&](const std::string& t) {
    if (!t.empty() && !own.contains(t) && seen.insert(t).second) {
      out.push_back(t);
    }
  };
  for (const auto& n : g.node()) {
    for (const auto& t : n.input()) note(t);
    for (const std::string& t : OuterReferences(n)) note(t);
  }
  for (const auto& v : g.output()) note(v.name());
}

// Renames every occurrence of a name in `names`, at any depth: subgraphs
// may not redefine their enclosing scope's names, so an occurrence below
// is a reference to the renamed tensor.
void Rename(onnx::GraphProto& g, const Names& names);

void Rename(std::string* t, const Names& names) {
  if (auto it = names.find(*t); it != names.end()) *t = it->second;
}

void Rename(onnx::NodeProto& n, const Names& names) {
  auto rename = [&names](std::string* t) { Rename(t, names); };
  for (auto& t : *n.mutable_input()) rename(&t);
  for (auto& t : *n.mutable_output()) rename(&t);
  for (auto& a : *n.mutable_attribute()) {
    if (a.has_g()) Rename(*a.mutable_g(), names);
    for (auto& g : *a.mutable_graphs()) Rename(g, names);
  }
}

void Rename(onnx::GraphProto& g, const Names& names) {
  auto rename = [&names](std::string* t) { Rename(t, names); };
  for (auto& v : *g.mutable_input()) rename(v.mutable_name());
  for (auto& v : *g.mutable_output()) rename(v.mutable_name());
  for (auto& t : *g.mutable_initializer()) rename(t.mutable_name());
  for (auto& n : *g.mutable_node()) Rename(n, names);
}

// Ops whose count grows with their weights or operands' size: what makes
// an If branch costly.
bool Weighted(const std::string& op) {
  static const auto* ops = new absl::flat_hash_set<std::string>{
      "Conv",   "ConvTranspose", "ConvInteger",   "QLinearConv", "Gemm",
      "MatMul", "MatMulInteger", "QLinearMatMul", "Einsum",      "LSTM",
      "GRU",    "RNN",           "DeformConv"};
  return ops->contains(op);
}

// Weighted ops and nodes of `g`, subgraphs included.
std::pair<int64_t, int64_t> Cost(const onnx::GraphProto& g) {
  std::pair<int64_t, int64_t> cost{0, 0};
  for (const auto& n : g.node()) {
    cost.first += Weighted(n.op_type());
    ++cost.second;
    for (const auto& a : n.attribute()) {
      if (!a.has_g()) continue;
      auto inner = Cost(a.g());
      cost.first += inner.first;
      cost.second += inner.second;
    }
  }
  return cost;
}

onnx::TensorProto Int64s(const std::string& name,
                         const std::vector<int64_t>& values, bool scalar) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::INT64);
  if (!scalar) t.add_dims(static_cast<int64_t>(values.size()));
  for (int64_t v : values) t.add_int64_data(v);
  return t;
}

// Builds the nodes that replace one control-flow node.
class Inliner {
 public:
  Inliner(onnx::GraphProto& graph, int64_t opset, const onnx::NodeProto& n,
          int64_t outer_repeats)
      : graph_(graph),
        opset_(opset),
        prefix_(StrCat(FirstOutput(n), "/")),
        node_prefix_(n.name().empty() ? prefix_ : StrCat(n.name(), "/")),
        outer_(outer_repeats) {}

  Nodes& nodes() { return nodes_; }

  // The body's own names under the prefix.
  void Scope(const onnx::GraphProto& body) {
    for (const std::string& name : Defined(body)) {
      names_[name] = prefix_ + name;
    }
  }
  std::string Inner(const std::string& t) const {
    auto it = names_.find(t);
    return it == names_.end() ? t : it->second;
  }

  onnx::NodeProto* Add(const std::string& op, std::vector<std::string> inputs,
                       const std::string& output) {
    onnx::NodeProto* n = nodes_.Add();
    n->set_op_type(op);
    n->set_name(StrCat(node_prefix_, op, "_", nodes_.size()));
    for (auto& t : inputs) n->add_input(std::move(t));
    n->add_output(output);
    return n;
  }
  std::string Initializer(const std::string& suffix,
                          const std::vector<int64_t>& values,
                          bool scalar = false) {
    const std::string name = StrCat(prefix_, suffix, "_", ++initializers_);
    *graph_.add_initializer() = Int64s(name, values, scalar);
    return name;
  }
  void Constant(const std::string& output, onnx::TensorProto value) {
    onnx::NodeProto* n = Add("Constant", {}, output);
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name("value");
    a->set_type(onnx::AttributeProto::TENSOR);
    *a->mutable_t() = std::move(value);
  }

  // The body's initializers and nodes, renamed, each run `repeats` times
  // per run of the enclosing graph.
  void Body(const onnx::GraphProto& body, int64_t repeats, Repeats& out) {
    for (const auto& t : body.initializer()) {
      onnx::TensorProto* copy = graph_.add_initializer();
      *copy = t;
      copy->set_name(Inner(t.name()));
    }
    for (const auto& n : body.node()) {
      onnx::NodeProto* copy = nodes_.Add();
      *copy = n;
      Rename(*copy, names_);
      // "/emb/Loop" + "/emb/Gather" reads "/emb/Loop/emb/Gather".
      absl::string_view inner = n.name();
      if (inner.empty()) inner = n.op_type();
      if (absl::StartsWith(inner, "/")) inner.remove_prefix(1);
      copy->set_name(StrCat(node_prefix_, inner));
      // Saturates: the count then reports the node as running too often.
      int64_t runs;
      if (__builtin_mul_overflow(repeats, outer_, &runs)) {
        runs = std::numeric_limits<int64_t>::max();
      }
      out[FirstOutput(*copy)] = runs;
    }
  }

  // `target` = `count` copies of `per` stacked along a new `axis` (zero
  // compute: Unsqueeze, then Expand to a shape that folding computes).
  void Stack(const std::string& per, const std::string& target, int64_t count,
             int64_t axis) {
    const std::string count_1d = Initializer("count", {count});
    const std::string shape = target + "/per_shape";
    Add("Shape", {per}, shape);
    std::vector<std::string> parts;
    if (axis == 0) {
      parts = {count_1d, shape};
    } else {
      const std::string lo = target + "/lead", hi = target + "/trail";
      Add("Slice",
          {shape, Initializer("begin", {0}), Initializer("end", {axis})}, lo);
      Add("Slice",
          {shape, Initializer("begin", {axis}),
           Initializer("end", {std::numeric_limits<int64_t>::max()})},
          hi);
      parts = {lo, count_1d, hi};
    }
    onnx::NodeProto* concat = Add("Concat", parts, target + "/shape");
    onnx::AttributeProto* a = concat->add_attribute();
    a->set_name("axis");
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(0);
    const std::string unsqueezed = target + "/unsqueezed";
    if (opset_ >= 13) {
      Add("Unsqueeze", {per, Initializer("axes", {axis})}, unsqueezed);
    } else {
      onnx::NodeProto* u = Add("Unsqueeze", {per}, unsqueezed);
      onnx::AttributeProto* axes = u->add_attribute();
      axes->set_name("axes");
      axes->set_type(onnx::AttributeProto::INTS);
      axes->add_ints(axis);
    }
    Add("Expand", {unsqueezed, target + "/shape"}, target);
  }

 private:
  onnx::GraphProto& graph_;
  const int64_t opset_;
  const std::string prefix_;       // of the body's tensors
  const std::string node_prefix_;  // of its nodes: the node's own name
  const int64_t outer_;
  Names names_;
  Nodes nodes_;
  int initializers_ = 0;
};

// A Loop with a static trip count; nullopt when it cannot be inlined yet.
std::optional<Nodes> InlineLoop(onnx::GraphProto& graph, int64_t opset,
                                const onnx::NodeProto& n, int64_t outer,
                                Repeats& repeats, Feedback& feedback) {
  const onnx::GraphProto* body = GraphAttr(n, "body");
  if (body == nullptr || n.input_size() < 2 || n.input(0).empty()) {
    return std::nullopt;
  }
  const auto trip = StaticInts(graph, n.input(0));
  if (!trip || trip->size() != 1 || (*trip)[0] < 1) return std::nullopt;
  const int carried = n.input_size() - 2;
  const int scanned = body->output_size() - 1 - carried;
  if (body->input_size() != carried + 2 || scanned < 0 ||
      n.output_size() > carried + scanned) {
    return std::nullopt;  // malformed: the importer refuses the Loop
  }
  const int64_t count = (*trip)[0];
  Inliner in(graph, opset, n, outer);
  in.Scope(*body);
  // The first iteration's number and condition: what the body's shapes
  // are inferred at.
  in.Constant(in.Inner(body->input(0).name()),
              Int64s("iteration", {0}, /*scalar=*/true));
  onnx::TensorProto yes;
  yes.set_data_type(onnx::TensorProto::BOOL);
  yes.add_int32_data(1);
  in.Constant(in.Inner(body->input(1).name()), yes);
  for (int j = 0; j < carried; ++j) {
    in.Add("Identity", {n.input(2 + j)}, in.Inner(body->input(2 + j).name()));
    feedback.emplace_back(in.Inner(body->input(2 + j).name()),
                          in.Inner(body->output(1 + j).name()));
  }
  in.Body(*body, count, repeats);
  for (int j = 0; j < n.output_size(); ++j) {
    if (n.output(j).empty()) continue;
    const std::string per = in.Inner(body->output(1 + j).name());
    if (j < carried) {
      in.Add("Identity", {per}, n.output(j));
    } else {
      in.Stack(per, n.output(j), count, 0);
    }
  }
  return std::move(in.nodes());
}

// A Scan whose scanned length is known.
std::optional<Nodes> InlineScan(onnx::GraphProto& graph, int64_t opset,
                                const onnx::NodeProto& n, int64_t outer,
                                const ShapeLookup& shapes, Repeats& repeats,
                                Feedback& feedback) {
  const onnx::GraphProto* body = GraphAttr(n, "body");
  const int64_t scan_inputs = AttrInt(n, "num_scan_inputs", 0);
  if (body == nullptr || opset < 9 || scan_inputs < 1 ||
      scan_inputs > n.input_size()) {
    return std::nullopt;
  }
  const int state = n.input_size() - static_cast<int>(scan_inputs);
  const int scanned = body->output_size() - state;
  if (body->input_size() != n.input_size() || scanned < 0 ||
      n.output_size() > body->output_size()) {
    return std::nullopt;
  }
  std::vector<int64_t> in_axes = AttrInts(n, "scan_input_axes");
  std::vector<int64_t> out_axes = AttrInts(n, "scan_output_axes");
  in_axes.resize(scan_inputs, 0);
  out_axes.resize(scanned, 0);
  int64_t count = -1;
  for (int m = 0; m < scan_inputs; ++m) {
    const auto shape = shapes(n.input(state + m));
    if (!shape) return std::nullopt;
    const auto rank = static_cast<int64_t>(shape->size());
    if (in_axes[m] < 0) in_axes[m] += rank;
    if (in_axes[m] < 0 || in_axes[m] >= rank) return std::nullopt;
    if (count >= 0 && (*shape)[in_axes[m]] != count) return std::nullopt;
    count = (*shape)[in_axes[m]];
  }
  for (int64_t a : out_axes) {
    if (a < 0) return std::nullopt;  // needs the rank of a body output
  }
  Inliner in(graph, opset, n, outer);
  in.Scope(*body);
  for (int j = 0; j < state; ++j) {
    in.Add("Identity", {n.input(j)}, in.Inner(body->input(j).name()));
    feedback.emplace_back(in.Inner(body->input(j).name()),
                          in.Inner(body->output(j).name()));
  }
  const std::string first = in.Initializer("element", {0}, /*scalar=*/true);
  for (int m = 0; m < scan_inputs; ++m) {
    onnx::NodeProto* g = in.Add("Gather", {n.input(state + m), first},
                                in.Inner(body->input(state + m).name()));
    onnx::AttributeProto* axis = g->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(in_axes[m]);
  }
  in.Body(*body, count, repeats);
  for (int j = 0; j < n.output_size(); ++j) {
    if (n.output(j).empty()) continue;
    const std::string per = in.Inner(body->output(j).name());
    if (j < state) {
      in.Add("Identity", {per}, n.output(j));
    } else {
      in.Stack(per, n.output(j), count, out_axes[j - state]);
    }
  }
  return std::move(in.nodes());
}

// An If: the branch its condition picks, or the costlier.
std::optional<Nodes> InlineIf(onnx::GraphProto& graph, int64_t opset,
                              const onnx::NodeProto& n, int64_t outer,
                              bool settled, Repeats& repeats,
                              std::vector<std::string>& assumptions) {
  const onnx::GraphProto* then_branch = GraphAttr(n, "then_branch");
  const onnx::GraphProto* else_branch = GraphAttr(n, "else_branch");
  if (then_branch == nullptr || else_branch == nullptr || n.input_size() < 1) {
    return std::nullopt;
  }
  bool take_then;
  if (const auto cond = StaticInts(graph, n.input(0));
      cond && cond->size() == 1) {
    take_then = (*cond)[0] != 0;
  } else if (!settled) {
    return std::nullopt;  // folding may yet compute it
  } else {
    const auto a = Cost(*then_branch), b = Cost(*else_branch);
    take_then = a >= b;
    const auto& taken = take_then ? a : b;
    const auto& other = take_then ? b : a;
    assumptions.push_back(StrCat(
        "If '", n.name().empty() ? FirstOutput(n) : n.name(),
        "': its condition is computed at run time; counted its costlier ",
        take_then ? "then" : "else", " branch (", taken.first,
        " weighted ops, ", taken.second, " nodes; the other has ", other.first,
        " and ", other.second, ")"));
  }
  const onnx::GraphProto& branch = take_then ? *then_branch : *else_branch;
  if (branch.output_size() < n.output_size()) return std::nullopt;
  Inliner in(graph, opset, n, outer);
  in.Scope(branch);
  in.Body(branch, 1, repeats);
  for (int j = 0; j < n.output_size(); ++j) {
    if (n.output(j).empty()) continue;
    in.Add("Identity", {in.Inner(branch.output(j).name())}, n.output(j));
  }
  return std::move(in.nodes());
}

// What is left after inlining cannot be counted.
absl::Status Refuse(ImportContext& cx, const onnx::NodeProto& n) {
  if (n.op_type() == "Loop") {
    if (n.input_size() == 0 || n.input(0).empty()) {
      return absl::InvalidArgumentError(
          "it runs until its condition fails (no trip count M), which only "
          "running it can tell");
    }
    if (auto m = cx.tensors().ConstInts(n.input(0)); m && m->size() == 1) {
      return absl::InvalidArgumentError(
          (*m)[0] < 1
              ? StrCat("its trip count is ", (*m)[0],
                       ": a loop that never runs has nothing to count")
              : std::string("its body does not match its inputs and outputs "
                            "(malformed)"));
    }
    return absl::InvalidArgumentError(StrCat(
        "its trip count '", n.input(0),
        "' is computed at run time; neurowatt counts a loop whose trip count "
        "follows from the input shapes (bind symbolic input dimensions with "
        "--dim NAME=VALUE)"));
  }
  if (n.op_type() == "Scan") {
    return absl::InvalidArgumentError(
        "its scanned length is not known (an input without a static shape, "
        "a negative scan_output_axes, or a body that does not match its "
        "inputs and outputs)");
  }
  return absl::InvalidArgumentError(
      "its branches do not give its outputs (malformed)");
}

}  // namespace

void AddControlFlowTranslators(TranslatorTable& table) {
  for (const char* op : {"Loop", "Scan", "If"})
    AddTranslator(table, op, Refuse);
}

std::vector<std::string> OuterReferences(const onnx::NodeProto& n) {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen;
  for (const auto& a : n.attribute()) {
    if (a.has_g()) CollectOuter(a.g(), seen, out);
    for (const auto& g : a.graphs()) CollectOuter(g, seen, out);
  }
  return out;
}

int64_t RepeatsOf(const Repeats& repeats, const onnx::NodeProto& n) {
  auto it = repeats.find(FirstOutput(n));
  return it == repeats.end() ? 1 : it->second;
}

int InlineControlFlow(onnx::GraphProto& graph, int64_t opset,
                      const ShapeLookup& shapes, bool settled, Repeats& repeats,
                      Feedback& feedback,
                      std::vector<std::string>& assumptions) {
  // The graph's nodes stay as they are while the bodies are built: a trip
  // count or condition is looked up among them, and the inliners add only
  // initializers. The node list is rebuilt only when something inlines.
  std::vector<std::pair<int, Nodes>> bodies;  // node index, its expansion
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    if (!n.domain().empty() && n.domain() != "ai.onnx") continue;
    const int64_t outer = RepeatsOf(repeats, n);
    std::optional<Nodes> body;
    if (n.op_type() == "Loop") {
      body = InlineLoop(graph, opset, n, outer, repeats, feedback);
    } else if (n.op_type() == "Scan") {
      body = InlineScan(graph, opset, n, outer, shapes, repeats, feedback);
    } else if (n.op_type() == "If") {
      body = InlineIf(graph, opset, n, outer, settled, repeats, assumptions);
    }
    if (body) bodies.emplace_back(i, *std::move(body));
  }
  if (bodies.empty()) return 0;
  Nodes result;
  auto next = bodies.begin();
  for (int i = 0; i < graph.node_size(); ++i) {
    if (next != bodies.end() && next->first == i) {
      for (auto& b : next->second) result.Add(std::move(b));
      ++next;
    } else {
      result.Add(std::move(*graph.mutable_node(i)));
    }
  }
  graph.mutable_node()->Swap(&result);
  return static_cast<int>(bodies.size());
}

}  // namespace onnx_import
}  // namespace neurowatt
