#include "model/batch.h"

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
  for (size_t i = 0; i < out.layers.size(); ++i) {
    // Cannot fail: no layer exceeds the totals, which fit.
    (void)Scale(per_inference.layers[i], batch, out.layers[i]);
  }
  out.input_elements *= batch;
  return out;
}

Traffic TrafficAt(const Workload& w, double batch, v1::ElementType precision) {
  Traffic t;
  const double declared = static_cast<double>(BytesPerElement(w.dtype));
  if (precision == v1::ELEMENT_TYPE_UNSPECIFIED) {
    t.dtype = w.dtype;
    t.weights = static_cast<double>(w.weight_bytes) +
                static_cast<double>(w.lookup_bytes) * batch;
    t.inputs = static_cast<double>(w.input_bytes) * batch;
    t.outputs = static_cast<double>(w.output_bytes) * batch;
    t.state = static_cast<double>(w.state_bytes) * batch;
    t.stored = static_cast<double>(w.params) * declared;
    return t;
  }
  // Every node and floating-point tensor takes the precision; weights,
  // lookups and outputs are elements of the node's own type.
  const double size = ElementBytes(precision);
  const double ratio = size / declared;
  t.dtype = precision;
  t.weights = (static_cast<double>(w.weight_bytes) +
               static_cast<double>(w.lookup_bytes) * batch) *
              ratio;
  t.inputs = (static_cast<double>(w.fixed_input_bytes) +
              static_cast<double>(w.float_input_elements) * size) *
             batch;
  t.outputs = static_cast<double>(w.output_bytes) * ratio * batch;
  t.state = static_cast<double>(w.state_elements) * size * batch;
  t.stored = static_cast<double>(w.params) * size;
  return t;
}

}  // namespace neurowatt
