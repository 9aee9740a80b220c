// Graph construction: shapes, order and the validation errors users see.
#include "model/graph.h"

#include "gtest/gtest.h"
#include "model/architecture_io.h"

namespace neurowatt {
namespace {

absl::StatusOr<Graph> BuildText(const std::string& text,
                                const DimBindings& dims = {}) {
  auto arch = ParseArchitectureText(text, "test");
  if (!arch.ok()) return arch.status();
  return Graph::Build(*arch, dims);
}

void ExpectError(const absl::StatusOr<Graph>& g, const std::string& part) {
  ASSERT_FALSE(g.ok()) << "expected an error containing: " << part;
  EXPECT_EQ(g.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(g.status().message().find(part), std::string::npos)
      << g.status().message();
}

TEST(GraphTest, InfersShapesAndKeepsEdges) {
  auto g = BuildText(R"pb(
                       inputs {
                         name: "x"
                         shape { symbol: "batch" }
                         shape { size: 6 }
                       }
                       nodes {
                         name: "fc1"
                         inputs: "x"
                         outputs: "h"
                         linear { in_features: 6 out_features: 4 }
                       }
                       nodes {
                         name: "act"
                         inputs: "h"
                         outputs: "a"
                         activation { kind: RELU }
                       }
                       nodes {
                         name: "fc2"
                         inputs: "a"
                         outputs: "y"
                         linear { in_features: 4 out_features: 2 }
                       }
                       nodes {
                         name: "res"
                         inputs: "a"
                         inputs: "a"
                         outputs: "z"
                         elementwise { kind: MUL }
                       }
                     )pb",
                     {{"batch", 5}});
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->num_nodes(), 4u);
  EXPECT_EQ(boost::num_edges(g->boost_graph()), 4u);  // h, a->fc2, a->res x2
  EXPECT_EQ(g->node(2).output_shape, (Shape{5, 2}));
  EXPECT_EQ(boost::in_degree(3, g->boost_graph()), 2u);
  EXPECT_EQ(g->bindings().at("batch"), 5);
}

TEST(GraphTest, SortsNodesDeclaredOutOfOrder) {
  auto g = BuildText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 4 }
    }
    nodes {
      name: "second"
      inputs: "h"
      outputs: "y"
      activation { kind: RELU }
    }
    nodes {
      name: "first"
      inputs: "x"
      outputs: "h"
      linear { in_features: 4 out_features: 4 }
    }
  )pb");
  ASSERT_TRUE(g.ok()) << g.status();
  ASSERT_EQ(g->topological_order().size(), 2u);
  EXPECT_EQ(g->node(g->topological_order()[0]).node.name(), "first");
}

TEST(GraphTest, ReshapeAndTranspose) {
  auto g = BuildText(R"pb(
    inputs {
      name: "x"
      shape { size: 2 }
      shape { size: 3 }
      shape { size: 8 }
    }
    nodes {
      name: "split"
      inputs: "x"
      outputs: "s"
      reshape { shape: 0 shape: 0 shape: 2 shape: -1 }
    }
    nodes {
      name: "perm"
      inputs: "s"
      outputs: "p"
      transpose { perm: 0 perm: 2 perm: 1 perm: 3 }
    }
  )pb");
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->node(0).output_shape, (Shape{2, 3, 2, 4}));
  EXPECT_EQ(g->node(1).output_shape, (Shape{2, 2, 3, 4}));
}

