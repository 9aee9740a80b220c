// Helpers shared by the unit tests: build and count real architectures.
#ifndef NEUROWATT_TESTS_TEST_UTIL_H_
#define NEUROWATT_TESTS_TEST_UTIL_H_

#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "model/batch.h"
#include "model/architecture_io.h"
#include "model/graph.h"
#include "model/source.h"
#include "model/workload.h"

namespace neurowatt {

// Parses protobuf text, builds the graph and counts it.
inline absl::StatusOr<NetworkCount> CountText(const std::string& text,
                                              const DimBindings& dims = {}) {
  auto arch = ParseArchitectureText(text, "test");
  if (!arch.ok()) return arch.status();
  auto graph = Graph::Build(*arch, dims);
  if (!graph.ok()) return graph.status();
  return CountNetwork(*graph);
}

// Loads a SOURCE ("preset:..." or a path), builds the graph and counts it
// at the batch `dims` name (1 unless they bind one).
inline absl::StatusOr<NetworkCount> CountSource(const std::string& source,
                                                const DimBindings& dims = {}) {
  auto m = LoadModel(source, dims);
  if (!m.ok()) return m.status();
  return ScaleToBatch(m->count, m->batch);
}

// The layer named `name`; fails the test when absent.
inline const Workload& Layer(const NetworkCount& c, const std::string& name) {
  for (const auto& w : c.layers) {
    if (w.name == name) return w;
  }
  ADD_FAILURE() << "no layer " << name;
  static const Workload kNone;
  return kNone;
}

}  // namespace neurowatt

#endif  // NEUROWATT_TESTS_TEST_UTIL_H_
