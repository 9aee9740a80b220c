// A time-stepped simulator of a NIR graph (model/nir/nir_file.h), with
// NIR's continuous-time dynamics discretised at a step dt (docs/nir.md):
//
//   - What reaches a neuron during step k is a current I held constant over
//     the step (zero-order hold); an input spike is a pulse of height 1 for
//     one step. Within a step, the graph is evaluated in order, so a spike
//     crosses every feed-forward node in the step it is emitted; a
//     recurrent edge delivers it in the next step.
//   - LI and LIF integrate exactly: v <- v_inf + (v - v_inf) exp(-dt/tau),
//     v_inf = v_leak + r I. I and IF: v <- v + r I dt. For LIF and IF the
//     threshold crossing is found inside the step; the neuron spikes, is
//     set to v_reset and integrates the rest of the step (so IF is
//     reset-by-subtraction when v_reset = 0). A step can hold more than
//     one spike; the output is the count.
//   - CubaLI and CubaLIF: the synaptic current first, exactly,
//     I <- w_in S + (I - w_in S) exp(-dt/tau_syn), then the membrane as LI
//     with that current; the threshold is checked at the step's end.
//   - Threshold: 1 when its input exceeds the threshold. Delay: round(tau /
//     dt) steps of delay.
//
// Propagation is event-driven: synapse nodes (Affine, Linear, Conv1d,
// Conv2d, pools) work only on the non-zero entries of their input, so the
// cost is the synaptic events delivered, not the synapses.
#ifndef NEUROWATT_SIMULATE_SPIKING_NETWORK_H_
#define NEUROWATT_SIMULATE_SPIKING_NETWORK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/nir/nir_file.h"

namespace neurowatt {

// What a neuron population did over a run.
struct PopulationActivity {
  std::string name;   // the NIR neuron node
  std::string layer;  // the counted layer whose neurons these are
  int64_t neurons = 0;
  bool spiking = true;  // false for I and LI, whose output is analog
  double spikes = 0;    // per inference
};

struct SimulationResult {
  int64_t timesteps = 0;
  double dt = 0;
  int64_t inferences = 0;   // runs averaged
  double input_spikes = 0;  // non-zero input entries, per inference
  std::vector<PopulationActivity> populations;
  // Layers with neurons in the count that are not neuron populations (an
  // Affine into an Output): they emit no spikes.
  std::vector<std::string> analog_layers;
  double synaptic_events = 0;  // delivered, per inference
};

// One recorded node: per step, its state and spikes per neuron.
struct Trace {
  std::vector<float> v;      // steps x neurons
  std::vector<float> spike;  // steps x neurons
  int64_t neurons = 0;
};

class SpikingNetwork {
 public:
  // Builds the network of `graph` (read from `path`, named in errors)
  // stepped at `dt` seconds. Errors (InvalidArgument) name the node, as
  // AnalyzeNir does, or a dt that is not positive and finite.
  static absl::StatusOr<std::unique_ptr<SpikingNetwork>> Build(
      const NirGraph& graph, const std::string& path, double dt);
  ~SpikingNetwork();

  // Elements of one step's input: every Input node's, in declaration order.
  int64_t input_size() const;
  // Elements of the outputs: every Output node's, in declaration order.
  int64_t output_size() const;

  // Clears every state to its rest (v = 0, currents 0, delays empty).
  void Reset();
  // Runs one step with `input` (input_size() values); returns the outputs'
  // values this step (output_size()).
  const std::vector<float>& Step(const std::vector<float>& input);

  // Starts recording node `name` (a neuron population or any node; its
  // output stands for the spikes). NotFound when there is none.
  absl::Status Record(const std::string& name);
  const Trace& trace() const;

  // Totals since construction (not cleared by Reset): spikes per
  // population, input entries, synaptic events, steps.
  SimulationResult Totals() const;

 private:
  struct Impl;
  explicit SpikingNetwork(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Runs `net` over `input` (timesteps rows of input_size() values; fewer
// rows are padded with zeros) from rest, for `timesteps` steps. Returns
// the sum of the outputs over the steps. `progress(done, total)`, when
// given, is called after every step.
std::vector<float> RunFromRest(
    SpikingNetwork& net, const std::vector<std::vector<float>>& input,
    int64_t timesteps,
    const std::function<void(int64_t done, int64_t total)>& progress = {});

}  // namespace neurowatt

#endif  // NEUROWATT_SIMULATE_SPIKING_NETWORK_H_
