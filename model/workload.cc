#include "model/workload.h"

#include <algorithm>
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
  CheckedCount state_elements, state_write_elements, kv_read_elements;
  CheckedCount kv_read_bytes, active_params, recurrent_synapses;
  int64_t steps = 1;
  bool kv_cache = false;

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
    case v1::Activation::MISH:  // x tanh(softplus(x))
      return {1 + kTanh.a, 1, 0, 2 + kTanh.e, kTanh.d};
    case v1::Activation::SOFTSIGN:  // x / (1 + |x|)
      return {1, 0, 1, 0, 1};
    case v1::Activation::TRANSCENDENTAL:
      return {0, 0, 0, 1, 0};
    case v1::Activation::SHRINK:  // x < -l ? x + b : x > l ? x - b : 0
      return {1, 0, 2, 0, 0};
    case v1::Activation::CUMULATIVE_SUM:
      return {1, 0, 0, 0, 0};
    case v1::Activation::QUANTIZE:  // x / scale as x * (1 / scale); clamp
      return {1, 1, 3, 0, 0};
    case v1::Activation::DEQUANTIZE:
      return {1, 1, 0, 0, 0};
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
  // A mixture of experts stores `experts` copies and works each row on
  // `active` of them.
  const int64_t experts = std::max<int64_t>(1, op.experts());
  const int64_t active = experts > 1 ? op.experts_per_token() : 1;
  const CheckedCount per_expert =
      CheckedCount(op.in_features()) * op.out_features();
  c.neurons = CheckedCount(op.out_features()) * experts;
  c.synapses = per_expert * experts;
  c.instances = CheckedCount(out_elems) * active;
  c.macs = per_expert * rows * active;
  c.weight_bytes = c.synapses * BytesPerElement(gn.dtype);
  CheckedCount bias = 0;
  if (op.bias()) {
    bias = CheckedCount(op.out_features()) * experts;
    c.adds += c.instances;
  }
  if (active > 1) {  // the router's weights combine the experts' outputs
    c.muls += c.instances;
    c.adds += CheckedCount(out_elems) * (active - 1);
  }
  c.params += bias;
  if (op.weight_tied_to().empty()) {
    c.params += c.synapses;
    c.active_params =
        (per_expert + (op.bias() ? op.out_features() : 0)) * active;
    return absl::OkStatus();
  }
  c.active_params = bias;
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
  // The recurrent matrices (gates x h by h, per layer and direction) are
  // what each step applies anew; the input matrices serve every step at
  // once.
  c.recurrent_synapses = gate_neurons * h * layers;
  const int64_t state_vectors = op.cell() == v1::Recurrent::LSTM ? 2 : 1;
  c.state_elements = CheckedCount(h) * layers * dirs * batch * state_vectors;
  c.state_write_elements = c.state_elements;
  c.state_bytes = c.state_elements * BytesPerElement(gn.dtype);
}

void CountMatMul(const GraphNode& gn, const CountOptions& options, Counts& c) {
  const v1::MatMul& op = gn.node.matmul();
  const Shape& a = gn.input_shapes[0];
  const Shape& out = gn.output_shape;
  c.macs = CheckedCount(Elements(out)) * a.back();
  if (options.skip_masked && op.causal() != v1::MatMul::NOT_CAUSAL) {
    // Rows are queries at the last m of p positions; row i attends to
    // p - m + i + 1 of them.
    const int64_t m = out[out.size() - 2];
    const int64_t n = out.back();
    const bool scores = op.causal() == v1::MatMul::SCORES;
    const int64_t p = scores ? n : a.back();
    const int64_t other = scores ? a.back() : n;  // the dimension kept
    if (p >= m) {
      // m (m + 1) / 2 without overflowing before the division.
      const CheckedCount triangle = m % 2 == 0
                                        ? CheckedCount(m / 2) * (m + 1)
                                        : CheckedCount(m) * ((m + 1) / 2);
      const CheckedCount pairs = CheckedCount(m) * (p - m) + triangle;
      c.macs = pairs * other * (Elements(out) / (m * n));
    }
  }
  if (op.b_is_cached()) {
    c.state_elements = Elements(gn.input_shapes[1]);
    c.state_write_elements = c.state_elements;
    c.state_bytes = c.state_elements * BytesPerElement(gn.input_dtypes[1]);
    c.kv_cache = true;
  }
}

