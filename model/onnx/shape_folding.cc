#include "model/onnx/shape_folding.h"

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_map.h"

namespace neurowatt {
namespace {

struct IntTensor {
  std::vector<int64_t> dims;
  std::vector<int64_t> values;
  int32_t type = onnx::TensorProto::INT64;
};

bool IsInt(int32_t t) {
  return t == onnx::TensorProto::INT64 || t == onnx::TensorProto::INT32 ||
         t == onnx::TensorProto::BOOL;
}

size_t Width(int32_t t) {
  return t == onnx::TensorProto::INT64   ? 8
         : t == onnx::TensorProto::INT32 ? 4
                                         : 1;
}

int64_t Count(const std::vector<int64_t>& dims) {
  int64_t n = 1;
  for (int64_t d : dims) {
    if (d < 0 || d > kMaxFoldedElements) return kMaxFoldedElements + 1;
    n *= d;
    if (n > kMaxFoldedElements) return n;
  }
  return n;
}

std::optional<IntTensor> FromProto(const onnx::TensorProto& t) {
  if (!IsInt(t.data_type()) ||
      t.data_location() == onnx::TensorProto::EXTERNAL) {
    return std::nullopt;
  }
  IntTensor out;
  out.type = t.data_type();
  out.dims.assign(t.dims().begin(), t.dims().end());
  const int64_t n = Count(out.dims);
  if (n > kMaxFoldedElements) return std::nullopt;
  const size_t width = Width(t.data_type());
  if (!t.raw_data().empty()) {
    if (t.raw_data().size() != static_cast<size_t>(n) * width) {
      return std::nullopt;
    }
    for (int64_t i = 0; i < n; ++i) {
      const char* p = t.raw_data().data() + i * width;
      if (width == 8) {
        int64_t v;
        std::memcpy(&v, p, 8);
        out.values.push_back(v);
      } else if (width == 4) {
        int32_t v;
        std::memcpy(&v, p, 4);
        out.values.push_back(v);
      } else {
        out.values.push_back(*p != 0);
      }
    }
  } else if (width == 8) {
    out.values.assign(t.int64_data().begin(), t.int64_data().end());
  } else {
    out.values.assign(t.int32_data().begin(), t.int32_data().end());
  }
  if (static_cast<int64_t>(out.values.size()) != n) return std::nullopt;
  return out;
}

const onnx::AttributeProto* Attr(const onnx::NodeProto& n,
                                 const std::string& name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}

int64_t Wrap(int64_t i, int64_t n) { return i < 0 ? i + n : i; }

// Numpy broadcasting of two integer tensors.
std::optional<IntTensor> Binary(const std::string& op, const IntTensor& a,
                                const IntTensor& b) {
  IntTensor out;
  out.type = a.type;
  const size_t rank = std::max(a.dims.size(), b.dims.size());
  out.dims.resize(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < a.dims.size() ? a.dims[a.dims.size() - 1 - i] : 1;
    const int64_t db = i < b.dims.size() ? b.dims[b.dims.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out.dims[rank - 1 - i] = std::max(da, db);
  }
  const int64_t n = Count(out.dims);
  if (n > kMaxFoldedElements) return std::nullopt;
  // Index of output element `flat` in an operand of dims `d`.
  auto index = [&out, rank](const std::vector<int64_t>& d, int64_t flat) {
    int64_t idx = 0, stride = 1;
    for (size_t i = 0; i < rank; ++i) {
      const size_t axis = rank - 1 - i;
      const int64_t coord = flat % out.dims[axis];
      flat /= out.dims[axis];
      if (i < d.size()) {
        const int64_t size = d[d.size() - 1 - i];
        idx += (size == 1 ? 0 : coord) * stride;
        stride *= size;
      }
    }
    return idx;
  };
  for (int64_t k = 0; k < n; ++k) {
    const int64_t x = a.values[index(a.dims, k)];
    const int64_t y = b.values[index(b.dims, k)];
    int64_t v;
    bool overflow = false;  // a wrapped shape would be a wrong shape
    if (op == "Add") {
      overflow = __builtin_add_overflow(x, y, &v);
    } else if (op == "Sub") {
      overflow = __builtin_sub_overflow(x, y, &v);
    } else if (op == "Mul") {
      overflow = __builtin_mul_overflow(x, y, &v);
    } else if (op == "Div" || op == "Mod") {
      if (y == 0 || (x == INT64_MIN && y == -1)) return std::nullopt;
      v = op == "Div" ? x / y : x % y;
    } else if (op == "Max") {
      v = std::max(x, y);
    } else if (op == "Min") {
      v = std::min(x, y);
    } else if (op == "Equal" || op == "Less" || op == "Greater" ||
               op == "LessOrEqual" || op == "GreaterOrEqual" || op == "And" ||
               op == "Or" || op == "Xor") {
      v = op == "Equal"            ? x == y
          : op == "Less"           ? x < y
          : op == "Greater"        ? x > y
          : op == "LessOrEqual"    ? x <= y
          : op == "GreaterOrEqual" ? x >= y
          : op == "And"            ? (x != 0 && y != 0)
          : op == "Or"             ? (x != 0 || y != 0)
                                   : ((x != 0) != (y != 0));
      out.type = onnx::TensorProto::BOOL;
    } else {
      return std::nullopt;
    }
    if (overflow) return std::nullopt;
    out.values.push_back(v);
  }
  return out;
}

// Row-major strides of `dims`.
std::vector<int64_t> Strides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> strides(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) {
    strides[i - 1] = strides[i] * dims[i];
  }
  return strides;
}

// ONNX Slice of any rank, negative steps included.
std::optional<IntTensor> SliceOf(const IntTensor& x,
                                 const std::vector<int64_t>& starts,
                                 const std::vector<int64_t>& ends,
                                 std::vector<int64_t> axes,
                                 std::vector<int64_t> steps) {
  const auto rank = static_cast<int64_t>(x.dims.size());
  if (starts.size() != ends.size() || starts.empty()) return std::nullopt;
  if (axes.empty()) {
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(i);
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (axes.size() != starts.size() || steps.size() != starts.size()) {
    return std::nullopt;
  }
  std::vector<int64_t> begin(rank, 0), step(rank, 1), dims = x.dims;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t axis = Wrap(axes[i], rank);
    if (axis < 0 || axis >= rank || steps[i] == 0) return std::nullopt;
    const int64_t size = x.dims[axis];
    // Wrapping and clamping as ONNX defines them; a huge end (torch's
    // INT64_MAX, or -INT64_MAX for "to the front") stays huge.
    auto wrap = [size](int64_t v) { return v < 0 ? v + size : v; };
    int64_t b = wrap(starts[i]), e = wrap(ends[i]);
    if (steps[i] > 0) {
      b = std::clamp<int64_t>(b, 0, size);
      e = std::clamp<int64_t>(e, 0, size);
      dims[axis] = e > b ? (e - b + steps[i] - 1) / steps[i] : 0;
    } else {
      b = std::clamp<int64_t>(b, 0, size - 1);
      e = std::clamp<int64_t>(e, -1, size - 1);
      dims[axis] = b > e ? (b - e - steps[i] - 1) / -steps[i] : 0;
    }
    begin[axis] = b;
    step[axis] = steps[i];
  }
  IntTensor t;
  t.type = x.type;
  t.dims = dims;
  const int64_t n = Count(dims);
  if (n > kMaxFoldedElements) return std::nullopt;
  const std::vector<int64_t> in_strides = Strides(x.dims);
  const std::vector<int64_t> out_strides = Strides(dims);
  for (int64_t k = 0; k < n; ++k) {
    int64_t at = 0;
    for (int64_t a = 0; a < rank; ++a) {
      const int64_t coord = k / out_strides[a] % dims[a];
      at += (begin[a] + coord * step[a]) * in_strides[a];
    }
    t.values.push_back(x.values[at]);
  }
  return t;
}

// ONNX Transpose (no perm: the axes reversed).
std::optional<IntTensor> TransposeOf(const IntTensor& x,
                                     std::vector<int64_t> perm) {
  const size_t rank = x.dims.size();
  if (perm.empty()) {
    for (size_t i = rank; i-- > 0;) perm.push_back(i);
  }
  if (perm.size() != rank) return std::nullopt;
  std::vector<bool> used(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || used[p]) {
      return std::nullopt;
    }
    used[p] = true;
  }
  IntTensor t;
  t.type = x.type;
  for (int64_t p : perm) t.dims.push_back(x.dims[p]);
  const std::vector<int64_t> in_strides = Strides(x.dims);
  const std::vector<int64_t> out_strides = Strides(t.dims);
  const int64_t n = static_cast<int64_t>(x.values.size());
  for (int64_t k = 0; k < n; ++k) {
    int64_t at = 0;
    for (size_t a = 0; a < rank; ++a) {
      at += (k / out_strides[a] % t.dims[a]) * in_strides[perm[a]];
    }
    t.values.push_back(x.values[at]);
  }
  return t;
}

class Folder {
 public:
  explicit Folder(const ShapeLookup& shapes) : shapes_(shapes) {}

