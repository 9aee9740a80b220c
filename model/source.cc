#include "model/source.h"

#include <cctype>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/architecture_io.h"
#include "model/onnx/importer.h"
#include "model/presets.h"
#include "util/error.h"

namespace neurowatt {
namespace {

constexpr absl::string_view kPreset = "preset:";
constexpr absl::string_view kBatch = "batch";

bool IsOnnx(absl::string_view source) {
  return absl::EndsWithIgnoreCase(source, ".onnx");
}

// TODO(onnx-split): the importer reports its batch symbol.
std::string OnnxBatchSymbol(const DimBindings& bindings) {
  if (bindings.contains(std::string(kBatch))) return std::string(kBatch);
  std::string found;
  int n = 0;
  for (const auto& [sym, value] : bindings) {
    std::string lower = sym;
    for (char& c : lower) c = static_cast<char>(std::tolower(c));
    if (lower == "n" || absl::StrContains(lower, "batch")) {
      found = sym;
      ++n;
    }
  }
  return n == 1 ? found : std::string();
}

}  // namespace

absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights) {
  LoadedSource out;
  if (IsOnnx(source)) {
    auto imported = ImportOnnx(std::string(source), dims, read_weights);
    if (!imported.ok()) return imported.status();
    out.arch = std::move(imported->arch);
    out.imported = std::move(imported->bindings);
    out.onnx = true;
    return out;
  }
  auto arch = absl::StartsWith(source, kPreset)
                  ? BuildPreset(source.substr(kPreset.size()))
                  : ReadArchitectureFile(std::string(source));
  if (!arch.ok()) return arch.status();
  out.arch = *std::move(arch);
  out.build_dims = dims;
  return out;
}

DimBindings Model::DimsAt(int64_t b) const {
  DimBindings out = dims;
  if (has_batch_dimension()) out[batch_symbol] = b;
  return out;
}

absl::StatusOr<Model> LoadModel(absl::string_view source,
                                const DimBindings& dims, bool read_weights) {
  Model m;
  m.source = std::string(source);
  // The graph is built at batch 1; the batch asked for is a pricing
  // parameter. Binding batch = 1 still checks that the model has one.
  DimBindings unit = dims;
  if (auto it = unit.find(std::string(kBatch)); it != unit.end()) {
    m.batch = it->second;
    it->second = 1;
  }
  auto loaded = LoadSource(source, unit, read_weights);
  if (!loaded.ok()) return loaded.status();
  auto graph = Graph::Build(loaded->arch, loaded->build_dims);
  if (!graph.ok()) return Prefixed(source, graph.status());
  auto count = CountNetwork(*graph);
  if (!count.ok()) return Prefixed(source, count.status());
  if (loaded->onnx) {
    m.dims = loaded->imported;
    m.batch_symbol = OnnxBatchSymbol(m.dims);
  } else {
    m.dims = graph->bindings();
    if (m.dims.contains(std::string(kBatch))) m.batch_symbol = std::string(kBatch);
  }
  m.arch = std::move(loaded->arch);
  m.count = *std::move(count);
  return m;
}

}  // namespace neurowatt
