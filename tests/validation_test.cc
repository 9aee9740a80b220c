// Held-out forward passes against the estimator (bench/validation.h), timed
// here with OpenBLAS.
#include "bench/validation.h"

#include <algorithm>
#include <cmath>

#include "gtest/gtest.h"
#include "hw/profile.h"

namespace neurowatt::bench {
namespace {

TEST(ValidationTest, EveryCaseIsMeasuredAndPredicted) {
  // A catalogue profile stands in for a calibrated one: the cases, the
  // timings and the median are the unit's, whatever the agreement.
  auto profile = LoadProfile("horowitz-45nm");
  ASSERT_TRUE(profile.ok());
  const Validation v = ValidateCalibration(*profile, /*threads=*/1);
  // MLPs of width 256, 1024 and 2048 at batch 1, 32 and 256, and a block.
  ASSERT_EQ(v.cases.size(), 10u);
  EXPECT_EQ(v.cases[0].name, "mlp 256 x 3 layers, batch 1");
  EXPECT_EQ(v.cases[9].name, "gpt block d 512, 8 heads, seq 128");
  std::vector<double> errors;
  for (const ValidationCase& c : v.cases) {
    EXPECT_GT(c.measured_s, 0) << c.name;
    EXPECT_TRUE(std::isfinite(c.predicted_s) && c.predicted_s > 0) << c.name;
    errors.push_back(std::abs(c.error()));
  }
  std::sort(errors.begin(), errors.end());
  EXPECT_EQ(v.median_abs_error, errors[5]);
  // More work takes longer, measured and predicted: width 2048 at batch 256
  // against width 256 at batch 1.
  EXPECT_GT(v.cases[8].measured_s, v.cases[0].measured_s);
  EXPECT_GT(v.cases[8].predicted_s, v.cases[0].predicted_s);
}

}  // namespace
}  // namespace neurowatt::bench
