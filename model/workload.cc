#include "model/workload.h"

#include <array>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "model/shape_inference.h"
#include "util/checked.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Workload with every count still checked; converted once at the end.
struct Counts {
  CheckedCount neurons, synapses, instances, params, macs;
  CheckedCount adds, muls, compares, exps, divs;
  CheckedCount input_bytes, output_bytes, weight_bytes, state_bytes;
  CheckedCount lookup_bytes, float_input_elements, fixed_input_bytes;
  CheckedCount state_elements;
  int64_t steps = 1;

  // Adds `per_element` of each class times `elements`.
  void AddOps(const CheckedCount& elements, int64_t a, int64_t m, int64_t c,
              int64_t e, int64_t d) {
    adds += elements * a;
    muls += elements * m;
    compares += elements * c;
    exps += elements * e;
    divs += elements * d;
  }
};

// Cost per element of each activation (docs/counting.md): adds, muls,
// compares, exps, divs.
struct OpCost {
  int64_t a, m, c, e, d;
};
constexpr OpCost kSigmoid = {1, 0, 0, 1, 1};  // 1 / (1 + exp(-x))
constexpr OpCost kTanh = {2, 0, 0, 1, 1};     // (e^2x - 1) / (e^2x + 1)

OpCost ActivationCost(v1::Activation::Kind kind) {
  switch (kind) {
    case v1::Activation::RELU:
      return {0, 0, 1, 0, 0};
    case v1::Activation::GELU:  // tanh form: 0.5x(1 + tanh(c(x + 0.044715x^3)))
      return {kTanh.a + 2, 5, 0, kTanh.e, kTanh.d};
    case v1::Activation::TANH:
      return kTanh;
    case v1::Activation::SIGMOID:
      return kSigmoid;
    case v1::Activation::SILU:  // x * sigmoid(x)
      return {kSigmoid.a, 1, 0, kSigmoid.e, kSigmoid.d};
    case v1::Activation::SOFTMAX:  // max, subtract, exp, sum, divide
      return {2, 0, 1, 1, 1};
    case v1::Activation::LOG_SOFTMAX:  // max, subtract, exp, sum; log, sub
      return {3, 0, 1, 1, 0};
    case v1::Activation::ERF:  // a rational approximation, as in libm
      return {4, 5, 0, 1, 1};
    case v1::Activation::EXP:
    case v1::Activation::LOG:
      return {0, 0, 0, 1, 0};
    case v1::Activation::SQRT:
    case v1::Activation::RECIPROCAL:
      return {0, 0, 0, 0, 1};
    case v1::Activation::NEG:
      return {0, 1, 0, 0, 0};
    case v1::Activation::ABS:
    case v1::Activation::ROUND:
      return {0, 0, 1, 0, 0};
    case v1::Activation::CLIP:  // min and max
      return {0, 0, 2, 0, 0};
    case v1::Activation::HARD_SIGMOID:  // clamp(a x + b, 0, 1)
      return {1, 1, 2, 0, 0};
    case v1::Activation::HARD_SWISH:  // x * hard_sigmoid(x)
      return {1, 2, 2, 0, 0};
    case v1::Activation::LEAKY_RELU:  // compare, multiply
      return {0, 1, 1, 0, 0};
    case v1::Activation::ELU:  // x > 0 ? x : a (exp(x) - 1)
      return {1, 1, 1, 1, 0};
    case v1::Activation::SOFTPLUS:  // log(1 + exp(x))
      return {1, 0, 0, 2, 0};
    default:  // IDENTITY
      return {0, 0, 0, 0, 0};
  }
}

