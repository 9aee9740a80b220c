#include "cli/compare_command.h"

#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "cli/pricing.h"
#include "cli/report_render.h"
#include "estimators/break_even.h"

namespace neurowatt::cli {
namespace {

// Rewrites every entry of `p.report` to the compute-only convention.
void ApplyAcMac(Pricing& p) {
  const NetworkCount& count = p.model.count;
  p.report.set_convention("ac-mac");
  const double batch = static_cast<double>(p.batch);
  for (v1::HardwareCost& h : *p.report.mutable_hardware()) {
    const bool spiking = h.kind() == "neuromorphic";
    double total = 0;
    for (int i = 0; i < h.layers_size(); ++i) {
      v1::LayerCost* l = h.mutable_layers(i);
      const double e =
          spiking ? l->ops() * kAcMacAccumulateJ
                  : static_cast<double>(count.layers[i].macs) * kAcMacMacJ;
      l->clear_energy();
      l->clear_levels();
      l->mutable_energy()->set_total(e);
      if (spiking) {
        l->mutable_energy()->set_synaptic_ops(e);
      } else {
        l->mutable_energy()->set_compute(e);
      }
      total += e;
    }
    h.clear_energy();
    h.clear_levels();
    h.mutable_energy()->set_total(total);
    if (spiking) {
      h.mutable_energy()->set_synaptic_ops(total);
    } else {
      h.mutable_energy()->set_compute(total);
    }
    h.set_energy_per_inference_j(total / batch);
    h.add_assumptions(
        "Convention ac-mac (compute only): MACs x 4.6 pJ against synaptic "
        "operations x 0.9 pJ, 45 nm fp32 (Horowitz 2014, as syops-counter); "
        "memory, routing, neuron updates and static power are left out.");
  }
}

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  if (auto s = CheckReportFormat(args); !s.ok()) return s;
  const std::string convention = args.Get("convention").value_or("physical");
  if (auto c = OneOf("convention", convention, {"physical", "ac-mac"});
      !c.ok()) {
    return c.status();
  }
  if (args.GetAll("hw").size() < 2) {
    return absl::InvalidArgumentError(
        "compare needs two or more --hw profiles, e.g. --hw loihi --hw "
        "horowitz-45nm");
  }
  auto priced = Price(args, err);
  if (!priced.ok()) return priced.status();
  Pricing& p = *priced;
  const bool ac_mac = convention == "ac-mac";
  if (ac_mac) ApplyAcMac(p);
  if (auto st = AddBreakEven(ac_mac, p); !st.ok()) return st;
  return EmitReport(args, p.report, p.model, /*compare=*/true, out);
}

}  // namespace

const CommandSpec& CompareSpec() {
  static const auto* spec = [] {
    std::vector<FlagSpec> flags = PricingFlags();
    flags.push_back({"convention", '\0', "NAME",
                     "physical (default: every part priced) or ac-mac (the "
                     "literature's compute-only shortcut)"});
    return new CommandSpec{
        "compare",
        "SOURCE --hw A --hw B [...] --timesteps T --spike-rate R [spike "
        "flags] [--convention ac-mac] [--format ...] [-o FILE]",
        "Von Neumann and neuromorphic hardware side by side, with break-even.\n"
        "Energy per inference on each profile, split into its parts, and for\n"
        "each (neuromorphic, von Neumann) pair the spike rate at which the "
        "two\n"
        "cost the same.",
        "The break-even rate is solved on the estimator itself: energy on a\n"
        "spiking chip is affine in the spike rate (piecewise, where the\n"
        "busiest core sets the time). 'feasible' is false when the crossing\n"
        "lies below zero or above one spike per neuron per step (per\n"
        "inference for ttfs); the note says which side wins everywhere.\n"
        "--convention ac-mac reproduces the literature's compute-only "
        "shortcut\n"
        "(4.6 pJ per MAC vs 0.9 pJ per accumulate) and labels every output.\n"
        "JSON: as estimate, plus \"break_even\" (the first pair) and\n"
        "\"break_even_all\" (every pair).\n",
        flags,
        1,
        1};
  }();
  return *spec;
}

int RunCompare(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  return RunCommand(CompareSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
