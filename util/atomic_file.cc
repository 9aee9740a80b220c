#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace neurowatt {
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
    if (!direct_) ::unlink(tmp_.c_str());
    fd_ = -1;
  }
}

absl::Status AtomicFileWriter::Open(const std::string& path) {
  Abandon();
  path_ = path;
  direct_ = false;
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    // A device or pipe (-o /dev/stdout): nothing to replace, write through.
    fd_ = ::open(path.c_str(), O_WRONLY | O_TRUNC);
    if (fd_ < 0) return Failure(path_, "write", errno);
    direct_ = true;
    return absl::OkStatus();
  }
  // Replace what a symbolic link points to, not the link.
  if (char* real = ::realpath(path.c_str(), nullptr)) {
    path_ = real;
    std::free(real);
  }
  tmp_ = path_ + ".tmp.XXXXXX";
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
  if (direct_) {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc == 0 ? absl::OkStatus() : Failure(path_, "write", errno);
  }
  const int synced = ::fsync(fd_) == 0 ? 0 : errno;
  const int closed = ::close(fd_) == 0 ? 0 : errno;
  fd_ = -1;
  if (synced != 0 || closed != 0) {
    ::unlink(tmp_.c_str());
    return Failure(path_, "write", synced != 0 ? synced : closed);
  }
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

}  // namespace neurowatt
