// A batch of inferences, and the precision they run at, as parameters of
// pricing rather than of the graph: the counts of b inferences from the
// counts of one (exact, checked), and the bytes a layer moves at a batch
// and a precision (as doubles, for the estimators). One inference's counts
// are CountNetwork's; b independent inferences share the stored weights and
// multiply everything else by b.
#ifndef NEUROWATT_MODEL_BATCH_H_
#define NEUROWATT_MODEL_BATCH_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "model/workload.h"

namespace neurowatt {

// The counts of `batch` inferences: per-inference fields multiplied by
// `batch`, shared ones kept. Fails (InvalidArgument) when a count no longer
// fits in 64 bits.
absl::StatusOr<NetworkCount> ScaleToBatch(const NetworkCount& per_inference,
                                          int64_t batch);

// The same for one Workload (a layer, or the totals).
absl::StatusOr<Workload> ScaleWorkload(const Workload& per_inference,
                                       int64_t batch);

// The precisions a network is priced at. compute UNSPECIFIED keeps each
// node's own; weights and kv UNSPECIFIED follow compute. Weights at fewer
// bits than the arithmetic (int4 weights, fp16 arithmetic) are weight-only
// quantisation: they move and are held at their own size and are widened
// before the multiply.
struct Precision {
  v1::ElementType compute = v1::ELEMENT_TYPE_UNSPECIFIED;
  v1::ElementType weights = v1::ELEMENT_TYPE_UNSPECIFIED;
  v1::ElementType kv = v1::ELEMENT_TYPE_UNSPECIFIED;

  Precision() = default;
  // One precision for everything, as --precision alone gives.
  Precision(v1::ElementType all) : compute(all) {}  // NOLINT: implicit
  Precision(v1::ElementType c, v1::ElementType w, v1::ElementType k)
      : compute(c), weights(w), kv(k) {}
};

// The bytes one layer moves for `batch` inferences at `precision`: the
// estimators' view of a Workload, as doubles.
struct Traffic {
  v1::ElementType dtype;  // of the arithmetic
  double weights = 0;     // weights read (matrices once, lookups per item)
  double inputs = 0;
  double outputs = 0;
  double state = 0;         // held
  double state_writes = 0;  // written to the state (RNN state, new KV)
  double kv_reads = 0;      // read from a KV cache
  double stored = 0;        // params x element size: the weights held
  // Bytes per weight element as they move, and per element of the
  // arithmetic: weights narrower than the arithmetic are widened first.
  double weight_size = 4;
  double compute_size = 4;
  bool kv = false;  // the state is a KV cache
};
Traffic TrafficAt(const Workload& w, double batch, const Precision& precision);

// The fraction of a mixture of experts' stored weights that `rows` tokens
// read when each is routed to `active` of `experts` at random (uniform
// routing): 1 - (1 - active / experts)^rows; 1 for a plain layer.
double ExpertsTouched(int64_t experts, int64_t active, double rows);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_BATCH_H_
