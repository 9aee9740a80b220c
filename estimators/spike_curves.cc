#include "estimators/spike_curves.h"

#include <algorithm>

#include "estimators/neuromorphic.h"

namespace neurowatt {

std::vector<SpikeCurve> SpikeCurves(const NetworkCount& count, const Pricing& p,
                                    int points) {
  std::vector<SpikeCurve> out;
  if (!p.activity) return out;
  const double hi = std::min(1.0, p.activity->knob_max);
  for (const Hardware* h : p.priced) {
    if (!h->neuromorphic) continue;
    SpikeCurve c;
    c.name = h->name();
    for (int k = 0; k < points; ++k) {
      const double x = points > 1 ? hi * k / (points - 1) : 0;
      auto cost = EstimateNeuromorphic(count, h->spiking, *p.activity, x,
                                       p.batch, p.host_energy_j, p.chips);
      if (!cost.ok()) break;
      c.points.emplace_back(x, cost->total() / static_cast<double>(p.batch));
    }
    for (const auto& b : p.report.break_even()) {
      if (b.neuromorphic() == c.name && b.feasible() && b.knob() <= hi) {
        c.crossings.emplace_back(b.knob(), b.von_neumann());
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace neurowatt
