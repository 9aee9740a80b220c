#include "model/nir/nir_import.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <queue>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/weight_stats.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace {

using Shape = std::vector<int64_t>;

std::string ShapeText(const Shape& s) {
  return absl::StrCat("(", absl::StrJoin(s, ", "), s.size() == 1 ? ",)" : ")");
}

int64_t Product(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

bool IsNeuron(const std::string& type) {
  return type == "I" || type == "IF" || type == "LI" || type == "LIF" ||
         type == "CubaLI" || type == "CubaLIF" || type == "Threshold";
}

class NodeError {
 public:
  NodeError(const std::string& path, const NirNode& node)
      : prefix_(absl::StrCat(path, ": node \"", node.name, "\" (", node.type,
                             "): ")) {}
  absl::Status operator()(const std::string& what) const {
    return absl::InvalidArgumentError(prefix_ + what);
  }

 private:
  std::string prefix_;
};

// The parameter `key` as it must be: present, numeric.
absl::StatusOr<const NirTensor*> Numbers(const NirNode& node,
                                         const std::string& key,
                                         const NodeError& err) {
  const NirTensor* t = node.Find(key);
  if (t == nullptr) return err("missing dataset \"" + key + "\"");
  if (t->is_text) return err("dataset \"" + key + "\" is not numeric");
  return t;
}

// Integers per spatial dimension: one value for all, or one per dimension.
absl::StatusOr<Shape> PerDim(const NirNode& node, const std::string& key,
                             size_t dims, int64_t fallback, int64_t min,
                             const NodeError& err) {
  const NirTensor* t = node.Find(key);
  if (t == nullptr) return Shape(dims, fallback);
  if (t->is_text) return err("dataset \"" + key + "\" is not numeric");
  Shape v;
  for (float x : t->values) v.push_back(static_cast<int64_t>(x));
  if (!t->ints.empty()) v = t->ints;
  if (v.size() == 1) v.assign(dims, v[0]);
  if (v.size() != dims) {
    return err(absl::StrCat("\"", key, "\" has ", v.size(), " entries for ",
                            dims, " spatial dimension(s)"));
  }
  for (int64_t x : v) {
    if (x < min || x > (int64_t{1} << 20)) {
      return err(absl::StrCat("\"", key, "\" entry ", x, " is out of range"));
    }
  }
  return v;
}

absl::StatusOr<Shape> InputShape(const NirNode& node, const NodeError& err) {
  for (const char* key : {"shape", "input_type/input", "input_type"}) {
    const NirTensor* t = node.Find(key);
    if (t == nullptr || t->is_text) continue;
    Shape s = t->ints;
    if (s.empty()) {
      for (float x : t->values) s.push_back(static_cast<int64_t>(x));
    }
    for (int64_t d : s) {
      if (d < 1 || d > (int64_t{1} << 30)) {
        return err(absl::StrCat("input dimension ", d, " is out of range"));
      }
    }
    if (s.empty() || Product(s) > (int64_t{1} << 32)) {
      return err("input shape is empty or too large");
    }
    return s;
  }
  return err("missing dataset \"shape\"");
}

absl::StatusOr<NirWindow> Window(const NirNode& node, const NodeError& err) {
  const bool conv = node.type == "Conv1d" || node.type == "Conv2d";
  const size_t dims = node.type == "Conv1d" ? 1 : 2;
  NirWindow g;
  if (conv) {
    auto w = Numbers(node, "weight", err);
    if (!w.ok()) return w.status();
    const Shape& ws = (*w)->shape;
    if (ws.size() != dims + 2) {
      return err("weight " + ShapeText(ws) + " is not [out, in, kernel...]");
    }
    g.kernel.assign(ws.begin() + 2, ws.end());
    auto groups = PerDim(node, "groups", 1, 1, 1, err);
    if (!groups.ok()) return groups.status();
    g.groups = (*groups)[0];
  } else {
    auto k = PerDim(node, "kernel_size", dims, 0, 1, err);
    if (!k.ok()) return k.status();
    if ((*k)[0] == 0) return err("missing dataset \"kernel_size\"");
    g.kernel = *k;
  }
  // A pool's stride defaults to its kernel, a convolution's to 1.
  auto stride = PerDim(node, "stride", dims, conv ? 1 : 0, conv ? 1 : 0, err);
  if (!stride.ok()) return stride.status();
  g.stride = (*stride)[0] == 0 ? g.kernel : *stride;
  for (int64_t s : g.stride) {
    if (s < 1) return err("a stride is below 1");
  }
  auto dilation = PerDim(node, "dilation", dims, 1, 1, err);
  if (!dilation.ok()) return dilation.status();
  g.dilation = conv ? *dilation : Shape(dims, 1);
  const NirTensor* pad = node.Find("padding");
  if (pad != nullptr && pad->is_text) {
    // "valid": none; "same": the output keeps the input's extent (stride 1).
    g.pad.assign(dims, 0);
    if (pad->text == "same") {
      for (size_t d = 0; d < dims; ++d) {
        g.pad[d] = g.dilation[d] * (g.kernel[d] - 1) / 2;
      }
    } else if (pad->text != "valid") {
      return err("padding \"" + pad->text + "\" is neither same nor valid");
    }
  } else {
    auto p = PerDim(node, "padding", dims, 0, 0, err);
    if (!p.ok()) return p.status();
    g.pad = *p;
  }
  return g;
}

absl::StatusOr<Shape> Spatial(const Shape& in, const NirWindow& g,
                              const NodeError& err) {
  Shape out;
  for (size_t d = 0; d < g.kernel.size(); ++d) {
    const int64_t span = g.dilation[d] * (g.kernel[d] - 1) + 1;
    const int64_t padded = in[d] + 2 * g.pad[d];
    if (padded < span) {
      return err(absl::StrCat("kernel extent ", span,
                              " exceeds the padded input extent ", padded));
    }
    out.push_back((padded - span) / g.stride[d] + 1);
  }
  return out;
}

// The shape a neuron node's parameter must have: the input's, or one value.
absl::Status CheckPerNeuron(const NirNode& node, const Shape& input,
                            const NodeError& err) {
  static const std::set<std::string> kPerNeuron = {
      "tau",         "tau_mem", "tau_syn", "r",        "v_leak",
      "v_threshold", "v_reset", "w_in",    "threshold"};
  for (const auto& [key, t] : node.params) {
    // Other datasets (a toolchain's extras) are not the neurons' to check.
    if (t.is_text || !kPerNeuron.count(key)) continue;
    const int64_t n = t.elements();
    if (n != 1 && n != Product(input)) {
      return err(absl::StrCat("\"", key, "\" has shape ", ShapeText(t.shape),
                              " but its input has shape ", ShapeText(input)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Shape> NodeShape(const NirNode& node, const Shape& in,
                                const NodeError& err) {
  const std::string& type = node.type;
  if (type == "Output" || type == "Delay") return in;
  if (type == "Affine" || type == "Linear") {
    auto w = Numbers(node, "weight", err);
    if (!w.ok()) return w.status();
    if ((*w)->shape.size() != 2) {
      return err("weight " + ShapeText((*w)->shape) + " is not a matrix");
    }
    if (in.empty() || in.back() != (*w)->shape[1]) {
      return err(absl::StrCat(
          "weight ", ShapeText((*w)->shape), " takes ", (*w)->shape[1],
          " inputs but its input has shape ", ShapeText(in)));
    }
    if (type == "Affine") {
      auto b = Numbers(node, "bias", err);
      if (!b.ok()) return b.status();
      if ((*b)->elements() != (*w)->shape[0] && (*b)->elements() != 1) {
        return err(absl::StrCat("bias has ", (*b)->elements(), " values for ",
                                (*w)->shape[0], " outputs"));
      }
    }
    Shape out(in.begin(), in.end() - 1);
    out.push_back((*w)->shape[0]);
    return out;
  }
  if (type == "Scale") {
    auto s = Numbers(node, "scale", err);
    if (!s.ok()) return s.status();
    if ((*s)->elements() != 1 && (*s)->elements() != Product(in) &&
        (in.empty() || (*s)->elements() != in.back())) {
      return err("scale " + ShapeText((*s)->shape) +
                 " does not match its input " + ShapeText(in));
    }
    return in;
  }
  if (type == "Conv1d" || type == "Conv2d") {
    const size_t dims = type == "Conv1d" ? 1 : 2;
    auto geo = Window(node, err);
    if (!geo.ok()) return geo.status();
    const Shape& ws = node.Find("weight")->shape;
    if (in.size() != dims + 1) {
      return err(absl::StrCat("input ", ShapeText(in), " is not [channels, ",
                              dims == 1 ? "length" : "height, width", "]"));
    }
    const int64_t g = geo->groups;
    if (ws[1] * g != in[0] || ws[0] % g != 0) {
      return err(absl::StrCat("weight ", ShapeText(ws), " with ", g,
                              " group(s) does not take the input's ", in[0],
                              " channels"));
    }
    auto spatial = Spatial(Shape(in.begin() + 1, in.end()), *geo, err);
    if (!spatial.ok()) return spatial.status();
    Shape out = {ws[0]};
    out.insert(out.end(), spatial->begin(), spatial->end());
    return out;
  }
  if (type == "SumPool2d" || type == "AvgPool2d") {
    if (in.size() != 3) {
      return err("input " + ShapeText(in) +
                 " is not [channels, height, width]");
    }
    auto geo = Window(node, err);
    if (!geo.ok()) return geo.status();
    auto spatial = Spatial(Shape(in.begin() + 1, in.end()), *geo, err);
    if (!spatial.ok()) return spatial.status();
    Shape out = {in[0]};
    out.insert(out.end(), spatial->begin(), spatial->end());
    return out;
  }
  if (type == "Flatten") {
    const int64_t rank = static_cast<int64_t>(in.size());
    auto dim = [&](const char* key,
                   int64_t fallback) -> absl::StatusOr<int64_t> {
      auto v = PerDim(node, key, 1, fallback, -64, err);
      if (!v.ok()) return v.status();
      int64_t d = (*v)[0] < 0 ? (*v)[0] + rank : (*v)[0];
      if (d < 0 || d >= rank) {
        return err(absl::StrCat(key, " ", (*v)[0], " is outside the input's ",
                                rank, " dimension(s)"));
      }
      return d;
    };
    auto start = dim("start_dim", 0);
    if (!start.ok()) return start.status();
    auto end = dim("end_dim", -1);
    if (!end.ok()) return end.status();
    if (*end < *start) return err("end_dim is before start_dim");
    Shape out(in.begin(), in.begin() + *start);
    int64_t n = 1;
    for (int64_t d = *start; d <= *end; ++d) n *= in[static_cast<size_t>(d)];
    out.push_back(n);
    out.insert(out.end(), in.begin() + *end + 1, in.end());
    return out;
  }
  if (IsNeuron(type)) {
    if (auto s = CheckPerNeuron(node, in, err); !s.ok()) return s;
    return in;
  }
  return err(
      "unknown node type (neurowatt reads NIR's Input, Output, "
      "Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, "
      "Flatten, Delay, Threshold, I, IF, LI, LIF, CubaLI, CubaLIF and "
      "nested NIRGraph)");
}

void SetDims(const Shape& s, google::protobuf::RepeatedPtrField<v1::Dim>* dims,
             bool batch) {
  if (batch) dims->Add()->set_symbol("batch");
  for (int64_t d : s) dims->Add()->set_size(d);
}

// Copies a per-neuron parameter, as one value when all are equal.
void CopyParam(const NirNode& node, const std::string& key,
               google::protobuf::RepeatedField<float>* out) {
  const NirTensor* t = node.Find(key);
  if (t == nullptr || t->is_text || t->values.empty()) return;
  const bool uniform = std::all_of(t->values.begin(), t->values.end(),
                                   [&](float v) { return v == t->values[0]; });
  if (uniform) {
    out->Add(t->values[0]);
  } else {
    out->Add(t->values.begin(), t->values.end());
  }
}

absl::Status AddWeightStats(const NirTensor& w, int64_t presynaptic,
                            const PresynapticMap& map, v1::Node& n) {
  WeightAnalyzer analyzer(presynaptic);
  absl::string_view bytes(reinterpret_cast<const char*>(w.values.data()),
                          w.values.size() * sizeof(float));
  if (auto s = analyzer.Add(bytes, onnx::TensorProto::FLOAT, w.elements(), map);
      !s.ok()) {
    return s;
  }
  *n.mutable_weight_stats() = analyzer.Finish();
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<NirWindow> WindowOf(const NirNode& node,
                                   const std::string& path) {
  return Window(node, NodeError(path, node));
}

absl::StatusOr<NirStructure> AnalyzeNir(const NirGraph& graph,
                                        const std::string& path) {
  const size_t n = graph.nodes.size();
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < n; ++i) index[graph.nodes[i].name] = i;
  std::vector<std::vector<std::pair<size_t, size_t>>> succ(n);  // (node, edge)
  for (size_t e = 0; e < graph.edges.size(); ++e) {
    auto a = index.find(graph.edges[e].first);
    auto b = index.find(graph.edges[e].second);
    if (a == index.end() || b == index.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": edge \"", graph.edges[e].first, "\" -> \"",
                       graph.edges[e].second, "\" names no node"));
    }
    succ[a->second].push_back({b->second, e});
  }
  // Depth-first from every Input: an edge to a node on the stack closes a
  // cycle and is recurrent.
  std::vector<int> state(n, 0);  // 0 new, 1 on stack, 2 done
  std::set<size_t> recurrent;
  bool any_input = false;
  for (size_t root = 0; root < n; ++root) {
    if (graph.nodes[root].type != "Input") continue;
    any_input = true;
    std::vector<std::pair<size_t, size_t>> stack = {{root, 0}};
    state[root] = 1;
    while (!stack.empty()) {
      auto& [v, next] = stack.back();
      if (next == succ[v].size()) {
        state[v] = 2;
        stack.pop_back();
        continue;
      }
      const auto [w, e] = succ[v][next++];
      if (state[w] == 1) {
        recurrent.insert(e);
      } else if (state[w] == 0) {
        state[w] = 1;
        stack.push_back({w, 0});
      }
    }
  }
  if (!any_input) {
    return absl::InvalidArgumentError(path + ": the graph has no Input node");
  }
  for (size_t i = 0; i < n; ++i) {
    if (state[i] == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": node \"", graph.nodes[i].name, "\" (",
                       graph.nodes[i].type, "): no Input reaches it"));
    }
  }
  // Kahn's order over the forward edges, smallest declaration index first.
  std::vector<int> indegree(n, 0);
  for (size_t v = 0; v < n; ++v) {
    for (const auto& [w, e] : succ[v]) {
      if (!recurrent.count(e)) ++indegree[w];
    }
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<size_t>> ready;
  for (size_t v = 0; v < n; ++v) {
    if (indegree[v] == 0) ready.push(v);
  }
  NirStructure out;
  while (!ready.empty()) {
    const size_t v = ready.top();
    ready.pop();
    out.order.push_back(v);
    for (const auto& [w, e] : succ[v]) {
      if (!recurrent.count(e) && --indegree[w] == 0) ready.push(w);
    }
  }
  // Each node's inputs: forward edges first, then recurrent ones.
  out.inputs.resize(n);
  for (bool back : {false, true}) {
    for (size_t e = 0; e < graph.edges.size(); ++e) {
      if (recurrent.count(e) != static_cast<size_t>(back)) continue;
      out.inputs[index.at(graph.edges[e].second)].push_back(
          {index.at(graph.edges[e].first), back});
    }
  }
  out.shapes.resize(n);
  for (size_t v : out.order) {
    const NirNode& node = graph.nodes[v];
    const NodeError err(path, node);
    const Shape* in = nullptr;
    for (const NirInput& i : out.inputs[v]) {
      if (i.recurrent) continue;
      const Shape& s = out.shapes[i.node];
      if (in != nullptr && s != *in) {
        return err(absl::StrCat("its inputs have different shapes, ",
                                ShapeText(*in), " and ", ShapeText(s)));
      }
      in = &s;
    }
    absl::StatusOr<Shape> shape;
    if (node.type == "Input") {
      shape = InputShape(node, err);
    } else if (in == nullptr) {
      return err("has no input");
    } else {
      shape = NodeShape(node, *in, err);
    }
    if (!shape.ok()) return shape.status();
    if (Product(*shape) > (int64_t{1} << 32)) return err("output is too large");
    out.shapes[v] = *std::move(shape);
  }
  // A recurrent input must have the shape of the node's other inputs.
  for (size_t v = 0; v < n; ++v) {
    const std::vector<NirInput>& ins = out.inputs[v];
    for (const NirInput& r : ins) {
      if (!r.recurrent || ins.front().recurrent) continue;
      const Shape& other = out.shapes[ins.front().node];
      if (out.shapes[r.node] != other) {
        return NodeError(path, graph.nodes[v])(absl::StrCat(
            "its recurrent input from \"", graph.nodes[r.node].name,
            "\" has shape ", ShapeText(out.shapes[r.node]),
            ", its other input ", ShapeText(other)));
      }
    }
  }
  return out;
}

absl::StatusOr<v1::Architecture> NirToArchitecture(const NirGraph& graph,
                                                   const std::string& path,
                                                   bool read_weights) {
  auto nir = AnalyzeNir(graph, path);
  if (!nir.ok()) return nir.status();

  v1::Architecture arch;
  arch.set_name(std::filesystem::path(path).stem().string());
  arch.set_description(absl::StrCat(
      "NIR graph", graph.version.empty() ? "" : " " + graph.version, " from ",
      std::filesystem::path(path).filename().string(),
      ", counted per timestep"));
  std::set<std::string> states;  // recurrent sources given a state node
  for (size_t v : nir->order) {
    const NirNode& node = graph.nodes[v];
    const NodeError err(path, node);
    const Shape& out_shape = nir->shapes[v];
    if (node.type == "Input") {
      v1::TensorSpec* in = arch.add_inputs();
      in->set_name(node.name);
      in->set_dtype(v1::FP32);
      SetDims(out_shape, in->mutable_shape(), true);
      continue;
    }
    if (node.type == "Output") continue;
    std::vector<std::string> inputs;
    for (const NirInput& i : nir->inputs[v]) {
      const std::string& src = graph.nodes[i.node].name;
      if (!i.recurrent) {
        inputs.push_back(src);
        continue;
      }
      const std::string state = src + ".previous";
      if (states.insert(src).second) {
        v1::Node* c = arch.add_nodes();
        c->set_name(state);
        c->add_outputs(state);
        c->mutable_constant()->set_state_of(src);
        SetDims(nir->shapes[i.node], c->mutable_constant()->mutable_shape(),
                true);
      }
      inputs.push_back(state);
    }
    std::string input = inputs.empty() ? "" : inputs[0];
    if (inputs.size() > 1) {
      v1::Node* sum = arch.add_nodes();
      sum->set_name(node.name + ".inputs");
      for (const auto& i : inputs) sum->add_inputs(i);
      sum->add_outputs(sum->name());
      sum->mutable_elementwise()->set_kind(v1::Elementwise::ADD);
      input = sum->name();
    }
    v1::Node* n = arch.add_nodes();
    n->set_name(node.name);
    n->add_inputs(input);
    n->add_outputs(node.name);
    const std::string& type = node.type;
    if (type == "Affine" || type == "Linear") {
      const NirTensor* w = node.Find("weight");
      v1::Linear* l = n->mutable_linear();
      l->set_in_features(w->shape[1]);
      l->set_out_features(w->shape[0]);
      l->set_bias(type == "Affine");
      if (read_weights) {
        if (auto s =
                AddWeightStats(*w, w->shape[1], {1, w->shape[1], 0, 0}, *n);
            !s.ok()) {
          return err(std::string(s.message()));
        }
      }
    } else if (type == "Conv1d" || type == "Conv2d") {
      const size_t dims = type == "Conv1d" ? 1 : 2;
      const NirTensor* w = node.Find("weight");
      auto window = Window(node, err);  // checked by AnalyzeNir
      if (!window.ok()) return window.status();
      const NirWindow& geo = *window;
      const int64_t groups = geo.groups;
      v1::Conv* c = n->mutable_conv();
      c->set_in_channels(w->shape[1] * groups);
      c->set_out_channels(w->shape[0]);
      for (size_t d = 0; d < dims; ++d) {
        c->add_kernel(geo.kernel[d]);
        c->add_stride(geo.stride[d]);
        c->add_padding(geo.pad[d]);
        c->add_dilation(geo.dilation[d]);
      }
      c->set_groups(groups);
      c->set_bias(node.Find("bias") != nullptr);
      if (read_weights) {
        int64_t k = 1;
        for (size_t d = 2; d < w->shape.size(); ++d) k *= w->shape[d];
        PresynapticMap map{k, w->shape[1], 0, 0};
        if (groups > 1)
          map.group_block = w->shape[0] / groups * w->shape[1] * k;
        if (auto s = AddWeightStats(*w, w->shape[1] * groups, map, *n);
            !s.ok()) {
          return err(std::string(s.message()));
        }
      }
    } else if (type == "SumPool2d" || type == "AvgPool2d") {
      v1::Pool* p = n->mutable_pool();
      p->set_kind(type == "SumPool2d" ? v1::Pool::SUM : v1::Pool::AVERAGE);
      auto window = Window(node, err);  // checked by AnalyzeNir
      if (!window.ok()) return window.status();
      for (size_t d = 0; d < 2; ++d) {
        p->add_kernel(window->kernel[d]);
        p->add_stride(window->stride[d]);
        p->add_padding(window->pad[d]);
      }
    } else if (type == "Flatten") {
      v1::Reshape* r = n->mutable_reshape();
      r->add_shape(0);  // the batch
      for (int64_t d : out_shape) r->add_shape(d);
    } else if (type == "Scale") {
      v1::Node* s = arch.add_nodes();
      // The scale is stored: a parameter node, inserted before its user.
      const NirTensor* t = node.Find("scale");
      s->set_name(node.name + ".scale");
      s->add_outputs(s->name());
      s->mutable_constant()->set_parameter(true);
      SetDims(t->elements() == 1 ? Shape{1} : t->shape,
              s->mutable_constant()->mutable_shape(), false);
      arch.mutable_nodes()->SwapElements(arch.nodes_size() - 1,
                                         arch.nodes_size() - 2);
      n = arch.mutable_nodes(arch.nodes_size() - 1);
      n->add_inputs(s->name());
      n->mutable_elementwise()->set_kind(v1::Elementwise::MUL);
    } else if (type == "Delay") {
      v1::Layout* l = n->mutable_layout();
      l->set_op_type("Delay");
      SetDims(out_shape, l->mutable_shape(), true);
    } else {  // a neuron model
      v1::SpikingNeuron* s = n->mutable_spiking_neuron();
      static const std::map<std::string, v1::SpikingNeuron::Model> kModels = {
          {"I", v1::SpikingNeuron::I},
          {"IF", v1::SpikingNeuron::IF},
          {"LI", v1::SpikingNeuron::LI},
          {"LIF", v1::SpikingNeuron::LIF},
          {"CubaLI", v1::SpikingNeuron::CUBA_LI},
          {"CubaLIF", v1::SpikingNeuron::CUBA_LIF},
          {"Threshold", v1::SpikingNeuron::THRESHOLD}};
      s->set_model(kModels.at(type));
      CopyParam(node, type == "CubaLI" || type == "CubaLIF" ? "tau_mem" : "tau",
                s->mutable_tau());
      CopyParam(node, "r", s->mutable_r());
      CopyParam(node, "v_leak", s->mutable_v_leak());
      CopyParam(node, type == "Threshold" ? "threshold" : "v_threshold",
                s->mutable_v_threshold());
      CopyParam(node, "v_reset", s->mutable_v_reset());
      CopyParam(node, "tau_syn", s->mutable_tau_syn());
      CopyParam(node, "w_in", s->mutable_w_in());
    }
  }
  return arch;
}

absl::StatusOr<v1::Architecture> ImportNir(const std::string& path,
                                           bool read_weights) {
  auto graph = ReadNirFile(path);
  if (!graph.ok()) return graph.status();
  return NirToArchitecture(*graph, path, read_weights);
}

}  // namespace neurowatt
