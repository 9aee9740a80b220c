#include "render/calibration.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "nlohmann/json.hpp"
#include "render/format.h"

namespace neurowatt {
namespace {

double Efficiency(const v1::VonNeumannProfile& v, const std::string& cls) {
  for (const auto& e : v.efficiency()) {
    if (e.kernel_class() == cls) return e.fraction().value();
  }
  return 0;
}

double Counter(const KernelRun& r, const char* name) {
  auto it = r.counters.find(name);
  return it == r.counters.end() ? 0.0 : it->second;
}

}  // namespace

std::string RenderValidation(const bench::Validation& v) {
  std::string out =
      "validation: forward passes the fit did not see, OpenBLAS, fp32\n"
      "  case                               predicted    measured   error\n";
  for (const bench::ValidationCase& c : v.cases) {
    absl::StrAppend(
        &out, absl::StrFormat("  %-32s %9.3g s %9.3g s %+6.0f%%\n", c.name,
                              c.predicted_s, c.measured_s, 100 * c.error()));
  }
  absl::StrAppend(
      &out, absl::StrFormat("  median absolute error %.0f%% over %d cases "
                            "(target <= 15%%)\n",
                            100 * v.median_abs_error, v.cases.size()));
  return out;
}

std::string RenderCalibration(const Calibration& c, bool json) {
  const v1::VonNeumannProfile& v = c.profile.von_neumann();
  // gemm_flops_fp32 is the best large sgemm (N >= 1024), as the contract
  // says; peak fp64 the FMA kernel's.
  double gemm = 0, peak64 = 0;
  for (const KernelRun& r : c.runs) {
    const auto [fam, arg] = KernelName(r.name);
    double n = 0;
    if (fam == "sgemm" && absl::SimpleAtod(arg, &n) && n >= 1024) {
      gemm = std::max(gemm, Counter(r, "flops"));
    }
    if (fam == "fma_peak" && arg == "fp64") {
      peak64 = std::max(peak64, Counter(r, "flops"));
    }
  }
  const double peak32 = v.precisions(0).peak_ops_per_s().value();
  // Run-to-run spread, (max - min) / median over the repetitions, of the
  // headline kernels: the FMA peak, the large sgemm, the largest triad.
  double spread_peak = 0, spread_gemm = 0, spread_dram = 0, largest = 0;
  int repetitions = 1;
  for (const KernelRun& r : c.runs) {
    const auto [fam, arg] = KernelName(r.name);
    auto spread = [&](const char* key) {
      auto it = r.spread.find(key);
      return it == r.spread.end() ? 0.0 : it->second;
    };
    double n = 0;
    repetitions = std::max(repetitions, r.repetitions);
    if (fam == "fma_peak" && arg == "fp32") spread_peak = spread("flops");
    if (fam == "sgemm" && absl::SimpleAtod(arg, &n) && n >= 1024) {
      spread_gemm = std::max(spread_gemm, spread("flops"));
    }
    if (fam == "stream_triad" && absl::SimpleAtod(arg, &n) && n >= largest) {
      largest = n;
      spread_dram = spread("bytes");
    }
  }
  const double dram =
      v.memory(v.memory_size() - 1).bandwidth_bytes_per_s().value();
  const std::string validation =
      c.validation ? RenderValidation(*c.validation) : std::string();
  if (json) {
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
    j["repetitions"] = repetitions;
    j["spread"] = {{"peak_flops_fp32", spread_peak},
                   {"gemm_flops_fp32", spread_gemm},
                   {"dram_bandwidth_bytes_per_s", spread_dram}};
    j["energy_measured"] = v.machine().energy_measured();
    j["threads"] = c.machine.threads_used;
    j["profile"] = c.path;
    j["notes"] = c.notes;
    if (!validation.empty()) j["validation"] = validation;
    return JsonText(j);
  }
  std::string out = absl::StrFormat(
      "machine: %s, %d threads (%s)\n"
      "peak fp32 (FMA kernel)   %s\n"
      "peak fp64                %s\n"
      "large sgemm (OpenBLAS)   %s (%.0f%% of peak)\n",
      c.machine.cpu_model, c.machine.threads_used,
      absl::StrJoin(c.machine.isa, " "), Si(peak32, "FLOP/s"),
      Si(peak64, "FLOP/s"), Si(gemm, "FLOP/s"), 100 * gemm / peak32);
  for (const auto& l : v.memory()) {
    absl::StrAppend(
        &out, absl::StrFormat(
                  "%-8s %10s  %s\n", l.name(),
                  BytesReal(static_cast<double>(l.capacity_bytes().value())),
                  Si(l.bandwidth_bytes_per_s().value(), "B/s")));
  }
  absl::StrAppend(&out, "kernel efficiency (of the roofline):");
  for (const char* cls : {"gemm_large", "gemm_small", "gemv", "conv",
                          "depthwise", "elementwise"}) {
    absl::StrAppend(
        &out, absl::StrFormat(" %s %.0f%%", cls, 100 * Efficiency(v, cls)));
  }
  absl::StrAppend(
      &out, "\n",
      absl::StrFormat("spiking simulation      %s synaptic events/s\n",
                      Si(v.spike_events_per_s().value(), "")));
  absl::StrAppend(
      &out,
      absl::StrFormat("run-to-run spread ((max - min) / median of %d runs): "
                      "peak %.1f%%, large sgemm %.1f%%, DRAM triad %.1f%%\n",
                      repetitions, 100 * spread_peak, 100 * spread_gemm,
                      100 * spread_dram));
  for (const auto& n : c.notes) absl::StrAppend(&out, "note: ", n, "\n");
  absl::StrAppend(&out, validation, "profile: ", c.path, " (use it with --hw ",
                  c.path, ")\n");
  return out;
}

}  // namespace neurowatt
