// Systems of many chips: how many a network needs, how it is split over
// them, and what the links between them cost. Pure, as the estimators.
//
// A von Neumann system splits a network as Megatron-LM does: tensor
// parallelism within a node (each layer's weights and work shared by the
// node's chips, an all-reduce after each row-parallel layer), pipeline
// stages across nodes (a stage's output sent to the next node). A spiking
// system places layers on cores in order, chip after chip; a spike whose
// target cores lie on other chips crosses a link once per chip.
#ifndef NEUROWATT_ESTIMATORS_SYSTEM_H_
#define NEUROWATT_ESTIMATORS_SYSTEM_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hw/system_params.h"
#include "model/workload.h"

namespace neurowatt {

// The shape of a priced system.
struct SystemShape {
  int64_t chips = 1;     // in use
  int64_t needed = 1;    // the fewest that hold the network
  int64_t tensor = 1;    // chips sharing each layer: a node, or fewer
  int64_t pipeline = 1;  // stages, one node each
  int64_t replicas = 1;  // copies of the network sharing the batch
  int64_t nodes = 1;
  bool automatic = true;       // sized by `auto`, not given
  double described_chips = 1;  // the profile's largest described system
  std::string why;             // in words, for reports
};

// Sizes a von Neumann system for `resident_bytes` (one copy of the network:
// weights, state, the largest layer's activations) on chips whose main
// memory holds `chip_bytes` each. `requested` is the chip count asked for,
// 0 for auto (as few as hold it). One copy of the network is split over
// the chips of a node (tensor parallelism) and, when it needs more than a
// node, over whole nodes (pipeline stages); chips asked for beyond one copy
// hold more copies, which share the batch (data parallelism). Fails
// (InvalidArgument, ErrorSubject::kCapacity) when the requested chips
// cannot hold the network, when stages are needed and the profile describes
// no link between nodes, or when the requested count does not split into
// copies that are whole nodes.
absl::StatusOr<SystemShape> ShapeVonNeumannSystem(double resident_bytes,
                                                  double chip_bytes,
                                                  const SystemParams& system,
                                                  int64_t requested,
                                                  const std::string& profile);

// Sizes a spiking system that needs `needed` chips (ChipsFor): `requested`
// chips (0: exactly those needed), as many whole copies of the placement as
// fit (they share the batch; the rest idle). Fails (kCapacity) when fewer
// are asked for than needed.
absl::StatusOr<SystemShape> ShapeNeuromorphicSystem(double needed,
                                                    double cores_needed,
                                                    const SystemParams& system,
                                                    int64_t requested,
                                                    const std::string& profile);

// What a chip count may be, as messages word it (kMaxSystemChips).
inline constexpr char kChipChoices[] =
    "auto or a whole number from 1 to 10000000";

// A chip count as users write it: "auto" (0: as few as hold the network) or
// a whole number from 1 to kMaxSystemChips. InvalidArgument (ErrorSubject
// kChips) otherwise.
absl::StatusOr<int64_t> ParseChips(absl::string_view text);

// What moving data over a link costs: bytes sent (over every chip), joules
// and seconds.
struct LinkCost {
  double bytes = 0;
  double energy_j = 0;
  double time_s = 0;

  LinkCost& operator+=(const LinkCost& o) {
    bytes += o.bytes;
    energy_j += o.energy_j;
    time_s += o.time_s;
    return *this;
  }
  LinkCost operator*(double times) const {
    return {bytes * times, energy_j * times, time_s * times};
  }
};

// A ring all-reduce of `bytes` over `chips` chips: each sends and receives
// 2 (chips - 1) / chips x bytes in 2 (chips - 1) steps of one message.
LinkCost AllReduce(double bytes, int64_t chips, const LinkParams& link);
// A ring all-gather of a `bytes` tensor sharded over `chips`: half the
// all-reduce's traffic and steps.
LinkCost AllGather(double bytes, int64_t chips, const LinkParams& link);
// `bytes` from one chip to another in one message.
LinkCost Transfer(double bytes, const LinkParams& link);

// The collectives a tensor-parallel, pipelined split of `count` needs, per
// layer class (the totals over the class's layers).
struct CollectivePlan {
  // All-reduces of the layer's output (row-parallel layers, once per
  // sequential step; embeddings, whose table is split by rows).
  std::vector<double> all_reduces;
  // All-gathers of a sharded network output.
  std::vector<double> all_gathers;
  // Pipeline transfers of the layer's output to the next stage.
  std::vector<double> stage_sends;
};

// Plans the collectives for `tensor` chips per stage and `pipeline` stages.
// A layer with weights is column-parallel (its output stays split) when its
// inputs are whole, row-parallel (partial sums, all-reduced) when an input
// is split; other layers keep their inputs' split. Stages cut the layers
// into runs of equal weight bytes (`class_weight_bytes`, per layer of each
// class). Layers outside `only` (when given) are left out.
CollectivePlan PlanCollectives(const NetworkCount& count, int64_t tensor,
                               int64_t pipeline,
                               const std::vector<double>& class_weight_bytes,
                               const std::vector<bool>* only);

// The assumptions of the system model, one line each, for reports.
const std::vector<std::string>& SystemAssumptions();

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_SYSTEM_H_
