// libFuzzer: the ONNX importer end to end (skeleton reader, libonnx shape
// inference, shape folding, mapping, weight analysis) and the count.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/graph.h"
#include "model/onnx/importer.h"
#include "model/workload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  neurowatt::OnnxImportOptions options;
  options.read_weights = true;
  auto imported = neurowatt::ImportOnnxBytes(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.onnx",
      options);
  if (!imported.ok()) return 0;
  auto graph = neurowatt::Graph::Build(imported->arch);
  if (graph.ok()) (void)neurowatt::CountNetwork(*graph);
  return 0;
}
