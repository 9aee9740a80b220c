// Loop, Scan and If inlined into the enclosing graph
// (model/onnx/control_flow.h), on graphs built here; the importer's tests
// on real files are in onnx_coverage_test.cc.
#include "model/onnx/control_flow.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace neurowatt {
namespace onnx_import {
namespace {

onnx::NodeProto* AddNode(onnx::GraphProto& g, const std::string& op,
                         const std::vector<std::string>& in,
                         const std::vector<std::string>& out) {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  for (const auto& t : in) n->add_input(t);
  for (const auto& t : out) n->add_output(t);
  return n;
}

void AddInput(onnx::GraphProto& g, const std::string& name) {
  g.add_input()->set_name(name);
}

void Int64(onnx::GraphProto& g, const std::string& name, int64_t v) {
  onnx::TensorProto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_int64_data(v);
}

// A body y = x W, carried: (i, cond, v) -> (cond, v W).
onnx::GraphProto Body() {
  onnx::GraphProto body;
  for (const char* in : {"i", "cond", "v"}) AddInput(body, in);
  AddNode(body, "MatMul", {"v", "W"}, {"v_next"});
  AddNode(body, "Identity", {"cond"}, {"cond_out"});
  body.add_output()->set_name("cond_out");
  body.add_output()->set_name("v_next");
  return body;
}

void SetGraph(onnx::NodeProto* n, const std::string& name,
              const onnx::GraphProto& g) {
  onnx::AttributeProto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::GRAPH);
  *a->mutable_g() = g;
}

// One InlineControlFlow call's outputs, kept across passes.
struct Inlining {
  Repeats repeats;
  Feedback feedback;
  std::vector<std::string> assumptions;

  int Run(onnx::GraphProto& g, bool settled) {
    const ShapeLookup no_shapes = [](const std::string&) {
      return std::optional<std::vector<int64_t>>();
    };
    return InlineControlFlow(g, 13, no_shapes, settled, repeats, feedback,
                             assumptions);
  }
};

TEST(ControlFlowTest, LoopWithAStaticTripCountIsInlined) {
  onnx::GraphProto g;
  Int64(g, "M", 5);
  onnx::NodeProto* loop = AddNode(g, "Loop", {"M", "", "x"}, {"y"});
  loop->set_name("steps");
  SetGraph(loop, "body", Body());
  Inlining in;
  EXPECT_EQ(in.Run(g, /*settled=*/false), 1);
  // The iteration number and condition as constants, the carried input
  // bound, the body, the final value.
  std::vector<std::string> ops;
  for (const auto& n : g.node()) ops.push_back(n.op_type());
  EXPECT_EQ(ops, (std::vector<std::string>{"Constant", "Constant", "Identity",
                                           "MatMul", "Identity", "Identity"}));
  const onnx::NodeProto& mm = g.node(3);
  EXPECT_EQ(mm.name(), "steps/MatMul");
  EXPECT_EQ(mm.input(0), "y/v");  // renamed under the loop's output
  EXPECT_EQ(mm.input(1), "W");    // the enclosing scope's tensor
  EXPECT_EQ(RepeatsOf(in.repeats, mm), 5);
  EXPECT_EQ(RepeatsOf(in.repeats, g.node(5)), 1);  // the final Identity
  EXPECT_EQ(g.node(5).output(0), "y");
  ASSERT_EQ(in.feedback.size(), 1u);
  EXPECT_EQ(in.feedback[0],
            std::make_pair(std::string("y/v"), std::string("y/v_next")));
  EXPECT_TRUE(in.assumptions.empty());
}

TEST(ControlFlowTest, LoopWithARunTimeTripCountStays) {
  onnx::GraphProto g;
  AddInput(g, "x");
  AddNode(g, "Cast", {"x"}, {"M"});
  SetGraph(AddNode(g, "Loop", {"M", "", "x"}, {"y"}), "body", Body());
  EXPECT_EQ(Inlining().Run(g, /*settled=*/true), 0);
  EXPECT_EQ(g.node(1).op_type(), "Loop");
  // What its body reads from outside: the weight.
  EXPECT_EQ(OuterReferences(g.node(1)), std::vector<std::string>{"W"});
}

TEST(ControlFlowTest, IfWaitsForFoldingThenTakesTheCostlierBranch) {
  onnx::GraphProto g;
  AddInput(g, "x");
  AddNode(g, "Cast", {"x"}, {"c"});
  onnx::NodeProto* node = AddNode(g, "If", {"c"}, {"y"});
  node->set_name("pick");
  onnx::GraphProto then_branch, else_branch;
  AddNode(then_branch, "MatMul", {"x", "W"}, {"t"});
  then_branch.add_output()->set_name("t");
  AddNode(else_branch, "Relu", {"x"}, {"e"});
  else_branch.add_output()->set_name("e");
  SetGraph(node, "then_branch", then_branch);
  SetGraph(node, "else_branch", else_branch);
  Inlining in;
  // Folding may still compute the condition: nothing yet.
  EXPECT_EQ(in.Run(g, /*settled=*/false), 0);
  EXPECT_EQ(in.Run(g, /*settled=*/true), 1);
  EXPECT_EQ(g.node(1).op_type(), "MatMul");
  EXPECT_EQ(g.node(2).op_type(), "Identity");
  ASSERT_EQ(in.assumptions.size(), 1u);
  EXPECT_EQ(in.assumptions[0],
            "If 'pick': its condition is computed at run time; counted its "
            "costlier then branch (1 weighted ops, 1 nodes; the other has 0 "
            "and 1)");
}

}  // namespace
}  // namespace onnx_import
}  // namespace neurowatt