  std::optional<IntTensor> Evaluate(const onnx::NodeProto& n) {
    const std::string& op = n.op_type();
    if (op == "Constant") {
      if (const auto* a = Attr(n, "value")) return FromProto(a->t());
      if (const auto* a = Attr(n, "value_int")) {
        return IntTensor{{}, {a->i()}};
      }
      if (const auto* a = Attr(n, "value_ints")) {
        IntTensor t;
        t.values.assign(a->ints().begin(), a->ints().end());
        t.dims = {static_cast<int64_t>(t.values.size())};
        return t;
      }
      return std::nullopt;
    }
    if (op == "Shape" || op == "Size") {
      auto dims = shapes_(n.input(0));
      if (!dims) return std::nullopt;
      if (op == "Size") {
        int64_t p = 1;
        for (int64_t d : *dims) p *= d;
        return IntTensor{{}, {p}};
      }
      const auto rank = static_cast<int64_t>(dims->size());
      int64_t start = 0, end = rank;
      if (const auto* a = Attr(n, "start")) start = a->i();
      if (const auto* a = Attr(n, "end")) end = a->i();
      start = std::clamp(Wrap(start, rank), int64_t{0}, rank);
      end = std::clamp(Wrap(end, rank), int64_t{0}, rank);
      IntTensor t;
      for (int64_t i = start; i < end; ++i) t.values.push_back((*dims)[i]);
      t.dims = {static_cast<int64_t>(t.values.size())};
      return t;
    }
    std::vector<const IntTensor*> in;
    for (const auto& name : n.input()) {
      if (name.empty()) {
        in.push_back(nullptr);
        continue;
      }
      auto it = known_.find(name);
      if (it == known_.end()) return std::nullopt;
      in.push_back(&it->second);
    }
    if (in.empty() || in[0] == nullptr) return std::nullopt;
    const IntTensor& x = *in[0];
    if (op == "Identity") return x;
    if (op == "Cast") {
      const auto* to = Attr(n, "to");
      if (to == nullptr || !IsInt(static_cast<int32_t>(to->i()))) {
        return std::nullopt;
      }
      IntTensor t = x;
      t.type = static_cast<int32_t>(to->i());
      return t;
    }
    if (op == "Unsqueeze" || op == "Squeeze") {
      std::vector<int64_t> axes;
      if (const auto* a = Attr(n, "axes")) {
        axes.assign(a->ints().begin(), a->ints().end());
      } else if (in.size() > 1 && in[1] != nullptr) {
        axes = in[1]->values;
      }
      IntTensor t = x;
      if (op == "Unsqueeze") {
        const auto rank = static_cast<int64_t>(x.dims.size() + axes.size());
        std::vector<bool> ones(rank, false);
        for (int64_t a : axes) {
          a = Wrap(a, rank);
          if (a < 0 || a >= rank) return std::nullopt;
          ones[a] = true;
        }
        t.dims.clear();
        size_t next = 0;
        for (int64_t i = 0; i < rank; ++i) {
          if (ones[i]) {
            t.dims.push_back(1);
          } else {
            if (next >= x.dims.size()) return std::nullopt;
            t.dims.push_back(x.dims[next++]);
          }
        }
      } else {
        const auto rank = static_cast<int64_t>(x.dims.size());
        t.dims.clear();
        for (int64_t i = 0; i < rank; ++i) {
          const bool listed =
              axes.empty()
                  ? x.dims[i] == 1
                  : std::any_of(axes.begin(), axes.end(),
                                [&](int64_t a) { return Wrap(a, rank) == i; });
          if (!listed) t.dims.push_back(x.dims[i]);
        }
      }
      return t;
    }
    if (op == "Gather") {
      if (in.size() != 2 || x.dims.size() != 1) return std::nullopt;
      const auto* axis = Attr(n, "axis");
      if (axis != nullptr && axis->i() != 0) return std::nullopt;
      IntTensor t;
      t.type = x.type;
      t.dims = in[1]->dims;
      for (int64_t i : in[1]->values) {
        i = Wrap(i, x.dims[0]);
        if (i < 0 || i >= x.dims[0]) return std::nullopt;
        t.values.push_back(x.values[i]);
      }
      return t;
    }
    if (op == "Concat") {
      IntTensor t;
      t.type = x.type;
      for (const IntTensor* p : in) {
        if (p == nullptr || p->dims.size() != 1) return std::nullopt;
        t.values.insert(t.values.end(), p->values.begin(), p->values.end());
      }
      t.dims = {static_cast<int64_t>(t.values.size())};
      if (Count(t.dims) > kMaxFoldedElements) return std::nullopt;
      return t;
    }
    if (op == "Slice") {
      // Opset 10 on: starts, ends, axes, steps as inputs; before: attributes.
      auto list = [&](size_t k, const char* attr) -> std::vector<int64_t> {
        if (k < in.size() && in[k] != nullptr) return in[k]->values;
        if (const auto* a = Attr(n, attr)) {
          return {a->ints().begin(), a->ints().end()};
        }
        return {};
      };
      return SliceOf(x, list(1, "starts"), list(2, "ends"), list(3, "axes"),
                     list(4, "steps"));
    }
    if (op == "Transpose") {
      std::vector<int64_t> perm;
      if (const auto* a = Attr(n, "perm")) {
        perm.assign(a->ints().begin(), a->ints().end());
      }
      return TransposeOf(x, perm);
    }
    if (op == "Not") {
      IntTensor t = x;
      for (int64_t& v : t.values) v = v == 0;
      return t;
    }
    if (op == "Neg" || op == "Abs") {
      IntTensor t = x;
      for (int64_t& v : t.values) {
        if (v == INT64_MIN) return std::nullopt;
        v = op == "Neg" ? -v : (v < 0 ? -v : v);
      }
      return t;
    }
    if (op == "Reshape" && in.size() == 2 && in[1] != nullptr) {
      // The values are unchanged; 0 copies a dimension, -1 takes the rest.
      IntTensor t = x;
      t.dims.clear();
      int64_t known = 1, infer = -1;
      for (size_t i = 0; i < in[1]->values.size(); ++i) {
        int64_t d = in[1]->values[i];
        if (d == 0 && i < x.dims.size()) d = x.dims[i];
        if (d == -1) {
          if (infer >= 0) return std::nullopt;
          infer = static_cast<int64_t>(i);
          d = 1;
        } else if (d <= 0) {
          return std::nullopt;
        } else {
          known *= d;
        }
        t.dims.push_back(d);
      }
      const auto count = static_cast<int64_t>(x.values.size());
      if (infer >= 0) {
        if (known == 0 || count % known != 0) return std::nullopt;
        t.dims[infer] = count / known;
      }
      if (Count(t.dims) != count) return std::nullopt;
      return t;
    }
    if (op == "ConstantOfShape") {
      IntTensor t;
      t.dims = x.values;
      if (Count(t.dims) > kMaxFoldedElements) return std::nullopt;
      int64_t fill = 0;
      t.type = onnx::TensorProto::FLOAT;
      if (const auto* a = Attr(n, "value")) {
        auto v = FromProto(a->t());
        if (!v || v->values.size() != 1) return std::nullopt;
        fill = v->values[0];
        t.type = v->type;
      }
      if (!IsInt(t.type)) return std::nullopt;
      t.values.assign(Count(t.dims), fill);
      return t;
    }
    if (op == "Where" && in.size() == 3 && in[1] != nullptr &&
        in[2] != nullptr) {
      // Same-shaped operands only, which is what exporters emit here.
      if (x.dims != in[1]->dims || x.dims != in[2]->dims) return std::nullopt;
      IntTensor t = *in[1];
      for (size_t i = 0; i < t.values.size(); ++i) {
        if (x.values[i] == 0) t.values[i] = in[2]->values[i];
      }
      return t;
    }
    if (op == "Range" && in.size() == 3) {
      if (!x.dims.empty() || !in[1]->dims.empty() || !in[2]->dims.empty()) {
        return std::nullopt;
      }
      const int64_t start = x.values[0], limit = in[1]->values[0],
                    delta = in[2]->values[0];
      if (delta == 0) return std::nullopt;
      IntTensor t;
      t.type = x.type;
      for (int64_t v = start; delta > 0 ? v < limit : v > limit;) {
        t.values.push_back(v);
        if (static_cast<int64_t>(t.values.size()) > kMaxFoldedElements ||
            __builtin_add_overflow(v, delta, &v)) {
          return std::nullopt;
        }
      }
      t.dims = {static_cast<int64_t>(t.values.size())};
      return t;
    }
    if (in.size() == 2 && in[1] != nullptr) return Binary(op, x, *in[1]);
    return std::nullopt;
  }