// The cache holds its output; the new positions (its input) are written to
// it. Its readers count the reads (kv_read_elements).
void CountKvCache(const GraphNode& gn, Counts& c) {
  c.state_elements = Elements(gn.output_shape);
  c.state_write_elements = Elements(gn.input_shapes[0]);
  c.state_bytes = c.state_elements * BytesPerElement(gn.dtype);
  c.kv_cache = true;
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
    if (op.kind() != v1::Pool::SUM) c.divs = out_elems;
  }
  return absl::OkStatus();
}

// One timestep of a neuron population (docs/counting.md): the exact
// update of a linear ODE over a step is v = a v + b (v_leak + r I), 2
// multiplies and 2 adds; an integrator's is v += k I; a current-based
// synapse adds I = a_s I + w_in S; a threshold is one compare. Every
// parameter has one value or one per neuron.
absl::Status CountSpikingNeuron(const GraphNode& gn, Counts& c) {
  const v1::SpikingNeuron& op = gn.node.spiking_neuron();
  const int64_t elems = Elements(gn.output_shape);
  const std::pair<const char*, int> sizes[] = {
      {"tau", op.tau_size()},         {"r", op.r_size()},
      {"v_leak", op.v_leak_size()},   {"v_threshold", op.v_threshold_size()},
      {"v_reset", op.v_reset_size()}, {"tau_syn", op.tau_syn_size()},
      {"w_in", op.w_in_size()}};
  for (const auto& [name, size] : sizes) {
    if (size > 1 && size != elems) {
      return InvalidArgumentError(
          StrCat(name, " has ", size, " values for ", elems, " neurons"));
    }
  }
  switch (op.model()) {
    case v1::SpikingNeuron::I:
      c.AddOps(elems, 1, 1, 0, 0, 0);
      break;
    case v1::SpikingNeuron::IF:
      c.AddOps(elems, 1, 1, 1, 0, 0);
      break;
    case v1::SpikingNeuron::LI:
      c.AddOps(elems, 2, 2, 0, 0, 0);
      break;
    case v1::SpikingNeuron::LIF:
      c.AddOps(elems, 2, 2, 1, 0, 0);
      break;
    case v1::SpikingNeuron::CUBA_LI:
      c.AddOps(elems, 3, 4, 0, 0, 0);
      break;
    case v1::SpikingNeuron::CUBA_LIF:
      c.AddOps(elems, 3, 4, 1, 0, 0);
      break;
    default:  // THRESHOLD
      c.AddOps(elems, 0, 0, 1, 0, 0);
      break;
  }
  // The membrane (and synaptic current) is held from step to step.
  const int64_t state = op.model() == v1::SpikingNeuron::THRESHOLD ? 0
                        : (op.model() == v1::SpikingNeuron::CUBA_LI ||
                           op.model() == v1::SpikingNeuron::CUBA_LIF)
                            ? 2
                            : 1;
  c.state_elements = CheckedCount(elems) * state;
  c.state_write_elements = c.state_elements;
  c.state_bytes = c.state_elements * BytesPerElement(gn.dtype);
  // Per-neuron constants (time constants, thresholds) are stored like
  // biases: parameters, read once per batch.
  for (const auto& [name, size] : sizes) c.params += size;
  c.weight_bytes = c.params * BytesPerElement(gn.dtype);
  return absl::OkStatus();
}

