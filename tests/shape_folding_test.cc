// Shape arithmetic folded to constants (model/onnx/shape_folding.h), on
// the chains exporters write.
#include "model/onnx/shape_folding.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

onnx::NodeProto* AddNode(onnx::GraphProto& g, const std::string& op,
                         const std::vector<std::string>& in,
                         const std::string& out) {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  for (const auto& t : in) n->add_input(t);
  n->add_output(out);
  return n;
}

void Ints(onnx::GraphProto& g, const std::string& name,
          const std::vector<int64_t>& dims, const std::vector<int64_t>& v) {
  onnx::TensorProto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (int64_t d : dims) t->add_dims(d);
  for (int64_t x : v) t->add_int64_data(x);
}

const ShapeLookup kNoShapes = [](const std::string&) {
  return std::optional<std::vector<int64_t>>();
};

TEST(ShapeFoldingTest, TorchPadPairsAreReversedThroughSliceAndTranspose) {
  // torch's F.pad(x, (1, 2, 3, 4)) on a 4-D tensor (W by 1 and 2, H by 3
  // and 4) becomes ONNX pads by: pairs [-1, 2], reversed (Slice step -1
  // from the last row), then transposed and flattened: begins, then ends.
  onnx::GraphProto g;
  Ints(g, "pairs", {8}, {1, 2, 3, 4, 0, 0, 0, 0});
  Ints(g, "two_cols", {2}, {-1, 2});
  Ints(g, "flat", {1}, {-1});
  Ints(g, "start", {1}, {-1});
  Ints(g, "end", {1}, {-9223372036854775807});
  Ints(g, "axis", {1}, {0});
  Ints(g, "step", {1}, {-1});
  AddNode(g, "Reshape", {"pairs", "two_cols"}, "p2");
  AddNode(g, "Slice", {"p2", "start", "end", "axis", "step"}, "rev");
  AddNode(g, "Transpose", {"rev"}, "t");
  AddNode(g, "Reshape", {"t", "flat"}, "pads");
  EXPECT_EQ(FoldShapeArithmetic(g, kNoShapes), 4);
  EXPECT_EQ(StaticInts(g, "rev"),
            (std::vector<int64_t>{0, 0, 0, 0, 3, 4, 1, 2}));
  // Begins N C H W = 0 0 3 1, ends 0 0 4 2.
  EXPECT_EQ(StaticInts(g, "pads"),
            (std::vector<int64_t>{0, 0, 3, 1, 0, 0, 4, 2}));
}

TEST(ShapeFoldingTest, StridedSlicesAndComparisons) {
  onnx::GraphProto g;
  Ints(g, "v", {6}, {10, 11, 12, 13, 14, 15});
  Ints(g, "b", {1}, {1});
  Ints(g, "e", {1}, {100});
  Ints(g, "axis", {1}, {0});
  Ints(g, "step", {1}, {2});
  Ints(g, "twelve", {}, {12});
  AddNode(g, "Slice", {"v", "b", "e", "axis", "step"}, "odd");
  AddNode(g, "Greater", {"odd", "twelve"}, "big");
  AddNode(g, "Not", {"big"}, "small");
  EXPECT_EQ(FoldShapeArithmetic(g, kNoShapes), 3);
  EXPECT_EQ(StaticInts(g, "odd"), (std::vector<int64_t>{11, 13, 15}));
  EXPECT_EQ(StaticInts(g, "big"), (std::vector<int64_t>{0, 1, 1}));
  EXPECT_EQ(StaticInts(g, "small"), (std::vector<int64_t>{1, 0, 0}));
}

}  // namespace
}  // namespace neurowatt
