// `neurowatt count SOURCE`: the neuron view of a network, per layer and in
// total, as a table, JSON or CSV.
#ifndef NEUROWATT_CLI_COUNT_COMMAND_H_
#define NEUROWATT_CLI_COUNT_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "cli/args.h"
#include "model/graph.h"
#include "model/workload.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {

const CommandSpec& CountSpec();

// Runs the command on `args` (the words after "count"); writes the result to
// `out` or the -o file and errors to `err`. Returns the exit code.
int RunCount(const std::vector<std::string>& args, std::ostream& out,
             std::ostream& err);

// --dim NAME=VALUE values, parsed and range-checked.
absl::StatusOr<DimBindings> ParseDims(const std::vector<std::string>& values);

// Renderers, exposed for tests. `description` and `bindings` describe the
// model in the header; `per_layer` lists every node instead of folding
// repeated blocks into one row.
std::string RenderCountTable(const NetworkCount& count,
                             const std::string& description,
                             const DimBindings& bindings, bool per_layer);
nlohmann::ordered_json CountToJson(const NetworkCount& count,
                                   const DimBindings& bindings);
std::string RenderCountCsv(const NetworkCount& count);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_COUNT_COMMAND_H_
