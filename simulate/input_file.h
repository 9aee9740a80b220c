// Input data for the simulator: a matrix of numbers, one row per timestep
// (or per sample), one column per input neuron (or feature).
//   CSV: comma-separated numbers; a first line that is not numeric is a
//        header and skipped.
//   .npy: NumPy's format, version 1 to 3, C order, 1-D or 2-D, of float32,
//        float64, int8/16/32/64, uint8 or bool (a 1-D array is a column).
#ifndef NEUROWATT_SIMULATE_INPUT_FILE_H_
#define NEUROWATT_SIMULATE_INPUT_FILE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace neurowatt {

// Reads `path` (.npy by its extension, else CSV). Errors (InvalidArgument,
// NotFound) name the file and, for CSV, the line: a value that is not a
// finite number, rows of different lengths, an empty file, an unsupported
// .npy type or order.
absl::StatusOr<std::vector<std::vector<float>>> ReadMatrix(
    const std::string& path);

// Class labels, one per row of a one-column file read as ReadMatrix reads
// it: `rows` of them, each a whole number from 0 to classes - 1. Errors
// (InvalidArgument, NotFound) name the file and the label at fault.
absl::StatusOr<std::vector<int64_t>> ReadLabels(const std::string& path,
                                                int64_t rows, int64_t classes);

}  // namespace neurowatt

#endif  // NEUROWATT_SIMULATE_INPUT_FILE_H_
