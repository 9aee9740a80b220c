#include "cli/calibrate_command.h"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fstream>
#include <set>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "bench/kernels.h"
#include "cli/format.h"
#include "util/atomic_file.h"
#include "google/protobuf/text_format.h"
#include "hw/calibration.h"
#include "model/architecture_io.h"
#include "nlohmann/json.hpp"

namespace neurowatt::cli {
namespace {

using absl::StrCat;

std::string ReadSmall(const std::string& path) {
  std::ifstream f(path);
  std::string s((std::istreambuf_iterator<char>(f)),
                std::istreambuf_iterator<char>());
  return std::string(absl::StripAsciiWhitespace(s));
}

int64_t ParseSize(const std::string& s) {  // "32K", "1024K", "32M"
  int64_t v = std::atoll(s.c_str());
  if (absl::EndsWith(s, "K")) v <<= 10;
  if (absl::EndsWith(s, "M")) v <<= 20;
  return v;
}

// CPUs in a sysfs list such as "0-1,4".
int CountCpus(const std::string& list) {
  int n = 0;
  for (absl::string_view part : absl::StrSplit(list, ',', absl::SkipEmpty())) {
    std::vector<std::string> r = absl::StrSplit(part, '-');
    int a = 0, b = 0;
    if (!absl::SimpleAtoi(r[0], &a)) continue;
    b = a;
    if (r.size() == 2 && !absl::SimpleAtoi(r[1], &b)) b = a;
    n += b - a + 1;
  }
  return std::max(1, n);
}

std::string Now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// The RAPL package counter, if this machine lets us read it.
struct Rapl {
  std::string path;
  double max_uj = 0;
  std::string note;

  Rapl() {
    const std::string dir = "/sys/class/powercap/intel-rapl:0";
    const std::string value = ReadSmall(dir + "/energy_uj");
    if (value.empty()) {
      note = ::access("/sys/class/powercap", F_OK) == 0
                 ? "RAPL counters exist but are not readable (root only "
                   "since Linux 5.10)"
                 : "no /sys/class/powercap RAPL counters on this machine "
                   "(usual in virtual machines)";
      return;
    }
    path = dir + "/energy_uj";
    if (!absl::SimpleAtod(ReadSmall(dir + "/max_energy_range_uj"), &max_uj)) {
      max_uj = 0;  // unknown: wrap-around is not corrected
    }
    note = "package energy from " + path;
  }
  std::optional<double> Joules() const {
    double uj;
    if (path.empty() || !absl::SimpleAtod(ReadSmall(path), &uj)) {
      return std::nullopt;
    }
    return uj * 1e-6;
  }
  // Energy between two readings, allowing for one wrap of the counter.
  double Delta(double before, double after) const {
    return after >= before ? after - before : after + max_uj * 1e-6 - before;
  }
};

MachineInfo ThisMachine(int threads, const Rapl& rapl) {
  MachineInfo m;
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  std::set<std::string> flags;
  while (std::getline(cpuinfo, line)) {
    auto value = [&] {
      return std::string(
          absl::StripAsciiWhitespace(line.substr(line.find(':') + 1)));
    };
    if (m.cpu_model.empty() && absl::StartsWith(line, "model name")) {
      m.cpu_model = value();
    } else if (m.clock_hz == 0 && absl::StartsWith(line, "cpu MHz")) {
      double mhz = 0;
      if (!absl::SimpleAtod(value(), &mhz)) mhz = 0;
      m.clock_hz = mhz * 1e6;
    } else if (flags.empty() && absl::StartsWith(line, "flags")) {
      for (absl::string_view f : absl::StrSplit(value(), ' ')) {
        flags.insert(std::string(f));
      }
    }
  }
  for (const char* isa : {"sse4_2", "avx2", "fma", "avx512f", "avx512_bf16"}) {
    if (flags.count(isa)) m.isa.push_back(isa);
  }
  m.cores = static_cast<int>(::sysconf(_SC_NPROCESSORS_ONLN));
  m.threads_used = threads;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  m.host = host;
  m.date = Now();
  std::ifstream meminfo("/proc/meminfo");
  while (std::getline(meminfo, line)) {
    if (absl::StartsWith(line, "MemTotal:")) {
      m.memory_bytes = std::atoll(line.substr(9).c_str()) * 1024;
    }
  }
  for (int i = 0; i < 8; ++i) {
    const std::string dir =
        StrCat("/sys/devices/system/cpu/cpu0/cache/index", i, "/");
    const std::string type = ReadSmall(dir + "type");
    if (type.empty()) continue;
    if (type == "Instruction") continue;
    CacheInfo c;
    if (!absl::SimpleAtoi(ReadSmall(dir + "level"), &c.level)) continue;
    c.bytes = ParseSize(ReadSmall(dir + "size"));
    const int sharing = CountCpus(ReadSmall(dir + "shared_cpu_list"));
    c.instances = (threads + sharing - 1) / sharing;
    m.caches.push_back(c);
  }
  m.energy_note = rapl.note;
  return m;
}

// Collects the runs as Google Benchmark reports them, with progress.
class Collector : public benchmark::BenchmarkReporter {
 public:
  Collector(const Rapl& rapl, std::ostream& err)
      : rapl_(rapl), err_(err), tty_(::isatty(2)) {
    last_energy_ = rapl_.Joules();
    if (!tty_) err_ << "calibrate: measuring the kernels..." << std::endl;
  }
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    const std::optional<double> energy = rapl_.Joules();
    for (const Run& r : runs) {
      if (r.run_type != Run::RT_Iteration || r.error_occurred) continue;
      KernelRun k;
      k.name = r.benchmark_name();
      for (const auto& [key, c] : r.counters) k.counters[key] = c.value;
      k.seconds = r.real_accumulated_time;
      if (energy && last_energy_)
        k.energy_j = rapl_.Delta(*last_energy_, *energy);
      runs_.push_back(k);
      if (tty_) {
        err_ << "\rcalibrate: " << runs_.size() << " kernels measured ("
             << k.name.substr(0, k.name.find("/min_time")) << ")          "
             << std::flush;
      }
    }
    last_energy_ = energy;
  }
  std::vector<KernelRun>& runs() { return runs_; }

