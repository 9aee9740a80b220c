// A simulation's results as the simulate command prints them (table, JSON)
// and as the activity file that --activity reads (model/activity_file.h).
#ifndef NEUROWATT_RENDER_SIMULATION_H_
#define NEUROWATT_RENDER_SIMULATION_H_

#include <string>

#include "nlohmann/json.hpp"
#include "simulate/ann_conversion.h"
#include "simulate/spiking_network.h"

namespace neurowatt {

// {"timesteps", "dt", "input_spikes", "synaptic_events", "layers": [{"name",
// "neurons", "spikes", "spikes_per_neuron_per_step", "layer", "spiking"}]}.
nlohmann::ordered_json SimulationJson(const SimulationResult& r);

// The populations as a table, one row each.
std::string SimulationTable(const SimulationResult& r);

// The largest budget's figures, then "conversion", "samples", "accuracy",
// "ann_accuracy" and "budgets": [{"timesteps", "accuracy", "input_spikes",
// "synaptic_events", "layers"}].
nlohmann::ordered_json ConversionJson(const ConversionRun& run);

// A recorded node's trace as CSV: a header "step,v_0,...,spike_0,...",
// then one row per step.
std::string TraceCsv(const Trace& trace);

// {"timesteps", "source", "spikes": {"input", LAYER: spikes per inference}}
// by counted layer; layers with neurons that feed no population are 0.
std::string ActivityFileText(const SimulationResult& r);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_SIMULATION_H_
