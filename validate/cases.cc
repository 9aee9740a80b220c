#include "validate/cases.h"

#include "absl/strings/str_cat.h"
#include "estimators/pricing.h"
#include "hw/hardware.h"
#include "model/source.h"

namespace neurowatt {
namespace {

constexpr char kBlouw[] =
    "Blouw, Choo, Hunsberger, Eliasmith, \"Benchmarking keyword spotting "
    "efficiency on neuromorphic hardware\", NICE 2019 (arXiv 1812.01739 v3)";
constexpr char kKws[] = "preset:mlp:sizes=390-256-256-29";

// The keyword spotter on `hw` at `batch`, measured at `per_s` inferences
// per second and `j_per_inference` of dynamic energy.
PublishedCase Kws(std::string name, std::string source, std::string hw,
                  int64_t batch, double per_s, double j_per_inference) {
  PublishedCase c;
  c.name = std::move(name);
  c.source = std::move(source);
  c.network = kKws;
  c.hardware = std::move(hw);
  c.batch = batch;
  c.energy_j = j_per_inference;
  c.latency_s = static_cast<double>(batch) / per_s;
  return c;
}

// Blouw et al.'s Table 1 row: dynamic watts / inferences per second, at
// batch 1.
PublishedCase Blouw(std::string name, std::string device, std::string hw,
                    double dynamic_w, double per_s) {
  return Kws(std::move(name),
             absl::StrCat(kBlouw, ", Table 1, ", device, ": ", dynamic_w,
                          " W dynamic at ", per_s, " inferences/s"),
             std::move(hw), 1, per_s, dynamic_w / per_s);
}

// The batch sweeps of the same runs' logs (github.com/abr/power_benchmarks):
// dynamic energy per inference given.
PublishedCase Sweep(std::string name, std::string device, std::string hw,
                    int64_t batch, double per_s, double j_per_inference) {
  return Kws(std::move(name),
             absl::StrCat(kBlouw,
                          ", batch sweep in the authors' logs "
                          "(github.com/abr/power_benchmarks), ",
                          device, " at batch ", batch, ": ", per_s,
                          " inferences/s, ", j_per_inference, " J"),
             std::move(hw), batch, per_s, j_per_inference);
}

std::vector<PublishedCase> Build() {
  std::vector<PublishedCase> cases;
  cases.push_back(Blouw("blouw2019-cpu", "Xeon E5-2630, TensorFlow",
                        "xeon-e5-2630", 11.47, 1813.63));
  cases.back().note =
      "a small network at batch 1: the framework's call, at busy power";
  cases.push_back(Blouw("blouw2019-gpu", "Quadro K4000, TensorFlow",
                        "quadro-k4000", 22.86, 770.39));
  cases.back().note = "a GPU waiting on its host: launches and copies";
  cases.push_back(Blouw("blouw2019-jetson", "Jetson TX1, TensorFlow",
                        "jetson-tx1", 2.34, 419));
  cases.back().note = "an embedded GPU driven from Arm cores";
  cases.push_back(Blouw("blouw2019-movidius", "Movidius NCS, NCSDK",
                        "movidius-ncs", 0.437, 300));
  cases.back().precision = v1::FP16;
  cases.back().note = "a USB accelerator at fp16";
  cases.push_back(Blouw("blouw2019-loihi", "Loihi (Wolf Mountain), Nengo",
                        "loihi-wolf-mountain", 0.081, 296));
  PublishedCase& loihi = cases.back();
  // nengo-loihi's keyword-spotting example: each frame shown for 10 steps.
  loihi.timesteps = 10;
  loihi.spike_rate = 0.1;
  loihi.latency_is_input = true;
  loihi.note =
      "spikes at 10 steps per frame, and the embedded x86 cores' power";
  cases.push_back(Sweep("blouw2019-cpu-b64", "Xeon E5-2630", "xeon-e5-2630", 64,
                        38210.2, 3.48e-4));
  cases.back().note = "the same framework at batch 64: the call amortised";
  cases.push_back(Sweep("blouw2019-gpu-b64", "Quadro K4000", "quadro-k4000", 64,
                        36150.3, 7.27e-4));
  cases.back().note = "the GPU at batch 64";
  cases.push_back(Sweep("blouw2019-jetson-b64", "Jetson TX1", "jetson-tx1", 64,
                        16976, 1.02e-4));
  cases.back().note = "the Jetson at batch 64";
  return cases;
}

}  // namespace

const std::vector<PublishedCase>& PublishedCases() {
  static const auto* cases = new std::vector<PublishedCase>(Build());
  return *cases;
}

absl::StatusOr<ValidationResult> RunCase(const PublishedCase& c) {
  auto fail = [&](const absl::Status& s) {
    return absl::InternalError(
        absl::StrCat("validation case '", c.name, "': ", s.message()));
  };
  auto model = LoadModel(c.network, {});
  if (!model.ok()) return fail(model.status());
  auto hardware = LoadHardware({c.hardware});
  if (!hardware.ok()) return fail(hardware.status());
  v1::Scenario scenario;
  scenario.set_batch(c.batch);
  scenario.set_precision(c.precision);
  if (c.timesteps > 0) {
    scenario.mutable_spikes()->set_coding(v1::SpikeActivity::RATE);
    scenario.mutable_spikes()->set_timesteps(c.timesteps);
    scenario.mutable_spikes()->set_spike_rate(c.spike_rate);
  }
  auto priced = Price(*model, *hardware, scenario);
  if (!priced.ok()) return fail(priced.status());
  if (priced->report.hardware_size() != 1) {
    return fail(absl::InternalError("the profile was not priced"));
  }
  const v1::HardwareCost& h = priced->report.hardware(0);
  const double idle = c.dynamic ? h.energy().static_power() : 0;
  ValidationResult r;
  r.c = &c;
  r.predicted_energy_j =
      (h.energy().total() - idle) / static_cast<double>(c.batch);
  r.predicted_latency_s = h.latency_s();
  return r;
}

absl::StatusOr<std::vector<ValidationResult>> RunValidation() {
  std::vector<ValidationResult> out;
  for (const PublishedCase& c : PublishedCases()) {
    auto r = RunCase(c);
    if (!r.ok()) return r.status();
    out.push_back(*r);
  }
  return out;
}

}  // namespace neurowatt
