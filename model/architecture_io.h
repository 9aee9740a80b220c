// Reading and writing v1::Architecture in its two encodings: protobuf text
// (.textproto, .pbtxt, .txtpb) and binary (.pb).
#ifndef NEUROWATT_MODEL_ARCHITECTURE_IO_H_
#define NEUROWATT_MODEL_ARCHITECTURE_IO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/architecture.pb.h"
#include "util/proto_io.h"

namespace neurowatt {

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

// The text encoding of `arch`.
std::string ArchitectureToText(const v1::Architecture& arch);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ARCHITECTURE_IO_H_
