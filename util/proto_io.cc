#include "util/proto_io.h"

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace {

using absl::StrCat;

// Keeps the parser's first error with its position; line and column are
// reported 1-based, as editors show them.
class FirstError : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, int column, const std::string& message) override {
    if (message_.empty()) {
      line_ = line + 1;
      column_ = column + 1;
      message_ = message;
    }
  }
  void AddWarning(int, int, const std::string&) override {}

  std::string Describe(absl::string_view source, absl::string_view type) const {
    if (message_.empty()) return StrCat(source, ": not a valid ", type);
    return StrCat(source, ":", line_, ":", column_, ": ", message_);
  }

 private:
  int line_ = 0, column_ = 0;
  std::string message_;
};

// Deep nesting in hostile files would otherwise recurse until the stack
// runs out; no real architecture nests more than a few levels.
constexpr int kRecursionLimit = 64;

}  // namespace

absl::Status ParseTextMessage(absl::string_view text, absl::string_view source,
                              google::protobuf::Message* out) {
  google::protobuf::TextFormat::Parser parser;
  FirstError errors;
  parser.RecordErrorsTo(&errors);
  parser.SetRecursionLimit(kRecursionLimit);
  if (!parser.ParseFromString(std::string(text), out)) {
    return absl::InvalidArgumentError(
        errors.Describe(source, out->GetDescriptor()->name()));
  }
  return absl::OkStatus();
}

absl::Status ParseBinaryMessage(absl::string_view bytes,
                                absl::string_view source,
                                google::protobuf::Message* out) {
  if (bytes.size() > static_cast<size_t>(INT32_MAX) ||
      !out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError(
        StrCat(source, ": not a valid binary ", out->GetDescriptor()->name(),
               " protobuf (", bytes.size(), " bytes)"));
  }
  return absl::OkStatus();
}

Encoding EncodingOf(absl::string_view path) {
  if (absl::EndsWith(path, ".textproto") || absl::EndsWith(path, ".pbtxt") ||
      absl::EndsWith(path, ".txtpb")) {
    return Encoding::kText;
  }
  return absl::EndsWith(path, ".pb") ? Encoding::kBinary : Encoding::kUnknown;
}

absl::StatusOr<std::string> ReadFileToString(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    std::string msg = StrCat(path, ": cannot read: ", std::strerror(err));
    if (err == ENOENT) return absl::NotFoundError(msg);
    if (err == EACCES) return absl::PermissionDeniedError(msg);
    return absl::InvalidArgumentError(msg);
  }
  if (S_ISDIR(st.st_mode)) {
    return absl::InvalidArgumentError(
        StrCat(path, ": is a directory, not a file"));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::PermissionDeniedError(
        StrCat(path, ": cannot read: ", std::strerror(errno)));
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(StrCat(path, ": read failed"));
  }
  return std::move(buf).str();
}

}  // namespace neurowatt
