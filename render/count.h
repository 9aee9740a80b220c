// The neuron view for people and programs: `neurowatt count` as a table
// (folding repeated blocks, with the brain beside it), the JSON of the
// command-line contract, and CSV.
#ifndef NEUROWATT_RENDER_COUNT_H_
#define NEUROWATT_RENDER_COUNT_H_

#include <optional>
#include <string>

#include "model/graph.h"
#include "model/source.h"
#include "model/training.h"
#include "model/workload.h"
#include "nlohmann/json.hpp"

namespace neurowatt {

// `count` (at the batch it was scaled to) as a table: `description` and
// `bindings` describe the model in the header; `per_layer` lists every
// node instead of folding repeated blocks.
// What a language model's count adds: the phase it was counted for, the
// tokens of one inference, and for a training step the FLOPs of a step and
// of the run (--tokens).
struct CountPhase {
  std::string phase = "forward";
  int64_t tokens = 0;   // per inference (sequence); 0: no sequence dimension
  int64_t context = 0;  // tokens in the KV cache before the pass
  std::optional<TrainingRun> training;  // a training step's run
};

// `model`'s phase figures at `batch`.
CountPhase CountPhaseOf(const Model& model, int64_t batch);

std::string RenderCountTable(const NetworkCount& count,
                             const std::string& description,
                             const DimBindings& bindings, bool per_layer,
                             const CountPhase& phase = {});

// {"model", "dimensions", "uncounted", "layers", "totals", "brain"}.
// With "phase", "tokens_per_inference" (null without a sequence) and, in
// totals, "active_params" and for a training step "training_flops" (of
// the run) and "training_flops_per_step".
nlohmann::ordered_json CountToJson(const NetworkCount& count,
                                   const DimBindings& bindings,
                                   const CountPhase& phase = {});

// One row per layer and a final "total" row.
std::string RenderCountCsv(const NetworkCount& count);

// What the stored weights say, per weighted layer (count --weights).
std::string RenderWeightTable(const NetworkCount& count);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_COUNT_H_
