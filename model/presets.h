// Built-in architectures, built by code. A spec is what follows "preset:" on
// the command line: a name ("gpt3-175b"), a kind with parameters
// ("mlp:sizes=784-512-10"), or a name with overrides ("gpt3-175b:seq=1").
#ifndef NEUROWATT_MODEL_PRESETS_H_
#define NEUROWATT_MODEL_PRESETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

struct PresetInfo {
  std::string name;  // "gpt3-175b", or a kind such as "mlp"
  std::string kind;  // the builder: mlp, cnn, rnn, lstm, gru, gpt, llama
  std::string description;
};

// Named presets first, then the kinds with their keys and defaults.
std::vector<PresetInfo> ListPresets();

// Builds the architecture a spec names. Errors (InvalidArgument) name the
// spec and the unknown preset, unknown key or bad value.
absl::StatusOr<v1::Architecture> BuildPreset(absl::string_view spec);

struct GptOptions {
  std::string name = "gpt";
  int64_t d_model = 768;
  int64_t layers = 12;
  int64_t heads = 12;
  // Heads of keys and values: heads (multi-head), fewer (grouped-query;
  // they divide heads), 1 (multi-query). 0 means heads.
  int64_t kv_heads = 0;
  int64_t d_ff = 0;  // 0 means 4 x d_model
  int64_t seq = 1024;
  int64_t vocab = 50257;
  // Token and position embeddings, a final norm and a tied LM head.
  bool embeddings = true;
  // Llama's block instead of GPT-2's: RMSNorm, rotary positions (no
  // position table), a SwiGLU MLP (gate, up, down), no biases, an untied
  // LM head.
  bool llama = false;
  // A mixture of experts in every block's MLP (experts > 1): a router and
  // `experts` SwiGLU experts of d_ff, each token sent to experts_per_token.
  int64_t experts = 0;
  int64_t experts_per_token = 2;
};

// Decoder-only transformer: per block a pre-norm attention (q, k, v, o
// projections; k and v held in KV caches of "context" earlier tokens;
// causal score and value matmuls) and a pre-norm MLP whose first layer is
// the key memory (d_ff neurons; gate and up in a SwiGLU) and last the value
// memory (d_model neurons). Input "x" [batch, seq, d_model], or token ids
// "tokens" [batch, seq] with embeddings. heads must divide d_model and
// kv_heads divide heads.
v1::Architecture GptArchitecture(const GptOptions& o);

// Dense layers of sizes[1..] neurons over sizes[0] inputs, ReLU between.
v1::Architecture MlpArchitecture(const std::string& name,
                                 const std::vector<int64_t>& sizes);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_PRESETS_H_
