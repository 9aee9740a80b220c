// What `estimate` and `compare` share: their flags, and pricing a model on
// every --hw profile into one v1::CostReport.
#ifndef NEUROWATT_CLI_PRICING_H_
#define NEUROWATT_CLI_PRICING_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "estimators/spike_activity.h"
#include "hw/neuromorphic_params.h"
#include "hw/von_neumann_params.h"
#include "model/source.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt::cli {

// --hw, --batch, --precision, --dim, the spike flags, --format, -o and
// --per-layer.
std::vector<FlagSpec> PricingFlags();

struct PricedProfile {
  v1::HardwareProfile profile;
  bool neuromorphic = false;
  VonNeumannParams von_neumann;  // when !neuromorphic
  NeuromorphicParams spiking;    // when neuromorphic
};

// The first von Neumann profile of `all`, which hosts the nodes a spiking
// chip cannot run; null when there is none.
const PricedProfile* FirstVonNeumann(const std::vector<PricedProfile>& all);

struct Pricing {
  CountedModel model;
  int64_t batch = 1;
  std::vector<PricedProfile> profiles;    // in --hw order
  std::optional<SpikeActivity> activity;  // when a profile is neuromorphic
  // The first von Neumann profile: it hosts the nodes a spiking chip
  // cannot run. Null when there is none.
  const VonNeumannParams* host = nullptr;
  std::string host_name;
  v1::CostReport report;  // one HardwareCost per profile
  // Profiles the network does not fit (name, why), when kept going.
  std::vector<std::pair<std::string, std::string>> unpriced;
};

// "fp32", "fp16", "bf16" or "int8".
absl::StatusOr<v1::ElementType> ParsePrecision(const std::string& s);

// The profiles --hw names, flattened for the estimators.
absl::StatusOr<std::vector<PricedProfile>> LoadProfiles(
    const std::vector<std::string>& names);

// The spike flags as a SpikeActivity; `needed` when a profile spikes (then
// the rate or an activity file, and the timesteps, are required).
absl::StatusOr<v1::SpikeActivity> ParseSpikeFlags(const ParsedArgs& args,
                                                  bool needed);

// Loads the profiles and the model and prices one on the other. Errors name
// the flag, file or profile at fault. With `keep_going`, a spiking chip the
// network does not fit is listed in `unpriced` instead of failing.
// Warns on `err` about nodes the model's importer could not count.
absl::StatusOr<Pricing> Price(const ParsedArgs& args, std::ostream& err,
                              bool keep_going = false);

// Adds to `p.report` the break-even point of every (neuromorphic, von
// Neumann) pair: physical, or under the compute-only ac-mac convention.
absl::Status AddBreakEven(bool ac_mac, Pricing& p);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_PRICING_H_
