#include "model/shape_inference.h"

#include <algorithm>
#include <cctype>
#include <numeric>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "util/checked.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

absl::Status RequireInputs(const std::vector<Shape>& inputs, size_t min,
                           size_t max) {
  if (inputs.size() < min || inputs.size() > max) {
    std::string want = min == max ? StrCat(min) : StrCat(min, " to ", max);
    if (max == SIZE_MAX) want = StrCat("at least ", min);
    return InvalidArgumentError(
        StrCat("takes ", want, " input(s), has ", inputs.size()));
  }
  return absl::OkStatus();
}

// Conv and pool take one [N, C, spatial...] input.
absl::Status RequireChannelsFirst(const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  if (in[0].size() < 3) {
    return InvalidArgumentError(
        StrCat("expects [N, C, spatial...], got ", ShapeToString(in[0])));
  }
  return absl::OkStatus();
}

absl::Status RequirePositive(int64_t v, const char* field) {
  if (v <= 0) {
    return InvalidArgumentError(StrCat(field, " must be positive, is ", v));
  }
  if (v > kMaxDimension) {
    return InvalidArgumentError(StrCat(field, " = ", v,
                                       " is beyond the largest accepted "
                                       "dimension (2^40)"));
  }
  return absl::OkStatus();
}

// Repeats a single entry, fills an empty field with `fallback`, and rejects
// any other length.
absl::StatusOr<std::vector<int64_t>> PerDim(
    const google::protobuf::RepeatedField<int64_t>& field, size_t dims,
    int64_t fallback, const char* what, int64_t min_value) {
  std::vector<int64_t> out;
  if (field.empty()) {
    out.assign(dims, fallback);
  } else if (field.size() == 1) {
    out.assign(dims, field[0]);
  } else if (static_cast<size_t>(field.size()) == dims) {
    out.assign(field.begin(), field.end());
  } else {
    return InvalidArgumentError(StrCat(what, " has ", field.size(),
                                       " entries for ", dims,
                                       " spatial dimension(s)"));
  }
  for (int64_t v : out) {
    if (v < min_value || v > kMaxDimension) {
      return InvalidArgumentError(
          StrCat(what, " entry ", v, " is out of range"));
    }
  }
  return out;
}

absl::Status ExpandPadding(
    const google::protobuf::RepeatedField<int64_t>& padding, size_t dims,
    Window& w) {
  // 2 x dims entries are begins then ends, ONNX's order; for one spatial
  // axis that is [begin, end], which a per-axis reading would refuse.
  if (static_cast<size_t>(padding.size()) == 2 * dims) {
    w.pad_begin.assign(padding.begin(), padding.begin() + dims);
    w.pad_end.assign(padding.begin() + dims, padding.end());
    for (size_t i = 0; i < dims; ++i) {
      if (w.pad_begin[i] < 0 || w.pad_end[i] < 0 ||
          w.pad_begin[i] > kMaxDimension || w.pad_end[i] > kMaxDimension) {
        return InvalidArgumentError("padding entries must be >= 0");
      }
    }
    return absl::OkStatus();
  }
  auto p = PerDim(padding, dims, 0, "padding", 0);
  if (!p.ok()) return p.status();
  w.pad_begin = *p;
  w.pad_end = *p;
  return absl::OkStatus();
}

