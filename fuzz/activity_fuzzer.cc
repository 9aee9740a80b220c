// libFuzzer: measured-activity files, JSON and CSV (the first byte picks).
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/activity_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)neurowatt::ParseActivity(text,
                                 data[0] % 2 == 0 ? "fuzz.json" : "fuzz.csv");
  return 0;
}
