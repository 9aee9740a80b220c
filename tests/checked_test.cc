#include "util/checked.h"

#include <cstdint>
#include <limits>

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

TEST(CheckedTest, MulAndAddDetectOverflow) {
  EXPECT_EQ(CheckedMul(12288, 12288), 150994944);
  EXPECT_FALSE(CheckedMul(int64_t{1} << 32, int64_t{1} << 31).has_value());
  EXPECT_EQ(CheckedAdd(std::numeric_limits<int64_t>::max() - 1, 1),
            std::numeric_limits<int64_t>::max());
  EXPECT_FALSE(CheckedAdd(std::numeric_limits<int64_t>::max(), 1).has_value());
  EXPECT_EQ(CheckedProduct({2, 3, 7}), 42);
  EXPECT_FALSE(
      CheckedProduct({int64_t{1} << 40, int64_t{1} << 30}).has_value());
}

TEST(CheckedTest, CountStaysInvalidOnceOverflowed) {
  CheckedCount c = int64_t{1} << 40;
  c *= int64_t{1} << 30;
  EXPECT_FALSE(c.ok());
  c += -1;  // a later small step must not make it look valid again
  EXPECT_FALSE(c.ok());
  CheckedCount d = 96;
  d *= 12 * int64_t{12288} * 12288;
  EXPECT_TRUE(d.ok());
  EXPECT_EQ(d.value(), 173946175488);
  EXPECT_FALSE((d * c).ok());
}

}  // namespace
}  // namespace neurowatt
