#include "render/format.h"

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

TEST(FormatTest, Separators) {
  EXPECT_EQ(WithSeparators(0), "0");
  EXPECT_EQ(WithSeparators(999), "999");
  EXPECT_EQ(WithSeparators(1000), "1,000");
  EXPECT_EQ(WithSeparators(173946175488), "173,946,175,488");
  EXPECT_EQ(WithSeparators(-1234567), "-1,234,567");
}

TEST(FormatTest, ScaledKeepsFourSignificantFigures) {
  EXPECT_EQ(Scaled(99999), "99,999");
  EXPECT_EQ(Scaled(150994944), "151.0M");
  EXPECT_EQ(Scaled(10616832), "10.62M");
  EXPECT_EQ(Scaled(173946175488), "173.9B");
  EXPECT_EQ(Scaled(1236950581248), "1.237T");
  EXPECT_EQ(Scaled(416520), "416.5K");
}

TEST(FormatTest, BytesAndDecimal) {
  EXPECT_EQ(Bytes(512), "512 B");
  EXPECT_EQ(Bytes(1536), "1.5 KiB");
  EXPECT_EQ(Bytes(int64_t{18} << 30), "18.0 GiB");
  EXPECT_EQ(Decimal(14745.6, 1), "14,745.6");
}

TEST(FormatTest, CsvQuotesOnlyWhenNeeded) {
  EXPECT_EQ(CsvField("blocks.0.attn.q"), "blocks.0.attn.q");
  EXPECT_EQ(CsvField("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(FormatTest, TableAlignsNumbersRight) {
  Table t({"name", "n"}, {false, true});
  t.AddRow({"a", "1"});
  t.AddRow({"long", "1,000"});
  EXPECT_EQ(t.Render(),
            "name      n\n"
            "----  -----\n"
            "a         1\n"
            "long  1,000\n");
}

}  // namespace
}  // namespace neurowatt
