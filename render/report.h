// Renders a v1::CostReport for people (tables) and programs (the JSON of
// the command-line contract, CSV, protobuf). `estimate` shows each profile in
// detail; `compare` puts the profiles side by side with the break-even points.
#ifndef NEUROWATT_RENDER_REPORT_H_
#define NEUROWATT_RENDER_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/source.h"
#include "neurowatt/v1/cost_report.pb.h"
#include "nlohmann/json.hpp"

namespace neurowatt {

// The JSON of cli-contract.md: {"model", "scenario", "convention",
// "hardware": [...]} plus "break_even" (the first pair) and
// "break_even_all" (every pair) when the report has them.
nlohmann::ordered_json ReportJson(const v1::CostReport& report,
                                  const DimBindings& bindings);

// `report` (Price's, for `model`) as the JSON text of `neurowatt estimate` or
// `neurowatt compare --format json`.
std::string ReportJsonText(const Model& model, const v1::CostReport& report);

// One row per (hardware, layer) and a total row per hardware.
std::string ReportCsv(const v1::CostReport& report);

// Each profile in detail: per layer, the parts of the energy, the time.
std::string ReportDetailTable(const v1::CostReport& report, const Model& model,
                              bool per_layer);

// The profiles side by side, part by part, then the break-even points.
std::string ReportCompareTable(const v1::CostReport& report,
                               const Model& model);

// `report` of `model` as `format` says: "table" (the side-by-side table
// when `compare`, else each profile in detail, folding repeated blocks
// unless `per_layer`), "json", "csv", "textproto" or "pb" (the CostReport
// protobuf). Fails (InvalidArgument) on an unknown format.
absl::StatusOr<std::string> RenderReport(const v1::CostReport& report,
                                         const Model& model,
                                         absl::string_view format, bool compare,
                                         bool per_layer);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_REPORT_H_