// Output extent of one spatial dimension of a sliding window.
absl::StatusOr<int64_t> WindowExtent(int64_t in, const Window& w, size_t i) {
  // Each term is at most 2^40, but dilation x kernel can reach 2^80.
  const auto reach = CheckedMul(w.dilation[i], w.kernel[i] - 1);
  if (!reach || *reach > kMaxDimension) {
    return InvalidArgumentError(
        StrCat("dilation ", w.dilation[i], " x kernel ", w.kernel[i],
               " spans more than the largest accepted dimension (2^40)"));
  }
  const int64_t span = *reach + 1;
  const int64_t padded = in + w.pad_begin[i] + w.pad_end[i];
  if (padded < span) {
    return InvalidArgumentError(
        StrCat("window of ", span, " elements does not fit spatial dimension ",
               i, " of ", padded, " elements (padding included)"));
  }
  if (w.ceil_mode) {
    int64_t out = (padded - span + w.stride[i] - 1) / w.stride[i] + 1;
    // As in ONNX and PyTorch: the last window must start inside the input
    // or its leading padding.
    if ((out - 1) * w.stride[i] >= in + w.pad_begin[i]) --out;
    return out;
  }
  return (padded - span) / w.stride[i] + 1;
}

// Output extent of one spatial dimension of a transposed convolution.
absl::StatusOr<int64_t> TransposedExtent(int64_t in, const Window& w,
                                         size_t i) {
  CheckedCount out = CheckedCount(w.stride[i]) * (in - 1);
  out += w.output_padding[i];
  out += CheckedCount(w.dilation[i]) * (w.kernel[i] - 1);
  out += 1;
  if (!out.ok() ||
      out.value() > kMaxDimension + w.pad_begin[i] + w.pad_end[i]) {
    return InvalidArgumentError(
        "transposed convolution output exceeds the largest accepted "
        "dimension (2^40)");
  }
  const int64_t extent = out.value() - w.pad_begin[i] - w.pad_end[i];
  if (extent <= 0) {
    return InvalidArgumentError(
        StrCat("padding removes all of spatial "
               "dimension ",
               i, " (", out.value(), " elements)"));
  }
  return extent;
}

absl::StatusOr<Shape> SlidingWindowShape(const Shape& in, const Window& w,
                                         int64_t out_channels) {
  Shape out = {in[0], out_channels};
  for (size_t i = 0; i + 2 < in.size(); ++i) {
    auto extent = WindowExtent(in[i + 2], w, i);
    if (!extent.ok()) return extent.status();
    out.push_back(*extent);
  }
  return out;
}

absl::StatusOr<Shape> LinearShape(const v1::Linear& op,
                                  const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  if (auto s = RequirePositive(op.in_features(), "in_features"); !s.ok())
    return s;
  if (auto s = RequirePositive(op.out_features(), "out_features"); !s.ok())
    return s;
  if (op.experts() < 0 || op.experts() > kMaxDimension ||
      (op.experts() > 1 &&
       (op.experts_per_token() < 1 || op.experts_per_token() > op.experts())) ||
      (op.experts() <= 1 && op.experts_per_token() > 1)) {
    return InvalidArgumentError(StrCat(
        "experts = ", op.experts(),
        " and experts_per_token = ", op.experts_per_token(),
        ": expected 1 to experts experts per token of 2 or more experts"));
  }
  const Shape& x = in[0];
  if (x.empty() || x.back() != op.in_features()) {
    return InvalidArgumentError(
        StrCat("in_features is ", op.in_features(),
               " but the input's last dimension is ",
               x.empty() ? std::string("absent") : StrCat(x.back()), " (shape ",
               ShapeToString(x), ")"));
  }
  Shape out = x;
  out.back() = op.out_features();
  return out;
}