// A neuron population is the neurons of the linear or conv layer that feeds
// it (directly or through a sum of several): the first such layer keeps
// its neurons, the others (a recurrent Affine into the same neurons) add
// synapses only. A population fed by no such layer is its own neurons, one
// per element.
void AssignNeurons(NetworkCount& out) {
  for (size_t i = 0; i < out.layers.size(); ++i) {
    Workload& n = out.layers[i];
    if (n.op != v1::Node::kSpikingNeuron) continue;
    std::vector<int> feeders;
    std::vector<int> stack(n.input_sources.begin(), n.input_sources.end());
    absl::flat_hash_set<int> seen;  // a hand-written state_of may loop
    while (!stack.empty()) {
      const int src = stack.front();
      stack.erase(stack.begin());
      if (src < 0 || !seen.insert(src).second) continue;
      const Workload& w = out.layers[static_cast<size_t>(src)];
      if (w.op == v1::Node::kLinear || w.op == v1::Node::kConv) {
        feeders.push_back(src);
      } else if (w.op == v1::Node::kElementwise &&
                 w.op_kind == v1::Elementwise::ADD) {
        stack.insert(stack.end(), w.input_sources.begin(),
                     w.input_sources.end());
      } else if (w.state_source >= 0) {
        stack.push_back(w.state_source);  // a recurrent edge's source
      }
    }
    if (feeders.empty()) {
      n.neurons = n.output_bytes / BytesPerElement(n.dtype);
      n.neuron_instances = n.neurons;
      continue;
    }
    for (size_t k = 1; k < feeders.size(); ++k) {
      Workload& extra = out.layers[static_cast<size_t>(feeders[k])];
      extra.neurons = 0;
      extra.neuron_instances = 0;
    }
  }
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
    case v1::Reduce::LOG_SUM_EXP:
      c.exps = CheckedCount(in) + out;
      c.adds = folds;
      break;
    case v1::Reduce::LOG_SUM:
      c.exps = out;
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

// Separable interpolation over the axes whose size changes (Resize's
// contract in architecture.proto).
void CountResize(const GraphNode& gn, Counts& c) {
  const v1::Resize& op = gn.node.resize();
  if (op.mode() == v1::Resize::NEAREST) return;
  const int64_t taps = op.mode() == v1::Resize::CUBIC ? 4 : 2;
  const Shape& in = gn.input_shapes[0];
  const Shape& out = gn.output_shape;
  CheckedCount lines = 0, power = 1;  // 1 + t + ... + t^(k-1)
  for (size_t i = 0; i < in.size() && i < out.size(); ++i) {
    if (in[i] == out[i]) continue;
    lines += power;
    power *= taps;
  }
  const CheckedCount per_output = lines;
  c.muls = per_output * taps * Elements(out);
  c.adds = per_output * (taps - 1) * Elements(out);
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
    case v1::Node::kKvCache:
      return "kv_cache";
    case v1::Node::kRotary:
      return "rotary";
    case v1::Node::kSpikingNeuron:
      return "neuron";
    case v1::Node::kResize:
      return "resize";
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
    case v1::Node::kSpikingNeuron:
      return n.spiking_neuron().model();
    case v1::Node::kResize:
      return n.resize().mode();
    default:
      return 0;
  }
}

