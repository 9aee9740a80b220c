// An .onnx file opened without a second copy of its weights. The file is
// memory-mapped; the ModelProto is parsed from a skeleton of it in which
// every large tensor payload (raw_data, packed float_data or double_data) is
// left out and remembered as a span of the mapping. Shapes, attributes and
// small tensors (shape constants) stay in the parsed model, so ONNX's shape
// inference runs on it unchanged; weights are read from the mapping only
// when asked for.
#ifndef NEUROWATT_MODEL_ONNX_ONNX_FILE_H_
#define NEUROWATT_MODEL_ONNX_ONNX_FILE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "onnx/onnx_pb.h"
#include "util/mapped_file.h"

namespace neurowatt {

class OnnxFile {
 public:
  // Payloads up to this many bytes stay in the parsed model.
  static constexpr size_t kInlinePayloadBytes = 4096;

  // Opens and parses `path`. Errors (InvalidArgument, NotFound) name the
  // file: unreadable, not a protobuf, not an ONNX model, no graph, or an
  // initializer whose external data file is missing, outside the model's
  // folder, or shorter than the tensor.
  static absl::StatusOr<std::unique_ptr<OnnxFile>> Open(
      const std::string& path);

  // The same for a model already in memory, named `name` in errors.
  // External data is looked up relative to the working directory.
  static absl::StatusOr<std::unique_ptr<OnnxFile>> FromBytes(
      std::string bytes, const std::string& name);

  const std::string& path() const { return path_; }
  onnx::ModelProto& model() { return model_; }
  const onnx::ModelProto& model() const { return model_; }

  // The stored bytes of graph().initializer(index), little-endian in its
  // data_type, or nullopt when the file holds only the tensor's shape (a
  // weight-stripped model). The view lives as long as this object.
  absl::StatusOr<std::optional<absl::string_view>> Payload(int index);

 private:
  struct Span {
    size_t offset = 0, length = 0;
    bool present = false;
  };

  OnnxFile() = default;
  absl::Status Parse();
  absl::Status CheckExternalData();
  absl::string_view bytes() const {
    return owned_.empty() ? file_.bytes() : absl::string_view(owned_);
  }

  std::string path_;
  std::string dir_;  // for external data; ends with '/' or is empty
  MappedFile file_;
  std::string owned_;  // FromBytes
  onnx::ModelProto model_;
  std::vector<Span> spans_;  // one per initializer, in order
  std::map<std::string, MappedFile> external_;
};

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_ONNX_FILE_H_