absl::StatusOr<Shape> ConvShape(const v1::Conv& op,
                                const std::vector<Shape>& in) {
  if (auto s = RequireChannelsFirst(in); !s.ok()) return s;
  const Shape& x = in[0];
  if (auto s = RequirePositive(op.in_channels(), "in_channels"); !s.ok())
    return s;
  if (auto s = RequirePositive(op.out_channels(), "out_channels"); !s.ok())
    return s;
  if (x[1] != op.in_channels()) {
    return InvalidArgumentError(
        StrCat("in_channels is ", op.in_channels(), " but the input has ", x[1],
               " channels (shape ", ShapeToString(x), ")"));
  }
  const int64_t groups = op.groups() == 0 ? 1 : op.groups();
  if (groups < 0 || op.in_channels() % groups != 0 ||
      op.out_channels() % groups != 0) {
    return InvalidArgumentError(StrCat("groups = ", groups,
                                       " must divide in_channels and "
                                       "out_channels"));
  }
  auto w = ConvWindow(op, x.size() - 2);
  if (!w.ok()) return w.status();
  if (!op.transposed()) return SlidingWindowShape(x, *w, op.out_channels());
  Shape out = {x[0], op.out_channels()};
  for (size_t i = 0; i + 2 < x.size(); ++i) {
    auto extent = TransposedExtent(x[i + 2], *w, i);
    if (!extent.ok()) return extent.status();
    out.push_back(*extent);
  }
  return out;
}

absl::StatusOr<Shape> RecurrentShape(const v1::Recurrent& op,
                                     const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  if (op.cell() == v1::Recurrent::CELL_UNSPECIFIED) {
    return InvalidArgumentError(
        "recurrent cell is unspecified (RNN, LSTM "
        "or GRU)");
  }
  if (auto s = RequirePositive(op.input_size(), "input_size"); !s.ok())
    return s;
  if (auto s = RequirePositive(op.hidden_size(), "hidden_size"); !s.ok())
    return s;
  if (op.layers() < 0 || op.layers() > kMaxDimension) {
    return InvalidArgumentError(
        StrCat("layers = ", op.layers(), " is out of range"));
  }
  const Shape& x = in[0];
  if (x.size() != 3 || x[2] != op.input_size()) {
    return InvalidArgumentError(StrCat(
        "expects [", op.sequence_first() ? "timesteps, N" : "N, timesteps",
        ", ", op.input_size(), "], got ", ShapeToString(x)));
  }
  const int64_t batch = op.sequence_first() ? x[1] : x[0];
  const int64_t steps = op.sequence_first() ? x[0] : x[1];
  if (op.timesteps() < 0 || (op.timesteps() > 0 && op.timesteps() != steps)) {
    return InvalidArgumentError(StrCat("timesteps is ", op.timesteps(),
                                       " but the input has ", steps, " steps"));
  }
  const int64_t dirs = op.bidirectional() ? 2 : 1;
  if (op.sequence_first()) {
    if (op.layers() > 1) {
      return InvalidArgumentError(
          "sequence_first (the ONNX layout) takes one layer per node");
    }
    return Shape{steps, dirs, batch, op.hidden_size()};
  }
  return Shape{batch, steps, op.hidden_size() * dirs};
}

absl::StatusOr<Shape> MatMulShape(const v1::MatMul& op,
                                  const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 2, 2); !s.ok()) return s;
  const Shape& a = in[0];
  const Shape& b = in[1];
  if (a.size() < 2 || b.size() < 2) {
    return InvalidArgumentError(
        StrCat("operands need two or more "
               "dimensions, got ",
               ShapeToString(a), " and ", ShapeToString(b)));
  }
  const int64_t m = a[a.size() - 2], k = a.back();
  const int64_t kb = op.transpose_b() ? b.back() : b[b.size() - 2];
  const int64_t n = op.transpose_b() ? b[b.size() - 2] : b.back();
  if (k != kb) {
    return InvalidArgumentError(
        StrCat("inner dimensions differ: ", ShapeToString(a), " x ",
               ShapeToString(b), op.transpose_b() ? " (B transposed)" : ""));
  }
  auto lead =
      Broadcast(Shape(a.begin(), a.end() - 2), Shape(b.begin(), b.end() - 2));
  if (!lead.ok()) return lead.status();
  auto batch = NumElements(*lead);
  if (!batch.ok()) return batch.status();
  const struct {
    const char* name;
    int64_t declared, inferred;
  } checks[] = {{"batch", op.batch(), *batch},
                {"m", op.m(), m},
                {"n", op.n(), n},
                {"k", op.k(), k}};
  for (const auto& c : checks) {
    if (c.declared != 0 && c.declared != c.inferred) {
      return InvalidArgumentError(StrCat(
          c.name, " is ", c.declared, " but the operands give ", c.inferred));
    }
  }
  Shape out = *lead;
  out.push_back(m);
  out.push_back(n);
  return out;
}

