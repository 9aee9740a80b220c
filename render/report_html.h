// The HTML of `neurowatt report`: one self-contained file (inline SVG charts
// and style, nothing fetched when it is opened) with where the energy goes
// per layer and hardware, a roofline per von Neumann profile, energy
// against spike rate with the break-even points, the neuron view against
// the human brain, and every assumption and source.
#ifndef NEUROWATT_RENDER_REPORT_HTML_H_
#define NEUROWATT_RENDER_REPORT_HTML_H_

#include <string>
#include <vector>

#include "estimators/pricing.h"
#include "estimators/spike_curves.h"
#include "model/source.h"

namespace neurowatt {

// The document for `model` priced as `pricing`; `curves` feed the
// spike-rate chart, `notes` are shown under the title.
std::string ReportHtml(const Model& model, const Pricing& pricing,
                       const std::vector<SpikeCurve>& curves,
                       const std::vector<std::string>& notes);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_REPORT_HTML_H_
