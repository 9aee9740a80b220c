#include "model/weight_stats.h"

#include <bit>
#include <cmath>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace {

// ONNX TensorProto.DataType values.
constexpr int32_t kFloat = 1, kUint8 = 2, kInt8 = 3, kFloat16 = 10,
                  kDouble = 11, kBfloat16 = 16;
constexpr size_t kCodebookLimit = 256;

float HalfToFloat(uint16_t h) {
  const int exp = (h >> 10) & 0x1f;
  const int mant = h & 0x3ff;
  float v;
  if (exp == 0) {
    v = std::ldexp(static_cast<float>(mant), -24);
  } else if (exp == 31) {
    v = mant ? NAN : INFINITY;
  } else {
    v = std::ldexp(static_cast<float>(mant | 0x400), exp - 25);
  }
  return (h & 0x8000) ? -v : v;
}

// Whether `x` survives a round trip through fp16 or bf16.
bool ExactInHalf(double x) {
  const auto f = static_cast<float>(x);
  if (static_cast<double>(f) != x) return false;
  if ((std::bit_cast<uint32_t>(f) & 0xffff) == 0) return true;  // bf16
  if (f == 0.0f) return true;
  int exp;
  const float m = std::frexp(std::fabs(f), &exp);  // f = m 2^exp, m in [.5,1)
  if (exp > 16) return false;                      // above fp16's 65504
  // fp16 holds 11 significant bits down to 2^-14, then fixed steps of 2^-24.
  const int lowest_bit = std::max(exp - 11, -24);
  const double scaled = std::ldexp(static_cast<double>(m), exp - lowest_bit);
  return scaled == std::floor(scaled);
}

}  // namespace

WeightAnalyzer::WeightAnalyzer(int64_t presynaptic)
    : signs_(static_cast<size_t>(presynaptic), 0) {}

template <typename T, typename Decode>
void WeightAnalyzer::Scan(const char* data, int64_t n,
                          const PresynapticMap& map, Decode decode) {
  // Counters instead of a division per weight: `within` steps through
  // `inner`, `p` through `count`, `in_group` through `group_block`.
  int64_t within = 0, p = 0, in_group = 0, group_base = map.offset;
  for (int64_t i = 0; i < n; ++i) {
    T raw;
    std::memcpy(&raw, data + i * sizeof(T), sizeof(T));
    const double v = decode(raw);
    if (v == 0) {
      ++zeros_;
    } else {
      signs_[group_base + p] |= v > 0 ? 1 : 2;
    }
    if (distinct_.size() <= kCodebookLimit) distinct_.insert(v == 0 ? 0 : v);
    if (exact_half_ && stored_bits_ > 16) exact_half_ = ExactInHalf(v);
    if (++within == map.inner) {
      within = 0;
      if (++p == map.count) p = 0;
    }
    if (map.group_block > 0 && ++in_group == map.group_block) {
      in_group = 0;
      p = 0;
      within = 0;
      group_base += map.count;
    }
  }
}

absl::Status WeightAnalyzer::Add(absl::string_view bytes, int32_t onnx_type,
                                 int64_t elements, const PresynapticMap& map) {
  size_t width;
  switch (onnx_type) {
    case kFloat:
      width = 4;
      break;
    case kDouble:
      width = 8;
      break;
    case kFloat16:
    case kBfloat16:
      width = 2;
      break;
    case kInt8:
    case kUint8:
      width = 1;
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("weights of ONNX data type ", onnx_type,
                       " cannot be read (float, double, float16, bfloat16, "
                       "int8 and uint8 can)"));
  }
  if (elements < 0 || static_cast<uint64_t>(elements) > bytes.size() / width ||
      bytes.size() != static_cast<size_t>(elements) * width) {
    return absl::InvalidArgumentError(
        absl::StrCat("the tensor holds ", bytes.size(), " bytes, its shape ",
                     "needs ", elements, " x ", width));
  }
  // The largest presynaptic index the map can produce must exist.
  if (map.inner <= 0 || map.count <= 0 || map.offset < 0) {
    return absl::InvalidArgumentError("weight layout is inconsistent");
  }
  const int64_t groups =
      map.group_block > 0 ? (elements + map.group_block - 1) / map.group_block
                          : 1;
  if (map.offset + groups * map.count > static_cast<int64_t>(signs_.size())) {
    return absl::InvalidArgumentError("weight layout is inconsistent");
  }
  stored_bits_ = std::max(stored_bits_, static_cast<int>(width * 8));
  weights_ += elements;
  const char* d = bytes.data();
  switch (onnx_type) {
    case kFloat:
      Scan<float>(d, elements, map,
                  [](float v) { return static_cast<double>(v); });
      break;
    case kDouble:
      Scan<double>(d, elements, map, [](double v) { return v; });
      break;
    case kFloat16:
      Scan<uint16_t>(d, elements, map, [](uint16_t v) {
        return static_cast<double>(HalfToFloat(v));
      });
      break;
    case kBfloat16:
      Scan<uint16_t>(d, elements, map, [](uint16_t v) {
        return double{std::bit_cast<float>(uint32_t{v} << 16)};
      });
      break;
    case kInt8:
      Scan<int8_t>(d, elements, map,
                   [](int8_t v) { return static_cast<double>(v); });
      break;
    default:
      Scan<uint8_t>(d, elements, map,
                    [](uint8_t v) { return static_cast<double>(v); });
      break;
  }
  return absl::OkStatus();
}

v1::WeightStats WeightAnalyzer::Finish() const {
  v1::WeightStats s;
  s.set_weights(weights_);
  s.set_zeros(zeros_);
  for (uint8_t sign : signs_) {
    switch (sign) {
      case 1:
        s.set_excitatory(s.excitatory() + 1);
        break;
      case 2:
        s.set_inhibitory(s.inhibitory() + 1);
        break;
      case 3:
        s.set_mixed(s.mixed() + 1);
        break;
      default:
        s.set_silent(s.silent() + 1);
        break;
    }
  }
  int bits = stored_bits_;
  if (distinct_.size() <= kCodebookLimit) {
    bits = 1;
    while ((size_t{1} << bits) < distinct_.size()) bits *= 2;
    bits = std::min(bits, stored_bits_);
  } else if (stored_bits_ > 16 && exact_half_) {
    bits = 16;
  }
  s.set_bits(bits);
  return s;
}

}  // namespace neurowatt
