#include "absl/status/status.h"
#include "cli/commands.h"
#include "cli/flags.h"

namespace neurowatt::cli {
namespace {

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
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
  PricingOptions options;
  options.break_even = true;
  options.ac_mac = convention == "ac-mac";
  return PriceAndWrite(args, options, /*compare=*/true, out, err);
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
        "flags] [--convention ac-mac] [--phase P] [--context N] [--prompt P "
        "--generate G] [--format ...] [-o FILE]",
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
