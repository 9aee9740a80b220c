// The state the importer's translators share while they turn ONNX nodes
// into the architecture's: the graph's tensors (model/onnx/graph_index.h),
// the architecture being built, and the emitters every translator uses.
// Internal to model/onnx/; see importer.h for the contract and
// translators.h for the translators.
//
// Translators report errors (InvalidArgument) in terms of the node's
// tensors and attributes and never name the node: the driver prefixes
// every error with "node 'NAME' (OP): ".
#ifndef NEUROWATT_MODEL_ONNX_IMPORT_CONTEXT_H_
#define NEUROWATT_MODEL_ONNX_IMPORT_CONTEXT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/onnx/graph_index.h"
#include "model/onnx/onnx_file.h"
#include "model/weight_stats.h"
#include "neurowatt/v1/architecture.pb.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

class ImportContext {
 public:
  // `file` and `tensors` (an index of file.model().graph()) must outlive
  // the context. With `read_weights`, Analyze reads stored payloads.
  ImportContext(OnnxFile& file, const GraphIndex& tensors, bool read_weights)
      : file_(file), tensors_(tensors), read_weights_(read_weights) {}

  ImportContext(const ImportContext&) = delete;
  ImportContext& operator=(const ImportContext&) = delete;

  const GraphIndex& tensors() const { return tensors_; }
  v1::Architecture& arch() { return arch_; }

  // The driver calls this before each node's translator: unnamed ONNX
  // nodes are named after their op and index.
  void BeginNode(int index) { current_ = index; }

  // A new node named after `n` (plus `suffix`, and primes until the name
  // is unique), writing `output` with its inferred element type.
  v1::Node* NewNode(const onnx::NodeProto& n, const std::string& output,
                    absl::string_view suffix = "");

  // `t` as a node input: itself when it is data, else (once) a constant
  // node for it - a parameter when it is a stored floating-point tensor -
  // or the layout ops a parameter passes through on its way.
  absl::StatusOr<std::string> InputFor(const std::string& t);

  // A layout node for `n` writing `output` (the primary output, or another
  // of its outputs, which then gets a "/OUTPUT" suffix).
  absl::Status EmitLayout(const onnx::NodeProto& n, const std::string& output,
                          const std::vector<std::string>& inputs,
                          const std::string& op_type);
  // A transpose node for `n` (its perm, or ONNX's default reversal).
  absl::Status EmitTranspose(const onnx::NodeProto& n, const std::string& input,
                             const std::string& output);
  // An uncounted node for `n`'s primary output; `why` (if any) follows the
  // op type in reports, e.g. "Conv (weights computed at run time)".
  absl::Status EmitUncounted(const onnx::NodeProto& n, const std::string& why);

  // With read_weights, WeightStats on `node` over `parts` (weight, layout),
  // when the file holds every payload; `presynaptic` neurons in all.
  absl::Status Analyze(
      v1::Node* node, int64_t presynaptic,
      const std::vector<std::pair<WeightRef, PresynapticMap>>& parts);

  // A layer whose stored weights `w` are integers (a quantised model:
  // QLinearConv, MatMulInteger, or a float op fed by DequantizeLinear)
  // counts at their precision; `node` takes their type.
  void TakeWeightType(v1::Node* node, const WeightRef& w);

  // `node` stores the initializers `stored` (indices into the graph's;
  // its params): those an earlier node already stores become `node`'s
  // SharedParams, so that each stored tensor is counted once (one module
  // applied twice, a tied LM head, an exporter that stores equal tensors
  // once). Absent entries (nullopt) are skipped.
  void NoteStored(v1::Node* node,
                  const std::vector<std::optional<WeightRef>>& stored);
  // Graph input `name` is a KV cache from earlier steps that the graph
  // only appends to (Concat): it becomes a kv_cache node's cached
  // positions.
  void NoteCacheInput(const std::string& name) { cache_inputs_.insert(name); }
  bool IsCacheInput(const std::string& name) const {
    return cache_inputs_.contains(name);
  }
  // Hands over the architecture.
  v1::Architecture Finish() { return std::move(arch_); }

 private:
  OnnxFile& file_;
  const GraphIndex& tensors_;
  const bool read_weights_;
  int current_ = 0;  // index of the node being translated
  absl::flat_hash_set<std::string> node_names_;
  absl::flat_hash_set<std::string> constants_;
  absl::flat_hash_set<std::string> cache_inputs_;
  absl::flat_hash_map<int, std::string> holder_;  // initializer -> node
  v1::Architecture arch_;
};

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_IMPORT_CONTEXT_H_
