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
      "A recurrent layer applies its weights once per timestep: the first "
      "step fetches them from where they live, later steps from the tile "
      "level when they fit there.",
      "Bit maintenance: the weights and state held for the whole run plus "
      "each layer's activations, per bit x (SRAM leakage or DRAM refresh "
      "and standby power) x the layer's time.",
      "Time per layer is a roofline: max(operations / peak, bytes at each "
      "level / its bandwidth), divided by the measured efficiency of its "
      "kernel class, plus the measured cost of a library call for GEMM, "
      "GEMV and convolution layers, when the profile has them; layers run "
      "one after another.",
      "Static power x time is added for the package.",
  };
  return *list;
}

absl::StatusOr<VonNeumannCost> EstimateVonNeumann(
    const NetworkCount& count, const VonNeumannParams& hw, int64_t batch_size,
    v1::ElementType precision, const std::vector<bool>* only) {
  const int levels = static_cast<int>(hw.levels.size());
  const int tile = levels >= 2 ? levels - 2 : -1;
  const double tile_bytes = tile >= 0 ? hw.levels[tile].capacity_bytes : 0;
  const double batch = static_cast<double>(batch_size);
  const size_t n = count.classes.size();

  // Each class's traffic at this batch and precision, once.
  std::vector<Traffic> traffic(n);
  double weights_held = 0, state_held = 0;
  auto priced = [only](size_t k) { return only == nullptr || (*only)[k]; };
  for (size_t k = 0; k < n; ++k) {
    if (!priced(k)) continue;
    const LayerClass& cls = count.classes[k];
    traffic[k] = TrafficAt(count.layers[cls.first], batch, precision);
    const double times = static_cast<double>(cls.multiplicity);
    weights_held += traffic[k].stored * times;
    state_held += traffic[k].state * times;
  }
  VonNeumannCost out;
  out.weight_bytes = weights_held;
  out.weight_level = Home(hw, weights_held);
  out.state_level = Home(hw, state_held);
  out.classes.resize(n);
  // Per-level constants, hoisted out of the layer loop.
  std::array<double, kMaxMemoryLevels> seconds_per_byte{};
  for (int l = 0; l < levels; ++l) {
    seconds_per_byte[l] = 1 / hw.levels[l].bandwidth_bytes_per_s;
  }

  // Weights and state are held throughout; each layer adds its activations
  // at (at most) two levels, so only those levels are re-evaluated.
  std::array<double, kMaxMemoryLevels> base_held{};
  base_held[out.weight_level] += weights_held;
  base_held[out.state_level] += state_held;
  HoldPower base;
  for (int l = 0; l < levels; ++l) {
    const HoldPower h = Hold(hw, l, base_held[l]);
    base.leakage += h.leakage;
    base.refresh += h.refresh;
    base.standby += h.standby;
  }

  std::array<double, kMaxMemoryLevels + 1> time_by_bound{};
  std::array<double, kMaxMemoryLevels> reads, writes;
  for (size_t k = 0; k < n; ++k) {
    if (!priced(k)) continue;
    const Workload& w = count.layers[count.classes[k].first];
    const Traffic& tr = traffic[k];
    VonNeumannLayerCost& c = out.classes[k];
    reads.fill(0);
    writes.fill(0);

    const double macs = static_cast<double>(w.macs) * batch;
    const OtherOps& o = w.other_ops;
    const double adds = static_cast<double>(o.adds + o.compares) * batch;
    const double muls = static_cast<double>(o.muls) * batch;
    const double mul_adds = macs + (kExpMulAdds * static_cast<double>(o.exps) +
                                    kDivMulAdds * static_cast<double>(o.divs)) *
                                       batch;
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

    const double weight = tr.weights;
    const double input = tr.inputs;
    const double output = tr.outputs;
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
      const int again = tile >= 0 && weight <= tile_bytes
                            ? std::min(tile, out.weight_level)
                            : out.weight_level;
      reads[again] += weight * static_cast<double>(w.sequential_steps - 1);
    }
    writes[output_home] += output;
    writes[out.state_level] += tr.state;

    double time = p.present ? c.ops / p.peak_ops_per_s : 0;
    c.bound = -1;
    for (int l = 0; l < levels; ++l) {
      const LevelParams& m = hw.levels[l];
      c.bytes[l] = reads[l] + writes[l];
      c.level_energy[l] =
          8 * (reads[l] * m.read_j_per_bit + writes[l] * m.write_j_per_bit);
      c.energy.data_movement += c.level_energy[l];
      const double t = c.bytes[l] * seconds_per_byte[l];
      if (t > time) {
        time = t;
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
      default:
        break;
    }
    time /= hw.efficiency[kernel_class];
    if (kernel_class != kElementwise && c.ops > 0) time += hw.kernel_call_s;
    c.time_s = time;

    HoldPower power = base;
    auto add_held = [&](int level, double bytes) {
      const HoldPower before = Hold(hw, level, base_held[level]);
      const HoldPower after = Hold(hw, level, base_held[level] + bytes);
      power.leakage += after.leakage - before.leakage;
      power.refresh += after.refresh - before.refresh;
      power.standby += after.standby - before.standby;
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
    c.energy.static_power = hw.static_power_w * time;

    const double times = static_cast<double>(count.classes[k].multiplicity);
    VonNeumannLayerCost& t = out.total;
    t.energy.compute += c.energy.compute * times;
    t.energy.data_movement += c.energy.data_movement * times;
    t.energy.leakage += c.energy.leakage * times;
    t.energy.refresh += c.energy.refresh * times;
    t.energy.standby += c.energy.standby * times;
    t.energy.static_power += c.energy.static_power * times;
    for (int l = 0; l < levels; ++l) {
      t.bytes[l] += c.bytes[l] * times;
      t.level_energy[l] += c.level_energy[l] * times;
    }
    t.ops += c.ops * times;
    t.time_s += c.time_s * times;
    time_by_bound[c.bound + 1] += c.time_s * times;
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
      time_by_bound.begin() - 1);
  return out;
}

}  // namespace neurowatt
