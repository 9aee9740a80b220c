// libFuzzer: the native Architecture parsers (binary, then text) and the
// graph built and counted from whatever parses. Any crash, sanitizer report
// or hang is a finding; errors are the expected outcome.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/architecture_io.h"
#include "model/graph.h"
#include "model/workload.h"

namespace {

void BuildAndCount(const neurowatt::v1::Architecture& arch) {
  auto graph = neurowatt::Graph::Build(arch, {{"batch", 2}});
  if (!graph.ok()) return;
  auto count = neurowatt::CountNetwork(*graph);
  (void)count;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (auto a = neurowatt::ParseArchitectureBinary(bytes, "fuzz.pb"); a.ok()) {
    BuildAndCount(*a);
  }
  if (auto a = neurowatt::ParseArchitectureText(bytes, "fuzz.textproto");
      a.ok()) {
    BuildAndCount(*a);
  }
  return 0;
}
