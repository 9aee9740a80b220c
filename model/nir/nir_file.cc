#include "model/nir/nir_file.h"

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace neurowatt {
namespace {

// Tensors larger than this are refused: 2^31 elements is 8 GiB of floats,
// beyond any network a NIR file describes, and it keeps sizes in int64.
constexpr int64_t kMaxElements = int64_t{1} << 31;

// An HDF5 identifier closed when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

absl::Status Error(const std::string& where, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
}

// The names of `group`'s members, in HDF5's name order.
std::vector<std::string> Members(hid_t group) {
  std::vector<std::string> names;
  H5G_info_t info;
  if (H5Gget_info(group, &info) < 0) return names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t size = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i,
                                      nullptr, 0, H5P_DEFAULT);
    if (size < 0) continue;
    std::string name(static_cast<size_t>(size), '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(),
                       name.size() + 1, H5P_DEFAULT);
    names.push_back(name);
  }
  return names;
}

// Whether `name` in `group` is a group (else a dataset, or absent).
H5I_type_t MemberType(hid_t group, const std::string& name) {
  if (H5Lexists(group, name.c_str(), H5P_DEFAULT) <= 0) return H5I_BADID;
  Handle object(H5Oopen(group, name.c_str(), H5P_DEFAULT), H5Oclose);
  if (!object.ok()) return H5I_BADID;
  return H5Iget_type(object.get());
}

absl::StatusOr<NirTensor> ReadDataset(hid_t group, const std::string& name,
                                      const std::string& where) {
  Handle set(H5Dopen2(group, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!set.ok()) return Error(where, "cannot open dataset");
  Handle type(H5Dget_type(set.get()), H5Tclose);
  Handle space(H5Dget_space(set.get()), H5Sclose);
  if (!type.ok() || !space.ok()) return Error(where, "unreadable dataset");
  NirTensor t;
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0 || rank > 8) return Error(where, "unsupported dataspace");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  int64_t n = 1;
  for (hsize_t d : dims) {
    if (d > static_cast<hsize_t>(kMaxElements) ||
        n > kMaxElements / std::max<int64_t>(1, static_cast<int64_t>(d))) {
      return Error(where, "dataset too large");
    }
    n *= static_cast<int64_t>(d);
    t.shape.push_back(static_cast<int64_t>(d));
  }
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls == H5T_STRING) {
    t.is_text = true;
    if (n == 0) return t;
    std::vector<std::string> strings;
    if (H5Tis_variable_str(type.get()) > 0) {
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.get(), H5T_VARIABLE);
      H5Tset_cset(mem.get(), H5Tget_cset(type.get()));  // h5py writes UTF-8
      std::vector<char*> buf(static_cast<size_t>(n), nullptr);
      if (H5Dread(set.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                  buf.data()) < 0) {
        return Error(where, "cannot read strings");
      }
      for (char* s : buf) strings.push_back(s ? s : "");
      H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, buf.data());
    } else {
      const size_t size = H5Tget_size(type.get());
      Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
      H5Tset_size(mem.get(), size);
      H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
      std::string buf(size * static_cast<size_t>(n), '\0');
      if (H5Dread(set.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT,
                  buf.data()) < 0) {
        return Error(where, "cannot read strings");
      }
      for (int64_t i = 0; i < n; ++i) {
        std::string s = buf.substr(static_cast<size_t>(i) * size, size);
        s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
        strings.push_back(s);
      }
    }
    // A scalar string is the text; arrays of strings (edges) are joined
    // by NUL, which names never contain, and split by the caller.
    t.text = absl::StrJoin(strings, std::string(1, '\0'));
    return t;
  }
  if (cls != H5T_FLOAT && cls != H5T_INTEGER) {
    return Error(where, "dataset is neither numbers nor a string");
  }
  t.values.resize(static_cast<size_t>(n));
  if (n > 0 && H5Dread(set.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL,
                       H5P_DEFAULT, t.values.data()) < 0) {
    return Error(where, "cannot read numbers");
  }
  if (cls == H5T_INTEGER) {
    t.ints.resize(static_cast<size_t>(n));
    if (n > 0 && H5Dread(set.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL,
                         H5P_DEFAULT, t.ints.data()) < 0) {
      return Error(where, "cannot read integers");
    }
  }
  return t;
}

