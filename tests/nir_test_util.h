// Writes small NIR files (HDF5) for the tests with HDF5's C API, laid out as
// the NIR toolchains write them (h5py: variable-length UTF-8 strings,
// float32 parameters, int64 integers).
#ifndef NEUROWATT_TESTS_NIR_TEST_UTIL_H_
#define NEUROWATT_TESTS_NIR_TEST_UTIL_H_

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace neurowatt::testing {

struct Dataset {
  std::string path;            // "node/nodes/0/weight"
  std::vector<hsize_t> shape;  // empty: a scalar
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
};

class NirWriter {
 public:
  // A node group under `graph` ("node" for the top level, "node/nodes/sub"
  // for a nested graph) with its type and parameters.
  NirWriter& Node(const std::string& graph, const std::string& name,
                  const std::string& type, std::vector<Dataset> params = {}) {
    const std::string base = graph + "/nodes/" + name + "/";
    sets_.push_back({base + "type", {}, {}, {}, {type}});
    for (Dataset& d : params) {
      d.path = base + d.path;
      sets_.push_back(std::move(d));
    }
    return *this;
  }
  NirWriter& Edges(const std::string& graph,
                   const std::vector<std::pair<std::string, std::string>>& e) {
    Dataset d{graph + "/edges", {e.size(), 2}, {}, {}, {}};
    for (const auto& [a, b] : e) {
      d.strings.push_back(a);
      d.strings.push_back(b);
    }
    sets_.push_back(std::move(d));
    return *this;
  }
  NirWriter& Raw(Dataset d) {
    sets_.push_back(std::move(d));
    return *this;
  }
  // Writes the file; `graph_type` false leaves out node/type.
  bool Write(const std::string& path, bool graph_type = true) const {
    hid_t file =
        H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    if (file < 0) return false;
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    std::vector<Dataset> all = sets_;
    all.push_back({"version", {}, {}, {}, {"0.2.0"}});
    if (graph_type) all.push_back({"node/type", {}, {}, {}, {"NIRGraph"}});
    bool ok = true;
    for (const Dataset& d : all) {
      hid_t space = d.shape.empty()
                        ? H5Screate(H5S_SCALAR)
                        : H5Screate_simple(static_cast<int>(d.shape.size()),
                                           d.shape.data(), nullptr);
      hid_t type, set;
      if (!d.strings.empty()) {
        type = H5Tcopy(H5T_C_S1);
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        std::vector<const char*> ptrs;
        for (const auto& s : d.strings) ptrs.push_back(s.c_str());
        set = H5Dcreate2(file, d.path.c_str(), type, space, lcpl, H5P_DEFAULT,
                         H5P_DEFAULT);
        ok &= H5Dwrite(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()) >=
              0;
        H5Tclose(type);
      } else if (!d.ints.empty()) {
        set = H5Dcreate2(file, d.path.c_str(), H5T_STD_I64LE, space, lcpl,
                         H5P_DEFAULT, H5P_DEFAULT);
        ok &= H5Dwrite(set, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       d.ints.data()) >= 0;
      } else {
        set = H5Dcreate2(file, d.path.c_str(), H5T_IEEE_F32LE, space, lcpl,
                         H5P_DEFAULT, H5P_DEFAULT);
        ok &= H5Dwrite(set, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                       d.floats.data()) >= 0;
      }
      ok &= set >= 0;
      H5Dclose(set);
      H5Sclose(space);
    }
    H5Pclose(lcpl);
    H5Fclose(file);
    return ok;
  }

 private:
  std::vector<Dataset> sets_;
};

inline Dataset Floats(const std::string& name, std::vector<hsize_t> shape,
                      std::vector<float> v) {
  return {name, std::move(shape), std::move(v), {}, {}};
}
inline Dataset Ints(const std::string& name, std::vector<int64_t> v) {
  return {name, {v.size()}, {}, std::move(v), {}};
}

}  // namespace neurowatt::testing

#endif  // NEUROWATT_TESTS_NIR_TEST_UTIL_H_
