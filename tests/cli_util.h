// Running the real neurowatt binary from tests: its exit code, stdout and
// stderr, each run with files of its own (ctest runs tests in parallel).
#ifndef NEUROWATT_TESTS_CLI_UTIL_H_
#define NEUROWATT_TESTS_CLI_UTIL_H_

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace {

struct Result {
  int code = -1;
  std::string out, err;
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

inline Result RunNeurowatt(const std::vector<std::string>& args) {
  // ctest runs tests in parallel processes: each run gets its own files.
  std::string dir = ::testing::TempDir() + "/cli.XXXXXX";
  if (::mkdtemp(dir.data()) == nullptr) return {};
  const std::string out = dir + "/out", err = dir + "/err";
  // StrAppend, not `cmd += " >" + Quote(out) + ...`: GCC 12's -Wrestrict
  // reports a false positive on such concatenations at -O3.
  std::string cmd = Quote(NEUROWATT_BIN);
  for (const auto& a : args) absl::StrAppend(&cmd, " ", Quote(a));
  absl::StrAppend(&cmd, " >", Quote(out), " 2>", Quote(err), " </dev/null");
  const int status = std::system(cmd.c_str());
  Result r;
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  std::filesystem::remove_all(dir);
  return r;
}

inline bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

#endif  // NEUROWATT_TESTS_CLI_UTIL_H_
