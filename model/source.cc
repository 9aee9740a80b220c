#include "model/source.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/architecture_io.h"
#include "model/onnx/importer.h"
#include "model/presets.h"

namespace neurowatt {

absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights) {
  constexpr absl::string_view kPreset = "preset:";
  LoadedSource out;
  if (absl::EndsWithIgnoreCase(source, ".onnx")) {
    OnnxImportOptions options;
    options.dims = dims;
    options.read_weights = read_weights;
    auto imported = ImportOnnx(std::string(source), options);
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

absl::StatusOr<CountedModel> LoadAndCount(absl::string_view source,
                                          const DimBindings& dims,
                                          v1::ElementType precision,
                                          bool read_weights) {
  auto loaded = LoadSource(source, dims, read_weights);
  if (!loaded.ok()) return loaded.status();
  OverridePrecision(precision, loaded->arch);
  auto graph = Graph::Build(loaded->arch, loaded->build_dims);
  if (!graph.ok()) {
    return absl::Status(graph.status().code(),
                        absl::StrCat(source, ": ", graph.status().message()));
  }
  auto count = CountNetwork(*graph);
  if (!count.ok()) {
    return absl::Status(count.status().code(),
                        absl::StrCat(source, ": ", count.status().message()));
  }
  return CountedModel{std::move(loaded->arch),
                      loaded->onnx ? loaded->imported : graph->bindings(),
                      *std::move(count)};
}

}  // namespace neurowatt
