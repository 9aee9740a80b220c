// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool: pool nodes,
// and the window padding they share with Conv.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "model/graph.h"
#include "model/onnx/translators.h"

namespace neurowatt {
namespace onnx_import {
namespace {

absl::Status GlobalPool(ImportContext& cx, const onnx::NodeProto& n) {
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  node->mutable_pool()->set_kind(n.op_type() == "GlobalMaxPool"
                                     ? v1::Pool::GLOBAL_MAX
                                     : v1::Pool::GLOBAL_AVERAGE);
  return absl::OkStatus();
}

absl::Status Pool(ImportContext& cx, const onnx::NodeProto& n) {
  auto x = cx.tensors().ShapeOf(n.input(0));
  if (!x.ok()) return x.status();
  const std::vector<int64_t> kernel = AttrInts(n, "kernel_shape");
  const size_t dims = kernel.size();
  std::vector<int64_t> strides = AttrInts(n, "strides");
  if (strides.size() != dims) strides.assign(dims, 1);
  std::vector<int64_t> dilations = AttrInts(n, "dilations");
  if (dilations.size() != dims) dilations.assign(dims, 1);
  for (auto s :
       {InRange(kernel, 1, "kernel_shape"), InRange(strides, 1, "strides"),
        InRange(dilations, 1, "dilations")}) {
    if (!s.ok()) return s;
  }
  if (std::any_of(dilations.begin(), dilations.end(),
                  [](int64_t d) { return d != 1; })) {
    return cx.EmitUncounted(n, "dilated pooling");
  }
  auto pads = WindowPads(n, *x, kernel, strides, dilations);
  if (!pads.ok()) return pads.status();
  v1::Node* node = cx.NewNode(n, n.output(0));
  node->add_inputs(n.input(0));
  auto* p = node->mutable_pool();
  p->set_kind(n.op_type() == "MaxPool" ? v1::Pool::MAX : v1::Pool::AVERAGE);
  for (size_t i = 0; i < dims; ++i) {
    p->add_kernel(kernel[i]);
    p->add_stride(strides[i]);
  }
  for (int64_t v : *pads) p->add_padding(v);
  p->set_ceil_mode(AttrInt(n, "ceil_mode", 0) != 0);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<int64_t>> WindowPads(
    const onnx::NodeProto& n, const std::vector<int64_t>& in,
    const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
    const std::vector<int64_t>& dilations) {
  const size_t dims = kernel.size();
  const std::string auto_pad = AttrString(n, "auto_pad", "NOTSET");
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER") {
    std::vector<int64_t> pads = AttrInts(n, "pads");
    if (pads.size() != 2 * dims) pads.assign(2 * dims, 0);
    if (auto s = InRange(pads, 0, "pads"); !s.ok()) return s;
    return pads;
  }
  std::vector<int64_t> pads(2 * dims, 0);
  for (size_t i = 0; i < dims; ++i) {
    // Each term is at most 2^40 (checked), their products at most 2^80.
    const __int128 s = strides[i];
    const __int128 out = (in[i + 2] + s - 1) / s;
    const __int128 span = __int128{kernel[i] - 1} * dilations[i] + 1;
    const __int128 wide =
        std::max<__int128>(0, (out - 1) * s + span - in[i + 2]);
    if (wide > kMaxDimension) {
      return absl::InvalidArgumentError(
          "the window spans more than 2^40 elements");
    }
    const int64_t total = static_cast<int64_t>(wide);
    const int64_t small = total / 2, large = total - small;
    pads[i] = auto_pad == "SAME_UPPER" ? small : large;
    pads[i + dims] = auto_pad == "SAME_UPPER" ? large : small;
  }
  return pads;
}

void AddPoolTranslators(TranslatorTable& table) {
  AddTranslator(table, "MaxPool", Pool);
  AddTranslator(table, "AveragePool", Pool);
  AddTranslator(table, "GlobalAveragePool", GlobalPool);
  AddTranslator(table, "GlobalMaxPool", GlobalPool);
}

}  // namespace onnx_import
}  // namespace neurowatt
