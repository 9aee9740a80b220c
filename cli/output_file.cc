#include "cli/output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace neurowatt::cli {
namespace {

absl::Status Failure(const std::string& path, const char* what, int err) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": cannot ", what, ": ", std::strerror(err)));
}

}  // namespace

AtomicFileWriter::~AtomicFileWriter() { Abandon(); }

void AtomicFileWriter::Abandon() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
    fd_ = -1;
  }
}

absl::Status AtomicFileWriter::Open(const std::string& path) {
  Abandon();
  path_ = path;
  tmp_ = path + ".tmp.XXXXXX";
  fd_ = ::mkstemp(tmp_.data());
  if (fd_ < 0) return Failure(path_, "write", errno);
  // mkstemp creates the file 0600; outputs are ordinary user files.
  const mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd_, 0666 & ~mask) != 0) {
    const int err = errno;
    Abandon();
    return Failure(path_, "write", err);
  }
  return absl::OkStatus();
}

absl::Status AtomicFileWriter::Append(absl::string_view data) {
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      Abandon();
      return Failure(path_, "write", err);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status AtomicFileWriter::Commit() {
  if (::fsync(fd_) != 0 || ::close(fd_) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    fd_ = -1;
    return Failure(path_, "write", err);
  }
  fd_ = -1;
  if (::rename(tmp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp_.c_str());
    return Failure(path_, "replace", err);
  }
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path,
                                 absl::string_view content) {
  AtomicFileWriter w;
  if (auto s = w.Open(path); !s.ok()) return s;
  if (auto s = w.Append(content); !s.ok()) return s;
  return w.Commit();
}

absl::Status WriteOutput(const std::optional<std::string>& path,
                         absl::string_view text, std::ostream& out) {
  if (path) return WriteFileAtomically(*path, text);
  out << text;
  return absl::OkStatus();
}

}  // namespace neurowatt::cli
