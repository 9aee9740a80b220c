// Simulator input files (simulate/input_file.h): CSV and NumPy .npy.
#include "simulate/input_file.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

std::string Write(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + "/input_file_" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// A version 1.0 .npy file: magic, version, header length, header, data.
std::string Npy(const std::string& descr, const std::string& shape,
                const std::string& data) {
  std::string header = "{'descr': '" + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header + data;
}

TEST(InputFileTest, ReadsCsvWithAHeader) {
  auto m = ReadMatrix(Write("a.csv", "x0,x1\n1,0\n0.5, 2\n\n"));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(*m, (std::vector<std::vector<float>>{{1, 0}, {0.5f, 2}}));
}

TEST(InputFileTest, CsvErrorsNameTheLine) {
  auto ragged = ReadMatrix(Write("ragged.csv", "1,2\n3\n"));
  ASSERT_FALSE(ragged.ok());
  EXPECT_NE(ragged.status().message().find("line 2 has 1 values"),
            std::string::npos)
      << ragged.status();
  auto word = ReadMatrix(Write("word.csv", "1,2\n3,x\n"));
  ASSERT_FALSE(word.ok());
  EXPECT_NE(word.status().message().find("line 2"), std::string::npos);
  auto inf = ReadMatrix(Write("inf.csv", "1,inf\n"));
  EXPECT_FALSE(inf.ok());
  EXPECT_FALSE(ReadMatrix(Write("empty.csv", "")).ok());
  EXPECT_EQ(ReadMatrix(::testing::TempDir() + "/absent.csv").status().code(),
            absl::StatusCode::kNotFound);
}

TEST(InputFileTest, ReadsNpyFloatAndIntegerArrays) {
  const float f[] = {1.5f, -2, 0, 4, 5, 6};
  auto a = ReadMatrix(Write(
      "f.npy", Npy("<f4", "(2, 3)",
                   std::string(reinterpret_cast<const char*>(f), sizeof f))));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(*a, (std::vector<std::vector<float>>{{1.5f, -2, 0}, {4, 5, 6}}));
  const uint8_t b[] = {1, 0, 1};
  auto c = ReadMatrix(Write(
      "b.npy",
      Npy("|b1", "(3,)", std::string(reinterpret_cast<const char*>(b), 3))));
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(*c, (std::vector<std::vector<float>>{{1}, {0}, {1}}));
  const double d[] = {0.25, 8};
  auto e = ReadMatrix(Write(
      "d.npy", Npy("<f8", "(1, 2)",
                   std::string(reinterpret_cast<const char*>(d), sizeof d))));
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(*e, (std::vector<std::vector<float>>{{0.25f, 8}}));
}

TEST(InputFileTest, NpyErrorsSayWhatIsWrong) {
  auto short_data =
      ReadMatrix(Write("short.npy", Npy("<f4", "(2, 3)", "abcd")));
  ASSERT_FALSE(short_data.ok());
  EXPECT_NE(short_data.status().message().find("shorter"), std::string::npos);
  auto type = ReadMatrix(Write("c.npy", Npy("<c8", "(1,)", "abcdefgh")));
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("not supported"), std::string::npos);
  auto rank = ReadMatrix(Write("r.npy", Npy("<f4", "(1, 1, 1)", "abcd")));
  EXPECT_FALSE(rank.ok());
  EXPECT_FALSE(ReadMatrix(Write("junk.npy", "not numpy")).ok());
}

TEST(InputFileTest, LabelsAreWholeClassesOnePerSample) {
  auto ok = ReadLabels(Write("labels.csv", "0\n2\n1\n"), 3, 3);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(*ok, (std::vector<int64_t>{0, 2, 1}));
  auto too_few = ReadLabels(Write("few.csv", "0\n1\n"), 3, 3);
  ASSERT_FALSE(too_few.ok());
  EXPECT_NE(too_few.status().message().find(
                "2 rows of 1 value(s); one label per sample (3) is needed"),
            std::string::npos)
      << too_few.status();
  auto big = ReadLabels(Write("big.csv", "0\n3\n1\n"), 3, 3);
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("label 3 is not a class from 0 to 2"),
            std::string::npos)
      << big.status();
  EXPECT_FALSE(ReadLabels(Write("half.csv", "0\n1.5\n1\n"), 3, 3).ok());
  EXPECT_FALSE(ReadLabels(Write("wide.csv", "0,1\n1,1\n1,1\n"), 3, 3).ok());
}

}  // namespace
}  // namespace neurowatt
