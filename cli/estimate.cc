#include "cli/commands.h"
#include "cli/flags.h"

namespace neurowatt::cli {
namespace {

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  return PriceAndWrite(args, PricingOptions(), /*compare=*/false, out, err);
}

}  // namespace

const CommandSpec& EstimateSpec() {
  static const auto* spec = new CommandSpec{
      "estimate",
      "SOURCE --hw NAME|PATH [--hw ...] [--batch N] [--chips N|auto] "
      "[--precision fp32|tf32|fp16|bf16|fp8|int8|int4] [--weight-precision P] "
      "[--kv-precision P] [--phase forward|prefill|decode|train] [--context N] "
      "[--prompt P --generate G] [spike flags] "
      "[--format table|json|csv|textproto|pb] [-o FILE]",
      "Energy, time and memory traffic per inference on each profile.\n"
      "On conventional (von Neumann) processors: compute, data movement, bit\n"
      "maintenance and static power, with roofline time. On neuromorphic\n"
      "chips: synaptic operations, neuron updates, spike routing and static\n"
      "power at the spike activity given by the spike flags. Each profile is\n"
      "a system of as many chips as hold the network (--chips auto), or of\n"
      "--chips N, with the traffic between chips priced on its links.",
      "Profiles: neurowatt profiles lists the catalogue; a path loads a\n"
      "profile file (proto/neurowatt/v1/hardware.proto). JSON energies are in\n"
      "joules for the whole batch; energy_per_inference_joules divides by it.\n"
      "Spike flags: --coding rate|ttfs --timesteps T --spike-rate R, or\n"
      "--activity FILE (measured spikes per layer; "
      "docs/neuromorphic-model.md).\n"
      "Language models: --phase prefill|decode|train (one prompt, one new\n"
      "token per sequence with --context N cached, one training step), or\n"
      "--prompt P --generate G for a whole generation (time to first token,\n"
      "time per output token, totals); --batch is concurrent sequences. JSON\n"
      "adds tokens_per_second, energy_per_token_joules and traffic_bytes.\n"
      "The models: docs/von-neumann-model.md, docs/neuromorphic-model.md.\n",
      PricingFlags(),
      1,
      1};
  return *spec;
}

int RunEstimate(const std::vector<std::string>& args, std::ostream& out,
                std::ostream& err) {
  return RunCommand(EstimateSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
