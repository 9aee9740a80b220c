#include "cli/layer_rows.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace neurowatt::cli {
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

std::vector<LayerRow> FoldLayers(const std::vector<Workload>& layers,
                                 bool per_layer, int64_t* layout_only) {
  std::vector<LayerRow> rows;
  std::map<std::tuple<std::string, std::string, int64_t, int64_t, int64_t,
                      int64_t, int64_t, int64_t>,
           size_t>
      index;
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
    auto key = std::make_tuple(pattern, w.kind, w.neurons, w.synapses, w.params,
                               w.macs, w.input_bytes, w.output_bytes);
    auto [it, inserted] = index.emplace(key, rows.size());
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

std::string FoldingNotes(const std::vector<LayerRow>& rows,
                         int64_t layout_only) {
  std::string out;
  if (std::any_of(rows.begin(), rows.end(),
                  [](const LayerRow& r) { return r.repeats > 1; })) {
    absl::StrAppend(&out,
                    "(x = how many layers share the row; figures are per "
                    "layer; --per-layer lists each)\n");
  }
  if (layout_only > 0) {
    absl::StrAppend(&out, "(", layout_only, " layout or constant node",
                    layout_only == 1 ? " (reshape, concat...) moves"
                                     : "s (reshape, concat...) move",
                    " no arithmetic and ", layout_only == 1 ? "is" : "are",
                    " not listed)\n");
  }
  return out;
}

}  // namespace neurowatt::cli
