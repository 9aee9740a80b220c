// Protobuf messages in files: the text and binary encodings of any message
// of the schema, the encoding a file's extension names, and reading whole
// files with errors that name the path.
#ifndef NEUROWATT_UTIL_PROTO_IO_H_
#define NEUROWATT_UTIL_PROTO_IO_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace neurowatt {

// Any message of the schema, in text: errors (InvalidArgument) read
// "SOURCE:LINE:COLUMN: message". Nesting deeper than 64 levels is an error.
absl::Status ParseTextMessage(absl::string_view text, absl::string_view source,
                              google::protobuf::Message* out);

// Any message of the schema, binary: errors name `source` and the type.
absl::Status ParseBinaryMessage(absl::string_view bytes,
                                absl::string_view source,
                                google::protobuf::Message* out);

// How a file holds a message, by its extension: text (.textproto, .pbtxt,
// .txtpb), binary (.pb), or neither.
enum class Encoding { kText, kBinary, kUnknown };
Encoding EncodingOf(absl::string_view path);

// Reads a whole file. Errors name the path: NotFound, PermissionDenied, or
// InvalidArgument for a directory or a failed read.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

}  // namespace neurowatt

#endif  // NEUROWATT_UTIL_PROTO_IO_H_
