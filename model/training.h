// A training step as counts the estimators price like any network: the
// forward pass keeping its activations, the backward pass (gradients with
// respect to inputs and weights) in reverse order, and the optimizer's
// update of every parameter. The rules are in docs/counting.md.
#ifndef NEUROWATT_MODEL_TRAINING_H_
#define NEUROWATT_MODEL_TRAINING_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "model/workload.h"
#include "neurowatt/v1/scenario.pb.h"

namespace neurowatt {

// The step of `forward` (a forward pass counted per inference, i.e. per
// sequence) under `training`:
//   - forward layers keep their outputs for the backward pass (state held,
//     at the activations' precision); with `recompute`, only every
//     ceil(sqrt(n))-th layer's (Chen et al. 2016), and the forward layers
//     run once more ("NAME.recompute") before the backward pass;
//   - each layer's backward ("NAME.backward") does twice the forward's
//     MACs where it has weights or multiplies two activations (dX and dW,
//     or dA and dB) and the forward's other arithmetic once; it reads the
//     weights, the gradient of its output and its saved input, writes the
//     gradients of its input and weights, and holds the weight gradients
//     until the update;
//   - one "optimizer" layer, done once per batch at fp32 (master weights and
//     moments, as mixed-precision training keeps them): SGD 1 multiply and
//     1 add per parameter, Adam (the default) 8 multiplies, 3 adds, a square
//     root and a division, with its two moments held.
// Fails (InvalidArgument) when the counts overflow.
absl::StatusOr<NetworkCount> TrainingStep(const NetworkCount& forward,
                                          const v1::Training& training);

// Floating-point operations of `count` for `batch` inferences: 2 per MAC
// plus every other op; once-per-batch work counted once.
double Flops(const NetworkCount& count, int64_t batch);

// A training run of `step` (a TrainingStep counted per sequence of
// `tokens`) at `batch` sequences per step: the tokens and FLOPs of a step,
// and the steps of `training.tokens()` (1 when that is 0).
struct TrainingRun {
  double tokens_per_step = 0;
  double flops_per_step = 0;
  double steps = 1;
  double flops() const { return flops_per_step * steps; }
};
TrainingRun RunOf(const NetworkCount& step, int64_t tokens, int64_t batch,
                  const v1::Training& training);

// "adam" or "sgd".
const char* OptimizerName(v1::Training::Optimizer optimizer);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_TRAINING_H_
