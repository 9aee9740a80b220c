// The von Neumann estimator: prices a counted network on a conventional
// processor. Pure: no I/O, no globals; the model is in
// docs/von-neumann-model.md.
//
// Per node: compute energy from the MACs and other ops at the node's
// precision; data movement as bytes served by each memory level x that
// level's energy per bit; bit maintenance as the bits held at each level x
// their leakage (SRAM) or refresh and standby (DRAM) power x the node's
// time; static power x time. Time is a roofline: the largest of operations /
// peak and, for each level, bytes / bandwidth.
#ifndef NEUROWATT_ESTIMATORS_VON_NEUMANN_H_
#define NEUROWATT_ESTIMATORS_VON_NEUMANN_H_

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "estimators/system.h"
#include "hw/von_neumann_params.h"
#include "model/batch.h"
#include "model/workload.h"

namespace neurowatt {

// VonNeumannLayerCost::bound of time spent mostly on links between chips,
// and of time stretched to keep a chip within its TDP.
inline constexpr int kLinkBound = -2;
inline constexpr int kPowerBound = -3;

// Joules.
struct VonNeumannEnergy {
  double compute = 0;
  double data_movement = 0;
  double leakage = 0;  // SRAM: holding bits
  double refresh = 0;  // DRAM: refreshing bits held
  double standby = 0;  // DRAM: precharge standby of bits held
  double static_power = 0;
  double interconnect = 0;  // bits sent over links between chips
  // The power model: instructions x their control overhead, and what busy
  // cores draw beyond the work and overhead counted.
  double control_overhead = 0;
  double active = 0;

  double bit_maintenance() const { return leakage + refresh + standby; }
  double total() const {
    return compute + data_movement + bit_maintenance() + static_power +
           interconnect + control_overhead + active;
  }
};

struct VonNeumannLayerCost {
  VonNeumannEnergy energy;
  // Bytes read and written at each memory level, and their energy.
  std::array<double, kMaxMemoryLevels> bytes{};
  std::array<double, kMaxMemoryLevels> level_energy{};
  // Operations, a MAC counting two, other ops as equivalents (exp 20,
  // divide 8).
  double ops = 0;
  double time_s = 0;
  // -1: compute-bound; kLinkBound: the links between chips; kPowerBound:
  // the chip's TDP; otherwise the memory level that sets the time.
  int bound = -1;
  double link_bytes = 0;  // sent over links between chips
};

struct VonNeumannCost {
  // One per NetworkCount::classes: identical layers cost the same, so each
  // class is priced once (Layer() finds a layer's).
  std::vector<VonNeumannLayerCost> classes;
  VonNeumannLayerCost total;  // sums; time is the sum of layer times
  double weight_bytes = 0;    // the network's stored weights: params x size
  int weight_level = 0;       // where they live
  int state_level = 0;        // where state (KV cache, RNN state) lives
  SystemShape system;         // the chips it runs on
  // The software stack's call per batch (in total.time_s, not in any
  // layer's; its idle and active energy are in total.energy).
  double call_s = 0;
  LinkCost links;  // collectives and stage transfers, in total
  // What moved between memory and the processors, by what it is, whatever
  // the level that served it: the whole batch, every chip.
  struct {
    double weights = 0;      // weights read (and lookups)
    double activations = 0;  // layer inputs and outputs
    double kv_cache = 0;     // KV cache read and written
    double state = 0;        // other state (an RNN's) written
  } traffic;

  // The cost of layer `i` of the `count` that was priced.
  const VonNeumannLayerCost& Layer(const NetworkCount& count, size_t i) const {
    return classes[static_cast<size_t>(count.layer_class[i])];
  }
};

// Prices `count` (counted per inference) for `batch` inferences processed
// together, at `precision` (see Precision: weights, KV cache and arithmetic
// may differ), on `hw`. The cost grows with the number of
// distinct layers, not of layers. Fails (InvalidArgument, with an
// ErrorSubject::kPrecision detail) when a node's precision has no figures in
// the profile, or when the figures give a non-finite result.
//
// `chips` sizes the system (ShapeVonNeumannSystem): 0 for as few chips as
// hold the network, else that many; it fails (kCapacity) when they cannot.
// Energies are the whole system's; bytes per level are summed over chips.
//
// With `only` (one flag per class), the classes not flagged are left out,
// as if the network were the flagged layers alone (the nodes a spiking chip
// leaves to its von Neumann host); their costs stay zero.
absl::StatusOr<VonNeumannCost> EstimateVonNeumann(
    const NetworkCount& count, const VonNeumannParams& hw, int64_t batch = 1,
    const Precision& precision = {}, const std::vector<bool>* only = nullptr,
    int64_t chips = 0);

// The model's assumptions in one line each, for reports.
const std::vector<std::string>& VonNeumannAssumptions();

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_VON_NEUMANN_H_
