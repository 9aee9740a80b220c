// Conv and ConvTranspose: conv nodes whose neurons are output channels.
#include <cstdint>
#include <optional>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/graph.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Where a convolution's weights and bias are among its inputs (QLinearConv
// puts scales and zero points between them; ConvInteger has no bias).
struct ConvInputs {
  int weight = 1;
  int bias = 2;  // -1: none
};

absl::Status Conv(ImportContext& cx, const onnx::NodeProto& n, bool transposed,
                  ConvInputs at = {}) {
  const GraphIndex& g = cx.tensors();
  const auto w =
      n.input_size() > at.weight ? g.Weight(n.input(at.weight)) : std::nullopt;
  if (!w) return cx.EmitUncounted(n, "weights computed at run time");
  auto x = g.ShapeOf(n.input(0));
  if (!x.ok()) return x.status();
  const std::vector<int64_t> ws(g.initializer(w->index).dims().begin(),
                                g.initializer(w->index).dims().end());
  if (ws.size() < 3 || x->size() != ws.size()) {
    return InvalidArgumentError(StrCat("weights ", ShapeToString(ws),
                                       " do not fit input ",
                                       ShapeToString(*x)));
  }
  const int64_t groups = AttrInt(n, "group", 1);
  const size_t dims = ws.size() - 2;
  std::vector<int64_t> kernel(ws.begin() + 2, ws.end());
  std::vector<int64_t> strides = AttrInts(n, "strides");
  std::vector<int64_t> dilations = AttrInts(n, "dilations");
  if (strides.size() != dims) strides.assign(dims, 1);
  if (dilations.size() != dims) dilations.assign(dims, 1);
  for (auto s :
       {InRange(strides, 1, "strides"), InRange(dilations, 1, "dilations"),
        InRange({groups}, 1, "group")}) {
    if (!s.ok()) return s;
  }
  if (transposed && ws[1] * static_cast<__int128>(groups) > kMaxDimension) {
    return InvalidArgumentError("output channels exceed 2^40");
  }
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  cx.TakeWeightType(node, *w);
  auto* c = node->mutable_conv();
  c->set_in_channels((*x)[1]);
  c->set_out_channels(transposed ? ws[1] * groups : ws[0]);
  c->set_groups(groups);
  c->set_bias(at.bias > 0 && n.input_size() > at.bias &&
              !n.input(at.bias).empty());
  c->set_transposed(transposed);
  for (size_t i = 0; i < dims; ++i) {
    c->add_kernel(kernel[i]);
    c->add_stride(strides[i]);
    c->add_dilation(dilations[i]);
  }
  std::vector<int64_t> pads;
  if (!transposed) {
    auto p = WindowPads(n, *x, kernel, strides, dilations);
    if (!p.ok()) return p.status();
    pads = *p;
  } else {
    // auto_pad and output_shape leave the split to the runtime; the total
    // follows from the inferred output, and the counts do not depend on the
    // split.
    auto out = g.ShapeOf(n.output(0));
    if (!out.ok()) return out.status();
    std::vector<int64_t> output_padding = AttrInts(n, "output_padding");
    if (output_padding.size() != dims) output_padding.assign(dims, 0);
    if (auto s = InRange(output_padding, 0, "output_padding"); !s.ok()) {
      return s;
    }
    pads = AttrInts(n, "pads");
    if (pads.size() != 2 * dims || Attr(n, "output_shape") != nullptr ||
        AttrString(n, "auto_pad", "NOTSET") != "NOTSET") {
      pads.assign(2 * dims, 0);
      for (size_t i = 0; i < dims; ++i) {
        const __int128 full = __int128{strides[i]} * ((*x)[i + 2] - 1) +
                              output_padding[i] +
                              __int128{kernel[i] - 1} * dilations[i] + 1;
        const __int128 wide = full - (*out)[i + 2];
        if (wide < 0 || wide > kMaxDimension) {
          return InvalidArgumentError("its padding does not match its output");
        }
        const int64_t total = static_cast<int64_t>(wide);
        pads[i] = total / 2;
        pads[i + dims] = total - total / 2;
      }
    }
    for (int64_t p : output_padding) c->add_output_padding(p);
  }
  for (int64_t p : pads) c->add_padding(p);
  cx.NoteStored(node,
                {w, c->bias() ? g.Weight(n.input(at.bias)) : std::nullopt});
  // Presynaptic neurons are input channels.
  const int64_t k = Product(kernel);
  PresynapticMap map;
  if (!transposed) {  // [out, in/groups, k...]
    map = {k, ws[1], ws[0] / groups * ws[1] * k, 0};
    if (groups == 1) map.group_block = 0;
  } else {  // [in, out/groups, k...]
    map = {ws[1] * k, ws[0], 0, 0};
  }
  return cx.Analyze(node, (*x)[1], {{*w, map}});
}

}  // namespace

void AddConvTranslators(TranslatorTable& table) {
  AddTranslator(table, "Conv", [](ImportContext& cx, const onnx::NodeProto& n) {
    return Conv(cx, n, /*transposed=*/false);
  });
  AddTranslator(table, "QLinearConv",
                [](ImportContext& cx, const onnx::NodeProto& n) {
                  return Conv(cx, n, /*transposed=*/false, {3, 8});
                });
  AddTranslator(table, "ConvInteger",
                [](ImportContext& cx, const onnx::NodeProto& n) {
                  return Conv(cx, n, /*transposed=*/false, {1, -1});
                });
  AddTranslator(table, "ConvTranspose",
                [](ImportContext& cx, const onnx::NodeProto& n) {
                  return Conv(cx, n, /*transposed=*/true);
                });
}

}  // namespace onnx_import
}  // namespace neurowatt