int64_t Elements(const Shape& s) {
  // Graph::Build has already checked that every shape's size fits.
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

absl::Status CountLinear(
    const GraphNode& gn,
    const absl::flat_hash_map<std::string, const GraphNode*>& by_name,
    Counts& c) {
  const v1::Linear& op = gn.node.linear();
  const int64_t out_elems = Elements(gn.output_shape);
  const int64_t rows = out_elems / op.out_features();
  c.neurons = op.out_features();
  c.synapses = CheckedCount(op.in_features()) * op.out_features();
  c.instances = out_elems;
  c.macs = c.synapses * rows;
  c.weight_bytes = c.synapses * BytesPerElement(gn.dtype);
  if (op.bias()) {
    c.params += op.out_features();
    c.adds += out_elems;
  }
  if (op.weight_tied_to().empty()) {
    c.params += c.synapses;
    return absl::OkStatus();
  }
  auto it = by_name.find(op.weight_tied_to());
  if (it == by_name.end() ||
      it->second->node.op_case() != v1::Node::kEmbedding) {
    return InvalidArgumentError(StrCat("weight_tied_to names '",
                                       op.weight_tied_to(),
                                       "', which is not an embedding node"));
  }
  const v1::Embedding& e = it->second->node.embedding();
  if (e.vocab() != op.out_features() || e.dim() != op.in_features()) {
    return InvalidArgumentError(StrCat("weight_tied_to '", op.weight_tied_to(),
                                       "' is ", e.vocab(), " x ", e.dim(),
                                       " but this layer is ", op.out_features(),
                                       " x ", op.in_features()));
  }
  return absl::OkStatus();
}

absl::Status CountConv(const GraphNode& gn, Counts& c) {
  const v1::Conv& op = gn.node.conv();
  const Shape& in = gn.input_shapes[0];
  auto w = ConvWindow(op, in.size() - 2);
  if (!w.ok()) return w.status();
  const int64_t groups = op.groups() == 0 ? 1 : op.groups();
  CheckedCount per_neuron = op.in_channels() / groups;
  for (int64_t k : w->kernel) per_neuron *= k;
  const int64_t out_elems = Elements(gn.output_shape);
  // A transposed convolution applies each weight once per input position.
  const int64_t positions = op.transposed() ? Elements(in) / op.in_channels()
                                            : out_elems / op.out_channels();
  c.neurons = op.out_channels();
  c.synapses = per_neuron * op.out_channels();
  c.instances = out_elems;
  c.macs = c.synapses * positions;
  c.params = c.synapses;
  c.weight_bytes = c.synapses * BytesPerElement(gn.dtype);
  if (op.bias()) {
    c.params += op.out_channels();
    c.adds += out_elems;
  }
  return absl::OkStatus();
}

void CountRecurrent(const GraphNode& gn, Counts& c) {
  const v1::Recurrent& op = gn.node.recurrent();
  const Shape& in = gn.input_shapes[0];
  const int64_t batch = op.sequence_first() ? in[1] : in[0];
  const int64_t steps = op.sequence_first() ? in[0] : in[1];
  const int64_t h = op.hidden_size();
  const int64_t dirs = op.bidirectional() ? 2 : 1;
  const int64_t layers = op.layers() == 0 ? 1 : op.layers();
  int64_t gates = 1;
  OpCost unit{};  // per hidden unit per step, biases excluded
  switch (op.cell()) {
    case v1::Recurrent::LSTM:
      // 3 sigmoid gates, tanh candidate, tanh(c); c = f*c + i*g; h = o*tanh(c)
      gates = 4;
      unit = {3 * kSigmoid.a + 2 * kTanh.a + 1, 3, 0, 5, 5};
      break;
    case v1::Recurrent::GRU:
      // 2 sigmoid gates, tanh candidate, r*(Uh+b); h = (1-z)*n + z*h
      gates = 3;
      unit = {2 * kSigmoid.a + kTanh.a + 2, 3, 0, 3, 3};
      break;
    default:
      unit = kTanh;
      break;
  }
  // Layer 0 reads the input; the other layers - all alike - read the
  // previous layer's h x directions. Closed form: layers may be many.
  const CheckedCount gate_neurons = CheckedCount(gates) * h * dirs;
  const CheckedCount neurons = gate_neurons * layers;
  const CheckedCount synapses =
      gate_neurons * (CheckedCount(op.input_size()) + h) +
      gate_neurons * (CheckedCount(h) * dirs + h) * (layers - 1);
  const CheckedCount positions = CheckedCount(batch) * steps;
  const CheckedCount units = CheckedCount(h) * layers * dirs * positions;
  c.neurons = neurons;
  c.synapses = synapses;
  c.instances = neurons * positions;
  c.macs = synapses * positions;
  c.params = synapses;
  c.weight_bytes = synapses * BytesPerElement(gn.dtype);
  c.AddOps(units, unit.a, unit.m, unit.c, unit.e, unit.d);
  if (op.bias()) {
    c.params += neurons * 2;
    c.adds += c.instances * 2;
  }
  c.steps = steps;
  const int64_t state_vectors = op.cell() == v1::Recurrent::LSTM ? 2 : 1;
  c.state_elements = CheckedCount(h) * layers * dirs * batch * state_vectors;
  c.state_bytes = c.state_elements * BytesPerElement(gn.dtype);
}

void CountMatMul(const GraphNode& gn, Counts& c) {
  const Shape& a = gn.input_shapes[0];
  c.macs = CheckedCount(Elements(gn.output_shape)) * a.back();
  if (gn.node.matmul().b_is_cached()) {
    c.state_elements = Elements(gn.input_shapes[1]);
    c.state_bytes = c.state_elements * BytesPerElement(gn.input_dtypes[1]);
  }
}

void CountEmbedding(const GraphNode& gn, Counts& c) {
  const v1::Embedding& op = gn.node.embedding();
  const int64_t out_elems = Elements(gn.output_shape);
  c.neurons = op.dim();
  c.synapses = CheckedCount(op.vocab()) * op.dim();
  c.instances = out_elems;
  c.params = c.synapses;
  // A lookup reads only the rows it returns, for each inference.
  c.lookup_bytes = CheckedCount(out_elems) * BytesPerElement(gn.dtype);
}

void CountNorm(const GraphNode& gn, Counts& c) {
  const v1::Norm& op = gn.node.norm();
  const int64_t elems = Elements(gn.output_shape);
  const int64_t f = op.features();
  switch (op.kind()) {
    case v1::Norm::LAYER:  // mean, centre, square, sum; scale, gain, bias
      c.params = CheckedCount(f) * 2;
      c.AddOps(elems, 4, 3, 0, 0, 0);
      c.divs = CheckedCount(elems / f) * 2;  // mean and 1/sqrt(var) per row
      break;
    case v1::Norm::RMS:  // square, sum; scale, gain
      c.params = f;
      c.AddOps(elems, 1, 3, 0, 0, 0);
      c.divs = CheckedCount(elems / f) * 2;
      break;
    case v1::Norm::BATCH:  // inference: statistics fold into scale and shift
      c.params = CheckedCount(f) * 2;
      c.AddOps(elems, 1, 1, 0, 0, 0);
      break;
    default: {  // GROUP
      c.params = CheckedCount(f) * 2;
      c.AddOps(elems, 4, 3, 0, 0, 0);
      c.divs = CheckedCount(gn.output_shape[0]) * op.groups() * 2;
      break;
    }
  }
  c.weight_bytes = c.params * BytesPerElement(gn.dtype);
}

absl::Status CountPool(const GraphNode& gn, Counts& c) {
  const v1::Pool& op = gn.node.pool();
  const int64_t out_elems = Elements(gn.output_shape);
  if (op.kind() == v1::Pool::GLOBAL_AVERAGE) {
    c.adds = Elements(gn.input_shapes[0]);
    c.divs = out_elems;
    return absl::OkStatus();
  }
  if (op.kind() == v1::Pool::GLOBAL_MAX) {
    c.compares = Elements(gn.input_shapes[0]);
    return absl::OkStatus();
  }
  auto w = PoolWindow(op, gn.input_shapes[0]);
  if (!w.ok()) return w.status();
  CheckedCount window = 1;
  for (int64_t k : w->kernel) window *= k;
  if (op.kind() == v1::Pool::MAX) {
    c.compares = window * out_elems;
  } else {
    c.adds = window * out_elems;
    c.divs = out_elems;
  }
  return absl::OkStatus();
}

void CountElementwise(const GraphNode& gn, Counts& c) {
  const CheckedCount ops =
      CheckedCount(Elements(gn.output_shape)) * (gn.node.inputs_size() - 1);
  switch (gn.node.elementwise().kind()) {
    case v1::Elementwise::MUL:
      c.muls = ops;
      break;
    case v1::Elementwise::DIV:
      c.divs = ops;
      break;
    case v1::Elementwise::POW:
      c.muls = ops;
      break;
    case v1::Elementwise::MAX:
    case v1::Elementwise::MIN:
    case v1::Elementwise::COMPARE:
      c.compares = ops;
      break;
    case v1::Elementwise::WHERE:  // one select per element
      c.compares = Elements(gn.output_shape);
      break;
    default:  // ADD, SUB
      c.adds = ops;
      break;
  }
}

void CountReduce(const GraphNode& gn, Counts& c) {
  const int64_t in = Elements(gn.input_shapes[0]);
  const int64_t out = Elements(gn.output_shape);
  const int64_t folds = in - out;  // combining n values takes n - 1 steps
  switch (gn.node.reduce().kind()) {
    case v1::Reduce::MEAN:
      c.adds = folds;
      c.divs = out;
      break;
    case v1::Reduce::MAX:
    case v1::Reduce::MIN:
      c.compares = folds;
      break;
    case v1::Reduce::PROD:
      c.muls = folds;
      break;
    case v1::Reduce::SUM_SQUARE:
      c.muls = in;
      c.adds = folds;
      break;
    default:  // SUM
      c.adds = folds;
      break;
  }
}

absl::Status CountEinsum(const GraphNode& gn, Counts& c) {
  auto e = ParseEinsum(gn.node.einsum().equation(), gn.input_shapes);
  if (!e.ok()) return e.status();
  CheckedCount all = 1;
  for (const auto& [letter, size] : e->sizes) all *= size;
  if (gn.input_shapes.size() == 2) {
    c.macs = all;  // one product per point of the joint index space
  } else {
    c.adds =
        all.ok() ? CheckedCount(all.value() - Elements(gn.output_shape)) : all;
  }
  return absl::OkStatus();
}

std::string KindName(const v1::Node& n) {
  switch (n.op_case()) {
    case v1::Node::kLinear:
      return "linear";
    case v1::Node::kConv:
      return "conv";
    case v1::Node::kRecurrent:
      switch (n.recurrent().cell()) {
        case v1::Recurrent::LSTM:
          return "lstm";
        case v1::Recurrent::GRU:
          return "gru";
        default:
          return "rnn";
      }
    case v1::Node::kMatmul:
      return "matmul";
    case v1::Node::kEmbedding:
      return "embedding";
    case v1::Node::kNorm:
      return "norm";
    case v1::Node::kActivation:
      return "activation";
    case v1::Node::kPool:
      return "pool";
    case v1::Node::kElementwise:
      return "elementwise";
    case v1::Node::kReshape:
      return "reshape";
    case v1::Node::kTranspose:
      return "transpose";
    case v1::Node::kReduce:
      return "reduce";
    case v1::Node::kEinsum:
      return "einsum";
    case v1::Node::kConstant:
      return n.constant().parameter() ? "parameter" : "constant";
    case v1::Node::kLayout:
      return "layout";
    case v1::Node::kUncounted:
      return "uncounted";
    default:
      return "unknown";
  }
}

// The value of the node's kind enum (see Workload::op_kind).
int OpKind(const v1::Node& n) {
  switch (n.op_case()) {
    case v1::Node::kActivation:
      return n.activation().kind();
    case v1::Node::kPool:
      return n.pool().kind();
    case v1::Node::kReduce:
      return n.reduce().kind();
    case v1::Node::kElementwise:
      return n.elementwise().kind();
    case v1::Node::kNorm:
      return n.norm().kind();
    case v1::Node::kRecurrent:
      return n.recurrent().cell();
    default:
      return 0;
  }
}

// Workload::matrix_rows and shared_matrix for one inference.
void MatrixRows(const GraphNode& gn, Workload& w) {
  switch (gn.node.op_case()) {
    case v1::Node::kLinear:
      w.matrix_rows = w.neurons > 0 ? w.neuron_instances / w.neurons : 1;
      w.shared_matrix = true;
      break;
    case v1::Node::kRecurrent: {
      // Steps are sequential: each applies the weights to the batch's rows
      // alone (the input is [steps, batch, ...] when sequence_first).
      const v1::Recurrent& op = gn.node.recurrent();
      const Shape& in = gn.input_shapes[0];
      w.matrix_rows = op.sequence_first() ? in[1] : in[0];
      w.shared_matrix = true;
      break;
    }
    case v1::Node::kMatmul:
      w.matrix_rows = gn.output_shape[gn.output_shape.size() - 2];
      break;
    default:
      break;
  }
}

absl::StatusOr<Workload> ToWorkload(const Counts& c, std::string name,
                                    std::string kind, v1::ElementType dtype) {
  const CheckedCount* all[] = {&c.neurons,
                               &c.synapses,
                               &c.instances,
                               &c.params,
                               &c.macs,
                               &c.adds,
                               &c.muls,
                               &c.compares,
                               &c.exps,
                               &c.divs,
                               &c.input_bytes,
                               &c.output_bytes,
                               &c.weight_bytes,
                               &c.state_bytes,
                               &c.lookup_bytes,
                               &c.float_input_elements,
                               &c.fixed_input_bytes,
                               &c.state_elements};
  for (const CheckedCount* v : all) {
    if (!v->ok()) {
      return InvalidArgumentError(StrCat(
          "node '", name, "': its counts do not fit in 64 bits (more than ",
          "9.2e18); the dimensions are too large"));
    }
  }
  Workload w;
  w.name = std::move(name);
  w.kind = std::move(kind);
  w.dtype = dtype;
  w.neurons = c.neurons.value();
  w.synapses = c.synapses.value();
  w.neuron_instances = c.instances.value();
  w.params = c.params.value();
  w.macs = c.macs.value();
  w.other_ops = {c.adds.value(), c.muls.value(), c.compares.value(),
                 c.exps.value(), c.divs.value()};
  w.input_bytes = c.input_bytes.value();
  w.output_bytes = c.output_bytes.value();
  w.weight_bytes = c.weight_bytes.value();
  w.state_bytes = c.state_bytes.value();
  w.lookup_bytes = c.lookup_bytes.value();
  w.float_input_elements = c.float_input_elements.value();
  w.fixed_input_bytes = c.fixed_input_bytes.value();
  w.state_elements = c.state_elements.value();
  w.sequential_steps = c.steps;
  return w;
}

void Accumulate(const Workload& w, Counts& t) {
  t.neurons += w.neurons;
  t.synapses += w.synapses;
  t.instances += w.neuron_instances;
  t.params += w.params;
  t.macs += w.macs;
  t.adds += w.other_ops.adds;
  t.muls += w.other_ops.muls;
  t.compares += w.other_ops.compares;
  t.exps += w.other_ops.exps;
  t.divs += w.other_ops.divs;
  t.input_bytes += w.input_bytes;
  t.output_bytes += w.output_bytes;
  t.weight_bytes += w.weight_bytes;
  t.state_bytes += w.state_bytes;
  t.lookup_bytes += w.lookup_bytes;
  t.float_input_elements += w.float_input_elements;
  t.fixed_input_bytes += w.fixed_input_bytes;
  t.state_elements += w.state_elements;
}

// Fills count.layer_class and count.classes: identical layers, every field
// but the name and the inputs' sources, in order of first appearance.
void ClassifyLayers(NetworkCount& count) {
  // Views into count.layers, which does not change while they live.
  using Key = std::tuple<absl::string_view, absl::string_view, int, int, bool,
                         int, std::array<int64_t, 21>, bool>;
  absl::flat_hash_map<Key, int> index;
  index.reserve(count.layers.size());
  count.layer_class.clear();
  count.classes.clear();
  count.layer_class.reserve(count.layers.size());
  for (size_t i = 0; i < count.layers.size(); ++i) {
    const Workload& w = count.layers[i];
    const OtherOps& o = w.other_ops;
    Key key{w.kind,
            w.op_type,
            static_cast<int>(w.op),
            w.op_kind,
            w.depthwise,
            static_cast<int>(w.dtype),
            {w.neurons,
             w.synapses,
             w.params,
             w.weight_bytes,
             w.sequential_steps,
             w.nonzero_synapses(),
             w.neuron_instances,
             w.macs,
             o.adds,
             o.muls,
             o.compares,
             o.exps,
             o.divs,
             w.input_bytes,
             w.output_bytes,
             w.state_bytes,
             w.lookup_bytes,
             w.matrix_rows,
             w.float_input_elements,
             w.fixed_input_bytes,
             w.state_elements},
            w.shared_matrix};
    auto [it, inserted] =
        index.emplace(key, static_cast<int>(count.classes.size()));
    if (inserted) count.classes.push_back({static_cast<int>(i), 0});
    ++count.classes[it->second].multiplicity;
    count.layer_class.push_back(it->second);
  }
}

}  // namespace

