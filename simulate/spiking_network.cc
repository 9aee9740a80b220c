#include "simulate/spiking_network.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "model/nir/nir_import.h"

namespace neurowatt {
namespace {

enum class Kind {
  kInput,
  kOutput,
  kAffine,
  kConv,
  kPool,
  kPass,  // Flatten: the same elements in the same order
  kScale,
  kDelay,
  kThreshold,
  kNeuron,
};

enum class Model { kI, kIF, kLI, kLIF, kCubaLI, kCubaLIF };

// The most spikes one neuron emits in one step: a bound on the crossing
// loop for inputs far above threshold.
constexpr int kMaxSpikesPerStep = 1 << 16;

struct Source {
  size_t node;
  bool recurrent;
};

// I, LI and CubaLI integrate without firing: their output is v.
bool Analog(Model m) {
  return m == Model::kI || m == Model::kLI || m == Model::kCubaLI;
}

// Events an input entry carries: a whole positive value is that many
// spikes (a sum pool's output), anything else one event carrying a value.
inline double Events(float x) {
  return x > 1 && x == std::floor(x) ? static_cast<double>(x) : 1.0;
}

struct Node {
  std::string name;
  Kind kind = Kind::kPass;
  std::vector<int64_t> in_shape, out_shape;
  std::vector<Source> sources;
  std::vector<float> out;
  std::vector<int32_t> nz;  // non-zero entries of out
  bool keep_previous = false;
  std::vector<float> prev_out;
  std::vector<int32_t> prev_nz;
  // Affine / Linear: weights transposed, [in][out], so that one input's
  // events touch contiguous memory; bias per output (empty: none).
  std::vector<float> wt, bias;
  int64_t n_in = 0, n_out = 0;
  // Conv: weight as [in channel of group][kernel...][out channel]; conv
  // and pool: the window.
  int64_t in_ch = 0, out_ch = 0;
  NirWindow window;
  // Pool.
  bool average = false;
  // Scale.
  std::vector<float> scale;
  // Delay: a ring of steps.
  int64_t delay_steps = 0;
  std::vector<std::vector<float>> ring;
  size_t ring_pos = 0;
  // Threshold and neurons: per neuron parameters.
  Model model = Model::kLIF;
  std::vector<float> tau, gain, leak, threshold, reset, syn_decay, w_in;
  std::vector<double> decay;  // exp(-dt / tau), in double for LIF's sake
  std::vector<float> v, isyn;
  double spikes = 0;
  std::vector<float> input;  // the dense sum of the sources
};

std::vector<float> PerNeuron(const NirNode& node, const std::string& key,
                             int64_t n, float fallback) {
  const NirTensor* t = node.Find(key);
  if (t == nullptr || t->is_text || t->values.empty()) {
    return std::vector<float>(static_cast<size_t>(n), fallback);
  }
  if (t->values.size() == 1) {
    return std::vector<float>(static_cast<size_t>(n), t->values[0]);
  }
  return t->values;
}

int64_t Product(const std::vector<int64_t>& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

}  // namespace

struct SpikingNetwork::Impl {
  std::vector<Node> nodes;  // in execution order
  int64_t input_size = 0, output_size = 0;
  double dt = 0;
  std::vector<float> output;
  int64_t steps = 0;
  int64_t runs = 0;
  double input_events = 0;
  double synaptic_events = 0;
  // Neuron populations: the node and the counted layer holding its neurons.
  std::vector<std::pair<size_t, std::string>> populations;
  std::vector<std::string> analog_layers;
  int recorded = -1;
  Trace trace;

