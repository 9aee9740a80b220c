// ONNX control flow (Loop, Scan, If) inlined into the enclosing graph, so
// that the rest of the importer sees one flat graph whose nodes it counts
// as any other, each knowing how many times it runs:
//   - a Loop with a static trip count M runs its body M times (an early
//     exit through its condition is not foreseen: M is the count);
//   - a Scan runs its body once per element of its scanned axis;
//   - an If runs one branch: the one its condition picks when that is
//     static, else the costlier (more weighted ops, then more nodes), which
//     is recorded as an assumption.
// The body's tensors are renamed under the node's first output ("Y/..."),
// its inputs bound to the loop's (the iteration number to 0, the condition
// to true), and its per-iteration outputs stacked by zero-compute layout
// ops (Unsqueeze, Expand) to the shape the node's outputs have. Internal
// to model/onnx/; see docs/onnx.md.
#ifndef NEUROWATT_MODEL_ONNX_CONTROL_FLOW_H_
#define NEUROWATT_MODEL_ONNX_CONTROL_FLOW_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "model/onnx/shape_folding.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

// Times an inlined node runs per inference, by its first output's name;
// nodes not listed run once.
using Repeats = absl::flat_hash_map<std::string, int64_t>;

// A loop's carried state (the inlined body's input) and the value it takes
// for the next iteration (the body's output): the state is data when the
// next value is, even if it starts from a constant.
using Feedback = std::vector<std::pair<std::string, std::string>>;

// How many times `n` runs per inference (1 unless inlined from a body).
int64_t RepeatsOf(const Repeats& repeats, const onnx::NodeProto& n);

// Inlines every Loop and Scan of `graph` whose repetition is known now
// (from folded constants and `shapes`) and every If whose condition is.
// With `settled` (folding has nothing left to do), an If whose condition
// is still unknown is inlined on its costlier branch. `opset` is the
// model's default-domain opset (Unsqueeze takes its axes as an input from
// 13). Updates `repeats` and appends to `feedback` and `assumptions`; returns
// how many nodes were inlined. What it cannot inline stays for a later pass or
// for the importer to refuse (AddControlFlowTranslators, translators.h).
int InlineControlFlow(onnx::GraphProto& graph, int64_t opset,
                      const ShapeLookup& shapes, bool settled, Repeats& repeats,
                      Feedback& feedback,
                      std::vector<std::string>& assumptions);

// The tensors `n`'s subgraphs (at any depth) read from outside them.
std::vector<std::string> OuterReferences(const onnx::NodeProto& n);

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_CONTROL_FLOW_H_