TEST(GraphTest, ValidationErrorsNameTheNode) {
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes {
                  name: "fc"
                  inputs: "nowhere"
                  outputs: "y"
                  linear { in_features: 4 out_features: 2 }
                }
              )pb"),
              "node 'fc': input tensor 'nowhere' is produced by no node");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes {
                  name: "a"
                  inputs: "x"
                  inputs: "b"
                  outputs: "a"
                  elementwise { kind: ADD }
                }
                nodes {
                  name: "b"
                  inputs: "a"
                  outputs: "b"
                  activation { kind: RELU }
                }
              )pb"),
              "is part of a cycle");
  ExpectError(
      BuildText(R"pb(
        inputs {
          name: "x"
          shape { size: 1 }
          shape { size: 4 }
        }
        nodes {
          name: "fc"
          inputs: "x"
          outputs: "y"
          linear { in_features: 5 out_features: 2 }
        }
      )pb"),
      "node 'fc': in_features is 5 but the input's last dimension is 4");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes {
                  name: "fc"
                  inputs: "x"
                  outputs: "y"
                  linear { in_features: 4 out_features: 0 }
                }
              )pb"),
              "node 'fc': out_features must be positive, is 0");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: -4 }
                }
                nodes {
                  name: "fc"
                  inputs: "x"
                  outputs: "y"
                  activation { kind: RELU }
                }
              )pb"),
              "input 'x': dimension 1 is -4, not positive");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes {
                  name: "fc"
                  inputs: "x"
                  outputs: "y"
                  activation { kind: RELU }
                }
                nodes {
                  name: "fc"
                  inputs: "y"
                  outputs: "z"
                  activation { kind: RELU }
                }
              )pb"),
              "node 'fc': the name is used twice");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes { name: "noop" inputs: "x" outputs: "y" }
              )pb"),
              "node 'noop': has no op");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1099511627777 }
                }
                nodes {
                  name: "a"
                  inputs: "x"
                  outputs: "y"
                  activation { kind: RELU }
                }
              )pb"),
              "beyond the largest accepted");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1099511627776 }
                  shape { size: 1099511627776 }
                }
                nodes {
                  name: "a"
                  inputs: "x"
                  outputs: "y"
                  activation { kind: RELU }
                }
              )pb"),
              "more elements than fit in 64 bits");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 3 }
                  shape { size: 4 }
                  shape { size: 4 }
                }
                nodes {
                  name: "c"
                  inputs: "x"
                  outputs: "y"
                  conv { in_channels: 3 out_channels: 8 kernel: 7 }
                }
              )pb"),
              "node 'c': window of 7 elements does not fit");
}

TEST(GraphTest, HostileNumbersAreErrorsNotCrashes) {
  // Enum fields may carry any number in a file; only declared values count.
  ExpectError(BuildText(R"pb(
                default_dtype: 1000000
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes {
                  name: "a"
                  inputs: "x"
                  outputs: "y"
                  activation { kind: RELU }
                }
              )pb"),
              "default_dtype 1000000 is not valid");
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 4 }
                }
                nodes {
                  name: "a"
                  inputs: "x"
                  outputs: "y"
                  activation { kind: 77 }
                }
              )pb"),
              "node 'a': its kind or cell is not a valid value");
  // dilation x kernel would overflow 64 bits.
  ExpectError(BuildText(R"pb(
                inputs {
                  name: "x"
                  shape { size: 1 }
                  shape { size: 1 }
                  shape { size: 8 }
                }
                nodes {
                  name: "c"
                  inputs: "x"
                  outputs: "y"
                  conv {
                    in_channels: 1
                    out_channels: 1
                    kernel: 16777216
                    dilation: 1099511627776
                    stride: 1099511627776
                  }
                }
              )pb"),
              "spans more than the largest accepted dimension");
}

TEST(GraphTest, SymbolsMustBeBoundAndBindingsMustBeUsed) {
  const char* kText = R"pb(
    inputs {
      name: "x"
      shape { symbol: "batch" }
      shape { symbol: "width" }
    }
    nodes {
      name: "a"
      inputs: "x"
      outputs: "y"
      activation { kind: RELU }
    }
  )pb";
  ExpectError(BuildText(kText), "'width', which has no value");
  auto ok = BuildText(kText, {{"width", 9}});
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->node(0).output_shape, (Shape{1, 9}));  // batch defaults to 1
  ExpectError(BuildText(kText, {{"width", 9}, {"heigth", 2}}),
              "no dimension named 'heigth'");
}

}  // namespace
}  // namespace neurowatt
