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

// The bytes one layer moves for `batch` inferences with every floating-point
// tensor at `precision` (UNSPECIFIED: as declared): the estimators' view of
// a Workload, as doubles.
struct Traffic {
  v1::ElementType dtype;  // of the arithmetic
  double weights = 0;     // weights read (matrices once, lookups per item)
  double inputs = 0;
  double outputs = 0;
  double state = 0;
  double stored = 0;  // params x element size: the weights held
};
Traffic TrafficAt(const Workload& w, double batch, v1::ElementType precision);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_BATCH_H_
