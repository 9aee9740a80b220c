// `neurowatt report SOURCE --hw A --hw B ... -o report.html`: one
// self-contained HTML file with charts (inline SVG), tables, and every
// assumption and source.
#ifndef NEUROWATT_CLI_REPORT_COMMAND_H_
#define NEUROWATT_CLI_REPORT_COMMAND_H_

#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/args.h"
#include "cli/pricing.h"

namespace neurowatt::cli {

const CommandSpec& ReportSpec();

int RunReport(const std::vector<std::string>& args, std::ostream& out,
              std::ostream& err);

// Energy per inference of one spiking profile against the activity knob.
struct SpikeCurve {
  std::string name;
  std::vector<std::pair<double, double>> points;          // knob, joules
  std::vector<std::pair<double, std::string>> crossings;  // knob, vs whom
};

// The HTML document for a priced model; `curves` feed the spike-rate
// chart, `notes` are shown under the title.
std::string ReportHtml(const Pricing& pricing,
                       const std::vector<SpikeCurve>& curves,
                       const std::vector<std::string>& notes);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_REPORT_COMMAND_H_
