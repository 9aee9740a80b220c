// The driver: checks and binds the graph, runs shape inference and folding,
// and hands each node on the data path to its op's translator
// (translators.h).
#include "model/onnx/importer.h"

#include <algorithm>
#include <cassert>
#include <exception>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "model/onnx/control_flow.h"
#include "model/onnx/dimensions.h"
#include "model/onnx/extra_shapes.h"
#include "model/onnx/graph_index.h"
#include "model/onnx/import_context.h"
#include "model/onnx/inference_guards.h"
#include "model/onnx/onnx_file.h"
#include "model/onnx/shape_folding.h"
#include "model/onnx/topology.h"
#include "model/onnx/translators.h"
#include "onnx/defs/schema.h"
#include "onnx/shape_inference/implementation.h"
#include "util/error.h"

namespace neurowatt {
namespace onnx_import {

void AddTranslator(TranslatorTable& table, const std::string& op,
                   Translator translator) {
  [[maybe_unused]] const bool added =
      table.emplace(op, std::move(translator)).second;
  assert(added && "two translators claim one op");
}

namespace {

using absl::StrCat;

const TranslatorTable& Translators() {
  static const TranslatorTable* table = [] {
    auto* t = new TranslatorTable;
    AddConvTranslators(*t);
    AddLinearTranslators(*t);
    AddRecurrentTranslators(*t);
    AddPoolTranslators(*t);
    AddElementwiseTranslators(*t);
    AddLayoutTranslators(*t);
    AddControlFlowTranslators(*t);
    return t;
  }();
  return *table;
}

// Ops the importer knows and leaves uncounted, each for a reason that a
// counting rule would not serve (docs/counting.md).
const absl::flat_hash_set<std::string>& UncountedOnnxOps() {
  static const auto* ops = new absl::flat_hash_set<std::string>{
      // Random numbers: their cost is the generator's, not the network's.
      "RandomNormal", "RandomNormalLike", "RandomUniform", "RandomUniformLike",
      "Bernoulli", "Multinomial",
      // Data-dependent selection and detection heads.
      "NonZero", "NonMaxSuppression", "TopK", "Unique", "Compress", "RoiAlign",
      "MaxRoiPool", "GridSample", "AffineGrid", "DeformConv", "Col2Im", "Det",
      // Normalisations and pools with a norm of their own.
      "LRN", "LpNormalization", "MeanVarianceNormalization", "LpPool",
      "GlobalLpPool",
      // Signal processing.
      "DFT", "STFT", "BlackmanWindow", "HammingWindow", "HannWindow",
      "MelWeightMatrix",
      // Training losses.
      "NegativeLogLikelihoodLoss", "SoftmaxCrossEntropyLoss",
      // Sequences, optionals, strings and images.
      "SequenceAt", "SequenceConstruct", "SequenceEmpty", "SequenceErase",
      "SequenceInsert", "SequenceLength", "SequenceMap", "SplitToSequence",
      "ConcatFromSequence", "Optional", "OptionalGetElement",
      "OptionalHasElement", "StringNormalizer", "TfIdfVectorizer",
      "RegexFullMatch", "StringConcat", "StringSplit", "ImageDecoder"};
  return *ops;
}

// ONNX's messages span lines; errors here are one line.
std::string OneLineOf(absl::string_view text) {
  std::string out(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

// What went wrong inside a node, named after it.
absl::Status NodeError(const onnx::NodeProto& n, const absl::Status& status) {
  return Prefixed(StrCat("node '", n.name(), "' (", n.op_type(), ")"), status);
}

// Names the node of type `op` when the graph has one, for an error that
// ONNX's inference reports by op type only.
std::string NodeOfType(const onnx::GraphProto& graph, const std::string& op) {
  const onnx::NodeProto* found = nullptr;
  int count = 0;
  for (const auto& n : graph.node()) {
    if (n.op_type() == op && ++count == 1) found = &n;
  }
  if (count == 1) return StrCat("node '", found->name(), "' (", op, ")");
  return StrCat("a ", op, " node");
}

class Importer {
 public:
  Importer(OnnxFile& file, const OnnxImportOptions& options)
      : file_(file),
        options_(options),
        tensors_(file.model().graph()),
        cx_(file, tensors_, options.read_weights) {}

  absl::StatusOr<OnnxImport> Run();

 private:
  absl::Status InferShapes();
  void Describe();
  absl::Status Translate(const onnx::NodeProto& n);
  absl::Status TranslateOtherOutputs(const onnx::NodeProto& n);
  absl::Status CheckShapes(const Graph& g) const;

  OnnxFile& file_;
  const OnnxImportOptions& options_;
  GraphIndex tensors_;
  ImportContext cx_;
  Repeats repeats_;  // of the nodes inlined from loop bodies
  Feedback feedback_;
  ExtraShapes extra_shapes_;
  GuardedSchemas schemas_;  // for ONNX's inference, across its passes
  std::vector<std::string> assumptions_;
  bool inlined_ = false;
};

// Einsum equations as numpy writes them may space their letters
// ("B H I D, B H J D -> B H I J", torchvision's MaxViT); ONNX 1.12's shape
// inference reads every character as a subscript, so the spaces go.
void StripEinsumSpaces(onnx::GraphProto& graph) {
  for (auto& n : *graph.mutable_node()) {
    if (n.op_type() != "Einsum") continue;
    for (auto& a : *n.mutable_attribute()) {
      if (a.name() != "equation") continue;
      std::string* eq = a.mutable_s();
      eq->erase(std::remove(eq->begin(), eq->end(), ' '), eq->end());
    }
  }
}

// The model's default-domain opset (ONNX's 1 when it does not say).
int64_t DefaultOpset(const onnx::ModelProto& model) {
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") return o.version();
  }
  return 1;
}

absl::Status Importer::InferShapes() {
  // Each pass of ONNX's inference can make more shape arithmetic evaluable,
  // which in turn makes more shapes concrete; exporters nest a few levels.
  // Inlining a loop body adds a level of its own.
  constexpr int kMaxPasses = 256;
  auto lookup = [this](const std::string& t) { return tensors_.KnownShape(t); };
  const int64_t opset = DefaultOpset(file_.model());
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    try {
      onnx::shape_inference::InferShapes(
          file_.model(), &schemas_,
          onnx::ShapeInferenceOptions(/*check_type=*/false, /*error_mode=*/0,
                                      /*data_prop=*/true));
    } catch (const std::exception& e) {
      return absl::InvalidArgumentError(
          StrCat("ONNX shape inference failed: ", OneLineOf(e.what())));
    }
    if (const auto& r = schemas_.rejection(); r.has_value()) {
      return absl::InvalidArgumentError(
          StrCat(NodeOfType(file_.model().graph(), r->op), ": ", r->why));
    }
    tensors_.CollectTensorInfo();
    auto* graph = file_.model().mutable_graph();
    const int folded = FoldShapeArithmetic(*graph, lookup);
    const int worked = WorkOutShapes(*graph, tensors_, extra_shapes_);
    const int inlined = InlineControlFlow(*graph, opset, lookup,
                                          /*settled=*/folded + worked == 0,
                                          repeats_, feedback_, assumptions_);
    inlined_ |= inlined > 0;
    if (folded + worked + inlined == 0) break;
    graph->clear_value_info();
    for (const auto& [name, v] : extra_shapes_) *graph->add_value_info() = v;
  }
  return absl::OkStatus();
}

// The architecture's name, description and inputs.
void Importer::Describe() {
  const onnx::ModelProto& model = file_.model();
  v1::Architecture& arch = cx_.arch();
  arch.set_name(model.graph().name());
  std::string opsets;
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") {
      opsets = StrCat(o.version());
    }
  }
  arch.set_description(StrCat(
      "ONNX model (opset ", opsets.empty() ? "?" : opsets,
      model.producer_name().empty() ? std::string()
                                    : StrCat(", from ", model.producer_name(),
                                             " ", model.producer_version()),
      ")"));
}

absl::Status Importer::Translate(const onnx::NodeProto& n) {
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    onnx::NodeProto renamed = n;
    renamed.set_op_type(StrCat(n.domain(), ".", n.op_type()));
    return cx_.EmitUncounted(renamed, "");
  }
  const TranslatorTable& table = Translators();
  auto it = table.find(n.op_type());
  if (it == table.end()) return cx_.EmitUncounted(n, "");
  return it->second(cx_, n);
}

