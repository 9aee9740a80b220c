// ONNX models (.onnx) as neurowatt architectures. The importer opens the
// file without copying its weights (model/onnx/onnx_file.h), checks that the
// graph is connected and in order, binds its symbolic dimensions, runs
// ONNX's own C++ shape inference (with data propagation, so that shapes
// computed by Shape -> Gather -> Concat -> Reshape chains are concrete), and
// maps each node onto the schema's ops: weighted layers (Conv,
// ConvTranspose, Gemm, MatMul with a stored operand, LSTM/GRU/RNN, Gather on
// a stored table, and their quantised forms at the weights' integer
// precision) become linear, conv, recurrent and embedding nodes with
// synapses; activation x activation MatMul and Einsum keep their MACs;
// norms, activations, pools, reductions, interpolating resizes and
// elementwise ops keep their other ops; zero-compute ops become layout
// nodes; anything else becomes an uncounted node that reports list by op
// type. Subgraphs that only compute shapes or constants are folded away;
// Loop, Scan and If are inlined (their bodies' nodes carry `repeats`, an
// If on data records an assumption); layers that read one stored tensor
// share its params (Node.shared). See docs/onnx.md.
#ifndef NEUROWATT_MODEL_ONNX_IMPORTER_H_
#define NEUROWATT_MODEL_ONNX_IMPORTER_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "model/graph.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

struct OnnxImportOptions {
  DimBindings dims;  // symbol -> value; "batch" also binds the batch symbol
  bool read_weights = false;  // analyse stored weights into WeightStats
  // Bind the batch symbol to 1 whatever `dims` say (OnnxImport::batch keeps
  // what they asked for): callers that price batches without re-importing.
  bool unit_batch = false;
  // Decoder graphs that take past_key_values: `context` binds the cache's
  // length symbol; `decode` binds the tokens' symbol to 1.
  std::optional<int64_t> context;
  bool decode = false;
};

struct OnnxImport {
  v1::Architecture arch;  // every shape concrete, at the bound dimensions
  DimBindings bindings;   // the ONNX inputs' symbols and the values they got
  // The symbol a batch binds: one literally named "batch", else the single
  // batch-like symbol ("batch_size", "N", ...); empty when there is none
  // (fixed input sizes, or several batch-like symbols).
  std::string batch_symbol;
  // The batch `dims` asked for ("batch" or the batch symbol's own name); 1
  // when not given.
  int64_t batch = 1;
  // A decoder with past_key_values inputs: the symbol of the new tokens and
  // of the cache's length (bound to --context); empty otherwise.
  std::string seq_symbol, context_symbol;
};

// Where an op of ONNX's default domain stands (docs/counting.md):
//   - kCounted: translated with a counting rule (Loop, Scan and If by
//     their bodies);
//   - kLayout: moves or selects data, no arithmetic;
//   - kShape: describes tensors or holds constants (Shape, Size,
//     Constant), folded away;
//   - kUncounted: known, and deliberately left as an uncounted node that
//     every report lists (random generators, data-dependent selection,
//     signal processing, sequences, strings...);
//   - kUnknown: not an ONNX op the importer knows of; it too becomes an
//     uncounted node.
enum class OnnxCoverage { kCounted, kLayout, kShape, kUncounted, kUnknown };
OnnxCoverage OnnxOpCoverage(const std::string& op_type);

// Imports `path`. `options.dims` binds symbolic input dimensions by name;
// "batch" also binds the batch symbol when that has another name (unless
// `dims` name it too). Unbound batch-like symbols are 1; any other unbound
// symbol (a sequence length) is an error. Every value must be from 1 to
// 2^40, also the batch that `unit_batch` sets aside.
//
// Errors (InvalidArgument, NotFound) start with `path`. Those about a
// binding carry a detail (util/error.h) naming the symbol:
// kUnknownDimension for a binding the model has no symbol for,
// kNoBatchDimension for "batch" when the model has no batch symbol, and
// kUnboundDimension for the first symbol left without a value. A graph
// with a node that reads a tensor nothing provides, reads one before it is
// produced (nodes out of order, or a cycle) or writes one a second time is
// an error naming the node and the tensor (model/onnx/topology.h). So is a
// Loop whose trip count is computed from data or absent, or a Scan whose
// length is not known (control_flow.h), and so is a tensor whose payload
// does not fit its dims or a node that breaks its op's rules where ONNX
// 1.12's inference would fault on it (inference_guards.h).
absl::StatusOr<OnnxImport> ImportOnnx(const std::string& path,
                                      const OnnxImportOptions& options);

// The same for a model in memory (the fuzzer's entry point), named `name`
// in errors.
absl::StatusOr<OnnxImport> ImportOnnxBytes(std::string bytes,
                                           const std::string& name,
                                           const OnnxImportOptions& options);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_IMPORTER_H_
