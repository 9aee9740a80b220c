#include "model/source.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "model/architecture_io.h"
#include "model/nir/nir_import.h"
#include "model/onnx/importer.h"
#include "model/presets.h"
#include "model/training.h"
#include "util/error.h"

namespace neurowatt {
namespace {

constexpr absl::string_view kPreset = "preset:";
constexpr char kBatch[] = "batch";

// `source` loaded; with `unit_batch` an ONNX file is imported at batch 1
// whatever `dims` say (Model::batch keeps what they asked for).
absl::StatusOr<LoadedSource> Load(absl::string_view source,
                                  const DimBindings& dims, bool read_weights,
                                  bool unit_batch, std::string* batch_symbol,
                                  int64_t* batch,
                                  const PhaseOptions* phase = nullptr) {
  LoadedSource out;
  if (absl::EndsWithIgnoreCase(source, ".onnx")) {
    OnnxImportOptions options;
    options.dims = dims;
    options.read_weights = read_weights;
    options.unit_batch = unit_batch;
    if (phase != nullptr) {
      options.decode = phase->phase == v1::DECODE;
      options.context = phase->context;
    }
    auto imported = ImportOnnx(std::string(source), options);
    if (!imported.ok()) return imported.status();
    out.arch = std::move(imported->arch);
    out.imported = std::move(imported->bindings);
    out.seq_symbol = imported->seq_symbol;
    out.context_symbol = imported->context_symbol;
    out.onnx = true;
    if (batch_symbol) *batch_symbol = imported->batch_symbol;
    if (batch) *batch = imported->batch;
    return out;
  }
  auto arch = absl::StartsWith(source, kPreset)
                  ? BuildPreset(source.substr(kPreset.size()))
              : absl::EndsWithIgnoreCase(source, ".nir")
                  ? ImportNir(std::string(source), read_weights)
                  : ReadArchitectureFile(std::string(source));
  if (!arch.ok()) return arch.status();
  out.arch = *std::move(arch);
  out.build_dims = dims;
  return out;
}

}  // namespace

absl::StatusOr<LoadedSource> LoadSource(absl::string_view source,
                                        const DimBindings& dims,
                                        bool read_weights) {
  return Load(source, dims, read_weights, /*unit_batch=*/false, nullptr,
              nullptr);
}

DimBindings Model::DimsAt(int64_t b) const {
  DimBindings out = dims;
  if (has_batch_dimension()) out[batch_symbol] = b;
  return out;
}

PhaseOptions PhaseOf(const v1::Scenario& scenario) {
  PhaseOptions p;
  p.phase = scenario.phase();
  if (scenario.has_context()) p.context = scenario.context();
  p.training = scenario.training();
  return p;
}

std::string PhaseName(v1::Phase phase) {
  switch (phase) {
    case v1::PREFILL:
      return "prefill";
    case v1::DECODE:
      return "decode";
    case v1::TRAIN:
      return "train";
    default:
      return "forward";
  }
}

absl::StatusOr<v1::Phase> ParsePhase(absl::string_view name) {
  for (v1::Phase p : {v1::FORWARD, v1::PREFILL, v1::DECODE, v1::TRAIN}) {
    if (PhaseName(p) == name) return p;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "phase '", name, "': expected forward, prefill, decode or train"));
}

