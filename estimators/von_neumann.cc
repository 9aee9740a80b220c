#include "estimators/von_neumann.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "estimators/mapping.h"
#include "model/batch.h"
#include "util/error.h"

namespace neurowatt {
namespace {

// Other ops in multiplies and adds of the node's precision
// (docs/von-neumann-model.md): an exponential as a range reduction and a
// polynomial, a division or square root as Newton-Raphson iterations.
constexpr double kExpMulAdds = 10;
constexpr double kDivMulAdds = 4;

// GEMMs from this many MACs on count as large (512^3: past the sizes whose
// efficiency is dominated by call and packing overheads).
constexpr int64_t kLargeGemmMacs = int64_t{1} << 27;
constexpr int64_t kSkinnyGemmRows = 256;

// Watts to hold bytes at one level, by component.
struct HoldPower {
  double leakage = 0, refresh = 0, standby = 0;
};

HoldPower Hold(const VonNeumannParams& hw, int level, double bytes) {
  const LevelParams& m = hw.levels[level];
  const bool main = level + 1 == static_cast<int>(hw.levels.size());
  const double bits = 8 * (main ? bytes : std::min(bytes, m.capacity_bytes));
  return {bits * m.leakage_w_per_bit, bits * m.refresh_w_per_bit,
          bits * m.standby_w_per_bit};
}

// The first level that holds `bytes`, else main memory.
int Home(const VonNeumannParams& hw, double bytes) {
  const int n = static_cast<int>(hw.levels.size());
  for (int i = 0; i + 1 < n; ++i) {
    if (bytes <= hw.levels[i].capacity_bytes) return i;
  }
  return n - 1;
}

// A weighted GEMM's efficiency at `rows` (its smallest dimension), from the
// profile's points by rows, interpolated in log(rows); clamped at the ends.
double RowsEfficiency(const VonNeumannParams& hw, double rows) {
  const std::vector<std::pair<double, double>>& points = hw.gemm_rows;
  if (rows <= points.front().first) return points.front().second;
  for (size_t i = 1; i < points.size(); ++i) {
    const auto& [r1, e1] = points[i];
    if (rows > r1) continue;
    const auto& [r0, e0] = points[i - 1];
    const double f = std::log(rows / r0) / std::log(r1 / r0);
    return e0 + f * (e1 - e0);
  }
  return points.back().second;
}

// The smallest dimension of the GEMM a weighted layer runs as: rows (the
// positions of a convolution, the tokens of a linear layer, times the batch
// a stored matrix serves), outputs, and inputs per output.
double GemmSmallestDimension(const Workload& w, double batch) {
  const double n = static_cast<double>(w.neurons);
  const double k = static_cast<double>(w.synapses) / n;
  const double rows =
      w.op == v1::Node::kConv
          ? static_cast<double>(w.neuron_instances) / n * batch
          : static_cast<double>(w.matrix_rows) * (w.shared_matrix ? batch : 1);
  return std::max(1.0, std::min({rows, n, k}));
}

}  // namespace

const std::vector<std::string>& VonNeumannAssumptions() {
  static const auto* list = new std::vector<std::string>{
      "A MAC is one multiply and one add at the node's precision; a compare "
      "costs an add; an exponential 10 and a division or square root 4 "
      "multiply-adds (modelling assumption).",
      "Each tensor is served by the smallest memory level that holds it, at "
      "that level's energy per bit; inner copies are not charged again.",
      "The network's weights live in the smallest level that holds all of "
      "them; if none on chip does, each layer streams its weights from main "
      "memory once per batch.",
      "Kernels tile from the largest on-chip level: when both a layer's "
      "weights and its input exceed it, the cheaper of re-reading the input "
      "per weight tile or the weights per input tile is charged.",
      "A recurrent layer applies its recurrent matrices once per timestep "
      "and its input matrices to the whole sequence at once (one GEMM, as "
      "frameworks run it): the first step fetches all weights from where "
      "they live, later steps the recurrent matrices again, from the tile "
      "level when they fit there.",
      "Bit maintenance: the weights and state held for the whole run plus "
      "each layer's activations, per bit x (SRAM leakage or DRAM refresh "
      "and standby power) x the layer's time.",
      "Time per layer is a roofline: max(operations / peak, bytes at each "
      "level / its bandwidth), divided by the measured efficiency of its "
      "kernel class - for a weighted GEMM, GEMV or convolution (its "
      "implicit GEMM), the efficiency measured at its smallest dimension "
      "when the profile measured GEMMs by rows - plus the measured cost of "
      "a library call for GEMM, GEMV and convolution layers (per step of a "
      "recurrent one), when the profile has them; layers run one after "
      "another.",
      "A layer whose compute and data-movement energy would make a chip "
      "draw more than its TDP in the roofline's time runs at the TDP "
      "instead (power-bound), when the profile gives one.",
      "Static power x time is added for the package (every chip in use, "
      "and each node's own power when the profile gives it); it is the "
      "package's idle power.",
      "Power model, when the profile gives busy power: busy cores draw "
      "idle + (busy - idle) x utilisation (the fraction of cores the "
      "software keeps busy; linear, Fan et al. 2007), at least; what that "
      "exceeds the compute, data-movement and control-overhead energies by "
      "is the 'active' part.",
      "Control overhead: one instruction per vector of arithmetic and per "
      "vector of data moved, each at the profile's energy per instruction "
      "(fetch, decode, issue, retire), when it gives one.",
      "A profile that describes a software stack adds its dispatch time per "
      "layer, one layer after another.",
  };
  return *list;
}

absl::StatusOr<VonNeumannCost> EstimateVonNeumann(
    const NetworkCount& count, const VonNeumannParams& hw, int64_t batch_size,
    const Precision& precision, const std::vector<bool>* only, int64_t chips) {
  const int levels = static_cast<int>(hw.levels.size());
  const int tile = levels >= 2 ? levels - 2 : -1;
  const double tile_bytes = tile >= 0 ? hw.levels[tile].capacity_bytes : 0;
  double batch = static_cast<double>(batch_size);
  const size_t n = count.classes.size();

  // Each class's traffic at the batch one copy of the network serves and
  // the precision, once per copy's batch.
  std::vector<Traffic> traffic(n);
  std::vector<double> stored(n, 0);  // per layer of the class
  double weights_held = 0, state_held = 0, largest_layer = 0;
  auto priced = [only](size_t k) { return only == nullptr || (*only)[k]; };
  auto measure = [&] {
    weights_held = state_held = largest_layer = 0;
    for (size_t k = 0; k < n; ++k) {
      if (!priced(k)) continue;
      const LayerClass& cls = count.classes[k];
      traffic[k] = TrafficAt(count.layers[cls.first], batch, precision);
      const double times = static_cast<double>(cls.multiplicity);
      stored[k] = traffic[k].stored;
      weights_held += traffic[k].stored * times;
      state_held += traffic[k].state * times;
      largest_layer =
          std::max(largest_layer, traffic[k].inputs + traffic[k].outputs);
    }
  };
  measure();
  VonNeumannCost out;
  auto shape = ShapeVonNeumannSystem(weights_held + state_held + largest_layer,
                                     hw.levels.back().capacity_bytes, hw.system,
                                     chips, hw.name);
  if (!shape.ok()) return shape.status();
  out.system = *shape;
  // Copies of the network share the batch evenly; those beyond the batch
  // idle (paying static power and holding their weights).
  const double copies = std::min(static_cast<double>(shape->replicas), batch);
  if (copies > 1) {
    batch /= copies;
    measure();
  }
  const int64_t tensor = shape->tensor;
  const double t = static_cast<double>(tensor);
  const double in_use = static_cast<double>(shape->chips);
  const double copy_chips = static_cast<double>(tensor * shape->pipeline);
  const bool split = copy_chips > 1;
  const CollectivePlan plan =
      split ? PlanCollectives(count, tensor, shape->pipeline, stored, only)
            : CollectivePlan{};
  // A node's own power is shared by its chips: a job on some of a node's
  // chips pays their share.
  const double static_w =
      hw.static_power_w * in_use +
      hw.system.node_static_w * in_use /
          static_cast<double>(std::max<int64_t>(1, hw.system.chips_per_node));

  // Busy power above idle, scaled by the utilisation the software keeps
  // (linear, Fan et al. 2007), for every chip in use.
  const double active_w =
      hw.busy_power_w > hw.static_power_w
          ? (hw.busy_power_w - hw.static_power_w) * hw.utilisation * in_use
          : 0;

  // Each chip holds its share of one copy's weights and state.
  const double chip_weights = weights_held / copy_chips;
  const double chip_state = state_held / copy_chips;
  out.weight_bytes = weights_held;
  out.weight_level = Home(hw, chip_weights);
  out.state_level = Home(hw, chip_state);
  out.classes.resize(n);
  // Per-level constants, hoisted out of the layer loop.
  std::array<double, kMaxMemoryLevels> seconds_per_byte{};
  for (int l = 0; l < levels; ++l) {
    seconds_per_byte[l] = 1 / hw.levels[l].bandwidth_bytes_per_s;
  }

  // Weights and state are held throughout, on every chip; each layer adds
  // its activations at (at most) two levels of its stage's chips, so only
  // those levels are re-evaluated.
  std::array<double, kMaxMemoryLevels> base_held{};
  base_held[out.weight_level] += chip_weights;
  base_held[out.state_level] += chip_state;
  HoldPower base;
  for (int l = 0; l < levels; ++l) {
    const HoldPower h = Hold(hw, l, base_held[l]);
    base.leakage += h.leakage * in_use;
    base.refresh += h.refresh * in_use;
    base.standby += h.standby * in_use;
  }

  // Indexed by bound + 3: power, links, compute, then the levels.
  std::array<double, kMaxMemoryLevels + 3> time_by_bound{};
  std::array<double, kMaxMemoryLevels> reads, writes;
  for (size_t k = 0; k < n; ++k) {
    if (!priced(k)) continue;
    const Workload& w = count.layers[count.classes[k].first];
    const Traffic& tr = traffic[k];
    VonNeumannLayerCost& c = out.classes[k];
    reads.fill(0);
    writes.fill(0);

    // An optimizer's update is done once for the whole batch.
    const double per = w.once_per_batch ? 1 : batch;
    const double macs = static_cast<double>(w.macs) * per;
    const OtherOps& o = w.other_ops;
    const double adds = static_cast<double>(o.adds + o.compares) * per;
    // Weights stored narrower than the arithmetic are widened (scaled) as
    // they are read: one multiply per weight element fetched.
    const double widen = w.synapses > 0 && tr.weight_size < tr.compute_size
                             ? tr.weights / tr.weight_size
                             : 0;
    const double muls = static_cast<double>(o.muls) * per + widen;
    const double mul_adds = macs + (kExpMulAdds * static_cast<double>(o.exps) +
                                    kDivMulAdds * static_cast<double>(o.divs)) *
                                       per;
    c.ops = 2 * mul_adds + adds + muls;
    const PrecisionParams& p = hw.precision[tr.dtype];
    if (c.ops > 0 && !p.present) {
      return WithDetail(
          absl::InvalidArgumentError(absl::StrCat(
              "profile '", hw.name, "' has no figures for ",
              ElementTypeName(tr.dtype), " (layer '", w.name, "')")),
          ErrorSubject::kPrecision, ElementTypeName(tr.dtype));
    }
    c.energy.compute =
        mul_adds * (p.mul_j + p.add_j) + adds * p.add_j + muls * p.mul_j;

    // One chip's share of the layer: the tensor-parallel chips each take
    // 1/t of its weights, work and activations.
    const double weight = tr.weights / t;
    const double input = tr.inputs / t;
    const double output = tr.outputs / t;
    const int input_home = Home(hw, input);
    const int output_home = Home(hw, output);
    if (weight > 0 && tile >= 0 && weight > tile_bytes && input > tile_bytes) {
      const double weight_tiles = std::ceil(weight / tile_bytes);
      const double input_tiles = std::ceil(input / tile_bytes);
      if (input * weight_tiles <= weight * input_tiles) {
        reads[out.weight_level] += weight;
        reads[input_home] += input * weight_tiles;
      } else {
        reads[out.weight_level] += weight * input_tiles;
        reads[input_home] += input;
      }
    } else {
      reads[out.weight_level] += weight;
      reads[input_home] += input;
    }
    if (w.sequential_steps > 1 && weight > 0) {
      // Later steps read again what each step applies anew: a recurrent
      // node's recurrent matrices, any other node's whole weights.
      const double anew = w.recurrent_synapses > 0
                              ? weight *
                                    static_cast<double>(w.recurrent_synapses) /
                                    static_cast<double>(w.synapses)
                              : weight;
      const int again = tile >= 0 && anew <= tile_bytes
                            ? std::min(tile, out.weight_level)
                            : out.weight_level;
      reads[again] += anew * static_cast<double>(w.sequential_steps - 1);
    }
    writes[output_home] += output;
    writes[out.state_level] += tr.state_writes / t;
    reads[out.state_level] += tr.kv_reads / t;

    const double compute_time = p.present ? c.ops / t / p.peak_ops_per_s : 0;
    double time = compute_time;
    c.bound = -1;
    double layer_bytes = 0;  // one chip's, every level
    for (int l = 0; l < levels; ++l) {
      const LevelParams& m = hw.levels[l];
      const double chip_bytes = reads[l] + writes[l];
      layer_bytes += chip_bytes;
      c.bytes[l] = chip_bytes * t;
      c.level_energy[l] =
          8 * t * (reads[l] * m.read_j_per_bit + writes[l] * m.write_j_per_bit);
      c.energy.data_movement += c.level_energy[l];
      const double seconds = chip_bytes * seconds_per_byte[l];
      if (seconds > time) {
        time = seconds;
        c.bound = l;
      }
    }
    // Real kernels reach only a fraction of the roofline (calibrated
    // profiles measure it per kernel class).
    int kernel_class = kElementwise;
    switch (KernelOf(w, batch)) {
      case Kernel::kGemm: {
        // A weight matrix applied to few rows (a layer on a small batch) is
        // a skinny GEMM, far less efficient than a square one of the same
        // work; attention's matmuls are judged by their size.
        const bool skinny =
            w.neurons > 0 && static_cast<double>(w.neuron_instances) * batch /
                                     static_cast<double>(w.neurons) <
                                 kSkinnyGemmRows;
        kernel_class =
            !skinny && macs >= kLargeGemmMacs ? kGemmLarge : kGemmSmall;
        break;
      }
      case Kernel::kGemv:
        kernel_class = kGemv;
        break;
      case Kernel::kConv:
        kernel_class = kConv;
        break;
      case Kernel::kDepthwise:
        kernel_class = kDepthwise;
        break;
      case Kernel::kPool:
        kernel_class = kPool;
        break;
      default:
        break;
    }
    // A weighted GEMM, GEMV or convolution (as the implicit GEMM of its
    // positions x outputs x inputs) runs at the efficiency measured for its
    // smallest dimension, where the profile measured GEMMs by rows.
    double efficiency = hw.efficiency[kernel_class];
    if (!hw.gemm_rows.empty() && w.neurons > 0 && w.synapses > 0 &&
        kernel_class != kDepthwise && kernel_class != kElementwise &&
        kernel_class != kPool) {
      efficiency = RowsEfficiency(hw, GemmSmallestDimension(w, batch));
      // The rows were measured with their weights in cache, where packing
      // them costs more than reading them; a layer streaming its weights
      // from main memory runs as the streaming GEMV measured there when
      // that is better.
      if (c.bound == levels - 1) {
        efficiency = std::max(efficiency, hw.efficiency[kGemv]);
      }
    }
    if (kernel_class == kPool) {
      // Pooling windows are bound by a framework's loops (a compare and
      // index bookkeeping per tap), not by memory: their efficiency is of
      // the arithmetic peak, and their traffic moves at the hierarchy's
      // speed underneath.
      if (compute_time / efficiency > time) {
        time = compute_time / efficiency;
        c.bound = -1;
      }
    } else {
      time /= efficiency;
    }
    // A library call per kernel, per step of a recurrent layer.
    if (c.ops > 0) {
      time += hw.class_call_s[kernel_class] *
              static_cast<double>(std::max<int64_t>(1, w.sequential_steps));
    }
    // The framework runs layers one after another, each dispatched by the
    // host before its kernel starts.
    if (c.ops > 0 || layer_bytes > 0) time += hw.dispatch_s;
    // Control overhead: every vector instruction - arithmetic, and a load or
    // store per vector of data moved - is fetched, decoded and issued.
    const double instructions = (mul_adds + adds + muls) / hw.vector_lanes +
                                layer_bytes * t / (4 * hw.vector_lanes);
    c.energy.control_overhead = instructions * hw.instruction_j;

    // The class's collectives, per layer of it: all-reduces and all-gathers
    // within the node, stage outputs to the next node (each tensor-parallel
    // chip sends its slice, in parallel).
    const double times = static_cast<double>(count.classes[k].multiplicity);
    LinkCost link;
    if (split) {
      if (tensor > 1) {
        const LinkParams& intra = hw.system.intra_node;
        link += AllReduce(tr.outputs, tensor, intra) *
                (plan.all_reduces[k] / times);
        link += AllGather(tr.outputs, tensor, intra) *
                (plan.all_gathers[k] / times);
      }
      if (plan.stage_sends[k] > 0) {
        LinkCost send = Transfer(output, hw.system.inter_node);
        send.bytes *= t;
        send.energy_j *= t;
        link += send * (plan.stage_sends[k] / times);
      }
    }
    // Data-parallel training: before the update, the copies all-reduce
    // their gradients, each chip its shard, over the links that join the
    // copies (within a node while they fit in one).
    if (w.once_per_batch && copies > 1) {
      const LinkParams& across =
          shape->chips <= std::max<int64_t>(1, hw.system.chips_per_node)
              ? hw.system.intra_node
              : hw.system.inter_node;
      LinkCost grads =
          AllReduce(chip_weights, static_cast<int64_t>(copies), across);
      // Every chip of a copy takes part at once; the energy is per copy,
      // as the copies' work is scaled below.
      grads.bytes *= copy_chips / copies;
      grads.energy_j *= copy_chips / copies;
      link += grads;
    }
    // A chip cannot draw more than its TDP: work whose dynamic energy would
    // exceed it in the roofline's time runs at TDP (clocks throttle).
    if (hw.tdp_w > hw.static_power_w) {
      const double dynamic_j = (c.energy.compute + c.energy.data_movement +
                                c.energy.control_overhead) /
                               t;
      const double at_tdp = dynamic_j / (hw.tdp_w - hw.static_power_w);
      if (at_tdp > time) {
        time = at_tdp;
        c.bound = kPowerBound;
      }
    }
    if (link.time_s > time) c.bound = kLinkBound;
    time += link.time_s;
    c.time_s = time;
    c.energy.interconnect = link.energy_j;
    c.link_bytes = link.bytes;
    // The copies of the network do the same work at the same time.
    if (copies > 1) {
      c.ops *= copies;
      c.energy.compute *= copies;
      c.energy.data_movement *= copies;
      c.energy.interconnect *= copies;
      c.energy.control_overhead *= copies;
      c.link_bytes *= copies;
      for (int l = 0; l < levels; ++l) {
        c.bytes[l] *= copies;
        c.level_energy[l] *= copies;
      }
      link.bytes *= copies;
      link.energy_j *= copies;
    }

    HoldPower power = base;
    auto add_held = [&](int level, double bytes) {
      const HoldPower before = Hold(hw, level, base_held[level]);
      const HoldPower after = Hold(hw, level, base_held[level] + bytes);
      const double chips_holding = t * std::max(1.0, copies);
      power.leakage += (after.leakage - before.leakage) * chips_holding;
      power.refresh += (after.refresh - before.refresh) * chips_holding;
      power.standby += (after.standby - before.standby) * chips_holding;
    };
    if (input_home == output_home) {
      add_held(input_home, input + output);
    } else {
      add_held(input_home, input);
      add_held(output_home, output);
    }
    c.energy.leakage = power.leakage * time;
    c.energy.refresh = power.refresh * time;
    c.energy.standby = power.standby * time;
    c.energy.static_power = static_w * time;
    // Busy cores draw at least their busy power: what the work counted
    // does not account for is the active part.
    c.energy.active = std::max(
        0.0, active_w * time - (c.energy.compute + c.energy.data_movement +
                                c.energy.control_overhead));

    const double all_copies = times * std::max(1.0, copies);
    out.traffic.weights += tr.weights * all_copies;
    out.traffic.activations += (tr.inputs + tr.outputs) * all_copies;
    out.traffic.kv_cache +=
        (tr.kv_reads + (tr.kv ? tr.state_writes : 0)) * all_copies;
    out.traffic.state += (tr.kv ? 0 : tr.state_writes) * all_copies;

    VonNeumannLayerCost& sum = out.total;
    sum.energy.compute += c.energy.compute * times;
    sum.energy.data_movement += c.energy.data_movement * times;
    sum.energy.leakage += c.energy.leakage * times;
    sum.energy.refresh += c.energy.refresh * times;
    sum.energy.standby += c.energy.standby * times;
    sum.energy.static_power += c.energy.static_power * times;
    sum.energy.interconnect += c.energy.interconnect * times;
    sum.energy.control_overhead += c.energy.control_overhead * times;
    sum.energy.active += c.energy.active * times;
    for (int l = 0; l < levels; ++l) {
      sum.bytes[l] += c.bytes[l] * times;
      sum.level_energy[l] += c.level_energy[l] * times;
    }
    sum.ops += c.ops * times;
    sum.time_s += c.time_s * times;
    sum.link_bytes += c.link_bytes * times;
    out.links += link * times;
    time_by_bound[c.bound + 3] += c.time_s * times;
  }
  // The software stack's call: host time once per batch, cores busy.
  if (hw.call_s > 0) {
    VonNeumannEnergy& e = out.total.energy;
    out.total.time_s += hw.call_s;
    e.static_power += static_w * hw.call_s;
    e.active += active_w * hw.call_s;
    out.call_s = hw.call_s;
  }
  if (!std::isfinite(out.total.energy.total()) ||
      !std::isfinite(out.total.time_s)) {
    return absl::InvalidArgumentError(
        absl::StrCat("profile '", hw.name,
                     "' gives a non-finite energy or time for this "
                     "network: its figures are too extreme"));
  }
  // The whole run is bound by whatever bounds the most time.
  out.total.bound = static_cast<int>(
      std::max_element(time_by_bound.begin(), time_by_bound.end()) -
      time_by_bound.begin() - 3);
  return out;
}

}  // namespace neurowatt
