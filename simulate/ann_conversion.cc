#include "simulate/ann_conversion.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "model/nir/nir_import.h"
#include "model/onnx/graph_index.h"
#include "model/onnx/onnx_file.h"

namespace neurowatt {
namespace {

enum class Op { kDense, kConv, kPool, kFlatten };

struct Layer {
  Op op = Op::kDense;
  std::string name;
  std::vector<int64_t> in_shape, out_shape;  // without the batch
  std::vector<float> w, b;                   // dense [out][in]; conv [o][c][k]
  int64_t n_in = 0, n_out = 0;
  NirWindow window;  // conv and pool
  bool relu = false;
};

using onnx_import::Product;

using onnx_import::Attr;

// An attribute of one value per spatial dimension (2), or `fallback`.
std::vector<int64_t> PerDim(const onnx::NodeProto& n, const char* name,
                            int64_t fallback) {
  std::vector<int64_t> v = onnx_import::AttrInts(n, name);
  return v.empty() ? std::vector<int64_t>(2, fallback) : v;
}

// Dense evaluation of one layer.
std::vector<float> Apply(const Layer& l, const std::vector<float>& x) {
  std::vector<float> y(static_cast<size_t>(Product(l.out_shape)), 0.0f);
  if (l.op == Op::kFlatten) return x;
  if (l.op == Op::kDense) {
    for (int64_t o = 0; o < l.n_out; ++o) {
      double acc = l.b.empty() ? 0.0 : l.b[static_cast<size_t>(o)];
      const float* w = l.w.data() + o * l.n_in;
      for (int64_t i = 0; i < l.n_in; ++i)
        acc += w[i] * x[static_cast<size_t>(i)];
      y[static_cast<size_t>(o)] = static_cast<float>(acc);
    }
  } else {
    const int64_t C = l.in_shape[0], H = l.in_shape[1], W = l.in_shape[2];
    const int64_t O = l.out_shape[0], OH = l.out_shape[1], OW = l.out_shape[2];
    const NirWindow& win = l.window;
    const int64_t kh = win.kernel[0], kw = win.kernel[1];
    const int64_t cin_g = l.op == Op::kPool ? 1 : C / win.groups;
    const int64_t cout_g = O / win.groups;
    for (int64_t o = 0; o < O; ++o) {
      const int64_t g = l.op == Op::kPool ? o : o / cout_g;
      for (int64_t oy = 0; oy < OH; ++oy) {
        for (int64_t ox = 0; ox < OW; ++ox) {
          double acc = l.b.empty() ? 0.0 : l.b[static_cast<size_t>(o)];
          for (int64_t ci = 0; ci < cin_g; ++ci) {
            const int64_t c = l.op == Op::kPool ? o : g * cin_g + ci;
            for (int64_t ky = 0; ky < kh; ++ky) {
              const int64_t iy =
                  oy * win.stride[0] - win.pad[0] + ky * win.dilation[0];
              if (iy < 0 || iy >= H) continue;
              for (int64_t kx = 0; kx < kw; ++kx) {
                const int64_t ix =
                    ox * win.stride[1] - win.pad[1] + kx * win.dilation[1];
                if (ix < 0 || ix >= W) continue;
                const float v = x[static_cast<size_t>((c * H + iy) * W + ix)];
                acc += l.op == Op::kPool
                           ? v / static_cast<double>(kh * kw)
                           : l.w[static_cast<size_t>(
                                 ((o * cin_g + ci) * kh + ky) * kw + kx)] *
                                 v;
              }
            }
          }
          y[static_cast<size_t>((o * OH + oy) * OW + ox)] =
              static_cast<float>(acc);
        }
      }
    }
  }
  if (l.relu) {
    for (float& v : y) v = std::max(v, 0.0f);
  }
  return y;
}

}  // namespace

struct Ann::Impl {
  std::vector<Layer> layers;
  std::vector<int64_t> input_shape;
};

Ann::Ann(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Ann::~Ann() = default;

absl::StatusOr<std::unique_ptr<Ann>> Ann::Read(const std::string& path) {
  auto file = OnnxFile::Open(path);
  if (!file.ok()) return file.status();
  const onnx::GraphProto& g = (*file)->model().graph();
  onnx_import::GraphIndex index(g);
  if (auto st = index.IndexInitializers(); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", st.message()));
  }
  index.MarkData();
  // A stored float32 tensor's values.
  auto floats =
      [&](const std::string& name,
          const std::string& where) -> absl::StatusOr<std::vector<float>> {
    const std::optional<int> i = index.InitializerIndex(name);
    if (!i) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ", where, ": \"", name, "\" is not a stored weight"));
    }
    const onnx::TensorProto& t = g.initializer(*i);
    if (t.data_type() != onnx::TensorProto::FLOAT) {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ", where, ": weights must be float32 to convert"));
    }
    auto bytes = (*file)->Payload(*i);
    if (!bytes.ok()) return bytes.status();
    if (!bytes->has_value()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", where, ": the file holds no values for \"",
                       name, "\" (weights stripped?)"));
    }
    std::vector<float> v(
        static_cast<size_t>(Product({t.dims().begin(), t.dims().end()})));
    if ((*bytes)->size() != v.size() * sizeof(float)) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", where, ": \"", name, "\" is truncated"));
    }
    std::memcpy(v.data(), (*bytes)->data(), (*bytes)->size());
    return v;
  };
  auto impl = std::make_unique<Impl>();
  std::string current;
  for (const auto& in : g.input()) {
    if (index.IsInitializer(in.name())) continue;
    current = in.name();
    const auto& dims = in.type().tensor_type().shape().dim();
    for (int i = 1; i < dims.size(); ++i) {
      if (!dims[i].has_dim_value() || dims[i].dim_value() < 1) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": input \"", in.name(),
                         "\" needs fixed sizes after the batch"));
      }
      impl->input_shape.push_back(dims[i].dim_value());
    }
    break;
  }
  if (current.empty() || impl->input_shape.empty()) {
    return absl::InvalidArgumentError(path +
                                      ": the model has no input to convert");
  }
  std::vector<int64_t> shape = impl->input_shape;
  int position = 0;
  for (const onnx::NodeProto& n : g.node()) {
    const std::string name =
        n.name().empty() ? absl::StrCat(n.op_type(), "_", position) : n.name();
    ++position;
    const std::string where =
        absl::StrCat("node \"", name, "\" (", n.op_type(), ")");
    if (n.input_size() == 0 || n.input(0) != current) {
      if (n.op_type() == "Constant") continue;  // a Reshape's shape
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", where,
                       ": the network is not a chain of layers "
                       "(conversion takes an MLP or CNN)"));
    }
    const std::string& op = n.op_type();
    current = n.output(0);
    Layer l;
    l.name = name;
    l.in_shape = shape;
    if (op == "Identity" || op == "Dropout") continue;
    if (op == "Pad" && n.input_size() >= 2) {
      const auto pads = index.ConstInts(n.input(1));
      if (pads && std::all_of(pads->begin(), pads->end(),
                              [](int64_t p) { return p == 0; })) {
        continue;  // what torch writes before an AveragePool
      }
    }
    if (op == "Relu") {
      if (impl->layers.empty() || impl->layers.back().relu) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where, ": a ReLU must follow a layer"));
      }
      impl->layers.back().relu = true;
      continue;
    }
    if (op == "Softmax" || op == "LogSoftmax") continue;  // argmax unchanged
    if (op == "Gemm" || op == "MatMul") {
      if (shape.size() != 1) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": ", where, ": its input ", shape.size(), "-D is not flat"));
      }
      const std::optional<int> b = index.InitializerIndex(n.input(1));
      if (!b) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": ", where, ": the second operand must be stored weights"));
      }
      const onnx::TensorProto& t = g.initializer(*b);
      if (t.dims_size() != 2) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where, ": weights are not a matrix"));
      }
      const bool transposed =
          op == "Gemm" && onnx_import::AttrInt(n, "transB", 0) != 0;
      for (const char* a : {"alpha", "beta"}) {
        if (const auto* at = Attr(n, a); at != nullptr && at->f() != 1.0f) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", where, ": ", a, " other than 1"));
        }
      }
      if (onnx_import::AttrInt(n, "transA", 0) != 0) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where, ": transA"));
      }
      auto w = floats(n.input(1), where);
      if (!w.ok()) return w.status();
      l.n_in = transposed ? t.dims(1) : t.dims(0);
      l.n_out = transposed ? t.dims(0) : t.dims(1);
      if (l.n_in != shape[0]) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where, ": weights take ", l.n_in,
                         " inputs, not ", shape[0]));
      }
      l.w.resize(static_cast<size_t>(l.n_in * l.n_out));
      for (int64_t o = 0; o < l.n_out; ++o) {
        for (int64_t i = 0; i < l.n_in; ++i) {
          l.w[static_cast<size_t>(o * l.n_in + i)] =
              transposed ? (*w)[static_cast<size_t>(o * l.n_in + i)]
                         : (*w)[static_cast<size_t>(i * l.n_out + o)];
        }
      }
      if (op == "Gemm" && n.input_size() > 2 && !n.input(2).empty()) {
        auto b = floats(n.input(2), where);
        if (!b.ok()) return b.status();
        if (static_cast<int64_t>(b->size()) != l.n_out) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", where, ": bias size"));
        }
        l.b = *b;
      }
      l.op = Op::kDense;
      l.out_shape = {l.n_out};
    } else if (op == "Add") {
      if (impl->layers.empty() || impl->layers.back().op != Op::kDense ||
          !impl->layers.back().b.empty() || impl->layers.back().relu ||
          n.input_size() != 2) {
        return absl::InvalidArgumentError(absl::StrCat(
            path, ": ", where, ": an Add must be the bias of a MatMul"));
      }
      auto b = floats(n.input(1), where);
      if (!b.ok()) return b.status();
      if (static_cast<int64_t>(b->size()) != impl->layers.back().n_out) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where, ": bias size"));
      }
      impl->layers.back().b = *b;
      continue;
    } else if (op == "Conv" || op == "AveragePool") {
      if (shape.size() != 3) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where,
                         ": conversion takes 2-D convolutions and pools"));
      }
      if (op == "Conv") {
        const std::optional<int> wi = index.InitializerIndex(n.input(1));
        const onnx::TensorProto* t = wi ? &g.initializer(*wi) : nullptr;
        if (t == nullptr || t->dims_size() != 4) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", where, ": weights must be stored, 4-D"));
        }
        auto w = floats(n.input(1), where);
        if (!w.ok()) return w.status();
        l.w = *w;
        l.window.groups = onnx_import::AttrInt(n, "group", 1);
        if (l.window.groups < 1) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", where, ": group < 1"));
        }
        l.window.kernel = {t->dims(2), t->dims(3)};
        l.n_out = t->dims(0);
        if (t->dims(1) * l.window.groups != shape[0]) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", where, ": channels do not chain"));
        }
        if (n.input_size() > 2 && !n.input(2).empty()) {
          auto b = floats(n.input(2), where);
          if (!b.ok()) return b.status();
          l.b = *b;
        }
        l.op = Op::kConv;
      } else {
        l.window.kernel = PerDim(n, "kernel_shape", 1);
        l.n_out = shape[0];
        l.op = Op::kPool;
      }
      l.window.stride = PerDim(n, "strides", 1);
      l.window.dilation = PerDim(n, "dilations", 1);
      std::vector<int64_t> pads = onnx_import::AttrInts(n, "pads");
      if (pads.empty()) pads.assign(4, 0);
      if (pads.size() != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": ", where, ": asymmetric padding"));
      }
      l.window.pad = {pads[0], pads[1]};
      l.out_shape = {l.n_out};
      for (int d = 0; d < 2; ++d) {
        const int64_t span =
            l.window.dilation[d] * (l.window.kernel[d] - 1) + 1;
        const int64_t padded = shape[d + 1] + 2 * l.window.pad[d];
        if (padded < span) {
          return absl::InvalidArgumentError(
              absl::StrCat(path, ": ", where, ": kernel larger than input"));
        }
        l.out_shape.push_back((padded - span) / l.window.stride[d] + 1);
      }
    } else if (op == "Flatten" || op == "Reshape") {
      l.op = Op::kFlatten;
      l.out_shape = {Product(shape)};
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          path, ": ", where,
          ": conversion takes Gemm, MatMul, Add (bias), "
          "Conv, Relu, AveragePool, Flatten, Reshape, Identity, Dropout "
          "and a final Softmax"));
    }
    shape = l.out_shape;
    impl->layers.push_back(std::move(l));
  }
  if (impl->layers.empty() || impl->layers.back().op != Op::kDense ||
      impl->layers.back().relu) {
    return absl::InvalidArgumentError(
        path + ": the network must end in a linear layer (its logits)");
  }
  return std::unique_ptr<Ann>(new Ann(std::move(impl)));
}

