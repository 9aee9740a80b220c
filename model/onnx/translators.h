// The importer's translators: one function per ONNX op family, each turning
// one node into one or more architecture nodes that produce its first
// output, and the table the driver (importer.cc) dispatches on. Internal to
// model/onnx/.
//
// A translator may assume that the node carries data (some output is on
// the data path), that its domain is ONNX's own, and that every tensor it
// names was checked by CheckTopology. It reports errors about the node's
// tensors and attributes without naming the node (import_context.h).
#ifndef NEUROWATT_MODEL_ONNX_TRANSLATORS_H_
#define NEUROWATT_MODEL_ONNX_TRANSLATORS_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "model/onnx/import_context.h"
#include "onnx/onnx_pb.h"

namespace neurowatt {
namespace onnx_import {

using Translator =
    std::function<absl::Status(ImportContext&, const onnx::NodeProto&)>;

// ONNX op type -> its translator. Ops not in it become uncounted nodes.
using TranslatorTable = absl::flat_hash_map<std::string, Translator>;

// Adds `translator` for `op`, which no other translator may claim.
void AddTranslator(TranslatorTable& table, const std::string& op,
                   Translator translator);

// Each translator file adds its ops. The table the driver uses is all of
// them (importer.cc).
void AddConvTranslators(TranslatorTable& table);         // conv.cc
void AddLinearTranslators(TranslatorTable& table);       // linear.cc
void AddRecurrentTranslators(TranslatorTable& table);    // recurrent.cc
void AddPoolTranslators(TranslatorTable& table);         // pool.cc
void AddElementwiseTranslators(TranslatorTable& table);  // elementwise.cc
void AddLayoutTranslators(TranslatorTable& table);       // layout.cc
// Loop, Scan and If left after inlining (control_flow.h): refused.
void AddControlFlowTranslators(TranslatorTable& table);  // control_flow.cc

// Pads for an ONNX window op (Conv, pools) on input `in` ([N, C, ...]),
// resolving auto_pad; attributes already checked to be in range. In
// pool.cc.
absl::StatusOr<std::vector<int64_t>> WindowPads(
    const onnx::NodeProto& n, const std::vector<int64_t>& in,
    const std::vector<int64_t>& kernel, const std::vector<int64_t>& strides,
    const std::vector<int64_t>& dilations);

}  // namespace onnx_import
}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_ONNX_TRANSLATORS_H_