 private:
  const Rapl& rapl_;
  std::ostream& err_;
  const bool tty_;
  std::optional<double> last_energy_;
  std::vector<KernelRun> runs_;
};

absl::StatusOr<std::pair<std::vector<KernelRun>, MachineInfo>> ParseBench(
    const std::string& path);

// A benchmark file of the wrong shape (a string where a number belongs)
// makes nlohmann throw; it is the user's file, so that is exit 2.
absl::StatusOr<std::pair<std::vector<KernelRun>, MachineInfo>> FromJson(
    const std::string& path) {
  try {
    return ParseBench(path);
  } catch (const nlohmann::json::exception& e) {
    return absl::InvalidArgumentError(
        StrCat(path, ": not the JSON of neurowatt_kernels (", e.what(), ")"));
  }
}

absl::StatusOr<std::pair<std::vector<KernelRun>, MachineInfo>> ParseBench(
    const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, false);
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
    for (const char* key : {"flops", "bytes", "events", "neuron_updates"}) {
      if (b.contains(key) && b[key].is_number()) k.counters[key] = b[key];
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
  return std::make_pair(runs, m);
}

double Efficiency(const v1::VonNeumannProfile& v, const std::string& cls) {
  for (const auto& e : v.efficiency()) {
    if (e.kernel_class() == cls) return e.fraction().value();
  }
  return 0;
}

absl::Status Run(const ParsedArgs& args, std::ostream& out) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json"}); !f.ok()) {
    return f.status();
  }
  const std::string path = args.Get("output").value_or("calibrated.textproto");
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (auto t = args.Get("threads")) {
    if (!absl::SimpleAtoi(*t, &threads) || threads < 1 || threads > 4096) {
      return absl::InvalidArgumentError(
          StrCat("--threads ", *t, ": expected a whole number >= 1"));
    }
  }
  threads = std::max(1, threads);
  std::vector<KernelRun> runs;
  MachineInfo machine;
  const Rapl rapl;
  if (auto from = args.Get("from")) {
    auto parsed = FromJson(*from);
    if (!parsed.ok()) return parsed.status();
    runs = std::move(parsed->first);
    machine = std::move(parsed->second);
  } else {
    bench::KernelOptions options;
    options.threads = threads;
    options.quick = args.Has("quick");
    options.min_time_s = options.quick ? 0.03 : 0.2;
    bench::RegisterKernels(options);
    int argc = 1;
    char name[] = "neurowatt";
    char* argv[] = {name, nullptr};
    benchmark::Initialize(&argc, argv);
    Collector collector(rapl, std::cerr);
    const auto start = std::chrono::steady_clock::now();
    benchmark::RunSpecifiedBenchmarks(&collector);
    benchmark::ClearRegisteredBenchmarks();
    std::cerr << absl::StrFormat(
        "%scalibrate: %d kernels measured in %.1f s\n", ::isatty(2) ? "\r" : "",
        collector.runs().size(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    runs = std::move(collector.runs());
    machine = ThisMachine(threads, rapl);
  }
  std::vector<std::string> notes;
  const std::string profile_name =
      args.Get("name").value_or(StrCat("calibrated-", machine.host));
  auto profile = FitProfile(runs, machine, profile_name, &notes);
  if (!profile.ok()) {
    return absl::InvalidArgumentError(
        StrCat(args.Get("from").value_or("the measurements"), ": ",
               profile.status().message()));
  }
  std::string text =
      "# A calibrated neurowatt profile; every measured number says so.\n"
      "# proto-file: proto/neurowatt/v1/hardware.proto\n"
      "# proto-message: neurowatt.v1.HardwareProfile\n";
  std::string body;
  google::protobuf::TextFormat::PrintToString(*profile, &body);
  text += body;
  if (auto st = WriteFileAtomically(path, text); !st.ok()) return st;

  std::string validation;
  if (args.Has("validate")) {
    validation = ValidateCalibration(*profile, machine.threads_used);
  }
  const v1::VonNeumannProfile& v = profile->von_neumann();
  double gemm = 0, peak64 = 0;
  for (const KernelRun& r : runs) {
    const auto [fam, arg] = KernelName(r.name);
    double n = 0;
    if (fam == "sgemm" && absl::SimpleAtod(arg, &n) && n >= 1024) {
      gemm = std::max(gemm,
                      r.counters.count("flops") ? r.counters.at("flops") : 0.0);
    }
    if (fam == "fma_peak" && arg == "fp64") {
      peak64 = std::max(
          peak64, r.counters.count("flops") ? r.counters.at("flops") : 0.0);
    }
  }
  const double peak32 = v.precisions(0).peak_ops_per_s().value();
  const double dram =
      v.memory(v.memory_size() - 1).bandwidth_bytes_per_s().value();
  if (format == "json") {
    nlohmann::ordered_json j;
    j["peak_flops_fp32"] = peak32;
    j["peak_flops_fp64"] = peak64;
    j["gemm_flops_fp32"] = gemm;
    j["dram_bandwidth_bytes_per_s"] = dram;
    j["bandwidth_bytes_per_s"] = nlohmann::ordered_json::object();
    for (const auto& l : v.memory()) {
      j["bandwidth_bytes_per_s"][l.name()] = l.bandwidth_bytes_per_s().value();
    }
    j["efficiency"] = nlohmann::ordered_json::object();
    for (const auto& e : v.efficiency()) {
      j["efficiency"][e.kernel_class()] = e.fraction().value();
    }
    j["spike_events_per_s"] = v.spike_events_per_s().value();
    j["energy_measured"] = v.machine().energy_measured();
    j["threads"] = machine.threads_used;
    j["profile"] = path;
    j["notes"] = notes;
    if (!validation.empty()) j["validation"] = validation;
    out << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << "\n";
    return absl::OkStatus();
  }
  out << absl::StrFormat(
      "machine: %s, %d threads (%s)\n"
      "peak fp32 (FMA kernel)   %s\n"
      "peak fp64                %s\n"
      "large sgemm (OpenBLAS)   %s (%.0f%% of peak)\n",
      machine.cpu_model, machine.threads_used, absl::StrJoin(machine.isa, " "),
      Si(peak32, "FLOP/s"), Si(peak64, "FLOP/s"), Si(gemm, "FLOP/s"),
      100 * gemm / peak32);
  for (const auto& l : v.memory()) {
    out << absl::StrFormat(
        "%-8s %10s  %s\n", l.name(),
        BytesReal(static_cast<double>(l.capacity_bytes().value())),
        Si(l.bandwidth_bytes_per_s().value(), "B/s"));
  }
  out << "kernel efficiency (of the roofline):";
  for (const char* cls : {"gemm_large", "gemm_small", "gemv", "conv",
                          "depthwise", "elementwise"}) {
    out << absl::StrFormat(" %s %.0f%%", cls, 100 * Efficiency(v, cls));
  }
  out << "\n"
      << absl::StrFormat("spiking simulation      %s synaptic events/s\n",
                         Si(v.spike_events_per_s().value(), ""));
  for (const auto& n : notes) out << "note: " << n << "\n";
  out << validation;
  out << "profile: " << path << " (use it with --hw " << path << ")\n";
  return absl::OkStatus();
}

}  // namespace

