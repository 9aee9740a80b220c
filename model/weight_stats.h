// Reading a layer's stored weights: zeros, the signs of each presynaptic
// neuron's outgoing weights, and the bits a weight needs (see WeightStats in
// proto/neurowatt/v1/architecture.proto).
#ifndef NEUROWATT_MODEL_WEIGHT_STATS_H_
#define NEUROWATT_MODEL_WEIGHT_STATS_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "neurowatt/v1/architecture.pb.h"

namespace neurowatt {

// Which presynaptic neuron the weight at flat index i (in stored order)
// leaves from: offset + (i / group_block) x count + (i / inner) % count,
// the first term only when group_block > 0. Covers a linear layer stored
// [in, out] (inner = out) or [out, in] (inner = 1), convolutions with groups
// ([out, in/groups, k...]: inner = k, count = in/groups, group_block =
// out/groups x in/groups x k) and recurrent stacks.
struct PresynapticMap {
  int64_t inner = 1;
  int64_t count = 1;
  int64_t group_block = 0;
  int64_t offset = 0;
};

// Accumulates the weights of one layer, possibly from several tensors (a
// recurrent layer's input and hidden matrices).
class WeightAnalyzer {
 public:
  // `presynaptic` is the number of distinct presynaptic neurons.
  explicit WeightAnalyzer(int64_t presynaptic);

  // Adds `bytes`, little-endian values of ONNX data type `onnx_type`
  // (FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8 or UINT8). InvalidArgument when
  // the type is not one of those, the size is not `elements` values, or the
  // map points outside [0, presynaptic).
  absl::Status Add(absl::string_view bytes, int32_t onnx_type, int64_t elements,
                   const PresynapticMap& map);

  v1::WeightStats Finish() const;

 private:
  template <typename T, typename Decode>
  void Scan(const char* data, int64_t n, const PresynapticMap& map,
            Decode decode);

  std::vector<uint8_t> signs_;  // per presynaptic neuron: 1 pos, 2 neg
  int64_t weights_ = 0, zeros_ = 0;
  absl::flat_hash_set<double> distinct_;  // up to 257 values, then abandoned
  bool exact_half_ = true;                // every value exact in fp16 or bf16
  int stored_bits_ = 0;
};

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_WEIGHT_STATS_H_
