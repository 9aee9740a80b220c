#include "bench/benchmark_json.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"
#include "util/proto_io.h"

namespace neurowatt::bench {
namespace {

using absl::StrCat;

absl::StatusOr<BenchmarkFile> Parse(const std::string& text,
                                    const std::string& path) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("benchmarks") ||
      !j["benchmarks"].is_array()) {
    return absl::InvalidArgumentError(
        StrCat(path,
               ": not Google Benchmark JSON (no \"benchmarks\" array); write "
               "it with neurowatt_kernels --benchmark_format=json"));
  }
  MachineInfo m;
  const auto& ctx = j.value("context", nlohmann::json::object());
  m.host = ctx.value("host_name", "unknown host");
  m.date = ctx.value("date", "unknown date");
  m.cores = ctx.value("num_cpus", 1);
  m.clock_hz = ctx.value("mhz_per_cpu", 0.0) * 1e6;
  m.cpu_model = "from " + path;
  m.energy_note = "fitted from a benchmark file: energy not measured";
  int threads = 1;
  std::vector<KernelRun> runs;
  for (const auto& b : j["benchmarks"]) {
    if (b.value("run_type", "iteration") != "iteration") continue;
    KernelRun k;
    k.name = b.value("name", "");
    // real_time is wall-clock per iteration (of every thread together),
    // in time_unit.
    const std::string unit = b.value("time_unit", "ns");
    const double scale = unit == "s"    ? 1
                         : unit == "ms" ? 1e-3
                         : unit == "us" ? 1e-6
                                        : 1e-9;
    const double per_iteration_s = b.value("real_time", 0.0) * scale;
    for (const char* key : {"flops", "bytes", "events", "neuron_updates"}) {
      if (b.contains(key) && b[key].is_number()) {
        k.counters[key] = WallRate(b[key].get<double>(), 1, per_iteration_s);
      }
    }
    const int t = b.value("threads", 1);
    if (t < 1 || t > 4096) {
      return absl::InvalidArgumentError(
          StrCat(path, ": \"threads\" is ", t, "; expected 1 to 4096"));
    }
    threads = std::max(threads, t);
    if (absl::StartsWith(k.name, "fma_peak") && b.contains("label")) {
      m.isa = {b["label"].get<std::string>()};
    }
    runs.push_back(k);
  }
  m.threads_used = threads;
  for (const auto& c : ctx.value("caches", nlohmann::json::array())) {
    if (c.value("type", "") == "Instruction") continue;
    CacheInfo ci;
    ci.level = c.value("level", 0);
    ci.bytes = c.value("size", int64_t{0});
    const int sharing = std::clamp(c.value("num_sharing", 1), 1, 1 << 20);
    if (ci.bytes <= 0 || ci.bytes > (int64_t{1} << 40) || ci.level < 1 ||
        ci.level > 8) {
      return absl::InvalidArgumentError(StrCat(
          path, ": a cache has level ", ci.level, " and size ", ci.bytes));
    }
    ci.instances = (threads + sharing - 1) / sharing;
    m.caches.push_back(ci);
  }
  m.memory_bytes = 0;  // not recorded in benchmark files
  return BenchmarkFile{std::move(runs), std::move(m)};
}

}  // namespace

absl::StatusOr<BenchmarkFile> ParseBenchmarkJson(const std::string& text,
                                                 const std::string& path) {
  // A file of the wrong shape (a string where a number belongs) makes
  // nlohmann throw; it is the user's file, so that is InvalidArgument.
  try {
    return Parse(text, path);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        StrCat(path, ": not the JSON of neurowatt_kernels (", e.what(), ")"));
  }
}

absl::StatusOr<BenchmarkFile> ReadBenchmarkJson(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  return ParseBenchmarkJson(*text, path);
}

}  // namespace neurowatt::bench
