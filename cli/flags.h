// What the commands share: the pricing flags, parsing them into the
// library's inputs (dimensions, a v1::Scenario, hardware), and wording the
// library's errors in terms of the flags that caused them.
#ifndef NEUROWATT_CLI_FLAGS_H_
#define NEUROWATT_CLI_FLAGS_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "estimators/pricing.h"
#include "hw/hardware.h"
#include "model/source.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt::cli {

// --hw, --batch, --precision, --weight-precision, --kv-precision, --dim,
// --chips, the phase flags, --prompt, --generate, the spike flags,
// --format, -o and --per-layer.
std::vector<FlagSpec> PricingFlags();

// `flags` with the phase flags added: --phase, --context, --optimizer,
// --recompute, --tokens.
std::vector<FlagSpec> WithPhaseFlags(std::vector<FlagSpec> flags);

// The phase flags as the model is to be loaded. A `--dim context=N` among
// `dims` is taken out of them as the context. Errors name the flag.
absl::StatusOr<PhaseOptions> ParsePhaseFlags(const ParsedArgs& args,
                                             DimBindings& dims);

// The --format values of estimate and compare.
inline std::vector<std::string> ReportFormats() {
  return {"table", "json", "csv", "textproto", "pb"};
}

// --dim NAME=VALUE values, parsed and range-checked.
absl::StatusOr<DimBindings> ParseDims(const std::vector<std::string>& values);

// The spike flags as a v1::SpikeActivity (an --activity file read); when
// `needed` (a profile spikes), the rate or an activity file, and the
// timesteps, are required.
absl::StatusOr<v1::SpikeActivity> ParseSpikeFlags(const ParsedArgs& args,
                                                  bool needed);

// --batch (1 to 2^40; not with --dim batch=..., one of `dims`),
// --precision, --weight-precision, --kv-precision, --chips, the phase
// flags, --prompt and --generate into `scenario`.
absl::Status ParseScenarioFlags(const ParsedArgs& args, DimBindings& dims,
                                v1::Scenario& scenario);

// The model and hardware the pricing flags name, and the scenario they
// describe: loaded, checked and ready for Price. Profiles load first, so a
// typo in --hw does not wait for a large model.
struct Priceable {
  std::vector<Hardware> hardware;
  Model model;  // not loaded for a generation (--prompt), which loads its own
  DimBindings dims;  // --dim, less the context (in the scenario)
  v1::Scenario scenario;
  bool read_weights = false;  // a spiking profile drives only non-zero ones
};
absl::StatusOr<Priceable> LoadPriceable(const ParsedArgs& args);

// What estimate and compare do once their own flags are checked: load what
// the pricing flags name, price it with `options`, and write the report as
// --format says (the side-by-side table when `compare`) to -o or `out`;
// unknown ops are warned about on `err`.
absl::Status PriceAndWrite(const ParsedArgs& args,
                           const PricingOptions& options, bool compare,
                           std::ostream& out, std::ostream& err);

// One warning line on `err` naming `source` when some of its nodes are not
// counted (ops neurowatt does not know).
void WarnUncounted(const std::string& source, const NetworkCount& count,
                   std::ostream& err);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_FLAGS_H_
