// LSTM, GRU and RNN: recurrent nodes whose neurons are the gates' units,
// each with input + hidden synapses, stepping over the sequence (ONNX's
// sequence-first layout).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

absl::Status Recurrent(ImportContext& cx, const onnx::NodeProto& n,
                       v1::Recurrent::Cell cell) {
  const GraphIndex& g = cx.tensors();
  if (AttrInt(n, "layout", 0) != 0) {
    return cx.EmitUncounted(n, "batch-first layout");
  }
  const auto w = n.input_size() > 2 ? g.Weight(n.input(1)) : std::nullopt;
  const auto r = n.input_size() > 2 ? g.Weight(n.input(2)) : std::nullopt;
  if (!w || !r) return cx.EmitUncounted(n, "weights computed at run time");
  const auto& wd = g.initializer(w->index).dims();
  const int64_t hidden = AttrInt(n, "hidden_size", 0);
  const std::string direction = AttrString(n, "direction", "forward");
  const int64_t dirs = direction == "bidirectional" ? 2 : 1;
  const auto& rd = g.initializer(r->index).dims();
  if (wd.size() != 3 || rd.size() != 3 || hidden <= 0 || rd[2] != hidden) {
    return absl::InvalidArgumentError(
        "W and R are not [directions, gates x hidden, input] "
        "and [directions, gates x hidden, hidden_size]");
  }
  const int64_t gates = cell == v1::Recurrent::LSTM  ? 4
                        : cell == v1::Recurrent::GRU ? 3
                                                     : 1;
  // Y may be unused (only the final states are); the node still needs an
  // output of its own.
  const std::string y = n.output_size() > 0 && !n.output(0).empty()
                            ? n.output(0)
                            : absl::StrCat(n.name(), "/Y");
  v1::Node* node = cx.NewNode(n, y);
  if (!n.output(0).empty()) {
    node->set_dtype(g.TypeOf(n.output(0)));
  } else {
    node->set_dtype(g.TypeOf(n.input(0)));
  }
  node->add_inputs(n.input(0));
  auto* rec = node->mutable_recurrent();
  rec->set_cell(cell);
  rec->set_input_size(wd[2]);
  rec->set_hidden_size(hidden);
  rec->set_layers(1);
  rec->set_bidirectional(dirs == 2);
  rec->set_bias(n.input_size() > 3 && !n.input(3).empty());
  rec->set_sequence_first(true);
  cx.NoteStored(node,
                {w, r, rec->bias() ? g.Weight(n.input(3)) : std::nullopt});
  const int64_t input = wd[2];
  // Presynaptic neurons: the inputs, then each direction's hidden units.
  return cx.Analyze(
      node, input + dirs * hidden,
      {{*w, PresynapticMap{1, input, 0, 0}},
       {*r, PresynapticMap{1, hidden, gates * hidden * hidden, input}}});
}

}  // namespace

void AddRecurrentTranslators(TranslatorTable& table) {
  for (const auto& entry : {std::pair{"LSTM", v1::Recurrent::LSTM},
                            std::pair{"GRU", v1::Recurrent::GRU},
                            std::pair{"RNN", v1::Recurrent::RNN}}) {
    const v1::Recurrent::Cell cell = entry.second;
    AddTranslator(table, entry.first,
                  [cell](ImportContext& cx, const onnx::NodeProto& n) {
                    return Recurrent(cx, n, cell);
                  });
  }
}

}  // namespace onnx_import
}  // namespace neurowatt
