// Which layers a table lists: every one, or repeated blocks folded into one
// row each (GPT-3's 96 identical blocks read better as one block x 96).
#ifndef NEUROWATT_MODEL_LAYER_FOLDING_H_
#define NEUROWATT_MODEL_LAYER_FOLDING_H_

#include <cstdint>
#include <string>
#include <vector>

#include "model/workload.h"

namespace neurowatt {

struct LayerRow {
  std::string name;  // "blocks.*.attn.q" when folded
  size_t index;      // of the first layer the row stands for
  int64_t repeats;   // layers the row stands for
};

// Layers whose names differ only in numeric path components and whose
// counts are identical (one LayerClass) fold into one row, in order of first
// appearance, unless `per_layer`. Reshapes, transposes, layout and constant
// nodes, which do no arithmetic, are left out; `layout_only` receives how
// many.
std::vector<LayerRow> FoldLayers(const NetworkCount& count, bool per_layer,
                                 int64_t* layout_only);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_LAYER_FOLDING_H_
