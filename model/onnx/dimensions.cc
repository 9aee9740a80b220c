#include "model/onnx/dimensions.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "util/error.h"

namespace neurowatt {
namespace onnx_import {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Exporters name the batch "batch", "batch_size", "N"...: a symbol is
// batch-like when its name says so.
bool IsBatchLike(const std::string& symbol) {
  std::string lower = symbol;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  return lower == "n" || absl::StrContains(lower, "batch");
}

// The symbol dimension `i` of input `name` stands for, if it is symbolic.
std::string SymbolOf(const std::string& name, int i,
                     const onnx::TensorShapeProto::Dimension& d) {
  return d.has_dim_param() && !d.dim_param().empty() ? d.dim_param()
                                                     : StrCat(name, ":", i);
}

absl::Status PhaseError(absl::string_view why) {
  return WithDetail(InvalidArgumentError(why), ErrorSubject::kPhase);
}

// The one symbol other than the batch in `inputs`' shapes, or "" when there
// are none or several.
std::string OnlySymbol(const onnx::GraphProto& graph,
                       const absl::flat_hash_set<std::string>& initializers,
                       const std::vector<std::string>& past_inputs, bool past) {
  std::set<std::string> found;
  for (const auto& in : graph.input()) {
    const bool is_past = std::find(past_inputs.begin(), past_inputs.end(),
                                   in.name()) != past_inputs.end();
    if (initializers.contains(in.name()) || is_past != past) continue;
    const auto& shape = in.type().tensor_type().shape();
    for (int i = 0; i < shape.dim_size(); ++i) {
      if (shape.dim(i).has_dim_value()) continue;
      const std::string s = SymbolOf(in.name(), i, shape.dim(i));
      if (!IsBatchLike(s)) found.insert(s);
    }
  }
  return found.size() == 1 ? *found.begin() : std::string();
}

// Exporters name a KV cache from earlier steps past_key_values.N.key,
// past_key_N, past.N...
bool IsPastInput(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(c));
  return absl::StartsWith(lower, "past");
}

}  // namespace

