// `neurowatt validate` output: each published case's measured and predicted
// energy and latency with their ratios (predicted / measured), as a table
// or as JSON ({"cases": [...]}, null where nothing was measured).
#ifndef NEUROWATT_RENDER_VALIDATION_H_
#define NEUROWATT_RENDER_VALIDATION_H_

#include <string>
#include <vector>

#include "validate/cases.h"

namespace neurowatt {

std::string ValidationTable(const std::vector<ValidationResult>& results);
std::string ValidationJson(const std::vector<ValidationResult>& results);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_VALIDATION_H_
