// Typed error details (util/error.h): carried, read and kept through a
// prefix.
#include "util/error.h"

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

TEST(ErrorTest, ADetailTravelsWithItsStatus) {
  const absl::Status s = WithDetail(absl::InvalidArgumentError("no seq"),
                                    ErrorSubject::kUnknownDimension, "seq");
  auto d = DetailOf(s);
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->subject, ErrorSubject::kUnknownDimension);
  EXPECT_EQ(d->name, "seq");
  EXPECT_EQ(s.message(), "no seq");
  // Names may hold the separator.
  auto odd = DetailOf(WithDetail(absl::NotFoundError("x"),
                                 ErrorSubject::kUnknownProfile, "a:b:c"));
  ASSERT_TRUE(odd.has_value());
  EXPECT_EQ(odd->name, "a:b:c");
}

TEST(ErrorTest, PrefixedKeepsCodeAndDetail) {
  const absl::Status s =
      Prefixed("model.onnx", WithDetail(absl::NotFoundError("missing"),
                                        ErrorSubject::kPrecision, "bf16"));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "model.onnx: missing");
  ASSERT_TRUE(DetailOf(s).has_value());
  EXPECT_EQ(DetailOf(s)->name, "bf16");
}

TEST(ErrorTest, NoDetailAndOkStatuses) {
  EXPECT_FALSE(DetailOf(absl::InvalidArgumentError("plain")).has_value());
  EXPECT_TRUE(WithDetail(absl::OkStatus(), ErrorSubject::kTimesteps).ok());
  EXPECT_TRUE(Prefixed("x", absl::OkStatus()).ok());
}

}  // namespace
}  // namespace neurowatt
