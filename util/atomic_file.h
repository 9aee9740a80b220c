// Where a command's output goes: stdout, or a file written atomically so
// that an error or a kill never leaves a partial file behind, and a previous
// file stays intact until the new one is complete.
#ifndef NEUROWATT_UTIL_ATOMIC_FILE_H_
#define NEUROWATT_UTIL_ATOMIC_FILE_H_

#include <optional>
#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace neurowatt {

// Streams into a temporary file beside `path`; Commit() fsyncs it and
// renames it over `path` (over the file a symbolic link names, keeping the
// link). Destroying an uncommitted writer removes the temporary file and
// leaves `path` untouched. A `path` that is a device or pipe
// (/dev/stdout) is written through. Errors name the path.
class AtomicFileWriter {
 public:
  AtomicFileWriter() = default;
  AtomicFileWriter(const AtomicFileWriter&) = delete;
  AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;
  ~AtomicFileWriter();

  absl::Status Open(const std::string& path);
  absl::Status Append(absl::string_view data);
  absl::Status Commit();

 private:
  void Abandon();

  std::string path_, tmp_;
  int fd_ = -1;
  bool direct_ = false;
};

// Writes `content` to `path` through an AtomicFileWriter.
absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content);

// Writes `text` to `path` atomically when given, else to `out`.
absl::Status WriteOutput(const std::optional<std::string>& path,
                         absl::string_view text, std::ostream& out);

}  // namespace neurowatt

#endif  // NEUROWATT_UTIL_ATOMIC_FILE_H_
