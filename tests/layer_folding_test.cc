// Folding repeated blocks into table rows (model/layer_folding.h).
#include "model/layer_folding.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

TEST(LayerFoldingTest, Gpt3FoldsItsBlocksIntoOneRowEach) {
  auto c = CountSource("preset:gpt3-175b");
  ASSERT_TRUE(c.ok()) << c.status();
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows = FoldLayers(*c, false, &layout_only);
  // Every row stands for the 96 blocks' copies of one layer.
  ASSERT_FALSE(rows.empty());
  int64_t layers = 0;
  for (const LayerRow& r : rows) {
    EXPECT_EQ(r.repeats % 96, 0) << r.name;
    layers += r.repeats;
  }
  EXPECT_EQ(layers + layout_only, static_cast<int64_t>(c->layers.size()));
  auto q = std::find_if(rows.begin(), rows.end(), [](const LayerRow& r) {
    return r.name == "blocks.*.attn.q";
  });
  ASSERT_NE(q, rows.end());
  EXPECT_EQ(q->repeats, 96);
  EXPECT_EQ(c->layers[q->index].name, "blocks.0.attn.q");
}

TEST(LayerFoldingTest, PerLayerListsEachAndLayoutIsLeftOut) {
  auto c = CountSource("preset:gpt:d_model=64,layers=2,heads=4,seq=8");
  ASSERT_TRUE(c.ok());
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows = FoldLayers(*c, true, &layout_only);
  for (const LayerRow& r : rows) EXPECT_EQ(r.repeats, 1);
  EXPECT_EQ(static_cast<int64_t>(rows.size()) + layout_only,
            static_cast<int64_t>(c->layers.size()));
  EXPECT_GT(layout_only, 0);  // the attention's reshapes and transposes
}

TEST(LayerFoldingTest, SameNameDifferentCountsStayApart) {
  // Two layers whose names differ only in the index but whose sizes
  // differ: not one row.
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 8 }
    }
    nodes {
      name: "fc.0"
      inputs: "x"
      outputs: "h"
      linear { in_features: 8 out_features: 8 }
    }
    nodes {
      name: "fc.1"
      inputs: "h"
      outputs: "y"
      linear { in_features: 8 out_features: 4 }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  int64_t layout_only = 0;
  const std::vector<LayerRow> rows = FoldLayers(*c, false, &layout_only);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].name, "fc.0");
  EXPECT_EQ(rows[1].name, "fc.1");
}

}  // namespace
}  // namespace neurowatt
