#include "model/uncounted.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace neurowatt {

std::map<std::string, int64_t> UncountedOps(const NetworkCount& count) {
  std::map<std::string, int64_t> ops;
  for (const Workload& w : count.layers) {
    if (w.kind == "uncounted") ++ops[w.op_type];
  }
  return ops;
}

std::string UncountedSummary(const NetworkCount& count) {
  std::vector<std::string> parts;
  for (const auto& [op, n] : UncountedOps(count)) {
    parts.push_back(absl::StrCat(n, " x ", op));
  }
  return absl::StrJoin(parts, ", ");
}

}  // namespace neurowatt