absl::Status Importer::TranslateOtherOutputs(const onnx::NodeProto& n) {
  const v1::Architecture& arch = cx_.arch();
  const std::string primary = arch.nodes(arch.nodes_size() - 1).outputs(0);
  // Outputs past the first (Split's pieces, LSTM's final states, masks):
  // layout nodes, fed like a layout op or by the primary output.
  const bool layout_op = IsLayoutOp(n.op_type());
  for (int o = 1; o < n.output_size(); ++o) {
    if (n.output(o).empty() || !tensors_.IsData(n.output(o))) continue;
    std::vector<std::string> from =
        layout_op ? tensors_.DataInputs(n) : std::vector<std::string>{primary};
    if (auto s = cx_.EmitLayout(n, n.output(o), from, n.op_type()); !s.ok()) {
      return s;
    }
  }
  return absl::OkStatus();
}

absl::Status Importer::CheckShapes(const Graph& g) const {
  for (Vertex v : g.topological_order()) {
    const GraphNode& gn = g.node(v);
    auto known = tensors_.KnownShape(gn.node.outputs(0));
    if (!known) continue;
    if (*known != gn.output_shape) {
      return absl::InternalError(
          StrCat("node '", gn.node.name(), "': neurowatt infers ",
                 ShapeToString(gn.output_shape), " but ONNX infers ",
                 ShapeToString(*known), " (an importer bug; please report)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<OnnxImport> Importer::Run() {
  onnx::GraphProto& graph = *file_.model().mutable_graph();
  if (auto s = tensors_.IndexInitializers(); !s.ok()) return s;
  if (auto s = CheckTensorData(graph); !s.ok()) return s;
  // Before anything reads the graph: inference and the data path would
  // pass over a node that nothing feeds, and the model would count zero.
  if (auto s = CheckTopology(graph); !s.ok()) return s;
  auto bound = BindInputDimensions(graph, options_);
  if (!bound.ok()) return bound.status();
  StripEinsumSpaces(graph);
  if (auto s = InferShapes(); !s.ok()) return s;
  if (inlined_) {
    // Loop bodies brought their nodes and initializers into the graph.
    if (auto s = CheckTopology(graph); !s.ok()) return s;
    if (auto s = tensors_.IndexInitializers(); !s.ok()) return s;
  }
  tensors_.MarkData(feedback_);
  Describe();
  // A KV cache from earlier steps (only appended to) becomes the cached
  // positions of a kv_cache node (layout.cc), not an input.
  for (const std::string& past : bound->past_inputs) cx_.NoteCacheInput(past);
  for (const auto& in : graph.input()) {
    if (tensors_.IsInitializer(in.name())) continue;
    if (cx_.IsCacheInput(in.name())) continue;
    auto shape = tensors_.ShapeOf(in.name());
    if (!shape.ok()) return shape.status();
    v1::TensorSpec* spec = cx_.arch().add_inputs();
    spec->set_name(in.name());
    spec->set_dtype(tensors_.TypeOf(in.name()));
    for (int64_t d : *shape) spec->add_shape()->set_size(d);
  }
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    if (n.output_size() == 0 || !tensors_.IsData(n.output(0))) {
      // Shape and constant arithmetic, folded away; or a node whose first
      // output is unused while others are data.
      bool any = false;
      for (const auto& o : n.output()) any |= tensors_.IsData(o);
      if (!any) continue;
    }
    const int first = cx_.arch().nodes_size();
    cx_.BeginNode(i);
    if (auto s = Translate(n); !s.ok()) return NodeError(n, s);
    if (cx_.arch().nodes_size() == first) {
      return absl::InternalError(
          StrCat("node '", n.name(), "' emitted nothing"));
    }
    if (auto s = TranslateOtherOutputs(n); !s.ok()) return NodeError(n, s);
    if (const int64_t r = RepeatsOf(repeats_, n); r != 1) {
      for (int k = first; k < cx_.arch().nodes_size(); ++k) {
        cx_.arch().mutable_nodes(k)->set_repeats(r);
      }
    }
  }
  for (const std::string& a : assumptions_) cx_.arch().add_assumptions(a);
  OnnxImport out;
  out.arch = cx_.Finish();
  auto g = Graph::Build(out.arch);
  if (!g.ok()) return g.status();
  if (auto s = CheckShapes(*g); !s.ok()) return s;
  out.bindings = std::move(bound->bindings);
  out.batch_symbol = std::move(bound->batch_symbol);
  out.batch = bound->batch;
  out.seq_symbol = std::move(bound->seq_symbol);
  out.context_symbol = std::move(bound->context_symbol);
  return out;
}

absl::StatusOr<OnnxImport> Import(
    absl::StatusOr<std::unique_ptr<OnnxFile>> file, const std::string& path,
    const OnnxImportOptions& options) {
  if (!file.ok()) return file.status();  // already names the file
  Importer importer(**file, options);
  auto result = importer.Run();
  if (!result.ok()) return Prefixed(path, result.status());
  return result;
}

}  // namespace
}  // namespace onnx_import

OnnxCoverage OnnxOpCoverage(const std::string& op_type) {
  if (op_type == "Shape" || op_type == "Size" || op_type == "Constant") {
    return OnnxCoverage::kShape;
  }
  if (onnx_import::IsLayoutOp(op_type) || op_type == "Transpose") {
    return OnnxCoverage::kLayout;
  }
  if (onnx_import::Translators().contains(op_type)) {
    return OnnxCoverage::kCounted;
  }
  if (onnx_import::UncountedOnnxOps().contains(op_type)) {
    return OnnxCoverage::kUncounted;
  }
  return OnnxCoverage::kUnknown;
}

absl::StatusOr<OnnxImport> ImportOnnx(const std::string& path,
                                      const OnnxImportOptions& options) {
  return onnx_import::Import(OnnxFile::Open(path), path, options);
}

absl::StatusOr<OnnxImport> ImportOnnxBytes(std::string bytes,
                                           const std::string& name,
                                           const OnnxImportOptions& options) {
  return onnx_import::Import(OnnxFile::FromBytes(std::move(bytes), name), name,
                             options);
}

}  // namespace neurowatt
