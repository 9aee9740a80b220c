// Text and binary encodings, round trips, and unreadable files.
#include "model/architecture_io.h"

#include <fstream>

#include "gtest/gtest.h"
#include "model/presets.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

std::string TempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

TEST(ArchitectureIoTest, TextErrorsCarryLineAndColumn) {
  auto a = ReadArchitectureFile(NEUROWATT_TEST_DATA "/malformed.textproto");
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("malformed.textproto:4:41:"),
            std::string::npos)
      << a.status().message();
}

TEST(ArchitectureIoTest, BinaryAndTextRoundTripKeepTheCounts) {
  auto arch = BuildPreset("gpt2-small");
  ASSERT_TRUE(arch.ok());
  const std::string pb = TempPath("gpt2.pb");
  const std::string txt = TempPath("gpt2.textproto");
  WriteFile(pb, arch->SerializeAsString());
  WriteFile(txt, ArchitectureToText(*arch));
  for (const std::string& path : {pb, txt}) {
    auto back = ReadArchitectureFile(path);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->SerializeAsString(), arch->SerializeAsString()) << path;
    auto c = CountSource(path);
    ASSERT_TRUE(c.ok()) << c.status();
    EXPECT_EQ(c->total.params, 124439808) << path;
  }
}

TEST(ArchitectureIoTest, BadFilesAreClearErrors) {
  auto missing = ReadArchitectureFile(TempPath("absent.pb"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("absent.pb: cannot read"),
            std::string::npos);

  const std::string empty = TempPath("empty.textproto");
  WriteFile(empty, "");
  EXPECT_NE(ReadArchitectureFile(empty).status().message().find("empty"),
            std::string::npos);

  const std::string junk = TempPath("junk.pb");
  WriteFile(junk, std::string("\xff\xff\xff\xff\x0f\x01", 6));
  auto j = ReadArchitectureFile(junk);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("not a valid binary Architecture"),
            std::string::npos);

  EXPECT_NE(ReadArchitectureFile(::testing::TempDir())
                .status()
                .message()
                .find("not a file"),
            std::string::npos);
  const std::string json = TempPath("model.json");
  WriteFile(json, "{}");
  EXPECT_NE(
      ReadArchitectureFile(json).status().message().find("unknown file type"),
      std::string::npos);

  // Nesting beyond any real architecture stops at the recursion limit.
  std::string deep = "nodes { name: \"a\" linear ";
  for (int i = 0; i < 200; ++i) deep += "{ ";
  auto d = ParseArchitectureText(deep, "deep");
  EXPECT_FALSE(d.ok());
}

}  // namespace
}  // namespace neurowatt
