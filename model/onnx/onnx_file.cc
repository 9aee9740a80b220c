#include "model/onnx/onnx_file.h"

#include <cstdint>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Field numbers of onnx.proto that the skeleton pass looks into.
constexpr uint32_t kModelGraph = 7;
constexpr uint32_t kGraphInitializer = 5;
constexpr uint32_t kTensorFloatData = 4;
constexpr uint32_t kTensorRawData = 9;
constexpr uint32_t kTensorDoubleData = 10;
// A well-formed model nests far less; the limit keeps hostile input from
// exhausting the stack.
constexpr int kMaxDepth = 3;

enum WireType : uint32_t {
  kVarint = 0,
  kFixed64 = 1,
  kLengthDelimited = 2,
  kFixed32 = 5
};

struct Field {
  uint32_t number = 0;
  uint32_t wire_type = 0;
  size_t start = 0;  // of the tag
  size_t value = 0;  // of the value (after a length prefix)
  size_t end = 0;    // one past the value
};

// Walks the fields of one message laid out in data[begin, end).
class FieldReader {
 public:
  FieldReader(absl::string_view data, size_t begin, size_t end)
      : data_(data), pos_(begin), end_(end) {}

  // False at the end; an error for malformed input.
  absl::StatusOr<bool> Next(Field& f) {
    if (pos_ >= end_) return false;
    f.start = pos_;
    uint64_t tag;
    if (!Varint(tag)) return Malformed();
    f.number = static_cast<uint32_t>(tag >> 3);
    f.wire_type = static_cast<uint32_t>(tag & 7);
    if (f.number == 0) return Malformed();
    switch (f.wire_type) {
      case kVarint: {
        uint64_t ignored;
        if (!Varint(ignored)) return Malformed();
        f.value = f.start;
        break;
      }
      case kFixed64:
      case kFixed32: {
        const size_t n = f.wire_type == kFixed64 ? 8 : 4;
        if (end_ - pos_ < n) return Malformed();
        f.value = pos_;
        pos_ += n;
        break;
      }
      case kLengthDelimited: {
        uint64_t len;
        if (!Varint(len) || len > end_ - pos_) return Malformed();
        f.value = pos_;
        pos_ += static_cast<size_t>(len);
        break;
      }
      default:  // groups are not used by onnx.proto
        return Malformed();
    }
    f.end = pos_;
    return true;
  }

  size_t position() const { return pos_; }

 private:
  bool Varint(uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64 && pos_ < end_; shift += 7) {
      const auto byte = static_cast<uint8_t>(data_[pos_++]);
      v |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return true;
    }
    return false;
  }
  absl::Status Malformed() const {
    return InvalidArgumentError(
        StrCat("not a valid protobuf (malformed field at byte ", pos_, ")"));
  }

  absl::string_view data_;
  size_t pos_, end_;
};

void AppendVarint(uint64_t v, std::string& out) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void AppendSubmessage(uint32_t number, const std::string& body,
                      std::string& out) {
  AppendVarint((uint64_t{number} << 3) | kLengthDelimited, out);
  AppendVarint(body.size(), out);
  out += body;
}

// Rebuilds a message without its large tensor payloads. `level` is 0 for
// ModelProto, 1 for GraphProto, 2 for an initializer's TensorProto.
template <typename OnTensor>
absl::Status Skeleton(absl::string_view data, size_t begin, size_t end,
                      int level, std::string& out, OnTensor& on_tensor,
                      std::vector<std::pair<size_t, size_t>>* payload) {
  if (level > kMaxDepth) return InvalidArgumentError("nested too deeply");
  FieldReader reader(data, begin, end);
  Field f;
  while (true) {
    auto more = reader.Next(f);
    if (!more.ok()) return more.status();
    if (!*more) break;
    const bool nested = f.wire_type == kLengthDelimited;
    if (level == 0 && nested && f.number == kModelGraph) {
      std::string body;
      if (auto s = Skeleton(data, f.value, f.end, 1, body, on_tensor, nullptr);
          !s.ok()) {
        return s;
      }
      AppendSubmessage(f.number, body, out);
    } else if (level == 1 && nested && f.number == kGraphInitializer) {
      std::string body;
      std::vector<std::pair<size_t, size_t>> spans;
      if (auto s = Skeleton(data, f.value, f.end, 2, body, on_tensor, &spans);
          !s.ok()) {
        return s;
      }
      on_tensor(spans);
      AppendSubmessage(f.number, body, out);
    } else if (level == 2 && nested &&
               (f.number == kTensorRawData || f.number == kTensorFloatData ||
                f.number == kTensorDoubleData) &&
               f.end - f.value > OnnxFile::kInlinePayloadBytes) {
      payload->emplace_back(f.value, f.end - f.value);
    } else {
      out.append(data.data() + f.start, f.end - f.start);
    }
  }
  return absl::OkStatus();
}

std::string ExternalValue(const onnx::TensorProto& t, absl::string_view key) {
  for (const auto& kv : t.external_data()) {
    if (kv.key() == key) return kv.value();
  }
  return "";
}

}  // namespace

