// Bad input of every kind (tests/data/bad/cases.tsv): exit code 2, one or
// two lines on stderr naming the file and the problem, nothing written. Then
// a million-node graph (bounded memory), and outputs that survive a SIGKILL
// at any moment of calibrate, report, convert and sweep.
#include <signal.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "neurowatt/v1/architecture.pb.h"
#include "tests/cli_util.h"

namespace {

const std::string kData = NEUROWATT_TEST_DATA;

struct Case {
  std::vector<std::string> args;
  std::string expect;
  std::string file;  // the bad file the case names, if any
};

std::vector<Case> ReadCases(const std::string& out) {
  std::vector<Case> cases;
  std::ifstream in(kData + "/bad/cases.tsv");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols = absl::StrSplit(line, '\t');
    Case c;
    c.expect = cols.size() > 1 ? cols[1] : "";
    const bool names_file = cols.size() < 3 || cols[2] != "flags";
    for (absl::string_view word : absl::StrSplit(cols[0], ' ')) {
      std::string w(word);
      if (w.rfind("bad/", 0) == 0) {
        w = kData + "/" + w;
        if (names_file) c.file = w;
      }
      c.args.push_back(absl::StrReplaceAll(w, {{"OUT", out}}));
    }
    cases.push_back(c);
  }
  return cases;
}

TEST(BadInputTest, EveryCaseIsAClearErrorAndWritesNothing) {
  const std::string out = ::testing::TempDir() + "nw_bad_output";
  const std::vector<Case> cases = ReadCases(out);
  ASSERT_GE(cases.size(), 40u);
  for (const Case& c : cases) {
    SCOPED_TRACE(absl::StrJoin(c.args, " "));
    for (const char* ext : {"", ".pb", ".csv"}) {
      std::remove((out + ext).c_str());
    }
    Result r = RunNeurowatt(c.args);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_TRUE(Contains(r.err, c.expect)) << r.err;
    if (!c.file.empty()) {
      // The message names the file (as given on the command line).
      EXPECT_TRUE(Contains(r.err, c.file)) << r.err;
    }
    const auto lines = std::count(r.err.begin(), r.err.end(), '\n');
    EXPECT_GE(lines, 1);
    EXPECT_LE(lines, 2) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    for (const char* ext : {"", ".pb", ".csv"}) {
      EXPECT_FALSE(std::filesystem::exists(out + ext)) << out << ext;
    }
  }
}

TEST(BadInputTest, AMillionNodeGraphFinishesInBoundedMemory) {
  // x -> relu_0 -> relu_1 -> ... -> relu_999999, written in binary.
  neurowatt::v1::Architecture arch;
  arch.set_name("million");
  auto* in = arch.add_inputs();
  in->set_name("t0");
  in->add_shape()->set_size(1);
  in->add_shape()->set_size(16);
  constexpr int kNodes = 1'000'000;
  for (int i = 0; i < kNodes; ++i) {
    auto* n = arch.add_nodes();
    // StrCat, not "t" + std::to_string(i): GCC 12's -Wrestrict reports a
    // false positive on the temporary's concatenation at -O3.
    n->set_name(absl::StrCat("relu_", i));
    n->add_inputs(absl::StrCat("t", i));
    n->add_outputs(absl::StrCat("t", i + 1));
    n->mutable_activation()->set_kind(neurowatt::v1::Activation::RELU);
  }
  const std::string path = ::testing::TempDir() + "nw_million.pb";
  {
    std::ofstream f(path, std::ios::binary);
    ASSERT_TRUE(arch.SerializeToOstream(&f));
  }
  const int64_t file_bytes = std::filesystem::file_size(path);
  arch.Clear();
  Result r = RunNeurowatt({"count", path});
  ASSERT_EQ(r.code, 0) << r.err;
  // One row folds the million layers; one compare per element per ReLU.
  EXPECT_TRUE(Contains(r.out, "relu_*")) << r.out.substr(0, 600);
  EXPECT_TRUE(Contains(r.out, "1000000")) << r.out.substr(0, 600);
  EXPECT_TRUE(Contains(r.out, "16,000,000")) << r.out;
  struct rusage usage;
  ASSERT_EQ(getrusage(RUSAGE_CHILDREN, &usage), 0);
  // Peak memory of the largest child so far: linear in the nodes (a few
  // hundred bytes each), far below what would signal a leak or a copy per
  // node pair. The note in the issue records the measured figure.
  const int64_t peak = int64_t{usage.ru_maxrss} * 1024;
  EXPECT_LT(peak, int64_t{3} << 30)
      << "peak " << peak << " for a " << file_bytes << "-byte file";
  std::remove(path.c_str());
}

