#include "bench/machine.h"

#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace neurowatt::bench {
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

}  // namespace

Rapl::Rapl() {
  const std::string dir = "/sys/class/powercap/intel-rapl:0";
  const std::string value = ReadSmall(dir + "/energy_uj");
  if (value.empty()) {
    note_ = ::access("/sys/class/powercap", F_OK) == 0
                ? "RAPL counters exist but are not readable (root only "
                  "since Linux 5.10)"
                : "no /sys/class/powercap RAPL counters on this machine "
                  "(usual in virtual machines)";
    return;
  }
  path_ = dir + "/energy_uj";
  if (!absl::SimpleAtod(ReadSmall(dir + "/max_energy_range_uj"), &max_uj_)) {
    max_uj_ = 0;  // unknown: wrap-around is not corrected
  }
  note_ = "package energy from " + path_;
}

std::optional<double> Rapl::Joules() const {
  double uj;
  if (path_.empty() || !absl::SimpleAtod(ReadSmall(path_), &uj)) {
    return std::nullopt;
  }
  return uj * 1e-6;
}

double Rapl::Delta(double before, double after) const {
  return after >= before ? after - before : after + max_uj_ * 1e-6 - before;
}

MachineInfo ProbeMachine(int threads, const Rapl& rapl) {
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
  m.energy_note = rapl.note();
  return m;
}

}  // namespace neurowatt::bench
