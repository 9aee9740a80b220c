#include "model/layer_folding.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <utility>

namespace neurowatt {
namespace {

// "blocks.17.attn.q" -> "blocks.*.attn.q"; ONNX's
// "/layers/encoder_layer_3/mlp/Add_1" -> "/layers/encoder_layer_*/mlp/Add_*":
// a number that is a whole path part, or ends one after '_', is an index.
std::string NamePattern(const std::string& name) {
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("./", start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    size_t digits = part.size();
    while (digits > 0 &&
           std::isdigit(static_cast<unsigned char>(part[digits - 1]))) {
      --digits;
    }
    if (digits < part.size() && (digits == 0 || part[digits - 1] == '_')) {
      part = part.substr(0, digits) + "*";
    }
    out += part;
    if (end < name.size()) out += name[end];
    start = end + 1;
  }
  return out;
}

bool LayoutOnly(const Workload& w) {
  return w.kind == "reshape" || w.kind == "transpose" || w.kind == "layout" ||
         w.kind == "constant";
}

}  // namespace

std::vector<LayerRow> FoldLayers(const NetworkCount& count, bool per_layer,
                                 int64_t* layout_only) {
  const std::vector<Workload>& layers = count.layers;
  std::vector<LayerRow> rows;
  std::map<std::pair<std::string, int>, size_t> index;
  *layout_only = 0;
  for (size_t i = 0; i < layers.size(); ++i) {
    const Workload& w = layers[i];
    if (LayoutOnly(w)) {
      ++*layout_only;
      continue;
    }
    if (per_layer) {
      rows.push_back({w.name, i, 1});
      continue;
    }
    const std::string pattern = NamePattern(w.name);
    auto [it, inserted] = index.emplace(
        std::make_pair(pattern, count.layer_class[i]), rows.size());
    if (inserted) {
      rows.push_back({pattern, i, 1});
    } else {
      ++rows[it->second].repeats;
    }
  }
  for (LayerRow& r : rows) {
    if (r.repeats == 1) r.name = layers[r.index].name;
  }
  return rows;
}

}  // namespace neurowatt
