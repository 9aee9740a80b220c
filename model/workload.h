// The neuron view of a graph: per node, hardware-independent counts that the
// estimators price. Counts are 64-bit and overflow-checked.
//
// A Workload is counted for ONE inference (batch 1): a batch of b
// independent inferences shares the weights and multiplies everything else
// by b (model/batch.h; the estimators take the batch as a parameter), so a
// scenario never rebuilds the graph.
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
//     MACs and no synapses; biases and norm gains are params, not synapses;
//   - a KV cache is state held, not neurons: its node writes the new
//     positions, the attention that consumes it reads the whole cache;
//   - a mixture of experts stores every expert (params, neurons, synapses)
//     and works each token on its experts_per_token (MACs, outputs);
//   - a spiking neuron population is the neurons of the linear or conv
//     layer feeding it; a second layer into the same neurons (a recurrent
//     Affine) adds synapses, not neurons; a population fed by neither is
//     its own neurons, one per element. A NIR graph is counted per timestep.
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

  int64_t total() const { return adds + muls + compares + exps + divs; }
};

struct Workload {
  std::string name;
  // "linear", "conv", "rnn", "lstm", "gru", "matmul", "embedding", "norm",
  // "activation", "pool", "elementwise", "reshape", "transpose", "reduce",
  // "einsum", "parameter", "constant", "layout", "uncounted", "kv_cache",
  // "rotary", "neuron", "resize"; a training step adds "backward" and
  // "optimizer".
  std::string kind;
  // The source op for layout and uncounted nodes (e.g. ONNX "Concat").
  std::string op_type;
  // What the node computes, for the estimators' mapping decisions (which
  // kernel a processor runs, whether spiking neurons express it): the op,
  // the value of its kind enum (v1::Activation::Kind, v1::Pool::Kind,
  // v1::Reduce::Kind, v1::Elementwise::Kind, v1::Norm::Kind,
  // v1::Recurrent::Cell or v1::Resize::Mode; 0 for other ops), and whether a
  // convolution has one group per input channel.
  v1::Node::OpCase op = v1::Node::OP_NOT_SET;
  int op_kind = 0;
  bool depthwise = false;
  v1::ElementType dtype = v1::FP32;  // of weights, output and state

  // --- Shared by every inference of a batch ---------------------------------
  int64_t neurons = 0;
  int64_t synapses = 0;  // weights; biases excluded
  int64_t params = 0;    // stored parameters: weights, biases, norm gains
  // Parameters one token works with: params, less the experts a mixture of
  // experts does not route it to.
  int64_t active_params = 0;
  // A mixture of experts (experts > 1): each row is worked by
  // experts_per_token of the stored experts, so a batch of few rows reads
  // only the experts its rows are routed to (see TrafficAt).
  int64_t experts = 1;
  int64_t experts_per_token = 1;
  // Stored weights read (matrices, gains), once per batch: synapses x
  // element size for weighted layers, params x size for norms.
  int64_t weight_bytes = 0;
  // Times the weights are applied one after another (timesteps of a
  // recurrent node; 1 otherwise): steps cannot share one weight fetch.
  int64_t sequential_steps = 1;
  // A recurrent node's synapses in its recurrent matrices (U), which each
  // step applies anew; its input matrices (W) serve every step at once, as
  // frameworks run them (one GEMM over the sequence). 0 otherwise.
  int64_t recurrent_synapses = 0;
  // Params this layer reads that another stores (shared weights: one
  // module applied twice), not counted in `params`, and that layer.
  int64_t shared_params = 0;
  std::string params_shared_with;
  // Layers reading the stored tensors this layer holds or shares, itself
  // included (2 for one module applied twice); 1 when nothing is shared.
  int64_t weight_users = 1;
  // Times the layer runs per inference (a loop body's trip count); its
  // work and traffic include every run.
  int64_t repeats = 1;
  // What the stored weights say, when the model file held them.
  std::optional<v1::WeightStats> weight_stats;

