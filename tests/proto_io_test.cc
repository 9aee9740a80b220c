// Messages in files (util/proto_io.h) and mapped files (util/mapped_file.h).
#include "util/proto_io.h"

#include <filesystem>
#include <fstream>

#include "gtest/gtest.h"
#include "neurowatt/v1/scenario.pb.h"
#include "util/mapped_file.h"

namespace neurowatt {
namespace {

std::string Write(const std::string& name, const std::string& content) {
  const std::string path = ::testing::TempDir() + "/proto_io_" + name;
  std::ofstream(path, std::ios::binary) << content;
  return path;
}

TEST(ProtoIoTest, TextAndBinaryOfAnyMessage) {
  v1::Scenario s;
  ASSERT_TRUE(
      ParseTextMessage("batch: 8 precision: BF16", "s.textproto", &s).ok());
  EXPECT_EQ(s.batch(), 8);
  v1::Scenario back;
  ASSERT_TRUE(ParseBinaryMessage(s.SerializeAsString(), "s.pb", &back).ok());
  EXPECT_EQ(back.precision(), v1::BF16);
  // The first error, 1-based, as an editor shows it.
  auto bad = ParseTextMessage("batch: 8\nnope: 1", "s.textproto", &s);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message().rfind("s.textproto:2:", 0), 0u) << bad;
  EXPECT_NE(ParseBinaryMessage("\xff\xff\xff", "s.pb", &s)
                .message()
                .find("not a valid binary Scenario"),
            std::string::npos);
}

TEST(ProtoIoTest, EncodingsByExtension) {
  EXPECT_EQ(EncodingOf("a.textproto"), Encoding::kText);
  EXPECT_EQ(EncodingOf("a.pbtxt"), Encoding::kText);
  EXPECT_EQ(EncodingOf("a.txtpb"), Encoding::kText);
  EXPECT_EQ(EncodingOf("a.pb"), Encoding::kBinary);
  EXPECT_EQ(EncodingOf("a.onnx"), Encoding::kUnknown);
}

TEST(ProtoIoTest, ReadingFilesNamesThePath) {
  auto text = ReadFileToString(Write("a.txt", "hello"));
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "hello");
  auto missing = ReadFileToString("/nonexistent/a.txt");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("/nonexistent/a.txt"),
            std::string::npos);
  auto dir = ReadFileToString(::testing::TempDir());
  EXPECT_EQ(dir.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(dir.status().message().find("is a directory"), std::string::npos);
}

TEST(MappedFileTest, MapsTheBytesOrSaysWhyNot) {
  auto m = MappedFile::Open(Write("m.bin", std::string("a\0b", 3)));
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->bytes(), absl::string_view("a\0b", 3));
  // Moved, the mapping goes with it.
  MappedFile moved = *std::move(m);
  EXPECT_EQ(moved.bytes().size(), 3u);
  auto empty = MappedFile::Open(Write("empty.bin", ""));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->bytes().empty());
  EXPECT_EQ(MappedFile::Open("/nonexistent/m.bin").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_FALSE(MappedFile::Open(::testing::TempDir()).ok());
}

}  // namespace
}  // namespace neurowatt
