#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "cli/commands.h"
#include "cli/flags.h"
#include "model/architecture_io.h"
#include "model/source.h"
#include "render/format.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace neurowatt::cli {
namespace {

using absl::StrCat;

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  const auto output = args.Get("output");
  if (!output) {
    return absl::InvalidArgumentError(
        "-o OUT is required (.pb for binary, .textproto or .pbtxt for text)");
  }
  const Encoding encoding = EncodingOf(*output);
  if (encoding == Encoding::kUnknown) {
    return absl::InvalidArgumentError(
        StrCat("-o ", *output,
               ": the extension must be .pb (binary) or .textproto / .pbtxt "
               "(text)"));
  }
  auto dims = ParseDims(args.GetAll("dim"));
  if (!dims.ok()) return dims.status();
  const std::string& source = args.positional[0];
  auto loaded = LoadSource(source, *dims, /*read_weights=*/true);
  if (!loaded.ok()) return loaded.status();
  v1::Architecture& arch = loaded->arch;
  if (!loaded->imported.empty()) {
    // The written file is concrete: say at which sizes.
    arch.set_description(StrCat(
        arch.description(), "; dimensions bound on import: ",
        absl::StrJoin(loaded->imported, ", ", absl::PairFormatter("="))));
  }
  // Only a graph that builds and counts is written.
  auto graph = Graph::Build(arch, loaded->build_dims);
  if (!graph.ok()) return Prefixed(source, graph.status());
  auto count = CountNetwork(*graph);
  if (!count.ok()) return Prefixed(source, count.status());
  WarnUncounted(source, *count, err);
  std::string bytes;
  if (encoding == Encoding::kText) {
    bytes = ArchitectureToText(arch);
  } else if (!arch.SerializeToString(&bytes)) {
    return absl::InternalError("cannot serialise the architecture");
  }
  if (auto s = WriteFileAtomically(*output, bytes); !s.ok()) return s;
  out << "wrote " << *output << ": " << arch.nodes_size() << " nodes, "
      << WithSeparators(count->total.synapses) << " synapses, "
      << WithSeparators(count->total.params) << " params, "
      << WithSeparators(count->total.macs) << " MACs per inference\n";
  return absl::OkStatus();
}

}  // namespace

const CommandSpec& ConvertSpec() {
  static const auto* spec = new CommandSpec{
      "convert",
      "SOURCE -o OUT [--dim NAME=VALUE ...]",
      "Writes an ONNX model, a native file or a preset as a native\n"
      "neurowatt Architecture: binary for .pb, text for .textproto/.pbtxt.",
      "The written file counts exactly as SOURCE does. ONNX symbolic\n"
      "dimensions are bound on import (--dim, batch 1 by default), so the\n"
      "file holds concrete shapes and its description says which. Where an\n"
      "ONNX file holds its weights, their analysis (count --weights) is\n"
      "kept in each layer's weight_stats; the weights themselves are not\n"
      "copied. The file is written atomically.\n",
      {{"output", 'o', "OUT", "the file to write (.pb, .textproto, .pbtxt)"},
       {"dim", '\0', "NAME=VALUE",
        "bind a symbolic dimension, e.g. --dim seq=128 (repeatable)", true}},
      1,
      1};
  return *spec;
}

int RunConvert(const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err) {
  return RunCommand(ConvertSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
