// Nodes neurowatt does not count (model/uncounted.h): listed, never a
// silent zero.
#include "model/uncounted.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

TEST(UncountedTest, ListedByOpTypeWithTheirNumber) {
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 8 }
    }
    nodes {
      name: "topk"
      inputs: "x"
      outputs: "y"
      uncounted {
        op_type: "TopK"
        shape { size: 1 }
        shape { size: 8 }
      }
    }
    nodes {
      name: "nms_0"
      inputs: "y"
      outputs: "z"
      uncounted {
        op_type: "NonMaxSuppression"
        shape { size: 1 }
        shape { size: 8 }
      }
    }
    nodes {
      name: "nms_1"
      inputs: "z"
      outputs: "w"
      uncounted {
        op_type: "NonMaxSuppression"
        shape { size: 1 }
        shape { size: 8 }
      }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  const auto ops = UncountedOps(*c);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops.at("NonMaxSuppression"), 2);
  EXPECT_EQ(ops.at("TopK"), 1);
  EXPECT_EQ(UncountedSummary(*c), "2 x NonMaxSuppression, 1 x TopK");
  auto counted = CountSource("preset:seed-kv");
  ASSERT_TRUE(counted.ok());
  EXPECT_EQ(UncountedSummary(*counted), "");
}

}  // namespace
}  // namespace neurowatt