std::vector<std::string> SplitNul(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t end = text.find('\0', start);
    out.push_back(text.substr(start, end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// Reads the parameters of one node group into `node.params`: its datasets,
// and the datasets of its subgroups as "group/dataset" (NIR 1.0 writes
// input_type as a group). The metadata group is free-form and skipped.
absl::Status ReadParams(hid_t group, const std::string& prefix,
                        const std::string& where, NirNode& node) {
  for (const std::string& member : Members(group)) {
    const H5I_type_t kind = MemberType(group, member);
    if (kind == H5I_GROUP) {
      if (member == "metadata") continue;
      Handle sub(H5Gopen2(group, member.c_str(), H5P_DEFAULT), H5Gclose);
      if (!sub.ok()) return Error(where, "cannot open group " + member);
      if (auto s = ReadParams(sub.get(), prefix + member + "/", where, node);
          !s.ok()) {
        return s;
      }
      continue;
    }
    if (kind != H5I_DATASET) continue;
    auto t = ReadDataset(group, member,
                         absl::StrCat(where, ": dataset \"", member, "\""));
    if (!t.ok()) return t.status();
    node.params[prefix + member] = *std::move(t);
  }
  return absl::OkStatus();
}

// Reads the NIRGraph in `group` (with "nodes" and "edges") into `out`, its
// nodes named with `prefix`. Nested graphs are flattened.
absl::Status ReadGraph(hid_t group, const std::string& prefix,
                       const std::string& path, int depth, NirGraph& out) {
  const std::string graph_name =
      prefix.empty() ? "the graph"
                     : "graph \"" + prefix.substr(0, prefix.size() - 1) + "\"";
  if (depth > 32) return Error(path, graph_name + " nests too deeply");
  if (MemberType(group, "nodes") != H5I_GROUP) {
    return Error(path, graph_name + " has no group \"nodes\"");
  }
  Handle nodes(H5Gopen2(group, "nodes", H5P_DEFAULT), H5Gclose);
  // Nested graphs: name -> (their Input nodes, their Output nodes).
  std::map<std::string,
           std::pair<std::vector<std::string>, std::vector<std::string>>>
      nested;
  std::set<std::string> names;
  for (const std::string& member : Members(nodes.get())) {
    const std::string name = prefix + member;
    const std::string where = absl::StrCat(path, ": node \"", name, "\"");
    if (MemberType(nodes.get(), member) != H5I_GROUP) continue;
    Handle g(H5Gopen2(nodes.get(), member.c_str(), H5P_DEFAULT), H5Gclose);
    if (MemberType(g.get(), "type") != H5I_DATASET) {
      return absl::InvalidArgumentError(where + ": has no \"type\" dataset");
    }
    auto type = ReadDataset(g.get(), "type", where + ": dataset \"type\"");
    if (!type.ok()) return type.status();
    if (!type->is_text) {
      return absl::InvalidArgumentError(where + ": \"type\" is not a string");
    }
    names.insert(member);
    if (type->text == "NIRGraph") {
      const size_t first = out.nodes.size();
      if (auto s = ReadGraph(g.get(), name + ".", path, depth + 1, out);
          !s.ok()) {
        return s;
      }
      auto& ports = nested[member];
      for (size_t i = first; i < out.nodes.size(); ++i) {
        if (out.nodes[i].type == "Input")
          ports.first.push_back(out.nodes[i].name);
        if (out.nodes[i].type == "Output")
          ports.second.push_back(out.nodes[i].name);
      }
      continue;
    }
    NirNode node;
    node.name = name;
    node.type = type->text;
    if (auto s = ReadParams(g.get(), "", where, node); !s.ok()) return s;
    node.params.erase("type");
    out.nodes.push_back(std::move(node));
  }

  std::vector<std::pair<std::string, std::string>> edges;
  if (MemberType(group, "edges") == H5I_DATASET) {
    auto e = ReadDataset(group, "edges",
                         absl::StrCat(path, ": ", graph_name, ": edges"));
    if (!e.ok()) return e.status();
    const bool empty = e->elements() == 0;
    if (!e->is_text || (!empty && (e->shape.size() != 2 || e->shape[1] != 2))) {
      return Error(path, graph_name +
                             ": edges are not (source, target) "
                             "string pairs");
    }
    if (!empty) {
      std::vector<std::string> ends = SplitNul(e->text);
      for (size_t i = 0; i + 1 < ends.size(); i += 2) {
        edges.emplace_back(ends[i], ends[i + 1]);
      }
    }
  }
  // An edge names a node of this graph, or "nested.inner".
  auto known = [&](const std::string& end) {
    if (names.count(end)) return true;
    const size_t dot = end.find('.');
    return dot != std::string::npos && nested.count(end.substr(0, dot));
  };
  for (const auto& [from, to] : edges) {
    for (const std::string& end : {from, to}) {
      if (!known(end)) {
        return Error(path,
                     absl::StrCat(graph_name, ": edge \"", from, "\" -> \"", to,
                                  "\" names no node \"", end, "\""));
      }
    }
    std::vector<std::string> sources = {prefix + from};
    std::vector<std::string> targets = {prefix + to};
    if (auto it = nested.find(from); it != nested.end()) {
      sources = it->second.second;
    }
    if (auto it = nested.find(to); it != nested.end()) {
      targets = it->second.first;
    }
    for (const auto& s : sources) {
      for (const auto& t : targets) out.edges.emplace_back(s, t);
    }
  }
  // The nested graphs' Input and Output nodes are ports: connect what
  // reaches them to what they reach, and drop them.
  for (const auto& [graph, ports] : nested) {
    std::vector<std::string> all = ports.first;
    all.insert(all.end(), ports.second.begin(), ports.second.end());
    for (const std::string& port : all) {
      std::vector<std::string> in, outs;
      std::vector<std::pair<std::string, std::string>> kept;
      for (const auto& e : out.edges) {
        if (e.second == port) {
          in.push_back(e.first);
        } else if (e.first == port) {
          outs.push_back(e.second);
        } else {
          kept.push_back(e);
        }
      }
      for (const auto& a : in) {
        for (const auto& b : outs) kept.emplace_back(a, b);
      }
      out.edges = std::move(kept);
      out.nodes.erase(
          std::remove_if(out.nodes.begin(), out.nodes.end(),
                         [&](const NirNode& n) { return n.name == port; }),
          out.nodes.end());
    }
  }
  return absl::OkStatus();
}

}  // namespace

int64_t NirTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

NirTensor NirTensor::Floats(std::vector<int64_t> shape,
                            std::vector<float> values) {
  NirTensor t;
  t.shape = std::move(shape);
  t.values = std::move(values);
  return t;
}

NirTensor NirTensor::Ints(std::vector<int64_t> values) {
  NirTensor t;
  t.shape = {static_cast<int64_t>(values.size())};
  for (int64_t v : values) t.values.push_back(static_cast<float>(v));
  t.ints = std::move(values);
  return t;
}

const NirTensor* NirNode::Find(const std::string& key) const {
  auto it = params.find(key);
  return it == params.end() ? nullptr : &it->second;
}

absl::StatusOr<NirGraph> ReadNirFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return absl::NotFoundError(absl::StrCat(path, ": no such file"));
  }
  // HDF5 prints its error stack to stderr by default; the errors here say
  // what was wrong instead.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  if (H5Fis_hdf5(path.c_str()) <= 0) {
    return Error(path, "not an HDF5 file (a NIR file is HDF5)");
  }
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) return Error(path, "cannot open the HDF5 file");
  NirGraph graph;
  if (MemberType(file.get(), "version") == H5I_DATASET) {
    auto v = ReadDataset(file.get(), "version", path + ": version");
    if (v.ok() && v->is_text) graph.version = v->text;
  }
  if (MemberType(file.get(), "node") != H5I_GROUP) {
    return Error(path, "no group \"node\" (not a NIR file)");
  }
  Handle root(H5Gopen2(file.get(), "node", H5P_DEFAULT), H5Gclose);
  if (MemberType(root.get(), "type") == H5I_DATASET) {
    auto t = ReadDataset(root.get(), "type", path + ": node/type");
    if (!t.ok()) return t.status();
    if (t->text != "NIRGraph") {
      return Error(path,
                   "the root node is a \"" + t->text + "\", not a NIRGraph");
    }
  }
  if (auto s = ReadGraph(root.get(), "", path, 0, graph); !s.ok()) return s;
  if (graph.nodes.empty()) return Error(path, "the graph has no nodes");
  return graph;
}

}  // namespace neurowatt
