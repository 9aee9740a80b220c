#include "model/training.h"

#include <cmath>
#include <limits>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace {

using absl::StrCat;

bool Adam(const v1::Training& t) { return t.optimizer() != v1::Training::SGD; }

int64_t OutputElements(const Workload& w) {
  return w.output_bytes / BytesPerElement(w.dtype);
}

// A copy of `f` that does no new work on neurons: counts that describe the
// network (neurons, synapses, params) stay with the forward layer.
Workload Derived(const Workload& f, const std::string& suffix) {
  Workload w = f;
  w.name = StrCat(f.name, suffix);
  w.neurons = w.synapses = w.params = w.active_params = 0;
  w.neuron_instances = 0;
  w.weight_stats.reset();
  w.state_bytes = w.state_elements = w.state_write_elements = 0;
  w.kv_cache = false;
  return w;
}

Workload Backward(const Workload& f, int after) {
  Workload b = Derived(f, ".backward");
  b.kind = "backward";
  b.op_type = f.kind;
  const bool two_operands =
      f.synapses > 0 || f.op == v1::Node::kMatmul || f.op == v1::Node::kEinsum;
  b.macs = two_operands ? 2 * f.macs : f.macs;
  const int64_t out = OutputElements(f);
  const int64_t out_bytes = f.output_bytes;
  // Reads the gradient of its output and its saved input (and the weights,
  // still in weight_bytes); writes the gradient of its input and, where it
  // has weights, theirs.
  b.input_bytes = out_bytes + f.input_bytes;
  b.float_input_elements = out + f.float_input_elements;
  b.fixed_input_bytes = f.fixed_input_bytes;
  const int64_t grad_in = f.input_bytes - f.fixed_input_bytes;
  const int64_t weight_grads = f.op == v1::Node::kEmbedding
                                   ? f.lookup_bytes
                                   : (f.synapses > 0 ? f.weight_bytes : 0);
  b.output_bytes = grad_in + weight_grads;
  if (f.op == v1::Node::kEmbedding) {  // dY scattered into the rows used
    b.other_ops.adds += out;
    b.lookup_bytes = 0;
  }
  // The weight gradients are held until the optimizer runs.
  b.state_elements = f.params;
  b.state_bytes = f.params * BytesPerElement(f.dtype);
  b.input_sources = {after};
  return b;
}

}  // namespace

const char* OptimizerName(v1::Training::Optimizer optimizer) {
  return optimizer == v1::Training::SGD ? "sgd" : "adam";
}

absl::StatusOr<NetworkCount> TrainingStep(const NetworkCount& forward,
                                          const v1::Training& training) {
  // Backward doubles the MACs and the update takes 13 ops per parameter:
  // what fits a forward pass must fit eight times over.
  constexpr int64_t kHeadroom = std::numeric_limits<int64_t>::max() / 16;
  const Workload& t = forward.total;
  for (int64_t v : {t.macs, t.other_ops.total(), t.params, t.input_bytes,
                    t.output_bytes, t.weight_bytes}) {
    if (v > kHeadroom) {
      return absl::InvalidArgumentError(
          StrCat("model '", forward.model,
                 "': a training step's counts do not fit in 64 bits"));
    }
  }
  NetworkCount out;
  out.model = forward.model;
  out.assumptions = forward.assumptions;
  out.input_elements = forward.input_elements;
  const size_t n = forward.layers.size();
  const size_t every =
      training.recompute()
          ? static_cast<size_t>(std::ceil(std::sqrt(static_cast<double>(n))))
          : 1;
  out.layers.reserve(3 * n + 1);
  for (size_t i = 0; i < n; ++i) {
    Workload w = forward.layers[i];
    if ((i + 1) % every == 0 || i + 1 == n) {
      // Kept for the backward pass: held, and written once as an output.
      w.state_elements += OutputElements(w);
      w.state_bytes += w.output_bytes;
    }
    out.layers.push_back(std::move(w));
  }
  if (training.recompute()) {
    for (size_t i = 0; i < n; ++i) {
      Workload w = Derived(forward.layers[i], ".recompute");
      w.kv_read_elements = forward.layers[i].kv_read_elements;
      w.kv_read_bytes = forward.layers[i].kv_read_bytes;
      for (int& src : w.input_sources) {
        if (src >= 0) src += static_cast<int>(n);
      }
      out.layers.push_back(std::move(w));
    }
  }
  int after = -1;
  int64_t params = 0;
  for (size_t i = n; i-- > 0;) {
    const Workload& f = forward.layers[i];
    params += f.params;
    out.layers.push_back(Backward(f, after));
    after = static_cast<int>(out.layers.size()) - 1;
  }
  // The update, at fp32, once per batch.
  const int64_t moments = Adam(training) ? 2 : 0;
  Workload opt;
  opt.name = StrCat("optimizer.", OptimizerName(training.optimizer()));
  opt.kind = "optimizer";
  opt.dtype = v1::FP32;
  opt.once_per_batch = true;
  opt.fixed_precision = true;
  if (Adam(training)) {
    opt.other_ops = {3 * params, 8 * params, 0, 0, 2 * params};
  } else {
    opt.other_ops = {params, params, 0, 0, 0};
  }
  opt.weight_bytes = 4 * params;                 // master weights read
  opt.input_bytes = 4 * params * (1 + moments);  // gradients and moments
  opt.float_input_elements = params * (1 + moments);
  opt.output_bytes = 4 * params * (1 + moments);  // weights and moments
  opt.state_elements = params * (1 + moments);    // master weights, moments
  opt.state_bytes = 4 * opt.state_elements;
  opt.input_sources = {after};
  out.layers.push_back(std::move(opt));

  auto total = SumLayers(out.layers, out.model);
  if (!total.ok()) return total.status();
  out.total = *std::move(total);
  ClassifyLayers(out);
  return out;
}

TrainingRun RunOf(const NetworkCount& step, int64_t tokens, int64_t batch,
                  const v1::Training& training) {
  TrainingRun r;
  r.tokens_per_step = static_cast<double>(tokens) * static_cast<double>(batch);
  r.flops_per_step = Flops(step, batch);
  if (training.tokens() > 0 && r.tokens_per_step > 0) {
    r.steps = training.tokens() / r.tokens_per_step;
  }
  return r;
}

double Flops(const NetworkCount& count, int64_t batch) {
  double flops = 0;
  for (const Workload& w : count.layers) {
    const double per = w.once_per_batch ? 1 : static_cast<double>(batch);
    flops += (2 * static_cast<double>(w.macs) +
              static_cast<double>(w.other_ops.total())) *
             per;
  }
  return flops;
}

}  // namespace neurowatt