absl::StatusOr<std::unique_ptr<OnnxFile>> OnnxFile::Open(
    const std::string& path) {
  auto mapped = MappedFile::Open(path);
  if (!mapped.ok()) return mapped.status();
  std::unique_ptr<OnnxFile> f(new OnnxFile());
  f->path_ = path;
  if (const size_t slash = path.rfind('/'); slash != std::string::npos) {
    f->dir_ = path.substr(0, slash + 1);
  }
  f->file_ = *std::move(mapped);
  if (auto s = f->Parse(); !s.ok()) return s;
  return f;
}

absl::StatusOr<std::unique_ptr<OnnxFile>> OnnxFile::FromBytes(
    std::string bytes, const std::string& name) {
  std::unique_ptr<OnnxFile> f(new OnnxFile());
  f->path_ = name;
  f->owned_ = std::move(bytes);
  if (auto s = f->Parse(); !s.ok()) return s;
  return f;
}

absl::Status OnnxFile::Parse() {
  const absl::string_view data = bytes();
  if (data.empty()) {
    return InvalidArgumentError(StrCat(path_, ": the file is empty"));
  }
  std::string skeleton;
  auto on_tensor = [this](const std::vector<std::pair<size_t, size_t>>& spans) {
    Span s;
    if (spans.size() == 1) s = {spans[0].first, spans[0].second, true};
    spans_.push_back(s);
  };
  if (auto s = Skeleton(data, 0, data.size(), 0, skeleton, on_tensor, nullptr);
      !s.ok()) {
    return InvalidArgumentError(
        StrCat(path_, ": not an ONNX model: ", s.message()));
  }
  google::protobuf::io::CodedInputStream stream(
      reinterpret_cast<const uint8_t*>(skeleton.data()),
      static_cast<int>(skeleton.size()));
  stream.SetRecursionLimit(64);
  if (skeleton.size() > INT32_MAX || !model_.ParseFromCodedStream(&stream) ||
      !stream.ConsumedEntireMessage()) {
    return InvalidArgumentError(
        StrCat(path_,
               ": not an ONNX model (the protobuf does not parse as "
               "onnx.ModelProto)"));
  }
  if (!model_.has_graph() || model_.graph().node_size() == 0) {
    return InvalidArgumentError(
        StrCat(path_, ": not an ONNX model (it has no graph nodes)"));
  }
  if (static_cast<int>(spans_.size()) != model_.graph().initializer_size()) {
    return absl::InternalError(StrCat(path_, ": initializer bookkeeping"));
  }
  return CheckExternalData();
}

absl::Status OnnxFile::CheckExternalData() {
  const auto& inits = model_.graph().initializer();
  for (int i = 0; i < inits.size(); ++i) {
    const onnx::TensorProto& t = inits[i];
    if (t.data_location() != onnx::TensorProto::EXTERNAL) continue;
    const std::string location = ExternalValue(t, "location");
    if (location.empty() || absl::StartsWith(location, "/") ||
        absl::StrContains(location, "..")) {
      return InvalidArgumentError(StrCat(
          path_, ": initializer '", t.name(), "': external data location '",
          location, "' must be a path inside the model's folder"));
    }
    auto it = external_.find(location);
    if (it == external_.end()) {
      auto mapped = MappedFile::Open(dir_ + location);
      if (!mapped.ok()) {
        return InvalidArgumentError(StrCat(
            path_, ": initializer '", t.name(), "': external data file '",
            location, "' ",
            absl::IsNotFound(mapped.status())
                ? StrCat("not found in '", dir_.empty() ? "." : dir_, "'")
                : std::string(mapped.status().message())));
      }
      it = external_.emplace(location, *std::move(mapped)).first;
    }
    uint64_t offset = 0, length = 0;
    const std::string off = ExternalValue(t, "offset");
    const std::string len = ExternalValue(t, "length");
    if ((!off.empty() && !absl::SimpleAtoi(off, &offset)) ||
        (!len.empty() && !absl::SimpleAtoi(len, &length))) {
      return InvalidArgumentError(StrCat(path_, ": initializer '", t.name(),
                                         "': external data offset or length "
                                         "is not a number"));
    }
    const size_t size = it->second.bytes().size();
    if (len.empty()) length = offset <= size ? size - offset : 0;
    if (offset > size || length > size - offset) {
      return InvalidArgumentError(
          StrCat(path_, ": initializer '", t.name(), "': external data file '",
                 location, "' holds ", size, " bytes, the tensor needs ",
                 offset, " + ", length));
    }
    spans_[i] = {static_cast<size_t>(offset), static_cast<size_t>(length),
                 true};
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<absl::string_view>> OnnxFile::Payload(int index) {
  const onnx::TensorProto& t = model_.graph().initializer(index);
  const Span& s = spans_[index];
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    const absl::string_view file =
        external_.at(ExternalValue(t, "location")).bytes();
    return file.substr(s.offset, s.length);
  }
  if (s.present) return bytes().substr(s.offset, s.length);
  if (!t.raw_data().empty()) return absl::string_view(t.raw_data());
  if (t.float_data_size() > 0) {
    return absl::string_view(
        reinterpret_cast<const char*>(t.float_data().data()),
        t.float_data_size() * sizeof(float));
  }
  if (t.double_data_size() > 0) {
    return absl::string_view(
        reinterpret_cast<const char*>(t.double_data().data()),
        t.double_data_size() * sizeof(double));
  }
  return std::nullopt;
}

}  // namespace neurowatt
