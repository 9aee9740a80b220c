// Energy per inference of each spiking profile as the activity knob moves
// from no spikes to the most its neurons can fire: the spike-rate chart of
// the report, with the break-even points on each curve.
#ifndef NEUROWATT_ESTIMATORS_SPIKE_CURVES_H_
#define NEUROWATT_ESTIMATORS_SPIKE_CURVES_H_

#include <string>
#include <utility>
#include <vector>

#include "estimators/pricing.h"

namespace neurowatt {

struct SpikeCurve {
  std::string name;                                       // the profile
  std::vector<std::pair<double, double>> points;          // knob, joules
  std::vector<std::pair<double, std::string>> crossings;  // knob, vs whom
};

// One curve per spiking profile of `pricing` (priced on `count`), sampled
// at `points` evenly spaced knobs from 0 to min(1, the knob's maximum); the
// crossings are the report's feasible break-even points on that range.
std::vector<SpikeCurve> SpikeCurves(const NetworkCount& count,
                                    const Pricing& pricing, int points = 41);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_SPIKE_CURVES_H_
