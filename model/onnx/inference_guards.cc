#include "model/onnx/inference_guards.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "model/onnx/shape_folding.h"
#include "onnx/defs/shape_inference.h"

namespace neurowatt {
namespace onnx_import {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// ---- Tensor payloads ---------------------------------------------------

// Bytes per element of a fixed-width type; 0 for strings, 4-bit types and
// unknown types, which ParseData refuses by itself.
int ElementBytes(int32_t type) {
  switch (type) {
    case onnx::TensorProto::UINT8:
    case onnx::TensorProto::INT8:
    case onnx::TensorProto::BOOL:
    case 17:  // the FLOAT8 types of opset 19, newer than ONNX 1.12's enum
    case 18:
    case 19:
    case 20:
      return 1;
    case onnx::TensorProto::UINT16:
    case onnx::TensorProto::INT16:
    case onnx::TensorProto::FLOAT16:
    case onnx::TensorProto::BFLOAT16:
      return 2;
    case onnx::TensorProto::FLOAT:
    case onnx::TensorProto::INT32:
    case onnx::TensorProto::UINT32:
      return 4;
    case onnx::TensorProto::INT64:
    case onnx::TensorProto::UINT64:
    case onnx::TensorProto::DOUBLE:
    case onnx::TensorProto::COMPLEX64:
      return 8;
    case onnx::TensorProto::COMPLEX128:
      return 16;
    default:
      return 0;
  }
}

int64_t TypedValues(const onnx::TensorProto& t) {
  return int64_t{t.float_data_size()} + t.int32_data_size() +
         t.string_data_size() + t.int64_data_size() + t.double_data_size() +
         t.uint64_data_size();
}

absl::Status CheckTensor(const onnx::TensorProto& t, const std::string& where) {
  // ParseData refuses external tensors; the importer reads them itself.
  if (t.data_location() == onnx::TensorProto::EXTERNAL) return absl::OkStatus();
  uint64_t elements = 1;
  bool huge = false;  // more than 2^63 elements: no payload can match
  for (int64_t d : t.dims()) {
    if (d < 0) {
      return InvalidArgumentError(
          StrCat(where, ": dimension ", d, " is negative"));
    }
    if (d != 0 && elements > (uint64_t{1} << 63) / static_cast<uint64_t>(d)) {
      huge = true;
    }
    elements *= static_cast<uint64_t>(d);
  }
  const std::string dims = StrCat("[", absl::StrJoin(t.dims(), ", "), "]");
  if (t.has_raw_data()) {
    const int width = ElementBytes(t.data_type());
    if (width == 0) return absl::OkStatus();
    const size_t size = t.raw_data().size();
    if (huge || size % width != 0 || size / width != elements) {
      return InvalidArgumentError(
          StrCat(where, ": raw_data holds ", size, " bytes, but shape ", dims,
                 " of ", width, "-byte elements needs ",
                 huge ? std::string("more than 2^63 elements")
                      : StrCat(elements * width)));
    }
  } else if (t.dims_size() == 0 && TypedValues(t) == 0) {
    return InvalidArgumentError(
        StrCat(where, ": a scalar (shape []) that holds no value"));
  }
  return absl::OkStatus();
}

absl::Status CheckGraphTensors(const onnx::GraphProto& g,
                               const std::string& scope) {
  for (const auto& t : g.initializer()) {
    if (auto s = CheckTensor(t, StrCat(scope, "initializer '", t.name(), "'"));
        !s.ok()) {
      return s;
    }
  }
  for (const auto& n : g.node()) {
    const std::string node =
        StrCat("node '", n.name(), "' (", n.op_type(), ")");
    for (const auto& a : n.attribute()) {
      const std::string where =
          StrCat(scope, node, " attribute '", a.name(), "'");
      if (a.has_t()) {
        if (auto s = CheckTensor(a.t(), where); !s.ok()) return s;
      }
      for (const auto& t : a.tensors()) {
        if (auto s = CheckTensor(t, where); !s.ok()) return s;
      }
      if (a.has_g()) {
        if (auto s = CheckGraphTensors(a.g(), StrCat(where, ": ")); !s.ok()) {
          return s;
        }
      }
      for (const auto& sub : a.graphs()) {
        if (auto s = CheckGraphTensors(sub, StrCat(where, ": ")); !s.ok()) {
          return s;
        }
      }
    }
  }
  return absl::OkStatus();
}

// ---- Checks on nodes ----------------------------------------------------

// What a check on a node found.
struct Verdict {
  enum Kind { kRun, kSkip, kReject } kind = kRun;
  std::string why;  // for kReject
};

Verdict Run() { return {}; }
Verdict Skip() { return {Verdict::kSkip, ""}; }
Verdict Reject(std::string why) { return {Verdict::kReject, std::move(why)}; }

// Checks run with the op's since_version (Scan's inputs differ by version).
using InferenceCheck =
    std::function<Verdict(const onnx::InferenceContext&, int since_version)>;
// True when the data-propagation function may run; false skips it.
using PropagationCheck = std::function<bool(onnx::DataPropagationContext&)>;

struct Guard {
  InferenceCheck inference;
  PropagationCheck propagation;
};

const onnx::TensorShapeProto* ShapeOf(const onnx::TypeProto* t) {
  if (t == nullptr || !t->has_tensor_type() || !t->tensor_type().has_shape()) {
    return nullptr;
  }
  return &t->tensor_type().shape();
}

const onnx::TypeProto* InputType(const onnx::InferenceContext& ctx, size_t i) {
  return i < ctx.getNumInputs() ? ctx.getInputType(i) : nullptr;
}

const onnx::TensorShapeProto* InputShape(const onnx::InferenceContext& ctx,
                                         size_t i) {
  return ShapeOf(InputType(ctx, i));
}

int64_t IntAttr(const onnx::InferenceContext& ctx, const std::string& name,
                int64_t fallback) {
  const onnx::AttributeProto* a = ctx.getAttribute(name);
  return a != nullptr ? a->i() : fallback;
}

// Convolutions and pools: strides divide, and with auto_pad ONNX 1.12 finds
// the remainder of each spatial dimension by repeated subtraction (about
// dim / stride steps), which does not finish on an absurd dimension.
Verdict CheckWindow(const onnx::InferenceContext& ctx) {
  if (const auto* a = ctx.getAttribute("strides")) {
    for (int64_t s : a->ints()) {
      if (s < 1) {
        return Reject(StrCat("strides [", absl::StrJoin(a->ints(), ", "),
                             "]: each must be 1 or more"));
      }
    }
  }
  constexpr int64_t kMaxPaddedDim = int64_t{1} << 32;
  const auto* x = InputShape(ctx, 0);
  if (x != nullptr && ctx.getAttribute("pads") == nullptr &&
      ctx.getAttribute("auto_pad") != nullptr) {
    for (int i = 2; i < x->dim_size(); ++i) {
      if (x->dim(i).dim_value() > kMaxPaddedDim) {
        return Reject(StrCat("input dimension ", i, " is ",
                             x->dim(i).dim_value(),
                             "; with auto_pad it can be at most 2^32"));
      }
    }
  }
  return Run();
}

// A convolution's weights are [filters, channels, kernel...]: the input's
// rank, and at least 3. ONNX 1.12 indexes one shape by the other's rank.
InferenceCheck CheckConv(size_t w) {
  return [w](const onnx::InferenceContext& ctx, int) {
    const auto* x = InputShape(ctx, 0);
    const auto* ws = InputShape(ctx, w);
    if (ws != nullptr && ws->dim_size() < 3) {
      return Reject(StrCat("weights of rank ", ws->dim_size(),
                           "; a convolution's have rank 3 or more"));
    }
    if (x != nullptr && ws != nullptr && x->dim_size() != ws->dim_size()) {
      return Reject(StrCat("input of rank ", x->dim_size(),
                           " and weights of rank ", ws->dim_size(),
                           "; they must have the same rank"));
    }
    return CheckWindow(ctx);
  };
}

// Input `i`, when it has a shape, has rank `rank`.
InferenceCheck CheckRank(size_t i, int rank, absl::string_view what) {
  return [=, what = std::string(what)](const onnx::InferenceContext& ctx, int) {
    const auto* s = InputShape(ctx, i);
    if (s != nullptr && s->dim_size() != rank) {
      return Reject(
          StrCat(what, " of rank ", s->dim_size(), "; it must be ", rank));
    }
    return Run();
  };
}

Verdict CheckGemm(const onnx::InferenceContext& ctx, int) {
  for (size_t i : {0, 1}) {
    const auto* s = InputShape(ctx, i);
    if (s != nullptr && s->dim_size() != 2) {
      return Reject(StrCat(i == 0 ? "A" : "B", " of rank ", s->dim_size(),
                           "; Gemm takes matrices (rank 2)"));
    }
  }
  return Run();
}

Verdict CheckMaxUnpool(const onnx::InferenceContext& ctx, int) {
  const auto* x = InputShape(ctx, 0);
  if (x == nullptr || ctx.getNumInputs() != 2) return Run();
  // Without output_shape, 1.12 reads I's shape unchecked; I may still be
  // untyped when its producer's inference failed.
  const auto* indices = InputShape(ctx, 1);
  if (indices == nullptr) return Skip();
  if (indices->dim_size() != x->dim_size()) {
    return Reject(StrCat("indices of rank ", indices->dim_size(),
                         " for an input of rank ", x->dim_size(),
                         "; they must have the same shape"));
  }
  return Run();
}

Verdict CheckLayerNormalization(const onnx::InferenceContext& ctx, int) {
  const auto* x = InputShape(ctx, 0);
  if (x == nullptr) return Run();
  const int64_t axis = IntAttr(ctx, "axis", -1);
  const int64_t rank = x->dim_size();
  if (axis < -rank || axis >= rank) {
    return Reject(StrCat("axis ", axis, " for an input of rank ", rank,
                         "; it must be in [", -rank, ", ", rank - 1, "]"));
  }
  return Run();
}

Verdict CheckGatherND(const onnx::InferenceContext& ctx, int) {
  const int64_t batch_dims = IntAttr(ctx, "batch_dims", 0);
  if (batch_dims < 0) {
    return Reject(StrCat("batch_dims ", batch_dims, "; it must be 0 or more"));
  }
  const auto* indices = InputShape(ctx, 1);
  if (indices != nullptr && indices->dim_size() > 0) {
    const auto& last = indices->dim(indices->dim_size() - 1);
    if (last.has_dim_value() && last.dim_value() < 1) {
      return Reject(StrCat("the indices' last dimension is ", last.dim_value(),
                           "; it must be 1 or more"));
    }
  }
  return Run();
}

Verdict CheckSplit(const onnx::InferenceContext& ctx, int) {
  // 1.12 divides the axis by the number of outputs.
  if (ctx.getNumOutputs() == 0) return Reject("it has no outputs");
  return Run();
}

Verdict CheckEinsum(const onnx::InferenceContext& ctx, int) {
  // Without "->", 1.12 counts each letter in a 26-slot array on the stack,
  // indexed by (c - 'a'): anything but a-z, commas and dots writes outside
  // it. numpy also takes upper case, so the node is legal: its shape is
  // left to the importer's own rule (extra_shapes.h).
  const auto* a = ctx.getAttribute("equation");
  if (a == nullptr ||
      absl::string_view(a->s()).find("->") != absl::string_view::npos) {
    return Run();
  }
  for (char c : a->s()) {
    if (!((c >= 'a' && c <= 'z') || c == ',' || c == '.')) return Skip();
  }
  return Run();
}

Verdict CheckDepthToSpace(const onnx::InferenceContext& ctx, int) {
  // 1.12 divides the channels by blocksize^2, which wraps to 0 in 64 bits
  // for a multiple of 2^32; no real block is that large (blocksize^2 is at
  // most the channel count, below 2^40).
  const auto* a = ctx.getAttribute("blocksize");
  if (a == nullptr) return Run();  // a required attribute: 1.12 says so
  if (a->i() < 1 || a->i() > (int64_t{1} << 20)) {
    return Reject(StrCat("blocksize ", a->i(), "; it must be 1 to 2^20"));
  }
  return Run();
}

// The integer held by a scalar INT32 or INT64 tensor.
std::optional<int64_t> ScalarValue(const onnx::TensorProto& t) {
  if (t.dims_size() != 0 || (t.data_type() != onnx::TensorProto::INT64 &&
                             t.data_type() != onnx::TensorProto::INT32)) {
    return std::nullopt;
  }
  const std::optional<std::vector<int64_t>> v = IntValues(t);
  if (!v.has_value() || v->size() != 1) return std::nullopt;
  return v->front();
}

Verdict CheckSplitToSequence(const onnx::InferenceContext& ctx, int) {
  // A scalar split is the size of every piece: 1.12 divides by it.
  const onnx::TensorProto* split =
      ctx.getNumInputs() > 1 ? ctx.getInputData(1) : nullptr;
  if (split == nullptr) return Run();
  if (auto v = ScalarValue(*split); v.has_value() && *v < 1) {
    return Reject(StrCat("split ", *v, "; it must be 1 or more"));
  }
  return Run();
}

Verdict CheckEyeLike(const onnx::InferenceContext& ctx, int) {
  // With dtype given, 1.12 copies input 0's shape without looking for it.
  if (ctx.getAttribute("dtype") != nullptr && InputType(ctx, 0) == nullptr) {
    return Skip();
  }
  return Run();
}

Verdict CheckStft(const onnx::InferenceContext& ctx, int) {
  const auto* s = InputShape(ctx, 0);
  if (s != nullptr && s->dim_size() < 2) {
    return Reject(StrCat("a signal of rank ", s->dim_size(),
                         "; it is [batch, length, 1 or 2]"));
  }
  return Run();
}

Verdict CheckScan(const onnx::InferenceContext& ctx, int since_version) {
  const auto* a = ctx.getAttribute("num_scan_inputs");
  if (a == nullptr) return Reject("the attribute num_scan_inputs is missing");
  // Scan 8 takes sequence_lens ahead of the state variables.
  const int64_t inputs =
      static_cast<int64_t>(ctx.getNumInputs()) - (since_version < 9 ? 1 : 0);
  const int64_t scanned = a->i();
  if (scanned < 1 || scanned > inputs) {
    return Reject(StrCat("num_scan_inputs ", scanned, " for ", inputs,
                         " inputs; it must be 1 to ", inputs));
  }
  const int64_t states = inputs - scanned;
  if (states > static_cast<int64_t>(ctx.getNumOutputs())) {
    return Reject(StrCat(states, " state variables but ", ctx.getNumOutputs(),
                         " outputs; each state needs its final value out"));
  }
  return Run();
}

// ConstantOfShape and Expand: when the shape input's values are unknown,
// 1.12 makes an output of rank = its length, one dimension at a time.
InferenceCheck CheckShapeInput(size_t i) {
  return [i](const onnx::InferenceContext& ctx, int) {
    constexpr int64_t kMaxRank = 1024;
    const auto* s = InputShape(ctx, i);
    if (s != nullptr && s->dim_size() == 1 &&
        s->dim(0).dim_value() > kMaxRank) {
      return Reject(StrCat("a shape of ", s->dim(0).dim_value(),
                           " entries (a tensor of that rank); at most ",
                           kMaxRank, " are accepted"));
    }
    return Run();
  };
}

// Shape's propagation reads its input's type with no null check.
bool MayPropagateShape(onnx::DataPropagationContext& ctx) {
  return ctx.getNumInputs() > 0 && ctx.getInputType(0) != nullptr;
}

// Add/Sub/Mul broadcast a length-1 operand by reading its element 0 for
// each element of the other; with an empty other side, the length-1 test
// picks the wrong one and reads element 0 of the empty side.
bool MayPropagateArithmetic(onnx::DataPropagationContext& ctx) {
  if (ctx.getNumInputs() < 2) return true;  // 1.12 throws, which is caught
  for (size_t i : {0, 1}) {
    const onnx::TensorShapeProto* d = ctx.getInputData(i);
    if (d != nullptr && d->dim_size() == 0) return false;
  }
  return true;
}

// Slice's propagation steps an int through the data: an empty input with a
// negative step reads element -1, and a step near 2^31 overflows it.
bool MayPropagateSlice(onnx::DataPropagationContext& ctx) {
  if (ctx.getNumInputs() == 0) return true;
  const onnx::TensorShapeProto* data = ctx.getInputData(0);
  if (data != nullptr && data->dim_size() == 0) return false;
  if (ctx.getNumInputs() >= 5) {
    const onnx::TensorShapeProto* steps = ctx.getInputData(4);
    constexpr int64_t kMaxStep = int64_t{1} << 30;
    if (steps != nullptr) {
      for (const auto& s : steps->dim()) {
        if (s.dim_value() > kMaxStep || s.dim_value() < -kMaxStep) {
          return false;
        }
      }
    }
  }
  return true;
}

const absl::flat_hash_map<std::string, Guard>& Guards() {
  static const auto* guards = [] {
    auto* g = new absl::flat_hash_map<std::string, Guard>;
    auto window = [](const onnx::InferenceContext& ctx, int) {
      return CheckWindow(ctx);
    };
    // Where in libonnx v1.12.0 each guard keeps out of (onnx/defs/...).
    // convPoolShapeInference, nn/defs.cc:90-180 and nn/old.cc:294-384:
    // dilations, strides and pads indexed by W's rank, `/ strides[i]`.
    (*g)["Conv"].inference = CheckConv(1);
    (*g)["ConvInteger"].inference = CheckConv(1);
    (*g)["QLinearConv"].inference = CheckConv(3);
    // nn/defs.cc:1127-1206, nn/old.cc:1112-1187: W's dim(1) unchecked.
    (*g)["ConvTranspose"].inference = CheckConv(1);
    (*g)["AveragePool"].inference = window;
    (*g)["MaxPool"].inference = window;
    (*g)["LpPool"].inference = window;
    (*g)["MaxUnpool"].inference = CheckMaxUnpool;  // nn/defs.cc:427
    (*g)["MaxRoiPool"].inference = CheckRank(0, 4, "an input");  // nn:638
    // nn/defs.cc:2303-2311: mutable_dim(axis) of the mean's shape.
    (*g)["LayerNormalization"].inference = CheckLayerNormalization;
    // tensor/defs.cc:3188-3201 (and old.cc): dim(last + batch_dims).
    (*g)["GatherND"].inference = CheckGatherND;
    (*g)["Split"].inference = CheckSplit;    // tensor/defs.cc:686, old.cc:572
    (*g)["Einsum"].inference = CheckEinsum;  // math/defs.cc:2440-2442
    (*g)["DepthToSpace"].inference = CheckDepthToSpace;  // tensor:2022
    // sequence/defs.cc:369: `% splitSizes[0]`.
    (*g)["SplitToSequence"].inference = CheckSplitToSequence;
    (*g)["EyeLike"].inference = CheckEyeLike;  // generator/defs.cc:304
    (*g)["STFT"].inference = CheckStft;        // math/defs.cc:3219: dim(1)
    // controlflow/defs.cc:29-58, old.cc:14-180: the attribute unchecked,
    // then vectors sized by num_inputs - num_scan_inputs.
    (*g)["Scan"].inference = CheckScan;
    (*g)["Gemm"].inference = CheckGemm;  // Gemm 6, math/old.cc:2323-2326
    // RNNShapeInference1 (RNN 1, GRU 3, LSTM 1), rnn/old.cc:215-218.
    for (const char* rnn : {"RNN", "GRU", "LSTM"}) {
      (*g)[rnn].inference = CheckRank(0, 3, "an input");
    }
    // getShapeInput, defs/shape_inference.cc:456-461; math/old.cc:869.
    (*g)["ConstantOfShape"].inference = CheckShapeInput(0);
    (*g)["Expand"].inference = CheckShapeInput(1);
    (*g)["Shape"].propagation = MayPropagateShape;  // tensor/defs.cc:435
    // MathOpDataPropagator, math/defs.cc:30-39.
    for (const char* op : {"Add", "Sub", "Mul"}) {
      (*g)[op].propagation = MayPropagateArithmetic;
    }
    (*g)["Slice"].propagation = MayPropagateSlice;  // tensor:1016-1025
    return g;
  }();
  return *guards;
}

}  // namespace

absl::Status CheckTensorData(const onnx::GraphProto& graph) {
  return CheckGraphTensors(graph, "");
}

void GuardedSchemas::Reject(const std::string& op,
                            const std::string& why) const {
  if (!rejection_.has_value()) rejection_ = Rejection{op, why};
}

const onnx::OpSchema* GuardedSchemas::GetSchema(
    const std::string& key, const int max_inclusive_version,
    const std::string& domain) const {
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Instance()->GetSchema(
      key, max_inclusive_version, domain);
  if (schema == nullptr || !(domain.empty() || domain == "ai.onnx")) {
    return schema;
  }
  const auto guard = Guards().find(key);
  if (guard == Guards().end()) return schema;
  std::unique_ptr<onnx::OpSchema>& copy = guarded_[schema];
  if (copy != nullptr) return copy.get();
  copy = std::make_unique<onnx::OpSchema>(*schema);
  const int since = schema->SinceVersion();
  if (guard->second.inference &&
      schema->has_type_and_shape_inference_function()) {
    copy->TypeAndShapeInferenceFunction(
        [this, key, since, check = guard->second.inference,
         original = schema->GetTypeAndShapeInferenceFunction()](
            onnx::InferenceContext& ctx) {
          const Verdict v = check(ctx, since);
          // An InferenceError fails this node only (error_mode 0).
          if (v.kind == Verdict::kReject) {
            Reject(key, v.why);
            fail_shape_inference(key, ": ", v.why);
          }
          if (v.kind == Verdict::kSkip) {
            fail_shape_inference(key, ": left to the importer's own rules");
          }
          original(ctx);
        });
  }
  if (guard->second.propagation && schema->has_data_propagation_function()) {
    copy->PartialDataPropagationFunction(
        [check = guard->second.propagation,
         original = schema->GetDataPropagationFunction()](
            onnx::DataPropagationContext& ctx) {
          if (check(ctx)) original(ctx);
        });
  }
  return copy.get();
}

}  // namespace onnx_import
}  // namespace neurowatt
