#include "model/source.h"

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
constexpr char kBatch[] = "batch";

// `source` loaded; with `unit_batch` an ONNX file is imported at batch 1
// whatever `dims` say (Model::batch keeps what they asked for).
absl::StatusOr<LoadedSource> Load(absl::string_view source,
                                  const DimBindings& dims, bool read_weights,
                                  bool unit_batch, std::string* batch_symbol,
                                  int64_t* batch) {
  LoadedSource out;
  if (absl::EndsWithIgnoreCase(source, ".onnx")) {
    OnnxImportOptions options;
    options.dims = dims;
    options.read_weights = read_weights;
    options.unit_batch = unit_batch;
    auto imported = ImportOnnx(std::string(source), options);
    if (!imported.ok()) return imported.status();
    out.arch = std::move(imported->arch);
    out.imported = std::move(imported->bindings);
    out.onnx = true;
    if (batch_symbol) *batch_symbol = imported->batch_symbol;
    if (batch) *batch = imported->batch;
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

}  // namespace

absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights) {
  return Load(source, dims, read_weights, /*unit_batch=*/false, nullptr,
              nullptr);
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
  if (auto it = unit.find(kBatch); it != unit.end()) {
    m.batch = it->second;
    it->second = 1;
  }
  // The importer sets the batch aside itself, whether "batch" or the
  // symbol's own name gives it.
  const bool onnx = absl::EndsWithIgnoreCase(source, ".onnx");
  auto loaded = Load(source, onnx ? dims : unit, read_weights,
                     /*unit_batch=*/true, &m.batch_symbol, &m.batch);
  if (!loaded.ok()) return loaded.status();
  auto graph = Graph::Build(loaded->arch, loaded->build_dims);
  if (!graph.ok()) return Prefixed(source, graph.status());
  auto count = CountNetwork(*graph);
  if (!count.ok()) return Prefixed(source, count.status());
  if (loaded->onnx) {
    m.dims = loaded->imported;
  } else {
    m.dims = graph->bindings();
    if (m.dims.contains(kBatch)) m.batch_symbol = kBatch;
  }
  m.arch = std::move(loaded->arch);
  m.count = *std::move(count);
  return m;
}

}  // namespace neurowatt
