#include "model/architecture_io.h"

#include <google/protobuf/text_format.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "util/proto_io.h"

namespace neurowatt {

using absl::StrCat;
absl::StatusOr<v1::Architecture> ParseArchitectureText(
    absl::string_view text, absl::string_view source) {
  v1::Architecture arch;
  if (auto s = ParseTextMessage(text, source, &arch); !s.ok()) return s;
  return arch;
}

absl::StatusOr<v1::Architecture> ParseArchitectureBinary(
    absl::string_view bytes, absl::string_view source) {
  v1::Architecture arch;
  if (auto s = ParseBinaryMessage(bytes, source, &arch); !s.ok()) return s;
  return arch;
}

absl::StatusOr<v1::Architecture> ReadArchitectureFile(const std::string& path) {
  auto content = ReadFileToString(path);
  if (!content.ok()) return content.status();
  const Encoding encoding = EncodingOf(path);
  if (encoding == Encoding::kUnknown) {
    return absl::InvalidArgumentError(
        StrCat(path,
               ": unknown file type; expected .pb (binary), .textproto or "
               ".pbtxt (text)"));
  }
  if (content->empty()) {
    return absl::InvalidArgumentError(StrCat(path, ": the file is empty"));
  }
  auto arch = encoding == Encoding::kText
                  ? ParseArchitectureText(*content, path)
                  : ParseArchitectureBinary(*content, path);
  if (!arch.ok()) return arch.status();
  if (arch->nodes_size() == 0) {
    return absl::InvalidArgumentError(
        StrCat(path, ": the architecture has no nodes"));
  }
  return arch;
}

std::string ArchitectureToText(const v1::Architecture& arch) {
  std::string out;
  google::protobuf::TextFormat::PrintToString(arch, &out);
  return out;
}

}  // namespace neurowatt
