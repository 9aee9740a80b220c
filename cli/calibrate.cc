#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/benchmark_json.h"
#include "bench/calibration.h"
#include "bench/machine.h"
#include "bench/measure.h"
#include "bench/validation.h"
#include "cli/commands.h"
#include "google/protobuf/text_format.h"
#include "render/calibration.h"
#include "util/atomic_file.h"

namespace neurowatt::cli {
namespace {

using absl::StrCat;

absl::Status Run(const ParsedArgs& args, std::ostream& out, std::ostream& err) {
  const std::string format = args.Get("format").value_or("table");
  if (auto f = OneOf("format", format, {"table", "json"}); !f.ok()) {
    return f.status();
  }
  Calibration c;
  c.path = args.Get("output").value_or("calibrated.textproto");
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  if (auto t = args.Get("threads")) {
    if (!absl::SimpleAtoi(*t, &threads) || threads < 1 || threads > 4096) {
      return absl::InvalidArgumentError(
          StrCat("--threads ", *t, ": expected a whole number >= 1"));
    }
  }
  threads = std::max(1, threads);
  if (auto from = args.Get("from")) {
    auto file = bench::ReadBenchmarkJson(*from);
    if (!file.ok()) return file.status();
    c.runs = std::move(file->runs);
    c.machine = std::move(file->machine);
  } else {
    const bench::Rapl rapl;
    bench::KernelOptions options;
    options.threads = threads;
    options.quick = args.Has("quick");
    options.min_time_s = options.quick ? 0.03 : 0.2;
    // Progress on stderr: a line per run on a terminal, else one line.
    const bool tty = ::isatty(2);
    if (!tty) err << "calibrate: measuring the kernels..." << std::endl;
    const auto start = std::chrono::steady_clock::now();
    c.runs = bench::MeasureKernels(
        options, rapl, [&](size_t n, const std::string& name) {
          if (!tty) return;
          err << "\rcalibrate: " << n << " kernels measured ("
              << name.substr(0, name.find("/min_time")) << ")          "
              << std::flush;
        });
    err << absl::StrFormat(
        "%scalibrate: %d kernels measured in %.1f s\n", tty ? "\r" : "",
        c.runs.size(),
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count());
    c.machine = bench::ProbeMachine(threads, rapl);
  }
  const std::string name =
      args.Get("name").value_or(StrCat("calibrated-", c.machine.host));
  c.runs = BestOfRepetitions(c.runs);
  auto profile = FitProfile(c.runs, c.machine, name, &c.notes);
  if (!profile.ok()) {
    return absl::InvalidArgumentError(
        StrCat(args.Get("from").value_or("the measurements"), ": ",
               profile.status().message()));
  }
  c.profile = *std::move(profile);
  std::string text =
      "# A calibrated neurowatt profile; every measured number says so.\n"
      "# proto-file: proto/neurowatt/v1/hardware.proto\n"
      "# proto-message: neurowatt.v1.HardwareProfile\n";
  std::string body;
  google::protobuf::TextFormat::PrintToString(c.profile, &body);
  text += body;
  if (auto st = WriteFileAtomically(c.path, text); !st.ok()) return st;
  if (args.Has("validate")) {
    c.validation =
        bench::ValidateCalibration(c.profile, c.machine.threads_used);
  }
  out << RenderCalibration(c, format == "json");
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
      "progress on stderr), each run 3 times: the fit keeps the best, the\n"
      "summary prints the run-to-run spread, and rates are wall-clock rates\n"
      "of the whole team of threads. The default run takes about a minute,\n"
      "--quick under 20 s. --from fits a profile from the JSON of\n"
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
