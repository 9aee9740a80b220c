#include "model/batch.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace {

// `to` = `from` for `batch` inferences; fails when a count overflows.
absl::Status Scale(const Workload& from, int64_t batch, Workload& to) {
  bool ok = true;
  auto times = [&](int64_t v) {
    int64_t r = 0;
    ok = ok && !__builtin_mul_overflow(v, batch, &r);
    return r;
  };
  to.neuron_instances = times(from.neuron_instances);
  to.macs = times(from.macs);
  to.other_ops = {times(from.other_ops.adds), times(from.other_ops.muls),
                  times(from.other_ops.compares), times(from.other_ops.exps),
                  times(from.other_ops.divs)};
  to.input_bytes = times(from.input_bytes);
  to.output_bytes = times(from.output_bytes);
  to.state_bytes = times(from.state_bytes);
  to.lookup_bytes = times(from.lookup_bytes);
  to.float_input_elements = times(from.float_input_elements);
  to.fixed_input_bytes = times(from.fixed_input_bytes);
  to.state_elements = times(from.state_elements);
  to.state_write_elements = times(from.state_write_elements);
  to.kv_read_elements = times(from.kv_read_elements);
  to.kv_read_bytes = times(from.kv_read_bytes);
  if (from.shared_matrix) to.matrix_rows = times(from.matrix_rows);
  int64_t read = 0;
  ok = ok && !__builtin_add_overflow(to.weight_bytes, to.lookup_bytes, &read);
  if (!ok) return absl::InvalidArgumentError("overflow");
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Workload> ScaleWorkload(const Workload& per_inference,
                                       int64_t batch) {
  Workload out = per_inference;
  if (per_inference.once_per_batch) return out;
  if (!Scale(per_inference, batch, out).ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", per_inference.name, "' at batch ", batch,
        ": its counts do not fit in 64 bits (more than 9.2e18); the batch "
        "is too large"));
  }
  return out;
}

absl::StatusOr<NetworkCount> ScaleToBatch(const NetworkCount& per_inference,
                                          int64_t batch) {
  NetworkCount out = per_inference;
  if (batch == 1) return out;
  // Every layer's count is at most the total's, so the totals decide
  // whether the scaled counts fit.
  auto total = ScaleWorkload(per_inference.total, batch);
  if (!total.ok()) return total.status();
  out.total = *std::move(total);
  bool once = false;
  for (size_t i = 0; i < out.layers.size(); ++i) {
    // Cannot fail: no layer exceeds the totals, which fit.
    if (per_inference.layers[i].once_per_batch) {
      once = true;
      continue;
    }
    (void)Scale(per_inference.layers[i], batch, out.layers[i]);
  }
  // Work done once per batch (an optimizer's update) is not multiplied:
  // the totals are the layers' sums.
  if (once) {
    auto sum = SumLayers(out.layers, out.model);
    if (!sum.ok()) return sum.status();
    out.total = *std::move(sum);
  }
  out.input_elements *= batch;
  return out;
}

double ExpertsTouched(int64_t experts, int64_t active, double rows) {
  if (experts <= 1 || active >= experts) return 1;
  const double miss = 1 - static_cast<double>(active) / experts;
  return 1 - std::pow(miss, std::max(1.0, rows));
}

Traffic TrafficAt(const Workload& w, double b, const Precision& p) {
  Traffic t;
  const double batch = w.once_per_batch ? 1 : b;
  const v1::ElementType compute =
      w.fixed_precision ? v1::ELEMENT_TYPE_UNSPECIFIED : p.compute;
  const v1::ElementType weights =
      w.fixed_precision || p.weights == v1::ELEMENT_TYPE_UNSPECIFIED
          ? compute
          : p.weights;
  const v1::ElementType kv =
      w.fixed_precision || p.kv == v1::ELEMENT_TYPE_UNSPECIFIED ? compute
                                                                : p.kv;
  const double declared = static_cast<double>(BytesPerElement(w.dtype));
  // Elements at a precision, or their declared bytes when it is unset.
  auto at = [](v1::ElementType type, double elements, double bytes) {
    return type == v1::ELEMENT_TYPE_UNSPECIFIED ? bytes
                                                : elements * ElementBytes(type);
  };
  const double size = compute == v1::ELEMENT_TYPE_UNSPECIFIED
                          ? declared
                          : ElementBytes(compute);
  t.dtype = compute == v1::ELEMENT_TYPE_UNSPECIFIED ? w.dtype : compute;
  t.compute_size = size;
  t.weight_size = weights == v1::ELEMENT_TYPE_UNSPECIFIED
                      ? declared
                      : ElementBytes(weights);
  const double weight_ratio = t.weight_size / declared;
  // Few rows routed to a mixture of experts read only the experts they use.
  const double touched = ExpertsTouched(
      w.experts, w.experts_per_token,
      static_cast<double>(w.matrix_rows) * (w.shared_matrix ? batch : 1.0));
  t.weights = (static_cast<double>(w.weight_bytes) * touched +
               static_cast<double>(w.lookup_bytes) * batch) *
              weight_ratio;
  t.stored = static_cast<double>(w.params) * t.weight_size;
  if (compute == v1::ELEMENT_TYPE_UNSPECIFIED) {
    t.inputs = static_cast<double>(w.input_bytes) * batch;
    t.outputs = static_cast<double>(w.output_bytes) * batch;
  } else {
    // Every floating-point tensor takes the precision; outputs are
    // elements of the node's own type.
    t.inputs = (static_cast<double>(w.fixed_input_bytes) +
                static_cast<double>(w.float_input_elements) * size) *
               batch;
    t.outputs = static_cast<double>(w.output_bytes) * (size / declared) * batch;
  }
  const v1::ElementType state_type = w.kv_cache ? kv : compute;
  const double held_elements = static_cast<double>(w.state_elements);
  const double state_bytes = static_cast<double>(w.state_bytes);
  t.state = at(state_type, held_elements, state_bytes) * batch;
  const double written =
      held_elements > 0
          ? static_cast<double>(w.state_write_elements) / held_elements
          : 0;
  t.state_writes = t.state * written;
  t.kv_reads = at(kv, static_cast<double>(w.kv_read_elements),
                  static_cast<double>(w.kv_read_bytes)) *
               batch;
  t.kv = w.kv_cache;
  return t;
}

}  // namespace neurowatt