absl::StatusOr<Shape> KvCacheShape(const v1::KvCache& op,
                                   const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  const int64_t rank = static_cast<int64_t>(in[0].size());
  const int64_t axis = op.axis() < 0 ? op.axis() + rank : op.axis();
  if (axis < 0 || axis >= rank) {
    return InvalidArgumentError(
        StrCat("axis ", op.axis(), " is outside ", ShapeToString(in[0])));
  }
  Shape out = in[0];
  // Graph::Build has bound the cached positions to a size.
  out[axis] += op.cached().size();
  if (out[axis] > kMaxDimension) {
    return InvalidArgumentError(
        StrCat("the cache holds ", out[axis], " positions, beyond 2^40"));
  }
  return out;
}

absl::StatusOr<Shape> EmbeddingShape(const v1::Embedding& op,
                                     const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  if (auto s = RequirePositive(op.vocab(), "vocab"); !s.ok()) return s;
  if (auto s = RequirePositive(op.dim(), "dim"); !s.ok()) return s;
  Shape out = in[0];
  out.push_back(op.dim());
  return out;
}

absl::StatusOr<Shape> NormShape(const v1::Norm& op,
                                const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  if (auto s = RequirePositive(op.features(), "features"); !s.ok()) return s;
  const Shape& x = in[0];
  switch (op.kind()) {
    case v1::Norm::LAYER:
    case v1::Norm::RMS: {
      // Normalised together: the last dimension, or several trailing ones
      // (ONNX LayerNormalization's axis).
      int64_t suffix = 1;
      size_t i = x.size();
      while (i > 0 && suffix < op.features()) suffix *= x[--i];
      if (x.empty() || suffix != op.features()) {
        return InvalidArgumentError(
            StrCat("features is ", op.features(),
                   " but no trailing dimensions of the input ",
                   ShapeToString(x), " hold that many elements"));
      }
      break;
    }
    case v1::Norm::BATCH:
    case v1::Norm::GROUP:
      if (x.size() < 2 || x[1] != op.features()) {
        return InvalidArgumentError(StrCat("features is ", op.features(),
                                           " but the input's channels are ",
                                           ShapeToString(x)));
      }
      if (op.kind() == v1::Norm::GROUP &&
          (op.groups() <= 0 || op.features() % op.groups() != 0)) {
        return InvalidArgumentError(
            StrCat("groups = ", op.groups(), " must divide features"));
      }
      break;
    default:
      return InvalidArgumentError("norm kind is unspecified");
  }
  return x;
}

absl::StatusOr<Shape> ReshapeShape(const v1::Reshape& op,
                                   const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  const Shape& x = in[0];
  auto total = NumElements(x);
  if (!total.ok()) return total.status();
  Shape out;
  int infer_at = -1;
  CheckedCount known = 1;
  for (int i = 0; i < op.shape_size(); ++i) {
    int64_t d = op.shape(i);
    if (d == 0) {
      if (static_cast<size_t>(i) >= x.size()) {
        return InvalidArgumentError(StrCat("shape entry ", i,
                                           " is 0 but the input has only ",
                                           x.size(), " dimensions"));
      }
      d = x[i];
    } else if (d == -1) {
      if (infer_at >= 0) {
        return InvalidArgumentError("shape has more than one -1");
      }
      infer_at = i;
      d = 1;
    } else if (d < 0 || d > kMaxDimension) {
      return InvalidArgumentError(
          StrCat("shape entry ", d, " is out of range"));
    }
    out.push_back(d);
    known *= d;
  }
  if (!known.ok()) return InvalidArgumentError("shape overflows 64 bits");
  if (infer_at >= 0) {
    if (known.value() == 0 || *total % known.value() != 0) {
      return InvalidArgumentError(
          StrCat("cannot reshape ", ShapeToString(x), " with a -1 entry"));
    }
    out[infer_at] = *total / known.value();
  } else if (known.value() != *total) {
    return InvalidArgumentError(StrCat("reshape from ", ShapeToString(x),
                                       " to ", ShapeToString(out),
                                       " changes the number of elements"));
  }
  return out;
}