// Starts neurowatt with `args`, kills it with SIGKILL after `delay`, and
// returns whether it had already finished (exit status 0).
bool KillAfter(const std::vector<std::string>& args,
               std::chrono::milliseconds delay) {
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string bin = NEUROWATT_BIN;
    argv.push_back(bin.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (freopen("/dev/null", "w", stdout) == nullptr ||
        freopen("/dev/null", "w", stderr) == nullptr) {
      _exit(126);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  std::this_thread::sleep_for(delay);
  kill(pid, SIGKILL);
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

TEST(BadInputTest, KilledWritesLeaveThePreviousFileIntact) {
  const std::string dir = ::testing::TempDir();
  struct Job {
    std::vector<std::string> args;
    std::string out;
    std::vector<int> delays_ms;
  };
  const std::string onnx = kData + "/onnx/gpt2_block.onnx";
  const std::vector<Job> jobs = {
      {{"convert", onnx, "--dim", "seq=8", "-o"},
       dir + "nw_kill.pb",
       {0, 5, 10, 20, 40}},
      {{"report", "preset:gpt2-small", "-o"},
       dir + "nw_kill.html",
       {0, 3, 8, 15, 30}},
      {{"sweep", "preset:mlp:sizes=784-512-10", "--hw", "horowitz-45nm",
        "--vary", "batch=1:4096:600000", "--threads", "1", "-o"},
       dir + "nw_kill.csv",
       {0, 200, 800}},
      {{"calibrate", "--quick", "--threads", "1", "-o"},
       dir + "nw_kill.textproto",
       {200, 1500}},
  };
  const std::string previous = "the previous output\n";
  for (const Job& job : jobs) {
    // The complete output, from a run left to finish (calibrate measures
    // and differs from run to run: any whole profile will do there).
    std::vector<std::string> full = job.args;
    full.push_back(job.out);
    ASSERT_EQ(RunNeurowatt(full).code, 0) << job.args[0];
    const std::string complete =
        job.args[0] == "calibrate" ? std::string() : Slurp(job.out);
    int killed = 0;  // runs the signal interrupted
    for (int ms : job.delays_ms) {
      SCOPED_TRACE(job.args[0] + " killed after " + std::to_string(ms) + " ms");
      {
        std::ofstream f(job.out, std::ios::binary);
        f << previous;
      }
      std::vector<std::string> args = job.args;
      args.push_back(job.out);
      const bool finished = KillAfter(args, std::chrono::milliseconds(ms));
      killed += !finished;
      const std::string now = Slurp(job.out);
      // The old file or the whole new one (the signal may land after the
      // rename), never a mix or a truncation.
      const bool whole_new =
          complete.empty()
              ? Contains(now, "von_neumann {") && now.back() == '\n'
              : now == complete;
      EXPECT_TRUE(now == previous || whole_new)
          << now.size() << " bytes: " << now.substr(0, 120);
      if (finished) {
        EXPECT_TRUE(whole_new);
      }
      // A SIGKILL leaves the writer's temporary file beside the output;
      // clear it (and the output) for the next run.
      for (const auto& e : std::filesystem::directory_iterator(dir)) {
        const std::string name = e.path().filename();
        if (name.find("nw_kill") == std::string::npos) continue;
        std::filesystem::remove(e.path());
      }
    }
    EXPECT_GT(killed, 0) << job.args[0] << " always finished first";
  }
}

}  // namespace
