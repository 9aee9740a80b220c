// Which layers a table lists: every one, or repeated blocks folded into one
// row each (GPT-3's 96 identical blocks read better as one block x 96).
#ifndef NEUROWATT_CLI_LAYER_ROWS_H_
#define NEUROWATT_CLI_LAYER_ROWS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/workload.h"

namespace neurowatt::cli {

struct LayerRow {
  std::string name;  // "blocks.*.attn.q" when folded
  size_t index;      // of the first layer the row stands for
  int64_t repeats;   // layers the row stands for
};

// Layers whose names differ only in numeric path components and whose
// counts are identical fold into one row, in order of first appearance,
// unless `per_layer`. Reshapes and transposes, which do no arithmetic, are
// left out; `layout_only` receives how many.
std::vector<LayerRow> FoldLayers(const std::vector<Workload>& layers,
                                 bool per_layer, int64_t* layout_only);

// The table's footnotes for `rows` (folding, layout-only nodes left out).
std::string FoldingNotes(const std::vector<LayerRow>& rows,
                         int64_t layout_only);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_LAYER_ROWS_H_
