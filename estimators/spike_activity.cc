#include "estimators/spike_activity.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "util/error.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

absl::Status CheckRate(double r, const std::string& what) {
  if (!(r >= 0 && r <= 1)) {
    return InvalidArgumentError(
        StrCat(what, " is ", r, "; it must be between 0 and 1"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SpikeActivity> ResolveSpikeActivity(
    const NetworkCount& count, const v1::SpikeActivity& spikes) {
  SpikeActivity a;
  a.timesteps = spikes.timesteps();
  if (a.timesteps <= 0) {
    return WithDetail(InvalidArgumentError("spiking hardware needs timesteps "
                                           "(steps per inference, >= 1)"),
                      ErrorSubject::kTimesteps);
  }
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < count.layers.size(); ++i) {
    index[count.layers[i].name] = i;
  }
  const double steps = static_cast<double>(a.timesteps);
  std::vector<std::optional<Affine>> own(count.layers.size());

  if (spikes.coding() == v1::SpikeActivity::MEASURED) {
    a.coding = "measured";
    a.knob = 1;
    double busiest = 0;  // the highest layer rate, spikes per neuron per step
    for (const auto& [name, n] : spikes.layer_spikes()) {
      if (!(n >= 0)) {
        return InvalidArgumentError(
            StrCat("activity: '", name, "' has ", n, " spikes"));
      }
      double per_inference;  // neurons (or input elements) per inference
      if (name == "input") {
        per_inference = static_cast<double>(count.input_elements);
        a.network_input = Affine{0, per_inference > 0 ? n / per_inference : 0};
        continue;
      }
      auto it = index.find(name);
      if (it == index.end()) {
        return InvalidArgumentError(
            StrCat("activity: '", name, "' is not a layer of the model"));
      }
      const Workload& w = count.layers[it->second];
      if (w.neurons == 0) {
        return InvalidArgumentError(
            StrCat("activity: layer '", name, "' has no neurons to spike"));
      }
      per_inference = static_cast<double>(w.neuron_instances);
      const double per_neuron = n / per_inference;
      if (per_neuron > steps) {
        return InvalidArgumentError(absl::StrFormat(
            "activity: layer '%s' has %g spikes over %g neurons, more than "
            "one per neuron per step (T = %d)",
            name, n, per_inference, a.timesteps));
      }
      own[it->second] = Affine{0, per_neuron};
      busiest = std::max(busiest, per_neuron / steps);
    }
    if (!spikes.layer_spikes().contains("input")) {
      return InvalidArgumentError(
          "activity: no spike count for 'input', the network's input "
          "neurons");
    }
    for (size_t i = 0; i < count.layers.size(); ++i) {
      if (count.layers[i].neurons > 0 && !own[i]) {
        return InvalidArgumentError(
            StrCat("activity: no spike count for layer '", count.layers[i].name,
                   "' (every layer with neurons needs one)"));
      }
    }
    // x scales every count; no neuron fires more than once per step, so
    // the busiest layer sets how far the counts can grow.
    a.knob_max = busiest > 0 ? 1 / busiest : 1;
  } else {
    const bool ttfs = spikes.coding() == v1::SpikeActivity::TTFS;
    a.coding = ttfs ? "ttfs" : "rate";
    if (auto s = CheckRate(spikes.spike_rate(),
                           ttfs ? "the firing fraction" : "the spike rate");
        !s.ok()) {
      return WithDetail(s, ErrorSubject::kSpikeRate);
    }
    a.knob = spikes.spike_rate();
    // Spikes per neuron per inference: T r for rate coding, f for TTFS.
    const double per_knob = ttfs ? 1 : steps;
    for (const auto& [name, r] : spikes.layer_rates()) {
      auto it = index.find(name);
      if (it == index.end()) {
        return WithDetail(
            InvalidArgumentError(
                StrCat("layer rate: '", name, "' is not a layer of the model")),
            ErrorSubject::kLayerRate, name);
      }
      if (auto s = CheckRate(r, StrCat("the rate of layer '", name, "'"));
          !s.ok()) {
        return WithDetail(s, ErrorSubject::kLayerRate, name);
      }
      own[it->second] = Affine{per_knob * r, 0};
    }
    for (size_t i = 0; i < count.layers.size(); ++i) {
      if (count.layers[i].neurons > 0 && !own[i]) {
        own[i] = Affine{0, per_knob};
      }
    }
    if (spikes.has_input_spike_rate()) {
      if (auto s =
              CheckRate(spikes.input_spike_rate(), "the input neurons' rate");
          !s.ok()) {
        return WithDetail(s, ErrorSubject::kInputRate);
      }
      a.network_input = Affine{per_knob * spikes.input_spike_rate(), 0};
    } else {
      a.network_input = Affine{0, per_knob};
    }
  }
  a.per_element.resize(count.layers.size());
  // A recurrent edge's state carries the spikes of a later layer, so the
  // layers after it are passed over again once that layer is known; each
  // pass settles at least one more edge.
  bool recurrent = false;
  for (const Workload& w : count.layers) recurrent |= w.state_source >= 0;
  for (size_t pass = 0; pass < (recurrent ? count.layers.size() : 1); ++pass) {
    bool changed = false;
    for (size_t i = 0; i < count.layers.size(); ++i) {
      const Workload& w = count.layers[i];
      Affine next;
      if (own[i]) {
        next = *own[i];
      } else if (w.state_source >= 0) {
        next = a.per_element[static_cast<size_t>(w.state_source)];
      } else {
        const int src = w.input_sources.empty() ? -1 : w.input_sources[0];
        next = src < 0 ? a.network_input : a.per_element[src];
        // A sum pool routes every spike of its window on (Speck, Sinabs):
        // each output element carries the window's spikes.
        if (w.op == v1::Node::kPool && w.op_kind == v1::Pool::SUM &&
            w.other_ops.adds > 0 && w.output_bytes > 0) {
          const double window =
              static_cast<double>(w.other_ops.adds) /
              (static_cast<double>(w.output_bytes) / BytesPerElement(w.dtype));
          next.fixed *= window;
          next.slope *= window;
        }
      }
      changed |= next.fixed != a.per_element[i].fixed ||
                 next.slope != a.per_element[i].slope;
      a.per_element[i] = next;
    }
    if (!changed && pass > 0) break;
  }
  return a;
}

std::string DescribeSpikeActivity(const v1::SpikeActivity& s) {
  switch (s.coding()) {
    case v1::SpikeActivity::MEASURED:
      return StrCat("measured spike counts, T = ", s.timesteps());
    case v1::SpikeActivity::TTFS:
      return absl::StrFormat(
          "time-to-first-spike coding, T = %d, %.4g of neurons fire once",
          s.timesteps(), s.spike_rate());
    default:
      return absl::StrFormat(
          "rate coding, T = %d, %.4g spikes per neuron per step%s",
          s.timesteps(), s.spike_rate(),
          s.has_input_spike_rate()
              ? absl::StrFormat(" (inputs %.4g)", s.input_spike_rate())
              : std::string());
  }
}

}  // namespace neurowatt
