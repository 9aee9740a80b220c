// A generation as people who serve language models measure it: the prompt
// prefilled (time to first token), then one token per sequence at a time,
// each decode step reading every weight and the KV cache of the tokens so
// far (time per output token), and the totals.
#ifndef NEUROWATT_EXPLORE_GENERATION_H_
#define NEUROWATT_EXPLORE_GENERATION_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "estimators/pricing.h"
#include "hw/hardware.h"
#include "model/source.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

struct GenerationPricing {
  Model prefill;    // the prompt's pass
  Pricing pricing;  // its price; each entry carries its GenerationCost
};

// Prices `scenario.generation()` (prompt P >= 1 tokens, G >= 1 generated)
// of `source` at `dims` on `hardware`: a prefill of seq = P, then G - 1
// decode steps with P, P + 1, ..., P + G - 2 tokens in the cache, for
// scenario.batch() sequences at once. A decode step's cost is affine in
// the context except where a roofline turns, so the steps are priced at up
// to 5 evenly spaced contexts and summed by the trapezoid rule over them,
// exact where the cost is affine. Fails (InvalidArgument, kPhase) for a
// model without a sequence dimension "seq" and a KV cache, for seq bound
// in `dims`, and as LoadModel and Price fail.
absl::StatusOr<GenerationPricing> PriceGeneration(
    absl::string_view source, const DimBindings& dims, bool read_weights,
    const std::vector<Hardware>& hardware, const v1::Scenario& scenario,
    const PricingOptions& options);

}  // namespace neurowatt

#endif  // NEUROWATT_EXPLORE_GENERATION_H_
