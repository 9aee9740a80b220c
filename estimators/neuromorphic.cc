#include "estimators/neuromorphic.h"

#include <algorithm>
#include <cmath>
#include <map>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "estimators/mapping.h"
#include "estimators/von_neumann.h"
#include "util/error.h"

namespace neurowatt {
namespace {

struct Placement {
  // Per layer, in cores: where its share of the grid starts and how much
  // it takes (0 for layers without neurons).
  std::vector<double> start, size;
  std::vector<double> hops;  // per layer: to the next neuron layer
  // Per layer, per spike: links crossed to the next neuron layer's chips,
  // within a node and between nodes.
  std::vector<double> chip_crossings, node_crossings;
  std::vector<std::string> notes;
  double cores_needed = 0;  // may be astronomically large
};

// Per spike of a layer spread over cores [a, a + a_size): the units (chips or
// nodes of `unit` cores) holding the next layer's cores [b, b + b_size)
// that the spike must cross a link to reach: one message per unit of the
// target, less the chance that the spike starts on one of them.
double Crossings(double a, double a_size, double b, double b_size,
                 double unit) {
  if (a_size <= 0 || b_size <= 0) return 0;
  const double first = std::floor(b / unit);
  const double last = std::ceil((b + b_size) / unit) - 1;
  const double covered_lo = first * unit, covered_hi = (last + 1) * unit;
  const double overlap =
      std::max(0.0, std::min(a + a_size, covered_hi) - std::max(a, covered_lo));
  return (last - first + 1) - overlap / a_size;
}

// Packs the layers with neurons onto cores in order, each taking the share
// of a core its neurons or its synapses need (small layers share a core),
// on a grid of ceil(sqrt(cores per chip)) columns per chip, the chips on a
// near-square grid (or, when links join them, each chip a grid of its own).
Placement Place(const NetworkCount& count, const NeuromorphicParams& chip) {
  Placement p;
  const size_t n = count.layers.size();
  p.start.assign(n, 0);
  p.size.assign(n, 0);
  p.hops.assign(n, 0);
  p.chip_crossings.assign(n, 0);
  p.node_crossings.assign(n, 0);
  std::vector<size_t> order;
  double position = 0;
  for (size_t i = 0; i < n; ++i) {
    const Workload& w = count.layers[i];
    if (w.neurons == 0) continue;
    const double neurons = static_cast<double>(w.neuron_instances);
    p.start[i] = position;
    p.size[i] = std::max(
        neurons / chip.neurons_per_core,
        static_cast<double>(w.nonzero_synapses()) / chip.synapses_per_core);
    position += p.size[i];
    order.push_back(i);
    if (chip.max_fan_in > 0 && w.synapses_per_neuron() > chip.max_fan_in) {
      p.notes.push_back(absl::StrFormat(
          "layer '%s' has %.0f synapses per neuron, above the fan-in limit "
          "of %.0f: its neurons would have to be split (not modelled)",
          w.name, w.synapses_per_neuron(), chip.max_fan_in));
    }
  }
  p.cores_needed = std::max(1.0, std::ceil(position));
  const double per_chip = chip.cores_per_chip;
  const double width = std::ceil(std::sqrt(per_chip));
  // Without links between chips, the chips' grids join into one mesh, the
  // chips on a near-square grid of their own (as Loihi's and SpiNNaker's
  // boards tile); with links, a spike's hops are within its chips and the
  // links carry it between them.
  const bool linked =
      chip.system.intra_node.present || chip.system.inter_node.present;
  const double chip_columns =
      std::ceil(std::sqrt(std::ceil(p.cores_needed / per_chip)));
  const double rows = std::ceil(per_chip / width);
  auto xy = [&](double core) {
    const double c = std::floor(core / per_chip);
    const double in_chip = core - c * per_chip;
    const double cx = linked ? 0 : std::fmod(c, chip_columns) * width;
    const double cy = linked ? 0 : std::floor(c / chip_columns) * rows;
    return std::make_pair(cx + std::fmod(in_chip, width),
                          cy + std::floor(in_chip / width));
  };
  for (size_t k = 0; k + 1 < order.size(); ++k) {
    const size_t a = order[k], b = order[k + 1];
    const auto [x0, y0] = xy(p.start[a] + p.size[a] / 2);
    const auto [x1, y1] = xy(p.start[b] + p.size[b] / 2);
    p.hops[a] = std::fabs(x1 - x0) + std::fabs(y1 - y0);
    const double node_cores =
        per_chip * static_cast<double>(chip.system.chips_per_node);
    const double all =
        Crossings(p.start[a], p.size[a], p.start[b], p.size[b], per_chip);
    p.node_crossings[a] =
        Crossings(p.start[a], p.size[a], p.start[b], p.size[b], node_cores);
    p.chip_crossings[a] = std::max(0.0, all - p.node_crossings[a]);
  }
  return p;
}

// The busiest core's seconds when each layer's `work` (seconds) spreads
// evenly over its share of the cores. A core wholly inside one layer's
// share carries work / share; only the cores at the ends of shares can mix
// layers, so only they are summed one by one.
double BusiestCore(const Placement& p, const std::vector<double>& work) {
  double busiest = 0;
  std::map<double, double> edges;  // core index -> seconds
  for (size_t i = 0; i < work.size(); ++i) {
    if (work[i] <= 0 || p.size[i] <= 0) continue;
    const double start = p.start[i], end = start + p.size[i];
    const double per_core = work[i] / p.size[i];
    const double first_full = std::ceil(start), last_full = std::floor(end);
    if (last_full - first_full >= 1) busiest = std::max(busiest, per_core);
    const double first = std::floor(start), last = std::ceil(end) - 1;
    for (double c : {first, last}) {
      const double overlap = std::min(end, c + 1) - std::max(start, c);
      if (overlap > 0 && (c < first_full || c >= last_full)) {
        edges[c] += per_core * overlap;
      }
      if (first == last) break;  // the share lies within one core
    }
  }
  for (const auto& [core, seconds] : edges)
    busiest = std::max(busiest, seconds);
  return busiest;
}

}  // namespace

const std::vector<std::string>& NeuromorphicAssumptions() {
  static const auto* list = new std::vector<std::string>{
      "Synaptic operations = spikes into a layer x its fan-out (MACs per "
      "input element): dense weights; convolutions fan out over kernel "
      "positions.",
      "Neurons update every timestep (time-driven); a neuron that spikes is "
      "an active update, the rest inactive.",
      "Layers with neurons are packed onto cores in order, each taking the "
      "share of cores its neurons (per inference) or its synapses need, "
      "small layers sharing a core; a spike travels the Manhattan distance "
      "between consecutive layers' centres on the core grid.",
      "Time is the larger of timesteps x the timestep and the busiest "
      "core's operations x the time per operation; batch items run one "
      "after another on each copy of the placement (--chips beyond those "
      "needed hold more copies). Static power is paid by every chip in "
      "use.",
      "Recurrent cells are mapped as spiking recurrent layers whose gates "
      "are approximated by the neuron dynamics; norms, softmax and smooth "
      "activations, max pooling, products and activation x activation "
      "matmuls are not spike-native and run on the von Neumann host.",
      "Weight-sharing of convolutions is assumed free: each synapse is "
      "stored once.",
  };
  return *list;
}

ChipsNeeded ChipsFor(const NetworkCount& count,
                     const NeuromorphicParams& chip) {
  ChipsNeeded out;
  out.cores = Place(count, chip).cores_needed;
  out.chips = std::ceil(out.cores / chip.cores_per_chip);
  return out;
}

absl::StatusOr<double> HostEnergy(const NetworkCount& count,
                                  const VonNeumannParams& host, int64_t batch,
                                  const Precision& precision) {
  // The layers of a class compute the same op, so a class is spike-native
  // or not as a whole.
  std::vector<bool> foreign(count.classes.size());
  bool any = false;
  for (size_t k = 0; k < count.classes.size(); ++k) {
    foreign[k] = !SpikeNative(count.layers[count.classes[k].first]);
    any |= foreign[k];
  }
  if (!any) return 0.0;
  auto hosted = EstimateVonNeumann(count, host, batch, precision, &foreign);
  if (!hosted.ok()) return hosted.status();
  return hosted->total.energy.total();
}

absl::StatusOr<NeuromorphicCost> EstimateNeuromorphic(
    const NetworkCount& count, const NeuromorphicParams& chip,
    const SpikeActivity& spikes, double x, int64_t batch_size,
    std::optional<double> host_energy_j, int64_t chips) {
  NeuromorphicCost out;
  const Placement place = Place(count, chip);
  auto shape = ShapeNeuromorphicSystem(
      std::ceil(place.cores_needed / chip.cores_per_chip), place.cores_needed,
      chip.system, chips, chip.name);
  if (!shape.ok()) return shape.status();
  out.system = *shape;
  // Both fit in 64 bits now: cores <= chips x cores per chip, both bounded.
  out.cores = static_cast<int64_t>(place.cores_needed);
  out.chips = shape->chips;
  out.notes = place.notes;
  const LinkParams* intra = chip.system.LinkBetween(true);
  const LinkParams* inter = chip.system.LinkBetween(false);
  const double bits = chip.system.spike_message_bits;
  double link_seconds = 0;  // summed over chips

  const double batch = static_cast<double>(batch_size);
  const double steps = static_cast<double>(spikes.timesteps);
  out.layers.resize(count.layers.size());
  std::vector<double> work(count.layers.size(), 0);  // core-seconds
  for (size_t i = 0; i < count.layers.size(); ++i) {
    const Workload& w = count.layers[i];
    NeuromorphicLayerCost& c = out.layers[i];
    if (!SpikeNative(w)) {
      out.non_native_layers.push_back(i);
      continue;
    }
    const int src = w.input_sources.empty() ? -1 : w.input_sources[0];
    const double in_spikes =
        (src < 0 ? spikes.network_input : spikes.per_element[src]).at(x);
    // Fan-out per input spike is MACs / input elements, so spikes in x
    // fan-out is MACs x spikes per input element.
    if (w.op == v1::Node::kSpikingNeuron) {
      // Its integration is the neuron updates of the layer whose neurons
      // it models; it delivers no synaptic events of its own.
    } else if (w.op == v1::Node::kEmbedding) {
      // One-hot: one event per output.
      c.synaptic_ops = static_cast<double>(w.neuron_instances) * batch;
    } else if (w.synapses > 0) {
      // A zero weight is an absent synapse: no event is delivered over it.
      const double present = static_cast<double>(w.nonzero_synapses()) /
                             static_cast<double>(w.synapses);
      c.synaptic_ops =
          static_cast<double>(w.macs) * batch * in_spikes * present;
    } else {
      c.synaptic_ops =
          static_cast<double>(w.other_ops.adds) * batch * in_spikes;
    }
    if (w.neurons > 0) {
      const double instances = static_cast<double>(w.neuron_instances) * batch;
      const double updates = instances * steps;
      c.spikes = instances * spikes.per_element[i].at(x);
      c.active_updates = std::min(c.spikes, updates);
      c.inactive_updates = updates - c.active_updates;
      c.hops = place.hops[i];
      c.chip_crossings = place.chip_crossings[i];
      c.node_crossings = place.node_crossings[i];
      c.cores = static_cast<int64_t>(std::ceil(place.size[i]));
    }
    // Spikes to other chips cross a link once per target chip; without a
    // link the profile's grid of hops stands for it.
    for (const auto& [crossings, link] : {std::pair{c.chip_crossings, intra},
                                          std::pair{c.node_crossings, inter}}) {
      if (crossings <= 0 || link == nullptr) continue;
      const double sent = c.spikes * crossings * bits / 8;
      c.interconnect += sent * 8 * link->j_per_bit;
      out.link_bytes += sent;
      link_seconds += sent / link->bytes_per_s;
    }
    c.synaptic = c.synaptic_ops * chip.synaptic_op_j;
    if (!chip.all_in) {
      c.neuron = c.active_updates * chip.neuron_active_j +
                 c.inactive_updates * chip.neuron_inactive_j;
      c.routing = c.spikes * (chip.spike_in_core_j + c.hops * chip.spike_hop_j);
    }
    work[i] = c.synaptic_ops * chip.synaptic_op_s +
              (c.active_updates + c.inactive_updates) * chip.neuron_update_s;
    out.synaptic_ops += c.synaptic_ops;
    out.spikes += c.spikes;
    out.active_updates += c.active_updates;
    out.inactive_updates += c.inactive_updates;
    out.synaptic += c.synaptic;
    out.neuron += c.neuron;
    out.routing += c.routing;
    out.interconnect += c.interconnect;
  }
  const double input_spikes = static_cast<double>(count.input_elements) *
                              batch * spikes.network_input.at(x);
  out.spikes += input_spikes;
  if (!chip.all_in) {
    // Input spikes are injected at the first layer's cores.
    out.routing += input_spikes * chip.spike_in_core_j;
  }
  // Copies of the placement take batch items at once: each runs its share
  // of the batch one item after another.
  const double copies = std::min(static_cast<double>(shape->replicas), batch);
  const double rounds = std::ceil(batch / copies);
  out.busiest_core_s = BusiestCore(place, work) * rounds / batch;
  out.steps_time_s = rounds * steps * chip.timestep_s;
  // Every chip in use sends over its own links at once.
  out.link_time_s = link_seconds / static_cast<double>(out.chips);
  out.time_s =
      std::max({out.steps_time_s, out.busiest_core_s, out.link_time_s});
  if (!chip.all_in) {
    out.static_power_w = static_cast<double>(out.chips) * chip.static_w;
    out.static_energy = out.static_power_w * out.time_s;
  }
  out.host = static_cast<double>(out.chips) * chip.host_w * out.time_s;
  if (host_energy_j && !out.non_native_layers.empty()) {
    out.non_native = *host_energy_j;
  }
  if (!std::isfinite(out.total()) || !std::isfinite(out.time_s)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "profile '", chip.name,
        "' gives a non-finite energy or time for "
        "this network: its figures or the activity are too extreme"));
  }
  return out;
}

}  // namespace neurowatt