absl::StatusOr<Shape> TransposeShape(const v1::Transpose& op,
                                     const std::vector<Shape>& in) {
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  const Shape& x = in[0];
  std::vector<int64_t> perm(op.perm().begin(), op.perm().end());
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(x.size());
  std::iota(identity.begin(), identity.end(), 0);
  if (sorted != identity) {
    return InvalidArgumentError(StrCat("perm [", absl::StrJoin(perm, ", "),
                                       "] is not a permutation of the ",
                                       x.size(), " input dimensions"));
  }
  Shape out;
  for (int64_t p : perm) out.push_back(x[p]);
  return out;
}

absl::StatusOr<Shape> ElementwiseShape(const v1::Elementwise& op,
                                       const std::vector<Shape>& in) {
  if (op.kind() == v1::Elementwise::KIND_UNSPECIFIED) {
    return InvalidArgumentError("elementwise kind is unspecified");
  }
  const size_t min = op.kind() == v1::Elementwise::WHERE ? 3 : 2;
  const size_t max = op.kind() == v1::Elementwise::WHERE ? 3 : SIZE_MAX;
  if (auto s = RequireInputs(in, min, max); !s.ok()) return s;
  Shape out = in[0];
  for (size_t i = 1; i < in.size(); ++i) {
    auto b = Broadcast(out, in[i]);
    if (!b.ok()) return b.status();
    out = *b;
  }
  return out;
}

absl::StatusOr<Shape> PoolShape(const v1::Pool& op,
                                const std::vector<Shape>& in) {
  if (auto s = RequireChannelsFirst(in); !s.ok()) return s;
  const Shape& x = in[0];
  auto w = PoolWindow(op, x);
  if (!w.ok()) return w.status();
  return SlidingWindowShape(x, *w, x[1]);
}

absl::StatusOr<Shape> ReduceShape(const v1::Reduce& op,
                                  const std::vector<Shape>& in) {
  if (op.kind() == v1::Reduce::KIND_UNSPECIFIED) {
    return InvalidArgumentError("reduce kind is unspecified");
  }
  if (auto s = RequireInputs(in, 1, 1); !s.ok()) return s;
  const Shape& x = in[0];
  const int64_t rank = static_cast<int64_t>(x.size());
  std::vector<bool> reduced(x.size(), op.axes().empty());
  for (int64_t a : op.axes()) {
    if (a < -rank || a >= rank) {
      return InvalidArgumentError(StrCat("axis ", a, " is outside the ", rank,
                                         " dimensions of the input"));
    }
    reduced[a < 0 ? a + rank : a] = true;
  }
  Shape out;
  for (size_t i = 0; i < x.size(); ++i) {
    if (!reduced[i]) {
      out.push_back(x[i]);
    } else if (op.keep_dims()) {
      out.push_back(1);
    }
  }
  return out;
}

absl::StatusOr<Shape> EinsumShape(const v1::Einsum& op,
                                  const std::vector<Shape>& in) {
  auto e = ParseEinsum(op.equation(), in);
  if (!e.ok()) return e.status();
  return e->output;
}

}  // namespace

