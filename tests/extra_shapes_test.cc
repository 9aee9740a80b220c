// Shapes the importer works out where ONNX 1.12's inference leaves them
// open (model/onnx/extra_shapes.h), on graphs built here.
#include "model/onnx/extra_shapes.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace neurowatt {
namespace onnx_import {
namespace {

void Input(onnx::GraphProto& g, const std::string& name,
           const std::vector<int64_t>& dims) {
  onnx::ValueInfoProto* v = g.add_input();
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

onnx::NodeProto* Add(onnx::GraphProto& g, const std::string& op,
                     const std::vector<std::string>& in,
                     const std::string& out) {
  onnx::NodeProto* n = g.add_node();
  n->set_op_type(op);
  for (const auto& t : in) n->add_input(t);
  n->add_output(out);
  return n;
}

std::vector<int64_t> Dims(const ExtraShapes& extra, const std::string& t) {
  std::vector<int64_t> dims;
  auto it = extra.find(t);
  if (it == extra.end()) return dims;
  for (const auto& d : it->second.type().tensor_type().shape().dim()) {
    dims.push_back(d.dim_value());
  }
  return dims;
}

TEST(ExtraShapesTest, EinsumDimensionsAndNewerOps) {
  onnx::GraphProto g;
  Input(g, "q", {2, 3, 5, 8});
  Input(g, "k", {2, 3, 7, 8});
  onnx::NodeProto* e = Add(g, "Einsum", {"q", "k"}, "s");
  onnx::AttributeProto* eq = e->add_attribute();
  eq->set_name("equation");
  eq->set_type(onnx::AttributeProto::STRING);
  eq->set_s("bhid,bhjd->bhij");
  Add(g, "Gelu", {"q"}, "g");
  Add(g, "Mish", {"unknown"}, "m");  // its input has no shape: left open
  GraphIndex tensors(g);
  ASSERT_TRUE(tensors.IndexInitializers().ok());
  tensors.CollectTensorInfo();
  ExtraShapes extra;
  EXPECT_EQ(WorkOutShapes(g, tensors, extra), 2);
  EXPECT_EQ(Dims(extra, "s"), (std::vector<int64_t>{2, 3, 5, 7}));
  EXPECT_EQ(Dims(extra, "g"), (std::vector<int64_t>{2, 3, 5, 8}));
  EXPECT_FALSE(extra.contains("m"));
  EXPECT_EQ(extra.at("g").type().tensor_type().elem_type(),
            onnx::TensorProto::FLOAT);
  // Worked out once: a second pass adds nothing.
  EXPECT_EQ(WorkOutShapes(g, tensors, extra), 0);
}

}  // namespace
}  // namespace onnx_import
}  // namespace neurowatt
