// How a node maps onto hardware: which kernel a conventional processor runs
// for it, and whether a spiking chip's integrate-and-fire neurons and
// synapses can express it. Decisions of the estimators, from what the
// Workload says the node computes.
#ifndef NEUROWATT_ESTIMATORS_MAPPING_H_
#define NEUROWATT_ESTIMATORS_MAPPING_H_

#include "model/workload.h"

namespace neurowatt {

enum class Kernel {
  kLayout,  // reshape, transpose, constants: no arithmetic
  kGemm,    // a matrix applied to several rows at once
  kGemv,    // ... to one row
  kConv,
  kDepthwise,
  kPool,         // max pooling windows (average pools are elementwise)
  kElementwise,  // everything else
};

// The kernel for `w` run on `batch` inferences at once: a stored weight
// matrix serves every inference of the batch, so the batch multiplies its
// rows (a layer on one token at batch 1 is a GEMV, at batch 8 a GEMM).
Kernel KernelOf(const Workload& w, double batch);

// Weighted layers, ReLU (and its saturating and identity forms), average
// pooling, sums and layout are spike-native; norms, softmax and other
// smooth activations, max pooling, products, activation x activation
// matmuls and uncounted ops are not.
bool SpikeNative(const Workload& w);

}  // namespace neurowatt

#endif  // NEUROWATT_ESTIMATORS_MAPPING_H_
