// Overflow-checked 64-bit arithmetic for counts (neurons, synapses, MACs,
// bytes). GPT-3 alone has 1.7e11 synapses and a sweep multiplies that by
// batch and timesteps, so every product in model/ goes through here.
#ifndef NEUROWATT_UTIL_CHECKED_H_
#define NEUROWATT_UTIL_CHECKED_H_

#include <cstdint>
#include <initializer_list>
#include <optional>

namespace neurowatt {

// Returns a * b, or nullopt when it does not fit in int64_t.
inline std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Returns a + b, or nullopt when it does not fit in int64_t.
inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// Returns the product of all values, or nullopt on overflow. 1 when empty.
inline std::optional<int64_t> CheckedProduct(
    std::initializer_list<int64_t> values) {
  int64_t r = 1;
  for (int64_t v : values) {
    if (__builtin_mul_overflow(r, v, &r)) return std::nullopt;
  }
  return r;
}

// Accumulates products and sums and remembers whether any step overflowed,
// so that a formula reads as a formula and is checked once at the end.
class CheckedCount {
 public:
  CheckedCount() = default;
  // Implicit so that formulas can mix counts and plain integers.
  CheckedCount(int64_t v) : value_(v) {}  // NOLINT

  CheckedCount& operator*=(int64_t v) {
    ok_ = ok_ && !__builtin_mul_overflow(value_, v, &value_);
    return *this;
  }
  CheckedCount& operator+=(int64_t v) {
    ok_ = ok_ && !__builtin_add_overflow(value_, v, &value_);
    return *this;
  }
  CheckedCount& operator*=(const CheckedCount& o) {
    ok_ = ok_ && o.ok_;
    return *this *= o.value_;
  }
  CheckedCount& operator+=(const CheckedCount& o) {
    ok_ = ok_ && o.ok_;
    return *this += o.value_;
  }
  friend CheckedCount operator*(CheckedCount a, const CheckedCount& b) {
    return a *= b;
  }
  friend CheckedCount operator+(CheckedCount a, const CheckedCount& b) {
    return a += b;
  }

  bool ok() const { return ok_; }
  // Meaningful only when ok().
  int64_t value() const { return value_; }

 private:
  int64_t value_ = 0;
  bool ok_ = true;
};

}  // namespace neurowatt

#endif  // NEUROWATT_UTIL_CHECKED_H_