absl::StatusOr<BoundDimensions> BindInputDimensions(
    onnx::GraphProto& graph, const OnnxImportOptions& options) {
  const DimBindings& dims = options.dims;
  absl::flat_hash_set<std::string> initializers;
  for (const auto& t : graph.initializer()) initializers.insert(t.name());
  std::set<std::string> symbols;
  for (const auto& in : graph.input()) {
    if (initializers.contains(in.name())) continue;
    const auto& shape = in.type().tensor_type().shape();
    for (int i = 0; i < shape.dim_size(); ++i) {
      const auto& d = shape.dim(i);
      if (d.has_dim_value()) {
        const int64_t v = d.dim_value();
        if (v <= 0 || v > kMaxDimension) {
          return InvalidArgumentError(
              StrCat("input '", in.name(), "': dimension ", i, " is ", v,
                     v <= 0 ? ", not positive"
                            : ", beyond the largest accepted (2^40)"));
        }
        continue;
      }
      symbols.insert(SymbolOf(in.name(), i, d));
    }
  }
  BoundDimensions out;
  // A KV cache is named past... and only appended to (Concat of two): an
  // input such as a time series' past_values is not one.
  for (const auto& in : graph.input()) {
    if (initializers.contains(in.name()) || !IsPastInput(in.name())) continue;
    bool appended = false, other = false;
    for (const auto& n : graph.node()) {
      for (const auto& t : n.input()) {
        if (t != in.name()) continue;
        const bool concat = n.op_type() == "Concat" && n.input_size() == 2;
        appended |= concat;
        other |= !concat;
      }
    }
    if (appended && !other) out.past_inputs.push_back(in.name());
  }
  if (!out.past_inputs.empty()) {
    out.context_symbol =
        OnlySymbol(graph, initializers, out.past_inputs, /*past=*/true);
  }
  out.seq_symbol =
      OnlySymbol(graph, initializers, out.past_inputs, /*past=*/false);
  std::vector<std::string> batch_like;
  for (const auto& s : symbols) {
    if (IsBatchLike(s)) batch_like.push_back(s);
  }
  if (symbols.contains("batch")) {
    out.batch_symbol = "batch";
  } else if (batch_like.size() == 1) {
    out.batch_symbol = batch_like[0];
  }
  for (const auto& [name, value] : dims) {
    // "batch" binds the batch symbol by its own name unless that name is
    // bound as well.
    std::string sym = name;
    if (name == "batch" && !out.batch_symbol.empty() &&
        !dims.contains(out.batch_symbol)) {
      sym = out.batch_symbol;
    }
    if (!symbols.contains(sym)) {
      std::vector<std::string> have(symbols.begin(), symbols.end());
      return WithDetail(
          InvalidArgumentError(StrCat(
              "the model has no dimension named '", name, "'",
              have.empty()
                  ? std::string(" (it has no symbolic dimensions)")
                  : StrCat(" (it has: ", absl::StrJoin(have, ", "), ")"))),
          name == "batch" && out.batch_symbol.empty()
              ? ErrorSubject::kNoBatchDimension
              : ErrorSubject::kUnknownDimension,
          name);
    }
    if (value <= 0 || value > kMaxDimension) {
      return InvalidArgumentError(StrCat("dimension '", name, "' is given ",
                                         value, "; it must be from 1 to 2^40"));
    }
    out.bindings[sym] = value;
  }
  if (options.context) {
    if (out.context_symbol.empty()) {
      return PhaseError(
          "a context (tokens already in the cache) needs a decoder graph that "
          "takes past_key_values (inputs named past..., with one symbolic "
          "length)");
    }
    if (dims.contains(out.context_symbol)) {
      return PhaseError(StrCat("the context and a binding of ",
                               out.context_symbol,
                               " both give the KV cache's length"));
    }
    out.bindings[out.context_symbol] = *options.context;
  }
  if (options.decode) {
    if (out.context_symbol.empty() || out.seq_symbol.empty()) {
      return PhaseError(
          "decode needs a decoder graph that takes past_key_values (inputs "
          "named past..., with one symbolic length) and one symbolic "
          "sequence length in its other inputs");
    }
    if (dims.contains(out.seq_symbol)) {
      return PhaseError(StrCat("decode makes one new token per sequence, so ",
                               out.seq_symbol,
                               " is 1; give the tokens in the cache as the "
                               "context"));
    }
    out.bindings[out.seq_symbol] = 1;
  }
  if (!out.context_symbol.empty() &&
      !out.bindings.contains(out.context_symbol)) {
    return PhaseError(StrCat("the KV cache's length '", out.context_symbol,
                             "' has no value: give the context (tokens in the "
                             "cache)"));
  }
  if (auto it = out.bindings.find(out.batch_symbol); it != out.bindings.end()) {
    out.batch = it->second;
    // The caller scales by the batch itself (OnnxImportOptions).
    if (options.unit_batch) it->second = 1;
  }
  std::vector<std::string> unbound;
  for (const auto& sym : symbols) {
    if (out.bindings.contains(sym)) continue;
    if (IsBatchLike(sym)) {
      out.bindings[sym] = 1;
    } else {
      unbound.push_back(sym);
    }
  }
  if (!unbound.empty()) {
    return WithDetail(InvalidArgumentError(StrCat("symbolic dimension(s) ",
                                                  absl::StrJoin(unbound, ", "),
                                                  " have no value")),
                      ErrorSubject::kUnboundDimension, unbound[0]);
  }
  for (auto& in : *graph.mutable_input()) {
    if (initializers.contains(in.name())) continue;
    auto* shape = in.mutable_type()->mutable_tensor_type()->mutable_shape();
    for (int i = 0; i < shape->dim_size(); ++i) {
      auto* d = shape->mutable_dim(i);
      if (d->has_dim_value()) continue;
      d->set_dim_value(out.bindings.at(SymbolOf(in.name(), i, *d)));
    }
  }
  return out;
}

}  // namespace onnx_import
}  // namespace neurowatt
