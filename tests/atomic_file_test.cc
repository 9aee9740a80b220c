// Atomic output files (util/atomic_file.h): whole or not at all.
#include "util/atomic_file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

namespace fs = std::filesystem;

std::string Read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string Fresh(const std::string& name) {
  const std::string dir =
      ::testing::TempDir() + "/atomic_" +
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir + "/" + name;
}

size_t FilesIn(const std::string& dir) {
  return static_cast<size_t>(
      std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}

TEST(AtomicFileTest, TheOldFileStaysUntilTheNewOneIsComplete) {
  const std::string path = Fresh("out.csv");
  std::ofstream(path) << "previous\n";
  {
    AtomicFileWriter w;
    ASSERT_TRUE(w.Open(path).ok());
    ASSERT_TRUE(w.Append("half of it").ok());
    EXPECT_EQ(Read(path), "previous\n");
    // Destroyed without Commit: abandoned, its temporary file removed.
  }
  EXPECT_EQ(Read(path), "previous\n");
  EXPECT_EQ(FilesIn(fs::path(path).parent_path()), 1u);
  AtomicFileWriter w;
  ASSERT_TRUE(w.Open(path).ok());
  ASSERT_TRUE(w.Append("a,b\n").ok());
  ASSERT_TRUE(w.Append("1,2\n").ok());
  ASSERT_TRUE(w.Commit().ok());
  EXPECT_EQ(Read(path), "a,b\n1,2\n");
  EXPECT_EQ(FilesIn(fs::path(path).parent_path()), 1u);
}

TEST(AtomicFileTest, ALinkKeepsPointingAtTheNewContent) {
  const std::string target = Fresh("target.txt");
  const std::string link = fs::path(target).parent_path() / "link.txt";
  std::ofstream(target) << "old";
  fs::create_symlink(target, link);
  ASSERT_TRUE(WriteFileAtomically(link, "new").ok());
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(Read(target), "new");
}

TEST(AtomicFileTest, ErrorsNameThePath) {
  auto s = WriteFileAtomically("/nonexistent/dir/out.txt", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/dir/out.txt"), std::string::npos)
      << s;
  // A device is written through.
  EXPECT_TRUE(WriteFileAtomically("/dev/null", "x").ok());
}

TEST(AtomicFileTest, WriteOutputGoesToTheStreamWithoutAPath) {
  std::ostringstream out;
  ASSERT_TRUE(WriteOutput(std::nullopt, "text", out).ok());
  EXPECT_EQ(out.str(), "text");
}

}  // namespace
}  // namespace neurowatt