absl::StatusOr<EinsumTerms> ParseEinsum(absl::string_view equation,
                                        const std::vector<Shape>& inputs) {
  const size_t arrow = equation.find("->");
  if (arrow == absl::string_view::npos) {
    return InvalidArgumentError(
        StrCat("einsum '", equation, "' needs an explicit output (->)"));
  }
  std::vector<std::string> terms;
  std::string current;
  for (char ch : equation.substr(0, arrow)) {
    if (ch == ',') {
      terms.push_back(current);
      current.clear();
    } else if (ch != ' ') {
      current.push_back(ch);
    }
  }
  terms.push_back(current);
  if (terms.size() != inputs.size() || terms.empty() || terms.size() > 2) {
    return InvalidArgumentError(
        StrCat("einsum '", equation, "' has ", terms.size(), " term(s) for ",
               inputs.size(), " input(s) (1 or 2 supported)"));
  }
  EinsumTerms out;
  for (size_t t = 0; t < terms.size(); ++t) {
    if (terms[t].size() != inputs[t].size()) {
      return InvalidArgumentError(
          StrCat("einsum term '", terms[t], "' does not match input ", t, " ",
                 ShapeToString(inputs[t]), " (ellipses are not supported)"));
    }
    for (size_t i = 0; i < terms[t].size(); ++i) {
      const char letter = terms[t][i];
      if (!std::isalpha(static_cast<unsigned char>(letter))) {
        return InvalidArgumentError(StrCat("einsum '", equation, "': '",
                                           std::string(1, letter),
                                           "' is not a letter"));
      }
      auto [it, inserted] = out.sizes.emplace(letter, inputs[t][i]);
      if (!inserted && it->second != inputs[t][i]) {
        if (it->second == 1) {
          it->second = inputs[t][i];
        } else if (inputs[t][i] != 1) {
          return InvalidArgumentError(
              StrCat("einsum '", equation, "': '", std::string(1, letter),
                     "' is both ", it->second, " and ", inputs[t][i]));
        }
      }
    }
  }
  for (char ch : equation.substr(arrow + 2)) {
    if (ch == ' ') continue;
    auto it = out.sizes.find(ch);
    if (it == out.sizes.end()) {
      return InvalidArgumentError(StrCat("einsum '", equation, "': output '",
                                         std::string(1, ch),
                                         "' is in no input"));
    }
    out.output.push_back(it->second);
  }
  return out;
}

absl::StatusOr<Window> ConvWindow(const v1::Conv& conv, size_t spatial_dims) {
  Window w;
  if (conv.kernel().empty()) return InvalidArgumentError("kernel is empty");
  auto k = PerDim(conv.kernel(), spatial_dims, 1, "kernel", 1);
  if (!k.ok()) return k.status();
  auto s = PerDim(conv.stride(), spatial_dims, 1, "stride", 1);
  if (!s.ok()) return s.status();
  auto d = PerDim(conv.dilation(), spatial_dims, 1, "dilation", 1);
  if (!d.ok()) return d.status();
  w.kernel = *k;
  w.stride = *s;
  w.dilation = *d;
  if (auto st = ExpandPadding(conv.padding(), spatial_dims, w); !st.ok()) {
    return st;
  }
  if (!conv.transposed() && !conv.output_padding().empty()) {
    return InvalidArgumentError("output_padding needs transposed");
  }
  auto op = PerDim(conv.output_padding(), spatial_dims, 0, "output_padding", 0);
  if (!op.ok()) return op.status();
  w.output_padding = *op;
  return w;
}