  void Remember(const std::string& name, IntTensor t) {
    known_[name] = std::move(t);
  }

 private:
  const ShapeLookup& shapes_;
  absl::flat_hash_map<std::string, IntTensor> known_;
};

void ToConstant(const IntTensor& t, onnx::NodeProto& n) {
  const std::string output = n.output(0);
  const std::string name = n.name();
  n.Clear();
  n.set_name(name);
  n.set_op_type("Constant");
  n.add_output(output);
  auto* attr = n.add_attribute();
  attr->set_name("value");
  attr->set_type(onnx::AttributeProto::TENSOR);
  onnx::TensorProto* value = attr->mutable_t();
  value->set_data_type(t.type);
  for (int64_t d : t.dims) value->add_dims(d);
  for (int64_t v : t.values) {
    if (t.type == onnx::TensorProto::INT64) {
      value->add_int64_data(v);
    } else {  // INT32 and BOOL live in int32_data
      value->add_int32_data(static_cast<int32_t>(v));
    }
  }
}

}  // namespace

std::optional<std::vector<int64_t>> IntValues(const onnx::TensorProto& t) {
  auto v = FromProto(t);
  if (!v) return std::nullopt;
  return std::move(v->values);
}

std::optional<std::vector<int64_t>> StaticInts(const onnx::GraphProto& graph,
                                               const std::string& name) {
  for (const auto& init : graph.initializer()) {
    if (init.name() == name) return IntValues(init);
  }
  for (const auto& n : graph.node()) {
    if (n.op_type() == "Constant" && n.output_size() == 1 &&
        n.output(0) == name) {
      const auto* a = Attr(n, "value");
      return a != nullptr ? IntValues(a->t()) : std::nullopt;
    }
  }
  return std::nullopt;
}

int FoldShapeArithmetic(onnx::GraphProto& graph, const ShapeLookup& shapes) {
  Folder folder(shapes);
  for (const auto& init : graph.initializer()) {
    if (auto t = FromProto(init)) folder.Remember(init.name(), *std::move(t));
  }
  int folded = 0;
  for (auto& n : *graph.mutable_node()) {
    if (n.output_size() != 1 || !n.domain().empty()) continue;
    auto t = folder.Evaluate(n);
    if (!t || Count(t->dims) != static_cast<int64_t>(t->values.size())) {
      continue;
    }
    if (n.op_type() != "Constant") {
      ToConstant(*t, n);
      ++folded;
    }
    folder.Remember(n.output(0), *std::move(t));
  }
  return folded;
}

}  // namespace neurowatt