double Workload::synapses_per_neuron() const {
  return neurons == 0
             ? 0.0
             : static_cast<double>(synapses) / static_cast<double>(neurons);
}

absl::StatusOr<NetworkCount> CountNetwork(const Graph& graph) {
  absl::flat_hash_map<std::string, const GraphNode*> by_name;
  by_name.reserve(graph.num_nodes());
  for (Vertex v : graph.topological_order()) {
    by_name[graph.node(v).node.name()] = &graph.node(v);
  }
  NetworkCount out;
  out.model = graph.name();
  out.layers.reserve(graph.num_nodes());
  Counts total;
  absl::flat_hash_map<std::string, int> producer;  // tensor -> layer index
  producer.reserve(graph.num_nodes());
  absl::flat_hash_set<std::string> network_inputs;
  for (Vertex v : graph.topological_order()) {
    const GraphNode& gn = graph.node(v);
    Counts c;
    absl::Status status;
    switch (gn.node.op_case()) {
      case v1::Node::kLinear:
        status = CountLinear(gn, by_name, c);
        break;
      case v1::Node::kConv:
        status = CountConv(gn, c);
        break;
      case v1::Node::kRecurrent:
        CountRecurrent(gn, c);
        break;
      case v1::Node::kMatmul:
        CountMatMul(gn, c);
        break;
      case v1::Node::kEmbedding:
        CountEmbedding(gn, c);
        break;
      case v1::Node::kNorm:
        CountNorm(gn, c);
        break;
      case v1::Node::kActivation: {
        const OpCost k = ActivationCost(gn.node.activation().kind());
        c.AddOps(Elements(gn.output_shape), k.a, k.m, k.c, k.e, k.d);
        break;
      }
      case v1::Node::kPool:
        status = CountPool(gn, c);
        break;
      case v1::Node::kElementwise:
        CountElementwise(gn, c);
        break;
      case v1::Node::kReduce:
        CountReduce(gn, c);
        break;
      case v1::Node::kEinsum:
        status = CountEinsum(gn, c);
        break;
      case v1::Node::kConstant:
        if (gn.node.constant().parameter()) {
          c.params = Elements(gn.output_shape);
          c.weight_bytes = c.params * BytesPerElement(gn.dtype);
        }
        break;
      default:  // reshape, transpose, layout: data layout only; uncounted
        break;
    }
    if (!status.ok()) {
      return InvalidArgumentError(
          StrCat("node '", gn.node.name(), "': ", status.message()));
    }
    for (size_t i = 0; i < gn.input_shapes.size(); ++i) {
      const int64_t elements = Elements(gn.input_shapes[i]);
      const int64_t bytes = BytesPerElement(gn.input_dtypes[i]);
      c.input_bytes += CheckedCount(elements) * bytes;
      // Integer network inputs (token ids) keep their size under a
      // precision override; node outputs and other inputs take it.
      const bool integer =
          !producer.contains(gn.node.inputs(i)) &&
          (gn.input_dtypes[i] == v1::INT32 || gn.input_dtypes[i] == v1::INT64);
      if (integer) {
        c.fixed_input_bytes += CheckedCount(elements) * bytes;
      } else {
        c.float_input_elements += elements;
      }
    }
    if (gn.node.op_case() != v1::Node::kConstant) {
      c.output_bytes =
          CheckedCount(Elements(gn.output_shape)) * BytesPerElement(gn.dtype);
    }
    auto w = ToWorkload(c, gn.node.name(), KindName(gn.node), gn.dtype);
    if (!w.ok()) return w.status();
    Accumulate(*w, total);
    w->op = gn.node.op_case();
    w->op_kind = OpKind(gn.node);
    if (gn.node.op_case() == v1::Node::kConv) {
      const v1::Conv& conv = gn.node.conv();
      w->depthwise = conv.groups() > 1 && conv.groups() == conv.in_channels();
    }
    if (gn.node.has_weight_stats()) {
      const v1::WeightStats& ws = gn.node.weight_stats();
      if (ws.weights() != w->synapses || ws.zeros() < 0 ||
          ws.zeros() > ws.weights()) {
        return InvalidArgumentError(
            StrCat("node '", gn.node.name(), "': weight_stats covers ",
                   ws.weights(), " weights (", ws.zeros(),
                   " zero) but the layer has ", w->synapses, " synapses"));
      }
      w->weight_stats = ws;
    }
    if (gn.node.op_case() == v1::Node::kUncounted) {
      w->op_type = gn.node.uncounted().op_type();
    } else if (gn.node.op_case() == v1::Node::kLayout) {
      w->op_type = gn.node.layout().op_type();
    }
    MatrixRows(gn, *w);
    for (int i = 0; i < gn.node.inputs_size(); ++i) {
      const std::string& t = gn.node.inputs(i);
      auto it = producer.find(t);
      w->input_sources.push_back(it == producer.end() ? -1 : it->second);
      if (it == producer.end() && network_inputs.insert(t).second) {
        out.input_elements += Elements(gn.input_shapes[i]);
      }
    }
    producer[gn.node.outputs(0)] = static_cast<int>(out.layers.size());
    out.layers.push_back(*std::move(w));
  }
  auto t = ToWorkload(total, out.model, "total", v1::ELEMENT_TYPE_UNSPECIFIED);
  if (!t.ok()) {
    return InvalidArgumentError(
        StrCat("model '", out.model, "': the totals do not fit in 64 bits"));
  }
  out.total = *std::move(t);
  ClassifyLayers(out);
  return out;
}

std::optional<v1::WeightStats> StoredWeights(const NetworkCount& count) {
  std::optional<v1::WeightStats> total;
  for (const Workload& w : count.layers) {
    if (!w.weight_stats) continue;
    if (!total) total.emplace();
    total->set_weights(total->weights() + w.weight_stats->weights());
    total->set_zeros(total->zeros() + w.weight_stats->zeros());
  }
  return total;
}

}  // namespace neurowatt
