// Renders a v1::CostReport for people (tables) and programs (JSON, CSV,
// protobuf). `estimate` shows each profile in detail; `compare` puts the
// profiles side by side with the break-even points.
#ifndef NEUROWATT_CLI_REPORT_RENDER_H_
#define NEUROWATT_CLI_REPORT_RENDER_H_

#include <string>

#include "absl/status/statusor.h"
#include "cli/args.h"
#include "model/source.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {

// The JSON of cli-contract.md: {"model", "scenario", "convention",
// "hardware": [...]} plus "break_even" (the first pair) and
// "break_even_all" (every pair) when the report has them.
nlohmann::ordered_json ReportJson(const v1::CostReport& report,
                                  const DimBindings& bindings);

// One row per (hardware, layer) and a total row per hardware.
std::string ReportCsv(const v1::CostReport& report);

// Each profile in detail: per layer, the parts of the energy, the time.
std::string ReportDetailTable(const v1::CostReport& report,
                              const CountedModel& model, bool per_layer);

// The profiles side by side, part by part, then the break-even points.
std::string ReportCompareTable(const v1::CostReport& report,
                               const CountedModel& model);

// Checks --format (table, json, csv, textproto or pb) before any work.
absl::Status CheckReportFormat(const ParsedArgs& args);

// Renders `report` as --format says and writes it to -o or `out`;
// `compare` chooses the side-by-side table.
absl::Status EmitReport(const ParsedArgs& args, const v1::CostReport& report,
                        const CountedModel& model, bool compare,
                        std::ostream& out);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_REPORT_RENDER_H_
