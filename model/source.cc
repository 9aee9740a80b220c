#include "model/source.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/architecture_io.h"
#include "model/presets.h"

namespace neurowatt {

absl::StatusOr<v1::Architecture> LoadSource(absl::string_view source) {
  constexpr absl::string_view kPreset = "preset:";
  if (absl::StartsWith(source, kPreset)) {
    return BuildPreset(source.substr(kPreset.size()));
  }
  return ReadArchitectureFile(std::string(source));
}

absl::StatusOr<CountedModel> LoadAndCount(absl::string_view source,
                                          const DimBindings& dims,
                                          v1::ElementType precision) {
  auto arch = LoadSource(source);
  if (!arch.ok()) return arch.status();
  OverridePrecision(precision, *arch);
  auto graph = Graph::Build(*arch, dims);
  if (!graph.ok()) {
    return absl::Status(graph.status().code(),
                        absl::StrCat(source, ": ", graph.status().message()));
  }
  auto count = CountNetwork(*graph);
  if (!count.ok()) {
    return absl::Status(count.status().code(),
                        absl::StrCat(source, ": ", count.status().message()));
  }
  return CountedModel{*std::move(arch), graph->bindings(), *std::move(count)};
}

}  // namespace neurowatt
