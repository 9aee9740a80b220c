#include "estimators/mapping.h"

namespace neurowatt {

Kernel KernelOf(const Workload& w, double batch) {
  switch (w.op) {
    case v1::Node::kLinear:
    case v1::Node::kRecurrent:
    case v1::Node::kMatmul: {
      const double rows =
          static_cast<double>(w.matrix_rows) * (w.shared_matrix ? batch : 1.0);
      return rows <= 1 ? Kernel::kGemv : Kernel::kGemm;
    }
    case v1::Node::kConv:
      return w.depthwise ? Kernel::kDepthwise : Kernel::kConv;
    case v1::Node::kEinsum:
      return Kernel::kGemm;
    case v1::Node::kPool:
      // Max pooling compares and keeps indices in a framework's own loops;
      // average pooling sums as any reduction does.
      return w.op_kind == v1::Pool::MAX || w.op_kind == v1::Pool::GLOBAL_MAX
                 ? Kernel::kPool
                 : Kernel::kElementwise;
    case v1::Node::kResize:  // nearest copies; the others interpolate
      return w.op_kind == v1::Resize::NEAREST ? Kernel::kLayout
                                              : Kernel::kElementwise;
    case v1::Node::kReshape:
    case v1::Node::kTranspose:
    case v1::Node::kConstant:
    case v1::Node::kLayout:
    case v1::Node::kUncounted:
      return Kernel::kLayout;
    default:
      return Kernel::kElementwise;
  }
}

bool SpikeNative(const Workload& w) {
  switch (w.op) {
    case v1::Node::kNorm:
    case v1::Node::kMatmul:
    case v1::Node::kEinsum:
    case v1::Node::kUncounted:
    case v1::Node::kKvCache:  // memory of past tokens, kept by the host
    case v1::Node::kRotary:   // products with position tables
      return false;
    case v1::Node::kReduce:  // sums are what a neuron's integration does
      return w.op_kind == v1::Reduce::SUM || w.op_kind == v1::Reduce::MEAN;
    case v1::Node::kActivation:
      // A saturating ReLU is a firing rate with a ceiling.
      return w.op_kind == v1::Activation::RELU ||
             w.op_kind == v1::Activation::CLIP ||
             w.op_kind == v1::Activation::IDENTITY;
    case v1::Node::kPool:
      return w.op_kind != v1::Pool::MAX;
    case v1::Node::kElementwise:
      return w.op_kind == v1::Elementwise::ADD ||
             w.op_kind == v1::Elementwise::SUB;
    default:
      return true;
  }
}

}  // namespace neurowatt