  void Gather(Node& n);
  void Deliver(Node& n);
  void Integrate(Node& n);
};

// The dense sum of a node's sources this step.
void SpikingNetwork::Impl::Gather(Node& n) {
  std::fill(n.input.begin(), n.input.end(), 0.0f);
  for (const Source& s : n.sources) {
    const Node& src = nodes[s.node];
    const std::vector<float>& o = s.recurrent ? src.prev_out : src.out;
    const std::vector<int32_t>& nz = s.recurrent ? src.prev_nz : src.nz;
    for (int32_t i : nz)
      n.input[static_cast<size_t>(i)] += o[static_cast<size_t>(i)];
  }
}

// Synapse nodes: each non-zero input entry is an event scattered over its
// fan-out.
void SpikingNetwork::Impl::Deliver(Node& n) {
  if (n.bias.empty()) {
    std::fill(n.out.begin(), n.out.end(), 0.0f);
  } else {
    std::copy(n.bias.begin(), n.bias.end(), n.out.begin());
  }
  for (const Source& s : n.sources) {
    const Node& src = nodes[s.node];
    const std::vector<float>& x = s.recurrent ? src.prev_out : src.out;
    const std::vector<int32_t>& nz = s.recurrent ? src.prev_nz : src.nz;
    if (n.kind == Kind::kAffine) {
      double events = 0;
      for (int32_t idx : nz) {
        const float xi = x[static_cast<size_t>(idx)];
        const int64_t row = idx / n.n_in, i = idx % n.n_in;
        const float* w = n.wt.data() + i * n.n_out;
        float* out = n.out.data() + row * n.n_out;
        for (int64_t o = 0; o < n.n_out; ++o) out[o] += w[o] * xi;
        events += Events(xi);
      }
      synaptic_events += events * static_cast<double>(n.n_out);
      continue;
    }
    // One spatial dimension is a height of 1.
    const NirWindow& win = n.window;
    const size_t dims = n.in_shape.size() - 1;
    const bool two = dims == 2;
    const int64_t in_h = two ? n.in_shape[1] : 1, in_w = n.in_shape[dims];
    const int64_t out_h = two ? n.out_shape[1] : 1, out_w = n.out_shape[dims];
    const int64_t kh = two ? win.kernel[0] : 1, kw = win.kernel[dims - 1];
    const int64_t sh = two ? win.stride[0] : 1, sw = win.stride[dims - 1];
    const int64_t ph = two ? win.pad[0] : 0, pw = win.pad[dims - 1];
    const int64_t dh = two ? win.dilation[0] : 1, dw = win.dilation[dims - 1];
    const int64_t plane = out_h * out_w;
    for (int32_t idx : nz) {
      const float xi = x[static_cast<size_t>(idx)];
      const int64_t c = idx / (in_h * in_w);
      const int64_t y = (idx / in_w) % in_h, xx = idx % in_w;
      for (int64_t ky = 0; ky < kh; ++ky) {
        const int64_t ty = y + ph - ky * dh;
        if (ty < 0 || ty % sh != 0 || ty / sh >= out_h) continue;
        for (int64_t kx = 0; kx < kw; ++kx) {
          const int64_t tx = xx + pw - kx * dw;
          if (tx < 0 || tx % sw != 0 || tx / sw >= out_w) continue;
          const int64_t pos = (ty / sh) * out_w + tx / sw;
          if (n.kind == Kind::kPool) {
            n.out[static_cast<size_t>(c * plane + pos)] +=
                n.average ? xi / static_cast<float>(kh * kw) : xi;
            synaptic_events += Events(xi);
            continue;
          }
          const int64_t cin_g = n.in_ch / n.window.groups;
          const int64_t cout_g = n.out_ch / n.window.groups;
          const int64_t g = c / cin_g, ci = c % cin_g;
          const float* w =
              n.wt.data() + ((ci * kh + ky) * kw + kx) * n.out_ch + g * cout_g;
          float* out = n.out.data() + g * cout_g * plane + pos;
          for (int64_t o = 0; o < cout_g; ++o) out[o * plane] += w[o] * xi;
          synaptic_events += Events(xi) * static_cast<double>(cout_g);
        }
      }
    }
  }
}

// Neuron populations: every neuron every step (leak is time-driven).
void SpikingNetwork::Impl::Integrate(Node& n) {
  Gather(n);
  const size_t count = n.input.size();
  n.nz.clear();
  for (size_t i = 0; i < count; ++i) {
    float I = n.input[i];
    float spikes = 0;
    if (n.model == Model::kCubaLI || n.model == Model::kCubaLIF) {
      const float target = n.w_in[i] * I;
      n.isyn[i] = target + (n.isyn[i] - target) * n.syn_decay[i];
      I = n.isyn[i];
    }
    float& v = n.v[i];
    const float thr = n.threshold[i];
    switch (n.model) {
      case Model::kI:
        v += n.gain[i] * I * static_cast<float>(dt);
        break;
      case Model::kIF: {
        v += n.gain[i] * I * static_cast<float>(dt);
        // Crossing inside the step, reset, the rest of the step integrated:
        // v - thr carries over.
        while (v > thr && spikes < kMaxSpikesPerStep) {
          v = n.reset[i] + (v - thr);
          ++spikes;
          if (n.gain[i] * I <= 0) break;
        }
        break;
      }
      case Model::kLI:
      case Model::kCubaLI: {
        const float v_inf = n.leak[i] + n.gain[i] * I;
        v = v_inf + (v - v_inf) * static_cast<float>(n.decay[i]);
      } break;
      case Model::kLIF: {
        const double v_inf = n.leak[i] + n.gain[i] * static_cast<double>(I);
        const double tau = n.tau[i];
        double left = dt;  // of the step
        double u = v;
        while (spikes < kMaxSpikesPerStep) {
          // A whole step's decay is precomputed; after a crossing, the
          // rest of the step's is not.
          const double a = left == dt ? n.decay[i] : std::exp(-left / tau);
          const double end = v_inf + (u - v_inf) * a;
          if (!(end > thr)) {
            u = end;
            break;
          }
          // u <= thr < end, so v_inf > thr: the crossing time is exact.
          const double t =
              u > thr ? 0.0 : tau * std::log((u - v_inf) / (thr - v_inf));
          ++spikes;
          left -= std::min(left, t);
          u = n.reset[i];
          if (left <= 0) break;
        }
        v = static_cast<float>(u);
        break;
      }
      case Model::kCubaLIF: {
        const float v_inf = n.leak[i] + n.gain[i] * I;
        v = v_inf + (v - v_inf) * static_cast<float>(n.decay[i]);
        if (v > thr) {
          v = n.reset[i];
          spikes = 1;
        }
        break;
      }
    }
    n.out[i] = Analog(n.model) ? v : spikes;
    if (n.out[i] != 0) n.nz.push_back(static_cast<int32_t>(i));
    n.spikes += spikes;
  }
}

SpikingNetwork::SpikingNetwork(std::unique_ptr<Impl> impl)
    : impl_(std::move(impl)) {}
SpikingNetwork::~SpikingNetwork() = default;

absl::StatusOr<std::unique_ptr<SpikingNetwork>> SpikingNetwork::Build(
    const NirGraph& graph, const std::string& path, double dt) {
  if (!(dt > 0) || !std::isfinite(dt)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the timestep dt must be positive, not ", dt));
  }
  auto nir = AnalyzeNir(graph, path);
  if (!nir.ok()) return nir.status();
  auto impl = std::make_unique<Impl>();
  impl->dt = dt;
  // Where each NIR node runs: its index in the execution order.
  std::vector<size_t> position(graph.nodes.size());
  for (size_t k = 0; k < nir->order.size(); ++k) position[nir->order[k]] = k;
  for (size_t v : nir->order) {
    const NirNode& src = graph.nodes[v];
    Node n;
    n.name = src.name;
    n.out_shape = nir->shapes[v];
    const int64_t size = Product(n.out_shape);
    n.out.assign(static_cast<size_t>(size), 0.0f);
    for (const NirInput& i : nir->inputs[v]) {
      n.sources.push_back({position[i.node], i.recurrent});
      n.in_shape = nir->shapes[i.node];
    }
    const std::string& t = src.type;
    if (t == "Input") {
      n.kind = Kind::kInput;
      impl->input_size += size;
    } else if (t == "Output") {
      n.kind = Kind::kOutput;
      impl->output_size += size;
    } else if (t == "Affine" || t == "Linear") {
      n.kind = Kind::kAffine;
      const NirTensor& w = *src.Find("weight");
      n.n_out = w.shape[0];
      n.n_in = w.shape[1];
      n.wt.resize(static_cast<size_t>(n.n_in * n.n_out));
      for (int64_t o = 0; o < n.n_out; ++o) {
        for (int64_t i = 0; i < n.n_in; ++i) {
          n.wt[static_cast<size_t>(i * n.n_out + o)] =
              w.values[static_cast<size_t>(o * n.n_in + i)];
        }
      }
      if (t == "Affine") {
        std::vector<float> b = PerNeuron(src, "bias", n.n_out, 0.0f);
        const int64_t rows = size / n.n_out;
        for (int64_t r = 0; r < rows; ++r)
          n.bias.insert(n.bias.end(), b.begin(), b.end());
      }
    } else if (t == "Conv1d" || t == "Conv2d") {
      n.kind = Kind::kConv;
      const NirTensor& w = *src.Find("weight");
      auto window = WindowOf(src, path);
      if (!window.ok()) return window.status();
      n.window = *window;
      n.out_ch = w.shape[0];
      n.in_ch = w.shape[1] * n.window.groups;
      const int64_t cin_g = w.shape[1];
      const int64_t k = Product(n.window.kernel);
      n.wt.assign(static_cast<size_t>(cin_g * k * n.out_ch), 0.0f);
      for (int64_t o = 0; o < n.out_ch; ++o) {
        for (int64_t ci = 0; ci < cin_g; ++ci) {
          for (int64_t kk = 0; kk < k; ++kk) {
            n.wt[static_cast<size_t>((ci * k + kk) * n.out_ch + o)] =
                w.values[static_cast<size_t>((o * cin_g + ci) * k + kk)];
          }
        }
      }
      if (const NirTensor* b = src.Find("bias"); b != nullptr) {
        const int64_t plane = size / n.out_ch;
        for (int64_t o = 0; o < n.out_ch; ++o) {
          const float bo = b->values.size() == 1
                               ? b->values[0]
                               : b->values[static_cast<size_t>(o)];
          n.bias.insert(n.bias.end(), static_cast<size_t>(plane), bo);
        }
      }
    } else if (t == "SumPool2d" || t == "AvgPool2d") {
      n.kind = Kind::kPool;
      n.average = t == "AvgPool2d";
      auto window = WindowOf(src, path);
      if (!window.ok()) return window.status();
      n.window = *window;
      n.in_ch = n.out_shape[0];
    } else if (t == "Flatten") {
      n.kind = Kind::kPass;
    } else if (t == "Scale") {
      n.kind = Kind::kScale;
      const NirTensor& s = *src.Find("scale");
      for (int64_t i = 0; i < size; ++i) {
        n.scale.push_back(
            s.values.size() == 1
                ? s.values[0]
                : s.values[static_cast<size_t>(
                      i % static_cast<int64_t>(s.values.size()))]);
      }
    } else if (t == "Delay") {
      n.kind = Kind::kDelay;
      const std::vector<float> tau = PerNeuron(src, "delay", 1, 0.0f);
      n.delay_steps =
          std::max<int64_t>(0, static_cast<int64_t>(std::llround(tau[0] / dt)));
      n.ring.assign(static_cast<size_t>(n.delay_steps + 1),
                    std::vector<float>(static_cast<size_t>(size), 0.0f));
    } else if (t == "Threshold") {
      n.kind = Kind::kThreshold;
      n.threshold = PerNeuron(src, "threshold", size, 0.0f);
    } else {
      n.kind = Kind::kNeuron;
      static const std::map<std::string, Model> kModels = {
          {"I", Model::kI},           {"IF", Model::kIF},
          {"LI", Model::kLI},         {"LIF", Model::kLIF},
          {"CubaLI", Model::kCubaLI}, {"CubaLIF", Model::kCubaLIF}};
      n.model = kModels.at(t);
      const bool cuba = n.model == Model::kCubaLI || n.model == Model::kCubaLIF;
      std::vector<float> tau =
          PerNeuron(src, cuba ? "tau_mem" : "tau", size, 1.0f);
      for (float t : tau)
        n.decay.push_back(std::exp(-dt / static_cast<double>(t)));
      n.tau = std::move(tau);
      if (cuba) {
        std::vector<float> ts = PerNeuron(src, "tau_syn", size, 1.0f);
        n.syn_decay.resize(ts.size());
        for (size_t i = 0; i < ts.size(); ++i) {
          n.syn_decay[i] = static_cast<float>(std::exp(-dt / ts[i]));
        }
        n.w_in = PerNeuron(src, "w_in", size, 1.0f);
      }
      n.gain = PerNeuron(src, "r", size, 1.0f);
      n.leak = PerNeuron(src, "v_leak", size, 0.0f);
      n.threshold = PerNeuron(src, "v_threshold", size,
                              std::numeric_limits<float>::infinity());
      n.reset = PerNeuron(src, "v_reset", size, 0.0f);
      n.v.assign(static_cast<size_t>(size), 0.0f);
      n.isyn.assign(static_cast<size_t>(size), 0.0f);
    }
    if (n.kind != Kind::kInput) n.input.assign(n.out.size(), 0.0f);
    impl->nodes.push_back(std::move(n));
  }
  for (Node& n : impl->nodes) {
    for (const Source& s : n.sources) {
      if (s.recurrent) {
        Node& src = impl->nodes[s.node];
        src.keep_previous = true;
        src.prev_out.assign(src.out.size(), 0.0f);
      }
    }
  }
  // Which counted layer holds each population's neurons: the first synapse
  // node into it, forward edges first, as AssignNeurons counts them. A
  // synapse node that feeds no population is a layer whose neurons never
  // spike (a readout).
  std::set<size_t> feeding;
  for (size_t k = 0; k < impl->nodes.size(); ++k) {
    const Node& n = impl->nodes[k];
    if (n.kind != Kind::kNeuron && n.kind != Kind::kThreshold) continue;
    const std::string* layer = &n.name;
    for (const Source& s : n.sources) {
      const Node& src = impl->nodes[s.node];
      if (src.kind != Kind::kAffine && src.kind != Kind::kConv) continue;
      feeding.insert(s.node);
      if (layer == &n.name) layer = &src.name;  // the first one
    }
    impl->populations.emplace_back(k, *layer);
  }
  for (size_t k = 0; k < impl->nodes.size(); ++k) {
    const Node& n = impl->nodes[k];
    if ((n.kind == Kind::kAffine || n.kind == Kind::kConv) &&
        !feeding.count(k)) {
      impl->analog_layers.push_back(n.name);
    }
  }
  impl->output.assign(static_cast<size_t>(impl->output_size), 0.0f);
  return std::unique_ptr<SpikingNetwork>(new SpikingNetwork(std::move(impl)));
}

int64_t SpikingNetwork::input_size() const { return impl_->input_size; }
int64_t SpikingNetwork::output_size() const { return impl_->output_size; }

void SpikingNetwork::Reset() {
  for (Node& n : impl_->nodes) {
    std::fill(n.out.begin(), n.out.end(), 0.0f);
    n.nz.clear();
    std::fill(n.prev_out.begin(), n.prev_out.end(), 0.0f);
    n.prev_nz.clear();
    std::fill(n.v.begin(), n.v.end(), 0.0f);
    std::fill(n.isyn.begin(), n.isyn.end(), 0.0f);
    for (auto& r : n.ring) std::fill(r.begin(), r.end(), 0.0f);
  }
  ++impl_->runs;
}

const std::vector<float>& SpikingNetwork::Step(
    const std::vector<float>& input) {
  Impl& m = *impl_;
  size_t offset = 0;
  size_t out_offset = 0;
  for (Node& n : m.nodes) {
    switch (n.kind) {
      case Kind::kInput:
        for (size_t i = 0; i < n.out.size(); ++i) {
          n.out[i] = offset + i < input.size() ? input[offset + i] : 0.0f;
        }
        offset += n.out.size();
        break;
      case Kind::kAffine:
      case Kind::kConv:
      case Kind::kPool:
        m.Deliver(n);
        break;
      case Kind::kNeuron:
        m.Integrate(n);
        break;
      case Kind::kDelay: {
        m.Gather(n);
        n.ring[n.ring_pos] = n.input;
        n.ring_pos = (n.ring_pos + 1) % n.ring.size();
        n.out = n.ring[n.ring_pos];
        break;
      }
      case Kind::kThreshold:
        m.Gather(n);
        n.nz.clear();
        for (size_t i = 0; i < n.out.size(); ++i) {
          n.out[i] = n.input[i] > n.threshold[i] ? 1.0f : 0.0f;
          if (n.out[i] != 0) {
            n.nz.push_back(static_cast<int32_t>(i));
            n.spikes += 1;
          }
        }
        break;
      default:  // pass, scale, output
        m.Gather(n);
        for (size_t i = 0; i < n.out.size(); ++i) {
          n.out[i] =
              n.kind == Kind::kScale ? n.input[i] * n.scale[i] : n.input[i];
        }
        if (n.kind == Kind::kOutput) {
          std::copy(n.out.begin(), n.out.end(), m.output.begin() + out_offset);
          out_offset += n.out.size();
        }
        break;
    }
    if (n.kind != Kind::kNeuron && n.kind != Kind::kThreshold) {
      n.nz.clear();
      for (size_t i = 0; i < n.out.size(); ++i) {
        if (n.out[i] != 0) n.nz.push_back(static_cast<int32_t>(i));
      }
    }
    if (n.kind == Kind::kInput)
      m.input_events += static_cast<double>(n.nz.size());
  }
  for (Node& n : m.nodes) {
    if (n.keep_previous) {
      n.prev_out = n.out;
      n.prev_nz = n.nz;
    }
  }
  if (m.recorded >= 0) {
    const Node& n = m.nodes[static_cast<size_t>(m.recorded)];
    const std::vector<float>& v = n.v.empty() ? n.out : n.v;
    m.trace.v.insert(m.trace.v.end(), v.begin(), v.end());
    m.trace.spike.insert(m.trace.spike.end(), n.out.begin(), n.out.end());
  }
  ++m.steps;
  return m.output;
}

absl::Status SpikingNetwork::Record(const std::string& name) {
  for (size_t i = 0; i < impl_->nodes.size(); ++i) {
    if (impl_->nodes[i].name == name) {
      impl_->recorded = static_cast<int>(i);
      impl_->trace = Trace();
      impl_->trace.neurons = static_cast<int64_t>(impl_->nodes[i].out.size());
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(absl::StrCat("no node named \"", name, "\""));
}

const Trace& SpikingNetwork::trace() const { return impl_->trace; }

SimulationResult SpikingNetwork::Totals() const {
  const Impl& m = *impl_;
  SimulationResult r;
  r.dt = m.dt;
  r.inferences = std::max<int64_t>(1, m.runs);
  r.timesteps = m.steps / r.inferences;
  const double per = 1.0 / static_cast<double>(r.inferences);
  r.input_spikes = m.input_events * per;
  r.synaptic_events = m.synaptic_events * per;
  for (const auto& [k, layer] : m.populations) {
    const Node& n = m.nodes[k];
    PopulationActivity a;
    a.name = n.name;
    a.layer = layer;
    a.neurons = static_cast<int64_t>(n.out.size());
    a.spiking = n.kind == Kind::kThreshold || !Analog(n.model);
    a.spikes = n.spikes * per;
    r.populations.push_back(a);
  }
  r.analog_layers = m.analog_layers;
  return r;
}

std::vector<float> RunFromRest(
    SpikingNetwork& net, const std::vector<std::vector<float>>& input,
    int64_t timesteps,
    const std::function<void(int64_t done, int64_t total)>& progress) {
  net.Reset();
  std::vector<float> sum(static_cast<size_t>(net.output_size()), 0.0f);
  const std::vector<float> zeros(static_cast<size_t>(net.input_size()), 0.0f);
  for (int64_t t = 0; t < timesteps; ++t) {
    const std::vector<float>& row = static_cast<size_t>(t) < input.size()
                                        ? input[static_cast<size_t>(t)]
                                        : zeros;
    const std::vector<float>& out = net.Step(row);
    for (size_t i = 0; i < sum.size(); ++i) sum[i] += out[i];
    if (progress) progress(t + 1, timesteps);
  }
  return sum;
}

}  // namespace neurowatt
