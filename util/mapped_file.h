// A read-only memory mapping of a whole file, unmapped on destruction.
// Mapping rather than reading keeps large model files out of the heap: pages
// are read on first touch, and pages never touched are never read.
#ifndef NEUROWATT_UTIL_MAPPED_FILE_H_
#define NEUROWATT_UTIL_MAPPED_FILE_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace neurowatt {

class MappedFile {
 public:
  // Errors (NotFound, InvalidArgument) name `path`: missing, a directory, or
  // unreadable. An empty file maps to an empty view.
  static absl::StatusOr<MappedFile> Open(const std::string& path);

  MappedFile() = default;
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&& o) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  absl::string_view bytes() const {
    return {static_cast<const char*>(data_), size_};
  }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace neurowatt

#endif  // NEUROWATT_UTIL_MAPPED_FILE_H_