  // --- Per inference: b inferences do b times as much
  // -------------------------- Neuron outputs computed: neurons x the positions
  // (tokens, pixels, timesteps) their weights are applied at.
  int64_t neuron_instances = 0;
  int64_t macs = 0;
  OtherOps other_ops;
  int64_t input_bytes = 0;   // activations read
  int64_t output_bytes = 0;  // activations written
  int64_t state_bytes = 0;   // held across steps: RNN state, KV cache
  // Of the state, the elements written per inference (an RNN's state, the
  // new positions of a KV cache; 0 for what a training step keeps of its
  // activations, whose writes are the outputs).
  int64_t state_write_elements = 0;
  // Elements and bytes read from a KV cache (the attention consuming one).
  int64_t kv_read_elements = 0;
  int64_t kv_read_bytes = 0;
  int64_t lookup_bytes = 0;  // table rows an embedding reads
  // Rows one matrix is applied to at once: the tokens or positions of a
  // linear layer, the batch's rows in each step of a recurrent layer (1 for
  // one inference), the rows of each product of an activation x activation
  // matmul. A stored matrix serves the whole batch
  // (b inferences give b x the rows); an activation matrix belongs to one
  // inference, so the batch does not add rows to its products.
  int64_t matrix_rows = 1;
  bool shared_matrix = false;  // the matrix is stored weights
  // What a precision override re-prices (see TrafficAt, model/batch.h): the
  // elements of the floating-point inputs and of the state, and the bytes of
  // integer network inputs (token ids), whose size no precision changes.
  int64_t float_input_elements = 0;
  int64_t fixed_input_bytes = 0;
  int64_t state_elements = 0;
  // The state held is a KV cache (priced at the KV precision).
  bool kv_cache = false;
  // Work done once per batch rather than per inference (an optimizer's
  // update of the parameters): the batch does not multiply it.
  bool once_per_batch = false;
  // Kept at its declared precision whatever the pricing precision (an
  // optimizer's fp32 master weights and moments).
  bool fixed_precision = false;

  // A recurrent edge's state (a constant with state_of): the index of the
  // layer whose previous timestep's output it holds; -1 otherwise.
  int state_source = -1;

  // For each input: the index in NetworkCount::layers of the layer that
  // produces it, or -1 for a network input.
  std::vector<int> input_sources;

  // Synapses that exist: all of them unless the weights were read and some
  // are zero.
  int64_t nonzero_synapses() const {
    return weight_stats ? synapses - weight_stats->zeros() : synapses;
  }
  // Weights read: the stored matrices and the rows looked up.
  int64_t weights_read() const { return weight_bytes + lookup_bytes; }

  // synapses / neurons, 0 when there are no neurons.
  double synapses_per_neuron() const;
};

// Layers whose counts are identical (GPT-3's 96 blocks): an estimator
// prices one and multiplies.
struct LayerClass {
  int first = 0;             // index of its first layer in NetworkCount::layers
  int64_t multiplicity = 0;  // layers of the class
};

struct NetworkCount {
  std::string model;
  std::vector<Workload> layers;  // in the graph's topological order
  Workload total;                // sums; name = model, kind = "total"
  int64_t input_elements = 0;    // elements of the network's inputs
  // Every layer's class (parallel to `layers`) and the classes, in order of
  // first appearance.
  std::vector<int> layer_class;
  std::vector<LayerClass> classes;
  // What the importer assumed (Architecture.assumptions), for reports.
  std::vector<std::string> assumptions;
};

struct CountOptions {
  // Count causal matmuls as kernels that skip the masked half do (the
  // prefill and train phases); false counts every product the graph
  // writes.
  bool skip_masked = false;
};

// Counts every node of `graph` for one inference at the graph's bound
// shapes. Fails (InvalidArgument, naming the node) when a count does not fit
// in 64 bits, or when a tied layer names a node that is not an embedding of
// the same shape.
absl::StatusOr<NetworkCount> CountNetwork(const Graph& graph,
                                          const CountOptions& options = {});

// Fills count.layer_class and count.classes: layers with identical counts
// (every field but the name and the inputs' sources), in order of first
// appearance.
void ClassifyLayers(NetworkCount& count);

// The totals of `layers`, named `model`; fails when they overflow.
absl::StatusOr<Workload> SumLayers(const std::vector<Workload>& layers,
                                   const std::string& model);

// The weights examined and the zeros among them, over the layers whose
// stored weights were read; nullopt when none were.
std::optional<v1::WeightStats> StoredWeights(const NetworkCount& count);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_WORKLOAD_H_
