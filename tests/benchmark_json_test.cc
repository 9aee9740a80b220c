// Google Benchmark files from another machine (bench/benchmark_json.h): the
// runs and the machine a profile is fitted from.
#include "bench/benchmark_json.h"

#include "gtest/gtest.h"

namespace neurowatt::bench {
namespace {

constexpr char kFile[] = R"({
  "context": {"host_name": "othermachine", "date": "2026-11-01T00:00:00Z",
              "num_cpus": 4, "mhz_per_cpu": 3000,
              "caches": [{"type": "Instruction", "level": 1, "size": 32768,
                          "num_sharing": 1},
                         {"type": "Data", "level": 1, "size": 32768,
                          "num_sharing": 1},
                         {"type": "Unified", "level": 3, "size": 33554432,
                          "num_sharing": 4}]},
  "benchmarks": [
    {"name": "fma_peak/fp32/real_time/threads:2", "run_type": "iteration",
     "threads": 2, "flops": 786432, "label": "avx2",
     "real_time": 3.93216, "time_unit": "us"},
    {"name": "stream_triad/1048576/real_time/threads:2",
     "run_type": "iteration", "threads": 2, "bytes": 524288,
     "real_time": 20.97152, "time_unit": "us"},
    {"name": "stream_triad/1048576/real_time/threads:2_mean",
     "run_type": "aggregate", "threads": 2, "bytes": 2.5e10}
  ]})";

TEST(BenchmarkJsonTest, RunsAndTheMachine) {
  auto f = ParseBenchmarkJson(kFile, "k.json");
  ASSERT_TRUE(f.ok()) << f.status();
  // Aggregates are left out. A counter is one thread's work per iteration
  // and real_time the team's wall clock per iteration (of all threads):
  // 786,432 flops / 3.93216 us = 2e11 FLOP/s; 524,288 B / 20.97 us = 2.5e10.
  ASSERT_EQ(f->runs.size(), 2u);
  EXPECT_NEAR(f->runs[0].counters.at("flops"), 2e11, 2e11 * 1e-9);
  EXPECT_NEAR(f->runs[1].counters.at("bytes"), 2.5e10, 2.5e10 * 1e-9);
  const MachineInfo& m = f->machine;
  EXPECT_EQ(m.host, "othermachine");
  EXPECT_EQ(m.cores, 4);
  EXPECT_EQ(m.clock_hz, 3e9);
  EXPECT_EQ(m.threads_used, 2);
  EXPECT_EQ(m.isa, std::vector<std::string>{"avx2"});
  // Instruction caches are left out; a cache shared by 4 CPUs is one
  // instance among the 2 threads used.
  ASSERT_EQ(m.caches.size(), 2u);
  EXPECT_EQ(m.caches[1].level, 3);
  EXPECT_EQ(m.caches[1].bytes, 33554432);
  EXPECT_EQ(m.caches[1].instances, 1);
}

TEST(BenchmarkJsonTest, BadFilesAreTheUsersMistakeNotACrash) {
  struct Case {
    std::string text, message;
  } cases[] = {
      {"not json", "not Google Benchmark JSON"},
      {R"({"not": "benchmarks"})", "no \"benchmarks\" array"},
      {R"({"benchmarks": [{"name": "x", "threads": "4"}]})",
       "not the JSON of neurowatt_kernels"},
      {R"({"benchmarks": [{"name": "x", "threads": 0}]})", "\"threads\" is 0"},
      {R"({"benchmarks": [], "context": {"caches": [{"level": 9,
          "size": 1}]}})",
       "a cache has level 9"},
  };
  for (const Case& c : cases) {
    auto f = ParseBenchmarkJson(c.text, "k.json");
    ASSERT_FALSE(f.ok()) << c.text;
    EXPECT_EQ(f.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(f.status().message().find("k.json"), std::string::npos);
    EXPECT_NE(f.status().message().find(c.message), std::string::npos)
        << f.status();
  }
  EXPECT_EQ(ReadBenchmarkJson("/nonexistent/k.json").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace neurowatt::bench
