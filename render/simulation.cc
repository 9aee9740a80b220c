#include "render/simulation.h"

#include <algorithm>
#include <sstream>

#include "render/format.h"

namespace neurowatt {
namespace {

using json = nlohmann::ordered_json;

double PerNeuronPerStep(const PopulationActivity& p, int64_t steps) {
  return p.neurons == 0 || steps == 0
             ? 0.0
             : p.spikes / static_cast<double>(p.neurons) /
                   static_cast<double>(steps);
}

json Layers(const SimulationResult& r) {
  json layers = json::array();
  for (const PopulationActivity& p : r.populations) {
    layers.push_back(
        {{"name", p.name},
         {"neurons", p.neurons},
         {"spikes", p.spikes},
         {"spikes_per_neuron_per_step", PerNeuronPerStep(p, r.timesteps)},
         {"layer", p.layer},
         {"spiking", p.spiking}});
  }
  return layers;
}

json OrNull(const std::optional<double>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

json SimulationJson(const SimulationResult& r) {
  return {{"timesteps", r.timesteps},
          {"dt", r.dt},
          {"input_spikes", r.input_spikes},
          {"synaptic_events", r.synaptic_events},
          {"layers", Layers(r)}};
}

std::string SimulationTable(const SimulationResult& r) {
  Table t({"population", "layer", "neurons", "spikes", "per neuron per step"},
          {false, false, true, true, true});
  for (const PopulationActivity& p : r.populations) {
    t.AddRow({p.name, p.layer, WithSeparators(p.neurons),
              p.spiking ? Decimal(p.spikes, 1) : "analog",
              p.spiking ? Decimal(PerNeuronPerStep(p, r.timesteps), 4) : "-"});
  }
  return t.Render();
}

json ConversionJson(const ConversionRun& run) {
  const BudgetRun& last = run.budgets.back();
  json budgets = json::array();
  for (const BudgetRun& b : run.budgets) {
    budgets.push_back({{"timesteps", b.timesteps},
                       {"accuracy", OrNull(b.accuracy)},
                       {"input_spikes", b.activity.input_spikes},
                       {"synaptic_events", b.activity.synaptic_events},
                       {"layers", Layers(b.activity)}});
  }
  json j = SimulationJson(last.activity);
  j["conversion"] = "rate";
  j["samples"] = run.samples;
  j["accuracy"] = OrNull(last.accuracy);
  j["ann_accuracy"] = OrNull(run.ann_accuracy);
  j["budgets"] = budgets;
  return j;
}

std::string TraceCsv(const Trace& trace) {
  std::ostringstream s;
  s << "step";
  for (int64_t i = 0; i < trace.neurons; ++i) s << ",v_" << i;
  for (int64_t i = 0; i < trace.neurons; ++i) s << ",spike_" << i;
  s << "\n";
  const size_t n = static_cast<size_t>(trace.neurons);
  const size_t steps = n == 0 ? 0 : trace.v.size() / n;
  for (size_t t = 0; t < steps; ++t) {
    s << t;
    for (size_t i = 0; i < n; ++i) s << "," << trace.v[t * n + i];
    for (size_t i = 0; i < n; ++i) s << "," << trace.spike[t * n + i];
    s << "\n";
  }
  return s.str();
}

std::string ActivityFileText(const SimulationResult& r) {
  json spikes;
  spikes["input"] = r.input_spikes;
  for (const PopulationActivity& p : r.populations) spikes[p.layer] = p.spikes;
  for (const std::string& l : r.analog_layers) spikes[l] = 0.0;
  return JsonText({{"timesteps", r.timesteps},
                   {"source", "neurowatt simulate"},
                   {"spikes", spikes}});
}

}  // namespace neurowatt
