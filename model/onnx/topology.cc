#include "model/onnx/topology.h"

#include <deque>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace neurowatt {
namespace onnx_import {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

constexpr int kGraph = -1;  // a tensor's source: a graph input or initializer

// "node 'NAME' (OP)", with the name NewNode gives an unnamed node.
std::string Describe(const onnx::GraphProto& graph, int i) {
  const onnx::NodeProto& n = graph.node(i);
  return StrCat("node '",
                n.name().empty() ? StrCat(n.op_type(), "_", i) : n.name(),
                "' (", n.op_type(), ")");
}

// Whether following tensors forward from node `from` leads to node `to`.
bool Reaches(const onnx::GraphProto& graph, int from, int to) {
  absl::flat_hash_map<std::string, std::vector<int>> readers;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto& t : graph.node(i).input()) {
      if (!t.empty()) readers[t].push_back(i);
    }
  }
  absl::flat_hash_set<int> seen = {from};
  std::deque<int> queue = {from};
  while (!queue.empty()) {
    const int i = queue.front();
    queue.pop_front();
    if (i == to) return true;
    for (const auto& t : graph.node(i).output()) {
      auto it = readers.find(t);
      if (t.empty() || it == readers.end()) continue;
      for (int r : it->second) {
        if (seen.insert(r).second) queue.push_back(r);
      }
    }
  }
  return false;
}

}  // namespace

absl::Status CheckTopology(const onnx::GraphProto& graph) {
  // Every tensor's first producer, to tell a tensor nothing produces from
  // one produced too late.
  absl::flat_hash_map<std::string, int> first_producer;
  for (int i = 0; i < graph.node_size(); ++i) {
    for (const auto& t : graph.node(i).output()) {
      if (!t.empty()) first_producer.emplace(t, i);
    }
  }
  // The tensors defined so far, by their source.
  absl::flat_hash_map<std::string, int> defined;
  for (const auto& in : graph.input()) defined.emplace(in.name(), kGraph);
  for (const auto& t : graph.initializer()) defined.emplace(t.name(), kGraph);
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto& n = graph.node(i);
    for (const auto& t : n.input()) {
      if (t.empty() || defined.contains(t)) continue;  // "": not given
      auto p = first_producer.find(t);
      if (p == first_producer.end()) {
        return InvalidArgumentError(
            StrCat(Describe(graph, i), " reads tensor '", t,
                   "', which is produced by no node and is neither a graph "
                   "input nor an initializer"));
      }
      const int j = p->second;  // i or later
      if (j == i || Reaches(graph, i, j)) {
        return InvalidArgumentError(
            StrCat(Describe(graph, i), " is part of a cycle through tensor '",
                   t, "' (produced by ", Describe(graph, j), ")"));
      }
      return InvalidArgumentError(
          StrCat(Describe(graph, i), " reads tensor '", t, "' before ",
                 Describe(graph, j),
                 " produces it (ONNX graphs list producers before consumers)"));
    }
    for (const auto& t : n.output()) {
      if (t.empty()) continue;
      auto [it, added] = defined.emplace(t, i);
      if (added) continue;
      return InvalidArgumentError(
          StrCat(Describe(graph, i), " writes tensor '", t, "', which ",
                 it->second == kGraph
                     ? std::string("is a graph input or initializer")
                     : StrCat(Describe(graph, it->second), " writes too"),
                 " (ONNX assigns each tensor once)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace onnx_import
}  // namespace neurowatt
