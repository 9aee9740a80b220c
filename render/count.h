// The neuron view for people and programs: `neurowatt count` as a table
// (folding repeated blocks, with the brain beside it), the JSON of the
// command-line contract, and CSV.
#ifndef NEUROWATT_RENDER_COUNT_H_
#define NEUROWATT_RENDER_COUNT_H_

#include <string>

#include "model/graph.h"
#include "model/workload.h"
#include "nlohmann/json.hpp"

namespace neurowatt {

// `count` (at the batch it was scaled to) as a table: `description` and
// `bindings` describe the model in the header; `per_layer` lists every
// node instead of folding repeated blocks.
std::string RenderCountTable(const NetworkCount& count,
                             const std::string& description,
                             const DimBindings& bindings, bool per_layer);

// {"model", "dimensions", "uncounted", "layers", "totals", "brain"}.
nlohmann::ordered_json CountToJson(const NetworkCount& count,
                                   const DimBindings& bindings);

// One row per layer and a final "total" row.
std::string RenderCountCsv(const NetworkCount& count);

// What the stored weights say, per weighted layer (count --weights).
std::string RenderWeightTable(const NetworkCount& count);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_COUNT_H_
