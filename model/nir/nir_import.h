// A NIR graph (model/nir/nir_file.h) as a neurowatt architecture: synapse
// nodes (Affine, Linear, Conv1d, Conv2d, Scale) become linear, conv and
// elementwise nodes, neuron nodes (I, IF, LI, LIF, CubaLI, CubaLIF,
// Threshold) spiking_neuron nodes with their parameters, pools, Flatten and
// Delay their zero- or low-compute equivalents. A node with several inputs
// sums them (an elementwise add); a recurrent edge becomes a constant that
// holds the previous timestep's output (state_of), so the graph stays
// acyclic. Shapes gain a leading "batch" dimension. See docs/nir.md.
#ifndef NEUROWATT_MODEL_NIR_NIR_IMPORT_H_
#define NEUROWATT_MODEL_NIR_NIR_IMPORT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/nir/nir_file.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// The nodes of `graph` in an order where every edge but the recurrent ones
// points forward (declaration order where it already is), and the
// recurrent edges, as indices into graph.nodes and graph.edges. Errors
// (InvalidArgument, starting with `path`): no Input node, a node no Input
// reaches.
struct NirOrder {
  std::vector<size_t> nodes;
  std::vector<size_t> recurrent_edges;
};
absl::StatusOr<NirOrder> OrderNir(const NirGraph& graph,
                                  const std::string& path);

// The output shape of every node of `graph` (without a batch dimension),
// parallel to graph.nodes, checked against each node's parameters. Errors
// (InvalidArgument) start with `path` and name the node: a missing or
// malformed parameter, a shape mismatch, an unknown node type.
absl::StatusOr<std::vector<std::vector<int64_t>>> NirShapes(
    const NirGraph& graph, const NirOrder& order, const std::string& path);

// The window of a Conv1d, Conv2d, SumPool2d or AvgPool2d node, NIR's
// defaults filled in: stride 1 for a convolution and the kernel for a pool,
// padding 0 ("same" keeps the extent, "valid" is none), dilation 1, groups
// 1; one entry per spatial dimension. Errors (InvalidArgument) start with
// `path` and name the node.
struct NirWindow {
  std::vector<int64_t> kernel, stride, pad, dilation;
  int64_t groups = 1;
};
absl::StatusOr<NirWindow> WindowOf(const NirNode& node,
                                   const std::string& path);

// Translates `graph`, read from `path`, named after the file. With
// `read_weights`, weighted layers carry WeightStats.
absl::StatusOr<v1::Architecture> NirToArchitecture(const NirGraph& graph,
                                                   const std::string& path,
                                                   bool read_weights);

// ReadNirFile, then NirToArchitecture.
absl::StatusOr<v1::Architecture> ImportNir(const std::string& path,
                                           bool read_weights);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_NIR_NIR_IMPORT_H_
