// Whether an ONNX graph's nodes connect: checked on the graph as read,
// before shape inference, which would otherwise leave a node fed by
// nothing off the data path and the model silently empty.
#ifndef NEUROWATT_MODEL_ONNX_TOPOLOGY_H_
#define NEUROWATT_MODEL_ONNX_TOPOLOGY_H_

#include "absl/status/status.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

// OK when every input a node of `graph` names (optional inputs left empty
// aside) is a graph input, an initializer, or an output of an earlier
// node, and no tensor is produced twice (ONNX graphs are topologically
// sorted and in single static assignment form). Otherwise InvalidArgument,
// naming the first node at fault and the tensor: one that nothing
// produces, one that the node itself or a later node produces (a cycle
// when that producer depends on the node, else nodes out of order), or one
// produced again. Nodes without a name are named as the importer names
// them, OP_INDEX. Subgraphs (If, Loop bodies) are not looked into.
absl::Status CheckTopology(const onnx::GraphProto& graph);

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_TOPOLOGY_H_