// Workload::matrix_rows and shared_matrix for one inference.
void MatrixRows(const GraphNode& gn, Workload& w) {
  switch (gn.node.op_case()) {
    case v1::Node::kLinear:  // the tokens, whichever experts they go to
      w.matrix_rows =
          Elements(gn.output_shape) / gn.node.linear().out_features();
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

// A loop body runs `repeats` times per inference: its work and traffic
// scale, what it stores does not, and its weights are applied one run
// after another.
absl::Status Repeat(const v1::Node& node, Counts& c) {
  const int64_t r = node.repeats();
  if (r < 0 || r > kMaxDimension) {
    return InvalidArgumentError(StrCat(
        "node '", node.name(), "': repeats = ", r, " is outside 0 to 2^40"));
  }
  if (r <= 1) return absl::OkStatus();
  for (CheckedCount* v :
       {&c.instances, &c.macs, &c.adds, &c.muls, &c.compares, &c.exps, &c.divs,
        &c.input_bytes, &c.output_bytes, &c.lookup_bytes,
        &c.float_input_elements, &c.fixed_input_bytes, &c.state_write_elements,
        &c.kv_read_elements, &c.kv_read_bytes}) {
    *v *= r;
  }
  const CheckedCount steps = CheckedCount(c.steps) * r;
  if (!steps.ok()) {
    return InvalidArgumentError(
        StrCat("node '", node.name(), "': its counts do not fit in 64 bits"));
  }
  c.steps = steps.value();
  return absl::OkStatus();
}

// Params another node stores (SharedParams) are that node's, counted once.
// Returns the index of that node's layer (-1 when nothing is shared); it
// must come earlier in the graph.
absl::StatusOr<int> ShareParams(
    const v1::Node& node,
    const absl::flat_hash_map<std::string, const GraphNode*>& by_name,
    const absl::flat_hash_map<std::string, int>& producer, Counts& c) {
  if (!node.has_shared()) return -1;
  const v1::SharedParams& shared = node.shared();
  auto holder = by_name.find(shared.with());
  auto layer = holder == by_name.end()
                   ? producer.end()
                   : producer.find(holder->second->node.outputs(0));
  if (layer == producer.end()) {
    return InvalidArgumentError(StrCat("node '", node.name(),
                                       "': shared.with names '", shared.with(),
                                       "', which is not an earlier node"));
  }
  const int64_t own = c.params.ok() ? c.params.value() : 0;
  if (shared.params() < 0 || shared.params() > own) {
    return InvalidArgumentError(StrCat("node '", node.name(), "': shares ",
                                       shared.params(), " params but has ",
                                       own));
  }
  c.params += -shared.params();
  const int64_t active = c.active_params.ok() ? c.active_params.value() : 0;
  c.active_params += -std::min(active, shared.params());
  return layer->second;
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
                               &c.state_elements,
                               &c.state_write_elements,
                               &c.kv_read_elements,
                               &c.kv_read_bytes,
                               &c.active_params};
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
  w.state_write_elements = c.state_write_elements.value();
  w.kv_read_elements = c.kv_read_elements.value();
  w.kv_read_bytes = c.kv_read_bytes.value();
  w.active_params = c.active_params.value();
  w.kv_cache = c.kv_cache;
  w.sequential_steps = c.steps;
  w.recurrent_synapses = c.recurrent_synapses.value();
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
  t.state_write_elements += w.state_write_elements;
  t.kv_read_elements += w.kv_read_elements;
  t.kv_read_bytes += w.kv_read_bytes;
  t.active_params += w.active_params;
}

}  // namespace

void ClassifyLayers(NetworkCount& count) {
  // Views into count.layers, which does not change while they live.
  using Key = std::tuple<absl::string_view, absl::string_view, int, int, bool,
                         int, std::array<int64_t, 27>, int>;
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
             w.state_elements,
             w.state_write_elements,
             w.kv_read_elements,
             w.kv_read_bytes,
             w.active_params,
             w.experts,
             w.experts_per_token},
            w.shared_matrix | w.kv_cache << 1 | w.once_per_batch << 2 |
                w.fixed_precision << 3};
    auto [it, inserted] =
        index.emplace(key, static_cast<int>(count.classes.size()));
    if (inserted) count.classes.push_back({static_cast<int>(i), 0});
    ++count.classes[it->second].multiplicity;
    count.layer_class.push_back(it->second);
  }
}

absl::StatusOr<Workload> SumLayers(const std::vector<Workload>& layers,
                                   const std::string& model) {
  Counts total;
  for (const Workload& w : layers) Accumulate(w, total);
  auto t = ToWorkload(total, model, "total", v1::ELEMENT_TYPE_UNSPECIFIED);
  if (!t.ok()) {
    return InvalidArgumentError(
        StrCat("model '", model, "': the totals do not fit in 64 bits"));
  }
  return t;
}

