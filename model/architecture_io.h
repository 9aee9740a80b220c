// Reading and writing v1::Architecture in its two encodings: protobuf text
// (.textproto, .pbtxt, .txtpb) and binary (.pb).
#ifndef NEUROWATT_MODEL_ARCHITECTURE_IO_H_
#define NEUROWATT_MODEL_ARCHITECTURE_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "neurowatt/v1/architecture.pb.h"

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

// Parses protobuf text. Errors (InvalidArgument) read
// "SOURCE:LINE:COLUMN: message", where `source` names the input.
absl::StatusOr<v1::Architecture> ParseArchitectureText(
    absl::string_view text, absl::string_view source);

// Parses the binary encoding. Errors name `source`.
absl::StatusOr<v1::Architecture> ParseArchitectureBinary(
    absl::string_view bytes, absl::string_view source);

// Reads `path`, choosing the encoding by extension. Errors name the path:
// NotFound / PermissionDenied when it cannot be read, InvalidArgument when
// its content or extension is wrong.
absl::StatusOr<v1::Architecture> ReadArchitectureFile(const std::string& path);

// Reads a whole file. Errors name the path.
absl::StatusOr<std::string> ReadFileToString(const std::string& path);

// The text encoding of `arch`.
std::string ArchitectureToText(const v1::Architecture& arch);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ARCHITECTURE_IO_H_
