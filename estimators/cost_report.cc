#include "estimators/cost_report.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "estimators/mapping.h"
#include "estimators/system.h"
#include "hw/profile.h"

namespace neurowatt {
namespace {

void FillEnergy(const VonNeumannEnergy& e, v1::EnergyBreakdown& out) {
  out.set_total(e.total());
  out.set_compute(e.compute);
  out.set_data_movement(e.data_movement);
  out.set_bit_maintenance(e.bit_maintenance());
  out.set_leakage(e.leakage);
  out.set_refresh(e.refresh);
  out.set_standby(e.standby);
  out.set_static_power(e.static_power);
  out.set_interconnect(e.interconnect);
  out.set_control_overhead(e.control_overhead);
  out.set_active(e.active);
}

void FillSystem(const SystemShape& s, const SystemParams& params,
                double link_bytes, double link_s, v1::SystemStats& out) {
  out.set_chips(s.chips);
  out.set_chips_needed(s.needed);
  out.set_tensor_parallel(s.tensor);
  out.set_pipeline_stages(s.pipeline);
  out.set_replicas(s.replicas);
  out.set_nodes(s.nodes);
  out.set_automatic(s.automatic);
  out.set_why(s.why);
  out.set_interconnect_bytes(link_bytes);
  out.set_interconnect_seconds(link_s);
  out.set_topology(params.topology);
  out.set_described_chips(s.described_chips);
}

template <typename Message>
void FillLevels(const VonNeumannLayerCost& c, const VonNeumannParams& hw,
                Message& out) {
  for (size_t l = 0; l < hw.levels.size(); ++l) {
    v1::LevelTraffic* t = out.add_levels();
    t->set_level(hw.levels[l].name);
    t->set_bytes(c.bytes[l]);
    t->set_energy_j(c.level_energy[l]);
  }
}

}  // namespace

std::string BoundName(const VonNeumannParams& hw, int bound) {
  if (bound == kLinkBound) return "interconnect";
  if (bound == kPowerBound) return "power (TDP)";
  return bound < 0 ? "compute" : hw.levels[bound].name;
}

std::string BoundName(const NeuromorphicCost& cost) {
  if (cost.link_time_s > std::max(cost.busiest_core_s, cost.steps_time_s)) {
    return "interconnect";
  }
  return cost.busiest_core_s > cost.steps_time_s ? "busiest core" : "timesteps";
}

v1::HardwareCost VonNeumannReport(const NetworkCount& count,
                                  const v1::HardwareProfile& profile,
                                  const VonNeumannParams& params,
                                  const VonNeumannCost& cost, int64_t batch) {
  v1::HardwareCost out;
  out.set_name(profile.name());
  out.set_kind(ProfileKindName(profile));
  out.set_description(profile.description());
  FillEnergy(cost.total.energy, *out.mutable_energy());
  out.set_energy_per_inference_j(cost.total.energy.total() /
                                 static_cast<double>(batch));
  out.set_latency_s(cost.total.time_s);
  out.set_bound(BoundName(params, cost.total.bound));
  FillLevels(cost.total, params, out);
  out.set_weights_level(params.levels[cost.weight_level].name);
  out.mutable_layers()->Reserve(static_cast<int>(count.layers.size()));
  for (size_t i = 0; i < count.layers.size(); ++i) {
    const VonNeumannLayerCost& c = cost.Layer(count, i);
    v1::LayerCost* l = out.add_layers();
    l->set_name(count.layers[i].name);
    l->set_kind(count.layers[i].kind);
    FillEnergy(c.energy, *l->mutable_energy());
    FillLevels(c, params, *l);
    l->set_ops(c.ops);
    l->set_time_s(c.time_s);
    l->set_bound(BoundName(params, c.bound));
  }
  for (const std::string& a : VonNeumannAssumptions()) out.add_assumptions(a);
  for (const v1::Source& s : profile.sources()) {
    *out.add_sources() = s;
    if (s.kind() == v1::Source::ASSUMED) {
      out.add_assumptions(
          absl::StrCat(profile.name(), " assumed figures: ", s.note()));
    }
  }
  FillSystem(cost.system, params.system, cost.links.bytes, cost.links.time_s,
             *out.mutable_system());
  v1::TrafficBytes* traffic = out.mutable_traffic();
  traffic->set_weights(cost.traffic.weights);
  traffic->set_activations(cost.traffic.activations);
  traffic->set_kv_cache(cost.traffic.kv_cache);
  traffic->set_state(cost.traffic.state);
  if (cost.system.chips > 1) {
    for (const std::string& a : SystemAssumptions()) out.add_assumptions(a);
  }
  return out;
}

v1::HardwareCost NeuromorphicReport(const NetworkCount& count,
                                    const v1::HardwareProfile& profile,
                                    const NeuromorphicParams& params,
                                    const NeuromorphicCost& cost, int64_t batch,
                                    const std::string& coding,
                                    int64_t timesteps,
                                    const std::string& host) {
  const SystemParams& system = params.system;
  v1::HardwareCost out;
  out.set_name(profile.name());
  out.set_kind(ProfileKindName(profile));
  out.set_description(profile.description());
  v1::EnergyBreakdown* e = out.mutable_energy();
  e->set_total(cost.total());
  e->set_synaptic_ops(cost.synaptic);
  e->set_neuron_updates(cost.neuron);
  e->set_spike_routing(cost.routing);
  e->set_static_power(cost.static_energy);
  e->set_interconnect(cost.interconnect);
  e->set_non_native(cost.non_native);
  e->set_host(cost.host);
  out.set_energy_per_inference_j(cost.total() / static_cast<double>(batch));
  out.set_latency_s(cost.time_s);
  out.set_bound(BoundName(cost));
  for (size_t i = 0; i < cost.layers.size(); ++i) {
    const NeuromorphicLayerCost& c = cost.layers[i];
    v1::LayerCost* l = out.add_layers();
    l->set_name(count.layers[i].name);
    l->set_kind(count.layers[i].kind);
    v1::EnergyBreakdown* le = l->mutable_energy();
    le->set_total(c.synaptic + c.neuron + c.routing + c.interconnect);
    le->set_synaptic_ops(c.synaptic);
    le->set_neuron_updates(c.neuron);
    le->set_spike_routing(c.routing);
    le->set_interconnect(c.interconnect);
    l->set_ops(c.synaptic_ops);
    l->set_bound(SpikeNative(count.layers[i]) ? "" : "not spike-native");
  }
  v1::SpikingStats* st = out.mutable_spiking();
  st->set_coding(coding);
  st->set_timesteps(timesteps);
  st->set_spikes(cost.spikes);
  st->set_synaptic_ops(cost.synaptic_ops);
  st->set_neuron_updates_active(cost.active_updates);
  st->set_neuron_updates_inactive(cost.inactive_updates);
  double hops = 0, routed = 0;
  for (const auto& c : cost.layers) {
    hops += c.hops * c.spikes;
    routed += c.spikes;
  }
  st->set_mean_hops(routed > 0 ? hops / routed : 0);
  st->set_cores(cost.cores);
  st->set_chips(cost.chips);
  for (size_t i : cost.non_native_layers) {
    const Workload& w = count.layers[i];
    v1::NonNativeNode* n = st->add_non_native();
    n->set_name(w.name);
    n->set_kind(w.kind);
    n->set_macs(static_cast<double>(w.macs) * static_cast<double>(batch));
    n->set_other_ops(static_cast<double>(w.other_ops.total()) *
                     static_cast<double>(batch));
  }
  st->set_non_native_host(host);
  FillSystem(cost.system, system, cost.link_bytes, cost.link_time_s,
             *out.mutable_system());
  if (cost.chips > 1 && !system.intra_node.present &&
      !system.inter_node.present) {
    out.add_assumptions(absl::StrCat(
        profile.name(),
        " describes no link between chips: spikes between chips are priced "
        "as hops on one mesh of their cores"));
  }
  for (const std::string& a : NeuromorphicAssumptions()) {
    out.add_assumptions(a);
  }
  if (profile.neuromorphic().synaptic_op_energy_is_all_in()) {
    out.add_assumptions(absl::StrCat(
        profile.name(),
        ": the synaptic-event energy is all-in (chip power / events), so "
        "neuron updates, routing and static power are inside it and shown "
        "as 0."));
  }
  if (!cost.non_native_layers.empty()) {
    out.add_assumptions(
        host.empty()
            ? absl::StrCat(cost.non_native_layers.size(),
                           " nodes are not spike-native and are NOT priced: "
                           "add a von Neumann profile to price them as a host")
            : absl::StrCat(cost.non_native_layers.size(),
                           " nodes are not spike-native: priced on ", host,
                           " as the host"));
  }
  for (const std::string& n : cost.notes) out.add_assumptions(n);
  for (const v1::Source& s : profile.sources()) {
    *out.add_sources() = s;
    if (s.kind() == v1::Source::ASSUMED) {
      out.add_assumptions(
          absl::StrCat(profile.name(), " assumed figures: ", s.note()));
    }
  }
  return out;
}

}  // namespace neurowatt
