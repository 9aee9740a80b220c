// NIR files read (model/nir/nir_file.h): the real Norse and Sinabs files,
// and files that are not NIR.
#include "model/nir/nir_file.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "tests/nir_test_util.h"

namespace neurowatt {
namespace {

using testing::NirWriter;

std::string Nir(const std::string& name) {
  return std::string(NEUROWATT_TEST_DATA) + "/nir/" + name;
}

TEST(NirFileTest, ReadsNorsesLif) {
  auto g = ReadNirFile(Nir("lif_norse.nir"));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->version, "0.1.1");
  ASSERT_EQ(g->nodes.size(), 4u);
  const NirNode* lif = nullptr;
  for (const auto& n : g->nodes) {
    if (n.name == "1") lif = &n;
  }
  ASSERT_NE(lif, nullptr);
  EXPECT_EQ(lif->type, "LIF");
  ASSERT_NE(lif->Find("tau"), nullptr);
  EXPECT_FLOAT_EQ(lif->Find("tau")->values[0], 0.0025f);
  EXPECT_FLOAT_EQ(lif->Find("v_threshold")->values[0], 0.1f);
  EXPECT_EQ(lif->Find("type"), nullptr);  // the type is not a parameter
  EXPECT_EQ(g->edges.size(), 3u);
  EXPECT_EQ(g->edges[0],
            std::make_pair(std::string("input"), std::string("0")));
}

TEST(NirFileTest, ReadsSinabsCnn) {
  auto g = ReadNirFile(Nir("cnn_sinabs.nir"));
  ASSERT_TRUE(g.ok()) << g.status();
  EXPECT_EQ(g->version, "0.2.0");
  EXPECT_EQ(g->nodes.size(), 15u);
  EXPECT_EQ(g->edges.size(), 14u);
  for (const auto& n : g->nodes) {
    if (n.name == "0") {
      EXPECT_EQ(n.type, "Conv2d");
      EXPECT_EQ(n.Find("weight")->shape, (std::vector<int64_t>{16, 2, 5, 5}));
      EXPECT_EQ(n.Find("stride")->ints, (std::vector<int64_t>{2, 2}));
      EXPECT_EQ(n.Find("groups")->ints, (std::vector<int64_t>{1}));
    }
  }
}

TEST(NirFileTest, RefusesFilesThatAreNotNir) {
  const std::string path = ::testing::TempDir() + "/not_hdf5.nir";
  { std::ofstream(path) << "hello"; }
  auto g = ReadNirFile(path);
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("not an HDF5 file"), std::string::npos);
  std::filesystem::remove(path);
  auto missing = ReadNirFile(::testing::TempDir() + "/absent.nir");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  // HDF5 but no NIR graph in it.
  NirWriter w;
  w.Raw({"other/x", {1}, {1.0f}, {}, {}});
  const std::string empty = ::testing::TempDir() + "/nir_file_no_node.nir";
  ASSERT_TRUE(w.Write(empty, false));
  auto e = ReadNirFile(empty);
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.status().message().find("no group \"node\""), std::string::npos)
      << e.status();
  std::filesystem::remove(empty);
}

}  // namespace
}  // namespace neurowatt
