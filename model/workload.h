// The neuron view of a graph: per node, hardware-independent counts that the
// estimators price. Every count is per inference (one forward pass over the
// bound shapes; batch 1 unless bound otherwise), 64-bit and overflow-checked.
//
// Conventions (after ../shared/seed/neuron-chapter.txt):
//   - linear layer: neurons = output rows, synapses = rows x columns;
//   - convolution: neurons = out_channels, each with in_channels/groups x
//     kernel synapses; the same weights serve every output position;
//   - recurrent: per layer and direction, LSTM has 4 x hidden gate neurons,
//     GRU 3 x hidden, RNN hidden, each with input + hidden synapses;
//   - embedding: a linear layer over a one-hot input (dim neurons with vocab
//     synapses each) that costs no MACs;
//   - activation x activation matmuls (attention scores and values) have
//     MACs and no synapses; biases and norm gains are params, not synapses.
#ifndef NEUROWATT_MODEL_WORKLOAD_H_
#define NEUROWATT_MODEL_WORKLOAD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "model/graph.h"

namespace neurowatt {

// Arithmetic outside multiply-accumulates, by operation class, per the table
// in docs/counting.md (e.g. softmax: 1 compare, 2 adds, 1 exp, 1 divide per
// element).
struct OtherOps {
  int64_t adds = 0;
  int64_t muls = 0;
  int64_t compares = 0;
  int64_t exps = 0;
  int64_t divs = 0;  // divisions and square roots
};

struct Workload {
  std::string name;
  // "linear", "conv", "rnn", "lstm", "gru", "matmul", "embedding", "norm",
  // "activation", "pool", "elementwise", "reshape", "transpose", "reduce",
  // "einsum", "parameter", "constant", "layout", "uncounted".
  std::string kind;
  // The source op for layout and uncounted nodes (e.g. ONNX "Concat").
  std::string op_type;
  v1::ElementType dtype = v1::FP32;  // of weights and output
  int64_t neurons = 0;
  int64_t synapses = 0;  // weights; biases excluded
  // Neuron outputs computed per inference: neurons x the positions (tokens,
  // pixels, timesteps) their weights are applied at.
  int64_t neuron_instances = 0;
  int64_t params = 0;  // stored parameters: weights, biases, norm gains
  int64_t macs = 0;
  OtherOps other_ops;
  int64_t input_bytes = 0;   // activations read
  int64_t output_bytes = 0;  // activations written
  // Weights read per inference: synapses x element size (an embedding reads
  // only the rows it looks up; norms read their gains).
  int64_t weight_bytes = 0;
  int64_t state_bytes = 0;  // held across steps: RNN state, KV cache
  // Times the weights are applied one after another (timesteps of a
  // recurrent node; 1 otherwise): steps cannot share one weight fetch.
  int64_t sequential_steps = 1;
  // The kind of kernel a processor runs for the node.
  enum class Kernel {
    kLayout,  // reshape, transpose: no arithmetic
    kGemm,    // a weight or activation matrix applied to several rows
    kGemv,    // ... to one row
    kConv,
    kDepthwise,
    kElementwise,  // everything else
  };
  Kernel kernel = Kernel::kElementwise;
  // Whether integrate-and-fire neurons and synapses express the node:
  // weighted layers, ReLU, average pooling, sums and layout. Norms,
  // softmax and other smooth activations, max pooling, products and
  // activation x activation matmuls are not.
  bool spike_native = true;
  // For each input: the index in NetworkCount::layers of the layer that
  // produces it, or -1 for a network input.
  std::vector<int> input_sources;
  // What the stored weights say, when the model file held them.
  std::optional<v1::WeightStats> weight_stats;

  // Synapses that exist: all of them unless the weights were read and some
  // are zero.
  int64_t nonzero_synapses() const {
    return weight_stats ? synapses - weight_stats->zeros() : synapses;
  }

  // synapses / neurons, 0 when there are no neurons.
  double synapses_per_neuron() const;
};

struct NetworkCount {
  std::string model;
  std::vector<Workload> layers;  // in the graph's topological order
  Workload total;                // sums; name = model, kind = "total"
  int64_t input_elements = 0;    // elements of the network's inputs
};

// Counts every node of `graph`. Fails (InvalidArgument, naming the node)
// when a count does not fit in 64 bits, or when a tied layer names a node
// that is not an embedding of the same shape.
absl::StatusOr<NetworkCount> CountNetwork(const Graph& graph);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_WORKLOAD_H_
