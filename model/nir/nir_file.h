// NIR files (.nir): the Neuromorphic Intermediate Representation that
// snnTorch, Norse, Sinabs, Rockpool, Lava-DL, Nengo, Spyx, SpiNNaker2 and
// BrainScaleS-2 read or write. The file is HDF5: a group "node" with
// type = "NIRGraph", a group "nodes" (one subgroup per node, each with a
// "type" dataset and its parameter datasets; a node can itself be a nested
// NIRGraph) and a dataset "edges" of (source, target) name pairs. Cycles are
// legal (recurrent connections). See docs/nir.md.
//
// ReadNirFile reads the whole file into memory, weights included, and
// flattens nested graphs; nothing here interprets the nodes beyond that.
#ifndef NEUROWATT_MODEL_NIR_NIR_FILE_H_
#define NEUROWATT_MODEL_NIR_NIR_FILE_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace neurowatt {

// One dataset of a node: numbers (floating-point ones in `values`, integer
// ones in `ints`, both filled for integers) or a string. A scalar has an
// empty shape and one value.
struct NirTensor {
  std::vector<int64_t> shape;
  std::vector<float> values;
  std::vector<int64_t> ints;
  std::string text;
  bool is_text = false;

  int64_t elements() const;

  // A tensor of `values` in `shape`; a 1-D tensor of integers.
  static NirTensor Floats(std::vector<int64_t> shape,
                          std::vector<float> values);
  static NirTensor Ints(std::vector<int64_t> values);
};

struct NirNode {
  std::string name;  // unique; nested graphs' nodes are "outer.inner"
  std::string type;  // "Affine", "LIF", ...; NIR's spelling
  std::map<std::string, NirTensor> params;

  // The parameter `key`, or nullptr.
  const NirTensor* Find(const std::string& key) const;
};

struct NirGraph {
  std::string version;  // the file's "version", e.g. "0.2.0"
  std::vector<NirNode> nodes;
  std::vector<std::pair<std::string, std::string>> edges;  // source, target
};

// Reads `path`. Nested NIRGraph nodes are flattened: their nodes are named
// "outer.inner", an edge into "outer" goes to its Input nodes and an edge
// out of "outer" leaves from its Output nodes (an edge may also name
// "outer.inner" directly); the nested Input and Output nodes are removed.
// Errors (InvalidArgument, NotFound) start with `path` and name the node:
// not HDF5, no "node" group, a node without "type", a dataset of a type
// other than numbers or strings, edges not of shape (n, 2) or naming no
// node.
absl::StatusOr<NirGraph> ReadNirFile(const std::string& path);

}  // namespace neurowatt

#endif  // NEUROWATT_MODEL_NIR_NIR_FILE_H_
