// Prices a model on a conventional and a spiking processor with neurowatt's
// C++ API: energy per inference on each, then the whole report as the JSON
// of `neurowatt estimate --format json`.
//
//   price [SOURCE]      (default preset:mlp:sizes=784-512-10)
//
// Exits 0 on success, 2 when neurowatt rejects the input (the message on
// stderr), 1 on any other failure.
#include <iostream>
#include <string>

#include "neurowatt/neurowatt.h"

namespace {

int Fail(const absl::Status& status) {
  std::cerr << "price: " << status.message() << "\n";
  return status.code() == absl::StatusCode::kInvalidArgument ||
                 status.code() == absl::StatusCode::kNotFound
             ? 2
             : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source = argc > 1 ? argv[1] : "preset:mlp:sizes=784-512-10";
  auto model = neurowatt::LoadModel(source, /*dims=*/{});
  if (!model.ok()) return Fail(model.status());
  auto hardware = neurowatt::LoadHardware({"horowitz-45nm", "loihi"});
  if (!hardware.ok()) return Fail(hardware.status());

  // loihi spikes: 16 timesteps per inference, each neuron firing with
  // probability 0.05 per step.
  neurowatt::v1::Scenario scenario;
  neurowatt::v1::SpikeActivity* spikes = scenario.mutable_spikes();
  spikes->set_coding(neurowatt::v1::SpikeActivity::RATE);
  spikes->set_timesteps(16);
  spikes->set_spike_rate(0.05);
  auto priced = neurowatt::Price(*model, *hardware, scenario);
  if (!priced.ok()) return Fail(priced.status());

  std::cout << "model: " << priced->report.model() << "\n";
  for (const neurowatt::v1::HardwareCost& cost : priced->report.hardware()) {
    std::cout << "  " << cost.name() << " (" << cost.kind()
              << "): " << neurowatt::Si(cost.energy_per_inference_j(), "J")
              << " per inference\n";
  }
  std::cout << neurowatt::ReportJsonText(*model, priced->report);
  return 0;
}