absl::StatusOr<Window> PoolWindow(const v1::Pool& pool, const Shape& shape) {
  const size_t dims = shape.size() - 2;
  Window w;
  w.dilation.assign(dims, 1);
  if (pool.kind() == v1::Pool::GLOBAL_AVERAGE ||
      pool.kind() == v1::Pool::GLOBAL_MAX) {
    w.kernel.assign(shape.begin() + 2, shape.end());
    w.stride = w.kernel;
    w.pad_begin.assign(dims, 0);
    w.pad_end.assign(dims, 0);
    return w;
  }
  if (pool.kind() == v1::Pool::KIND_UNSPECIFIED) {
    return InvalidArgumentError("pool kind is unspecified");
  }
  if (pool.kernel().empty()) return InvalidArgumentError("kernel is empty");
  auto k = PerDim(pool.kernel(), dims, 1, "kernel", 1);
  if (!k.ok()) return k.status();
  w.kernel = *k;
  if (pool.stride().empty()) {
    w.stride = w.kernel;
  } else {
    auto s = PerDim(pool.stride(), dims, 1, "stride", 1);
    if (!s.ok()) return s.status();
    w.stride = *s;
  }
  if (auto st = ExpandPadding(pool.padding(), dims, w); !st.ok()) return st;
  w.ceil_mode = pool.ceil_mode();
  return w;
}

absl::StatusOr<Shape> Broadcast(const Shape& a, const Shape& b) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    const int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) {
      return InvalidArgumentError(StrCat("shapes ", ShapeToString(a), " and ",
                                         ShapeToString(b),
                                         " do not broadcast"));
    }
    out[out.size() - 1 - i] = std::max(da, db);
  }
  return out;
}

absl::StatusOr<Shape> InferOutputShape(const v1::Node& node,
                                       const std::vector<Shape>& inputs) {
  switch (node.op_case()) {
    case v1::Node::kLinear:
      return LinearShape(node.linear(), inputs);
    case v1::Node::kConv:
      return ConvShape(node.conv(), inputs);
    case v1::Node::kRecurrent:
      return RecurrentShape(node.recurrent(), inputs);
    case v1::Node::kMatmul:
      return MatMulShape(node.matmul(), inputs);
    case v1::Node::kEmbedding:
      return EmbeddingShape(node.embedding(), inputs);
    case v1::Node::kNorm:
      return NormShape(node.norm(), inputs);
    case v1::Node::kActivation:
      if (node.activation().kind() == v1::Activation::KIND_UNSPECIFIED) {
        return InvalidArgumentError("activation kind is unspecified");
      }
      if (auto s = RequireInputs(inputs, 1, 1); !s.ok()) return s;
      return inputs[0];
    case v1::Node::kPool:
      return PoolShape(node.pool(), inputs);
    case v1::Node::kElementwise:
      return ElementwiseShape(node.elementwise(), inputs);
    case v1::Node::kReshape:
      return ReshapeShape(node.reshape(), inputs);
    case v1::Node::kTranspose:
      return TransposeShape(node.transpose(), inputs);
    case v1::Node::kReduce:
      return ReduceShape(node.reduce(), inputs);
    case v1::Node::kEinsum:
      return EinsumShape(node.einsum(), inputs);
    case v1::Node::kKvCache:
      return KvCacheShape(node.kv_cache(), inputs);
    case v1::Node::kRotary:
      if (auto s = RequireInputs(inputs, 1, 1); !s.ok()) return s;
      return inputs[0];
    case v1::Node::kSpikingNeuron:
      if (node.spiking_neuron().model() ==
          v1::SpikingNeuron::MODEL_UNSPECIFIED) {
        return InvalidArgumentError("spiking neuron model is unspecified");
      }
      if (auto s = RequireInputs(inputs, 1, 1); !s.ok()) return s;
      return inputs[0];
    case v1::Node::kConstant:
    case v1::Node::kLayout:
    case v1::Node::kUncounted:
    case v1::Node::kResize:
      return InvalidArgumentError(
          "internal: explicit shapes are bound by Graph::Build");
    case v1::Node::OP_NOT_SET:
      break;
  }
  return InvalidArgumentError(
      "has no op (set one of linear, conv, "
      "recurrent, matmul, embedding, norm, "
      "activation, pool, elementwise, reshape, "
      "transpose, reduce, einsum, constant, layout, uncounted, kv_cache, "
      "rotary, spiking_neuron, resize)");
}

}  // namespace neurowatt