int64_t Ann::input_size() const { return Product(impl_->input_shape); }
int64_t Ann::output_size() const { return impl_->layers.back().n_out; }

std::vector<float> Ann::Forward(const std::vector<float>& x) const {
  std::vector<float> y = x;
  y.resize(static_cast<size_t>(input_size()), 0.0f);
  for (const Layer& l : impl_->layers) y = Apply(l, y);
  return y;
}

absl::StatusOr<NirGraph> Ann::ToSpiking(
    const std::vector<std::vector<float>>& samples) const {
  if (samples.empty()) {
    return absl::InvalidArgumentError(
        "normalisation needs at least one sample");
  }
  const std::vector<Layer>& layers = impl_->layers;
  // lambda per layer: the 99.9th percentile of its ReLU outputs.
  std::vector<std::vector<float>> seen(layers.size());
  for (const auto& s : samples) {
    std::vector<float> y = s;
    y.resize(static_cast<size_t>(input_size()), 0.0f);
    for (size_t i = 0; i < layers.size(); ++i) {
      y = Apply(layers[i], y);
      if (layers[i].relu) {
        for (float v : y) {
          if (v > 0) seen[i].push_back(v);
        }
      }
    }
  }
  std::vector<double> lambda(layers.size(), 1.0);
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!layers[i].relu || seen[i].empty()) continue;
    std::vector<float>& v = seen[i];
    const size_t k =
        std::min(v.size() - 1,
                 static_cast<size_t>(0.999 * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k),
                     v.end());
    lambda[i] = v[k] > 0 ? v[k] : 1.0;
  }
  NirGraph g;
  g.version = "neurowatt conversion";
  auto add = [&](NirNode node) {
    if (!g.nodes.empty()) g.edges.emplace_back(g.nodes.back().name, node.name);
    g.nodes.push_back(std::move(node));
  };
  NirNode input;
  input.name = "input";
  input.type = "Input";
  input.params["shape"] = NirTensor::Ints(impl_->input_shape);
  add(input);
  double prev = 1.0;  // the scale of what the previous layer emits
  for (size_t i = 0; i < layers.size(); ++i) {
    const Layer& l = layers[i];
    NirNode n;
    n.name = l.name;
    const double now = l.relu ? lambda[i] : 1.0;
    const double ws =
        l.op == Op::kDense || l.op == Op::kConv ? prev / now : 1.0;
    std::vector<float> w = l.w, b = l.b;
    for (float& x : w) x = static_cast<float>(x * ws);
    for (float& x : b) x = static_cast<float>(x / now);
    if (l.op == Op::kDense) {
      n.type = "Affine";
      n.params["weight"] = NirTensor::Floats({l.n_out, l.n_in}, w);
      if (b.empty()) b.assign(static_cast<size_t>(l.n_out), 0.0f);
      n.params["bias"] = NirTensor::Floats({l.n_out}, b);
    } else if (l.op == Op::kConv) {
      n.type = "Conv2d";
      const int64_t cin_g = l.in_shape[0] / l.window.groups;
      n.params["weight"] = NirTensor::Floats(
          {l.n_out, cin_g, l.window.kernel[0], l.window.kernel[1]}, w);
      if (!b.empty()) n.params["bias"] = NirTensor::Floats({l.n_out}, b);
      n.params["stride"] = NirTensor::Ints(l.window.stride);
      n.params["padding"] = NirTensor::Ints(l.window.pad);
      n.params["dilation"] = NirTensor::Ints(l.window.dilation);
      n.params["groups"] = NirTensor::Ints({l.window.groups});
    } else if (l.op == Op::kPool) {
      n.type = "AvgPool2d";
      n.params["kernel_size"] = NirTensor::Ints(l.window.kernel);
      n.params["stride"] = NirTensor::Ints(l.window.stride);
      n.params["padding"] = NirTensor::Ints(l.window.pad);
    } else {
      n.type = "Flatten";
      n.params["start_dim"] = NirTensor::Ints({0});
      n.params["end_dim"] = NirTensor::Ints({-1});
    }
    add(n);
    if (l.relu) {
      NirNode neuron;
      neuron.name = l.name + ".if";
      neuron.type = "IF";
      neuron.params["r"] = NirTensor::Floats({1}, {1.0f});
      neuron.params["v_threshold"] = NirTensor::Floats({1}, {1.0f});
      neuron.params["v_reset"] = NirTensor::Floats({1}, {0.0f});
      add(neuron);
      prev = lambda[i];  // a rate of 1 spike per step stands for lambda
    } else if (l.op == Op::kDense || l.op == Op::kConv) {
      prev = 1.0;  // currents in the ANN's own units
    }
  }
  NirNode output;
  output.name = "output";
  output.type = "Output";
  add(output);
  return g;
}

