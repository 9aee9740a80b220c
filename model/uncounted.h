// Nodes whose work neurowatt does not count (ops an importer did not know):
// listed by op type in every report, and announced on stderr, so that they
// are never a silent zero.
#ifndef NEUROWATT_MODEL_UNCOUNTED_H_
#define NEUROWATT_MODEL_UNCOUNTED_H_

#include <cstdint>
#include <map>
#include <string>

#include "model/workload.h"

namespace neurowatt {

// Op type -> number of uncounted nodes of that type.
std::map<std::string, int64_t> UncountedOps(const NetworkCount& count);

// "3 x NonMaxSuppression, 1 x TopK", or "" when there are none.
std::string UncountedSummary(const NetworkCount& count);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_UNCOUNTED_H_
