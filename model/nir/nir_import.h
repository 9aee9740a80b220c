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

// One input of a node: the node it comes from, and whether the edge closes
// a cycle (a recurrent edge, which delivers the previous timestep's output).
struct NirInput {
  size_t node = 0;
  bool recurrent = false;
};

// What the importer and the simulator both need of a graph, indices into
// graph.nodes:
//   - order: every node, each edge but the recurrent ones pointing forward
//     (declaration order where it already is);
//   - inputs: per node, its forward inputs in edge order, then its
//     recurrent ones (the first layer into a neuron population holds its
//     neurons: AssignNeurons, model/workload.cc);
//   - shapes: per node, its output shape without a batch dimension,
//     checked against the node's parameters.
// A depth-first walk from the Input nodes marks the recurrent edges.
// Errors (InvalidArgument) start with `path` and name the node: no Input
// node, a node no Input reaches, an edge naming no node, a missing or
// malformed parameter, a shape mismatch, an unknown node type.
struct NirStructure {
  std::vector<size_t> order;
  std::vector<std::vector<NirInput>> inputs;
  std::vector<std::vector<int64_t>> shapes;
};
absl::StatusOr<NirStructure> AnalyzeNir(const NirGraph& graph,
                                        const std::string& path);

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
