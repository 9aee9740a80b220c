// Where a command's output goes: stdout, or a file written atomically so
// that an error or a kill never leaves a partial file behind, and a previous
// file stays intact until the new one is complete.
#ifndef NEUROWATT_CLI_OUTPUT_FILE_H_
#define NEUROWATT_CLI_OUTPUT_FILE_H_

#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace neurowatt::cli {

// Writes `content` to a temporary file beside `path`, fsyncs it and renames
// it over `path`. On error the temporary file is removed and `path` is
// untouched; the error names the path.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content);

// Writes `text` to `path` atomically when given, else to `out`.
absl::Status WriteOutput(const std::optional<std::string>& path,
                         absl::string_view text, std::ostream& out);

}  // namespace neurowatt::cli

#endif  // NEUROWATT_CLI_OUTPUT_FILE_H_