const CommandSpec& CalibrateSpec() {
  static const auto* spec = new CommandSpec{
      "calibrate",
      "[-o FILE] [--quick] [--threads N] [--from BENCH.json] [--name NAME] "
      "[--validate] [--format table|json]",
      "Measures this machine and writes a hardware profile for it.\n"
      "Peak arithmetic, bandwidth per memory level, how close real kernels\n"
      "come to the roofline, spiking-simulation throughput, and energy where\n"
      "RAPL counters are readable.",
      "The kernels are bench/kernels.h's (Google Benchmark, run in-process;\n"
      "progress on stderr). The default run takes well under a minute,\n"
      "--quick a few seconds. --from fits a profile from the JSON of\n"
      "neurowatt_kernels --benchmark_format=json run on another machine.\n"
      "Without energy counters the profile keeps catalogue 7 nm energies and\n"
      "says so. Use the result with --hw FILE in estimate, compare, report.\n",
      {{"output", 'o', "FILE",
        "the profile to write (default calibrated.textproto)"},
       {"quick", '\0', "", "fewer sizes and shorter runs"},
       {"threads", '\0', "N", "threads to measure with (default: all)"},
       {"from", '\0', "BENCH.json", "fit from a benchmark file instead"},
       {"name", '\0', "NAME", "the profile's name (default calibrated-HOST)"},
       {"validate", '\0', "",
        "time held-out forward passes and compare with the estimate"},
       {"format", '\0', "FORMAT", "table (default) or json summary"}},
      0,
      0};
  return *spec;
}

int RunCalibrate(const std::vector<std::string>& args, std::ostream& out,
                 std::ostream& err) {
  return RunCommand(CalibrateSpec(), args, out, err, Run);
}

}  // namespace neurowatt::cli
