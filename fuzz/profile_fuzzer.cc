// libFuzzer: hardware-profile text, validation, and the parameters the
// estimators compile from a valid profile.
#include <cstddef>
#include <cstdint>
#include <string>

#include "hw/neuromorphic_params.h"
#include "hw/profile.h"
#include "hw/von_neumann_params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto p = neurowatt::ParseProfileText(
      std::string(reinterpret_cast<const char*>(data), size), "fuzz.textproto");
  if (!p.ok() || !neurowatt::ValidateProfile(*p).ok()) return 0;
  if (p->has_von_neumann()) {
    (void)neurowatt::CompileVonNeumann(*p);
  } else if (p->has_neuromorphic()) {
    (void)neurowatt::CompileNeuromorphic(*p);
  }
  return 0;
}