double Workload::synapses_per_neuron() const {
  return neurons == 0
             ? 0.0
             : static_cast<double>(synapses) / static_cast<double>(neurons);
}

absl::StatusOr<NetworkCount> CountNetwork(const Graph& graph,
                                          const CountOptions& options) {
  absl::flat_hash_map<std::string, const GraphNode*> by_name;
  by_name.reserve(graph.num_nodes());
  for (Vertex v : graph.topological_order()) {
    by_name[graph.node(v).node.name()] = &graph.node(v);
  }
  NetworkCount out;
  out.model = graph.name();
  out.assumptions = graph.assumptions();
  out.layers.reserve(graph.num_nodes());
  absl::flat_hash_map<std::string, int> producer;  // tensor -> layer index
  producer.reserve(graph.num_nodes());
  absl::flat_hash_set<std::string> network_inputs;
  std::vector<std::pair<size_t, int>> sharers;  // layer, the layer it shares
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
        CountMatMul(gn, options, c);
        break;
      case v1::Node::kKvCache:
        CountKvCache(gn, c);
        break;
      case v1::Node::kRotary:
        c.AddOps(Elements(gn.output_shape), 1, 2, 0, 0, 0);
        break;
      case v1::Node::kSpikingNeuron:
        status = CountSpikingNeuron(gn, c);
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
      case v1::Node::kResize:
        CountResize(gn, c);
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
    if (gn.node.op_case() != v1::Node::kLinear) c.active_params = c.params;
    for (size_t i = 0; i < gn.input_shapes.size(); ++i) {
      const int64_t elements = Elements(gn.input_shapes[i]);
      const int64_t bytes = BytesPerElement(gn.input_dtypes[i]);
      // What a KV cache gives is read from the cache, not as activations.
      if (auto p = producer.find(gn.node.inputs(i));
          p != producer.end() &&
          out.layers[p->second].op == v1::Node::kKvCache) {
        c.kv_read_elements += elements;
        c.kv_read_bytes += CheckedCount(elements) * bytes;
        continue;
      }
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
    if (gn.node.op_case() != v1::Node::kConstant &&
        gn.node.op_case() != v1::Node::kKvCache) {
      c.output_bytes =
          CheckedCount(Elements(gn.output_shape)) * BytesPerElement(gn.dtype);
    }
    if (auto s = Repeat(gn.node, c); !s.ok()) return s;
    auto holder = ShareParams(gn.node, by_name, producer, c);
    if (!holder.ok()) return holder.status();
    auto w = ToWorkload(c, gn.node.name(), KindName(gn.node), gn.dtype);
    if (!w.ok()) return w.status();
    w->repeats = std::max<int64_t>(1, gn.node.repeats());
    if (*holder >= 0) {
      w->shared_params = gn.node.shared().params();
      w->params_shared_with = gn.node.shared().with();
      ++out.layers[static_cast<size_t>(*holder)].weight_users;
      sharers.emplace_back(out.layers.size(), *holder);
    }
    w->op = gn.node.op_case();
    w->op_kind = OpKind(gn.node);
    if (gn.node.op_case() == v1::Node::kLinear &&
        gn.node.linear().experts() > 1) {
      w->experts = gn.node.linear().experts();
      w->experts_per_token = gn.node.linear().experts_per_token();
    }
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
  // Recurrent edges: the layer whose previous output a state node holds.
  for (Workload& w : out.layers) {
    if (w.op != v1::Node::kConstant) continue;
    const GraphNode* gn = by_name.at(w.name);
    const std::string& of = gn->node.constant().state_of();
    if (of.empty()) continue;
    const GraphNode* src = by_name.at(of);
    w.state_source = producer.at(src->node.outputs(0));
  }
  for (const auto& [layer, holder] : sharers) {
    out.layers[layer].weight_users =
        out.layers[static_cast<size_t>(holder)].weight_users;
  }
  AssignNeurons(out);
  auto t = SumLayers(out.layers, out.model);
  if (!t.ok()) return t.status();
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