namespace {

absl::Status PhaseError(absl::string_view source, absl::string_view why) {
  return WithDetail(absl::InvalidArgumentError(absl::StrCat(source, ": ", why)),
                    ErrorSubject::kPhase);
}

// Whether `arch` has a KV cache whose cached positions are `symbol`.
bool CachesOn(const v1::Architecture& arch, const std::string& symbol) {
  for (const v1::Node& n : arch.nodes()) {
    if (n.op_case() == v1::Node::kKvCache &&
        n.kv_cache().cached().symbol() == symbol) {
      return true;
    }
  }
  return false;
}

// Whether `arch`'s inputs have a dimension `symbol`.
bool HasSymbol(const v1::Architecture& arch, const std::string& symbol) {
  for (const v1::TensorSpec& in : arch.inputs()) {
    for (const v1::Dim& d : in.shape()) {
      if (d.symbol() == symbol) return true;
    }
  }
  return false;
}

// `dims` for the phase of a native or preset architecture.
absl::Status PhaseDims(absl::string_view source, const v1::Architecture& arch,
                       const PhaseOptions& phase, DimBindings& dims) {
  const bool caches = CachesOn(arch, kContextSymbol);
  if (phase.context) {
    if (!caches) {
      return PhaseError(source,
                        "a context (tokens already in the cache) needs a KV "
                        "cache, and the model has no kv_cache node on the "
                        "symbol 'context'");
    }
    dims[kContextSymbol] = *phase.context;
  }
  if (phase.phase != v1::DECODE) return absl::OkStatus();
  if (!HasSymbol(arch, kSeqSymbol) || !caches) {
    return PhaseError(
        source,
        "decode needs a sequence dimension 'seq' and a KV cache (kv_cache "
        "nodes on 'context'), and the model lacks them");
  }
  if (dims.contains(kSeqSymbol)) {
    return PhaseError(source,
                      "decode makes one new token per sequence, so seq is 1; "
                      "give the tokens already in the cache as the context "
                      "instead of binding seq");
  }
  dims[kSeqSymbol] = 1;
  if (!phase.context) {
    auto it = arch.dim_defaults().find(kSeqSymbol);
    if (it == arch.dim_defaults().end()) {
      return PhaseError(source, "decode needs a context (tokens in the cache)");
    }
    dims[kContextSymbol] = std::max<int64_t>(0, it->second - 1);
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Model> LoadModel(absl::string_view source,
                                const DimBindings& dims, bool read_weights,
                                const PhaseOptions& phase) {
  if (phase.context && (*phase.context < 0 || *phase.context > kMaxDimension)) {
    return PhaseError(source, absl::StrCat("a context of ", *phase.context,
                                           " tokens: expected 0 to 2^40"));
  }
  Model m;
  m.source = std::string(source);
  m.phase = phase.phase == v1::PHASE_UNSPECIFIED ? v1::FORWARD : phase.phase;
  m.training = phase.training;
  // The graph is built at batch 1; the batch asked for is a pricing
  // parameter. Binding batch = 1 still checks that the model has one.
  DimBindings unit = dims;
  if (auto it = unit.find(kBatch); it != unit.end()) {
    m.batch = it->second;
    it->second = 1;
  }
  // The importer sets the batch aside itself, whether "batch" or the
  // symbol's own name gives it.
  const bool onnx = absl::EndsWithIgnoreCase(source, ".onnx");
  auto loaded = Load(source, onnx ? dims : unit, read_weights,
                     /*unit_batch=*/true, &m.batch_symbol, &m.batch, &phase);
  if (!loaded.ok()) return loaded.status();
  if (!loaded->onnx) {
    if (auto s = PhaseDims(source, loaded->arch, phase, loaded->build_dims);
        !s.ok()) {
      return s;
    }
  }
  auto graph = Graph::Build(loaded->arch, loaded->build_dims);
  if (!graph.ok()) return Prefixed(source, graph.status());
  CountOptions options;
  options.skip_masked = m.phase == v1::PREFILL || m.phase == v1::TRAIN;
  auto count = CountNetwork(*graph, options);
  if (!count.ok()) return Prefixed(source, count.status());
  if (m.phase == v1::TRAIN) {
    auto step = TrainingStep(*count, phase.training);
    if (!step.ok()) return Prefixed(source, step.status());
    count = *std::move(step);
  }
  if (loaded->onnx) {
    m.dims = loaded->imported;
  } else {
    m.dims = graph->bindings();
    if (m.dims.contains(kBatch)) m.batch_symbol = kBatch;
  }
  const std::string seq = loaded->onnx ? loaded->seq_symbol : kSeqSymbol;
  if (auto it = m.dims.find(seq); !seq.empty() && it != m.dims.end()) {
    m.tokens = it->second;
  }
  const std::string context =
      loaded->onnx ? loaded->context_symbol : kContextSymbol;
  if (auto it = m.dims.find(context); !context.empty() && it != m.dims.end()) {
    m.context = it->second;
  }
  m.arch = std::move(loaded->arch);
  m.count = *std::move(count);
  return m;
}

}  // namespace neurowatt
