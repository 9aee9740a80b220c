// The one in-memory form of a network: a Boost.Graph bidirectional adjacency
// list whose vertices are the architecture's nodes and whose edges are the
// tensors flowing from a producer to each consumer. Built from a validated
// v1::Architecture with every symbolic dimension bound, so that every tensor
// has a concrete shape.
#ifndef NEUROWATT_MODEL_GRAPH_H_
#define NEUROWATT_MODEL_GRAPH_H_

#include <boost/graph/adjacency_list.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// Dimensions in elements, outermost first.
using Shape = std::vector<int64_t>;

// The largest single dimension accepted (2^40 elements): larger values are
// typos or corrupt files, and rejecting them early keeps the errors readable.
inline constexpr int64_t kMaxDimension = int64_t{1} << 40;

// Values for symbolic dimensions, by symbol name.
using DimBindings = std::map<std::string, int64_t>;

struct GraphNode {
  v1::Node node;                     // as declared, dtype left as written
  v1::ElementType dtype = v1::FP32;  // resolved: weights and output
  std::vector<Shape> input_shapes;   // one per node.inputs()
  std::vector<v1::ElementType> input_dtypes;
  Shape output_shape;
};

struct GraphEdge {
  std::string tensor;
};

using BoostGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                          GraphNode, GraphEdge>;
using Vertex = BoostGraph::vertex_descriptor;

class Graph {
 public:
  // Builds the graph and infers every shape. `dims` binds symbolic
  // dimensions and takes precedence over the architecture's dim_defaults;
  // "batch" is 1 unless bound. Errors (InvalidArgument) name the node or
  // tensor at fault: a missing producer, a cycle, a duplicate name, an
  // unbound or non-positive dimension, a dimension above kMaxDimension,
  // attributes that disagree with the input shapes, an element count that
  // overflows 64 bits, or a binding for a symbol the model does not use.
  static absl::StatusOr<Graph> Build(const v1::Architecture& arch,
                                     const DimBindings& dims = {});

  const std::string& name() const { return name_; }
  // The architecture's assumptions (Architecture.assumptions).
  const std::vector<std::string>& assumptions() const { return assumptions_; }
  const BoostGraph& boost_graph() const { return *graph_; }
  const GraphNode& node(Vertex v) const { return (*graph_)[v]; }
  size_t num_nodes() const { return boost::num_vertices(*graph_); }

  // Producers before consumers: declaration order when that is already
  // topological, otherwise a topological sort.
  const std::vector<Vertex>& topological_order() const { return order_; }

  // The bound value of every symbol the model uses.
  const DimBindings& bindings() const { return bindings_; }

 private:
  std::string name_;
  std::vector<std::string> assumptions_;
  // Held by pointer: Boost's adjacency_list copies where it could move, and a
  // graph of a million nodes must not exist twice.
  std::unique_ptr<BoostGraph> graph_;
  std::vector<Vertex> order_;
  DimBindings bindings_;
};

// Bytes per element of `t` (FP32 for UNSPECIFIED) as a model's tensors
// are counted, in whole bytes: INT4 counts as 1.
int64_t BytesPerElement(v1::ElementType t);

// Bytes per element of `t` as it moves when a network is priced at it:
// INT4 packs two elements per byte (0.5); otherwise BytesPerElement.
double ElementBytes(v1::ElementType t);

// Lower-case name of `t`, e.g. "fp16".
std::string ElementTypeName(v1::ElementType t);

// The precisions a price can be asked at, by name: PricingPrecision's
// choices, as error messages list them.
inline constexpr char kPricingPrecisions[] =
    "fp32, tf32, fp16, bf16, fp8, int8, int4";

// The precision a price can be asked at, by that name (kPricingPrecisions).
// InvalidArgument for any other name, listing these.
absl::StatusOr<v1::ElementType> PricingPrecision(absl::string_view name);

// Number of elements in `shape`, or an error when it overflows 64 bits.
absl::StatusOr<int64_t> NumElements(const Shape& shape);

// "[1, 2048, 12288]".
std::string ShapeToString(const Shape& shape);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_GRAPH_H_