int64_t ArgMax(const std::vector<float>& v) {
  return static_cast<int64_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

absl::StatusOr<ConversionRun> RunConversion(
    const Ann& ann, const std::vector<std::vector<float>>& samples,
    const std::vector<int64_t>& labels, const std::vector<int64_t>& budgets,
    double dt, const std::function<void(int64_t, int64_t)>& progress) {
  if (budgets.empty()) return absl::InvalidArgumentError("no timestep budget");
  for (const auto& s : samples) {
    if (static_cast<int64_t>(s.size()) != ann.input_size()) {
      return absl::InvalidArgumentError(
          absl::StrCat("a sample has ", s.size(), " values; the model takes ",
                       ann.input_size()));
    }
  }
  if (!labels.empty() && labels.size() != samples.size()) {
    return absl::InvalidArgumentError(absl::StrCat(
        labels.size(), " labels for ", samples.size(), " samples"));
  }
  for (int64_t l : labels) {
    if (l < 0 || l >= ann.output_size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "label ", l, " is not a class from 0 to ", ann.output_size() - 1));
    }
  }
  auto graph = ann.ToSpiking(samples);
  if (!graph.ok()) return graph.status();
  ConversionRun run;
  run.samples = static_cast<int64_t>(samples.size());
  auto fraction = [&](int64_t correct) {
    return static_cast<double>(correct) / static_cast<double>(labels.size());
  };
  if (!labels.empty()) {
    int64_t correct = 0;
    for (size_t i = 0; i < labels.size(); ++i) {
      correct += ArgMax(ann.Forward(samples[i])) == labels[i];
    }
    run.ann_accuracy = fraction(correct);
  }
  int64_t total = 0, done = 0;
  for (int64_t steps : budgets) total += steps * run.samples;
  for (int64_t steps : budgets) {
    auto net = SpikingNetwork::Build(*graph, "the converted network", dt);
    if (!net.ok()) return net.status();
    int64_t correct = 0;
    std::vector<float> sum(static_cast<size_t>((*net)->output_size()));
    for (size_t i = 0; i < samples.size(); ++i) {
      (*net)->Reset();
      std::fill(sum.begin(), sum.end(), 0.0f);
      for (int64_t t = 0; t < steps; ++t) {
        const std::vector<float>& out = (*net)->Step(samples[i]);
        for (size_t k = 0; k < sum.size(); ++k) sum[k] += out[k];
      }
      if (i < labels.size()) correct += ArgMax(sum) == labels[i];
      done += steps;
      if (progress) progress(done, total);
    }
    BudgetRun b;
    b.timesteps = steps;
    if (!labels.empty()) b.accuracy = fraction(correct);
    b.activity = (*net)->Totals();
    run.budgets.push_back(std::move(b));
  }
  return run;
}

}  // namespace neurowatt
