// SOURCE on the command line and in the API: "preset:SPEC" (see presets.h),
// an ONNX model (.onnx, see onnx/importer.h) or a native architecture file
// (.pb, .textproto, .pbtxt).
#ifndef NEUROWATT_MODEL_SOURCE_H_
#define NEUROWATT_MODEL_SOURCE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "model/graph.h"
#include "model/workload.h"
#include "neurowatt/v1/architecture.pb.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

// An architecture as loaded, before its graph is built.
struct LoadedSource {
  v1::Architecture arch;
  // Symbols still to bind when building the graph (presets, native files);
  // empty for ONNX, whose symbols are bound on import.
  DimBindings build_dims;
  // The ONNX inputs' symbols and their values; empty otherwise.
  DimBindings imported;
  bool onnx = false;
  // ONNX: the symbols of the tokens of a pass and of the KV cache's length
  // (past_key_values), where the graph has them.
  std::string seq_symbol, context_symbol;
};

// Loads the architecture `source` names, at the dimensions `dims` bind
// (for ONNX, concrete on import; see convert). With `read_weights`, an ONNX
// file's stored weights are analysed (see WeightStats). Errors name the
// source.
absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights = false);

// The symbols of a language model's dimensions: the tokens of this pass
// and the tokens already in its KV cache (KvCache.cached).
inline constexpr char kSeqSymbol[] = "seq";
inline constexpr char kContextSymbol[] = "context";

// What the model is loaded to do (neurowatt --phase), for language models:
//   - FORWARD (and UNSPECIFIED): the graph as written, seq tokens;
//   - PREFILL: seq prompt tokens, causal attention counted as kernels that
//     skip the masked half, the KV cache written;
//   - DECODE: seq = 1 new token per sequence with `context` tokens in the
//     cache (default: one less than the model's default seq, the last
//     token of a full window);
//   - TRAIN: a training step (model/training.h) over seq tokens.
struct PhaseOptions {
  v1::Phase phase = v1::PHASE_UNSPECIFIED;
  std::optional<int64_t> context;  // tokens in the KV cache
  v1::Training training;           // TRAIN
};

// The phase `scenario` describes (phase, context, training): what a model
// is loaded for to price it.
PhaseOptions PhaseOf(const v1::Scenario& scenario);

// "forward", "prefill", "decode" or "train".
std::string PhaseName(v1::Phase phase);

// The phase a name gives; InvalidArgument for any other name.
absl::StatusOr<v1::Phase> ParsePhase(absl::string_view name);

// A model built and counted once, for one inference: batch, precision and
// spike activity are parameters of pricing, so a scenario never rebuilds it.
struct Model {
  std::string source;  // as given
  v1::Architecture arch;
  // Every symbol's bound value, the batch symbol's at 1.
  DimBindings dims;
  // The symbol a batch binds ("batch", or an ONNX input's "batch_size",
  // "N"...); empty when the inputs have fixed sizes.
  std::string batch_symbol;
  // The batch the dimensions given asked for (--dim batch=8); 1 if none.
  int64_t batch = 1;
  NetworkCount count;  // per inference
  v1::Phase phase = v1::FORWARD;
  // Tokens one inference (one sequence) processes: seq, 1 in decode; 0
  // when the model has no sequence dimension.
  int64_t tokens = 0;
  int64_t context = 0;    // tokens in the KV cache before the pass
  v1::Training training;  // TRAIN

  bool has_batch_dimension() const { return !batch_symbol.empty(); }
  // `dims` with the batch symbol at `batch`: the dimensions of a priced
  // scenario, as reports show them.
  DimBindings DimsAt(int64_t batch) const;
};

// Loads `source`, binds `dims` (a batch among them - "batch" or the batch
// symbol's own name - becomes Model::batch), builds the graph at batch 1 and
// counts it for `phase`. Errors name the source and carry an ErrorSubject
// detail where a dimension is at fault; a phase the model cannot run
// (decode without a KV cache or a sequence dimension, seq bound in decode)
// fails with kPhase.
absl::StatusOr<Model> LoadModel(absl::string_view source,
                                const DimBindings& dims,
                                bool read_weights = false,
                                const PhaseOptions& phase = {});

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_SOURCE_H_
