#include "bench/calibration.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "hw/profile.h"

namespace neurowatt {
namespace {

using absl::StrCat;

// Catalogue figures used where a machine cannot measure energy
// (reference-numbers.md): Jouppi et al. 2021 7 nm energies, the nearest
// process node the catalogue has to current processors.
constexpr double kFp32AddJ = 0.38e-12, kFp32MulJ = 1.31e-12;
constexpr double kSram32KbPerBitJ = 8.5e-12 / 64, kSram1MbPerBitJ = 14e-12 / 64;
constexpr double kDramPerBitJ = 20e-12;  // 7 nm table: DDR3/4 ~20 pJ/bit (D)
constexpr double kHpLeakageWPerBit = 87.7e-9;   // CACTI 28 nm HP, 8 KB bank
constexpr double kLowLeakageWPerBit = 0.38e-9;  // Loihi upper bound
constexpr double kRefreshWPerBit = 2.5e-12, kStandbyWPerBit = 7.9e-12;

struct Fit {
  v1::HardwareProfile profile;
  std::vector<std::string>* notes;

  v1::Quantity Q(double value, const std::string& source,
                 const std::string& note = "") {
    v1::Quantity q;
    q.set_value(value);
    q.set_source(source);
    if (!note.empty()) q.set_note(note);
    return q;
  }
};

double Counter(const KernelRun& r, const std::string& key) {
  auto it = r.counters.find(key);
  return it == r.counters.end() ? 0 : it->second;
}

std::string CacheName(int level) { return StrCat("L", level); }

// "; best of 3 runs, spread 4.1%" for the first run named `prefix`.
std::string SpreadNote(const std::vector<KernelRun>& runs,
                       const std::string& prefix, const std::string& counter) {
  for (const KernelRun& r : runs) {
    if (r.name.rfind(prefix, 0) != 0 || r.repetitions < 2) continue;
    auto it = r.spread.find(counter);
    if (it == r.spread.end()) continue;
    return absl::StrFormat("; best of %d runs, spread %.1f%%", r.repetitions,
                           100 * it->second);
  }
  return "";
}

}  // namespace

std::pair<std::string, std::string> KernelName(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  std::string arg = parts.size() > 1 ? parts[1] : "";
  if (arg.find(':') != std::string::npos || arg == "real_time") arg = "";
  return {parts[0], arg};
}

std::vector<KernelRun> BestOfRepetitions(const std::vector<KernelRun>& runs) {
  std::vector<KernelRun> out;
  std::map<std::string, std::vector<const KernelRun*>> by_name;
  for (const KernelRun& r : runs) {
    auto& group = by_name[r.name];
    if (group.empty()) out.push_back(r);
    group.push_back(&r);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  for (KernelRun& k : out) {
    const auto& group = by_name[k.name];
    if (group.size() < 2) continue;  // already one (or collapsed before)
    k.repetitions = static_cast<int>(group.size());
    for (auto& [key, value] : k.counters) {
      std::vector<double> v;
      for (const KernelRun* r : group) v.push_back(Counter(*r, key));
      const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
      const double mid = median(v);
      value = *hi;
      k.spread[key] = mid > 0 ? (*hi - *lo) / mid : 0;
    }
    std::vector<double> seconds;
    std::vector<double> energy;
    for (const KernelRun* r : group) {
      seconds.push_back(r->seconds);
      if (r->energy_j) energy.push_back(*r->energy_j);
    }
    k.seconds = median(seconds);
    if (energy.size() == group.size()) k.energy_j = median(energy);
  }
  return out;
}

std::vector<double> NonNegativeLeastSquares(
    const std::vector<std::vector<double>>& a, const std::vector<double>& b,
    double* residual) {
  const size_t cols = a.empty() ? 0 : a[0].size();
  std::vector<double> best(cols, 0);
  double best_err = 0;
  for (double v : b) best_err += v * v;
  // Every subset of free columns: solve the normal equations on it and
  // keep the best solution that is non-negative.
  for (uint32_t mask = 1; mask < (1u << cols); ++mask) {
    std::vector<size_t> free;
    for (size_t c = 0; c < cols; ++c) {
      if (mask & (1u << c)) free.push_back(c);
    }
    const size_t n = free.size();
    std::vector<std::vector<double>> m(n, std::vector<double>(n + 1, 0));
    for (size_t r = 0; r < a.size(); ++r) {
      for (size_t i = 0; i < n; ++i) {
        for (size_t j = 0; j < n; ++j) m[i][j] += a[r][free[i]] * a[r][free[j]];
        m[i][n] += a[r][free[i]] * b[r];
      }
    }
    bool singular = false;
    for (size_t i = 0; i < n && !singular; ++i) {  // Gauss-Jordan, pivoting
      size_t p = i;
      for (size_t k = i + 1; k < n; ++k) {
        if (std::abs(m[k][i]) > std::abs(m[p][i])) p = k;
      }
      if (std::abs(m[p][i]) < 1e-300) {
        singular = true;
        break;
      }
      std::swap(m[i], m[p]);
      for (size_t k = 0; k < n; ++k) {
        if (k == i) continue;
        const double f = m[k][i] / m[i][i];
        for (size_t j = i; j <= n; ++j) m[k][j] -= f * m[i][j];
      }
    }
    if (singular) continue;
    std::vector<double> x(cols, 0);
    bool feasible = true;
    for (size_t i = 0; i < n; ++i) {
      x[free[i]] = m[i][n] / m[i][i];
      if (x[free[i]] < 0) feasible = false;
    }
    if (!feasible) continue;
    double err = 0;
    for (size_t r = 0; r < a.size(); ++r) {
      double v = -b[r];
      for (size_t c = 0; c < cols; ++c) v += a[r][c] * x[c];
      err += v * v;
    }
    if (err < best_err * (1 - 1e-12)) {
      best_err = err;
      best = x;
    }
  }
  if (residual) {
    *residual =
        a.empty() ? 0 : std::sqrt(best_err / static_cast<double>(a.size()));
  }
  return best;
}

absl::StatusOr<v1::HardwareProfile> FitProfile(
    const std::vector<KernelRun>& repeated, const MachineInfo& m,
    const std::string& name, std::vector<std::string>* notes) {
  // Robust statistics: each kernel's best over its repetitions.
  const std::vector<KernelRun> runs = BestOfRepetitions(repeated);
  Fit f{{}, notes};
  auto best = [&](const std::string& family, const std::string& arg,
                  const std::string& counter) {
    double v = 0;
    for (const KernelRun& r : runs) {
      const auto [fam, a] = KernelName(r.name);
      if (fam == family && (arg.empty() || a == arg)) {
        v = std::max(v, Counter(r, counter));
      }
    }
    return v;
  };
  double peak32 = best("fma_peak", "fp32", "flops");
  if (peak32 <= 0) {
    return absl::InvalidArgumentError(
        "the runs have no fma_peak/fp32 measurement");
  }
  // A team cannot outrun its cores: threads x one core's peak, measured
  // alongside, bounds it (a rate from CPU time rather than wall time, or a
  // clock that changed, would break it).
  const double one_core = best("fma_peak_1t", "fp32", "flops");
  std::string peak_note;
  if (one_core > 0 && peak32 > 1.05 * m.threads_used * one_core) {
    peak_note = absl::StrFormat(
        "; the team's %.4g FLOP/s exceeded %d x one core's %.4g and is "
        "capped there",
        peak32, m.threads_used, one_core);
    if (notes) notes->push_back(StrCat("peak fp32", peak_note.substr(1)));
    peak32 = m.threads_used * one_core;
  }
  // The physical limit: cores x fp32 lanes x 2 FMA units x 2 flops x clock.
  // Turbo clocks run above the nominal one a VM reports, so only a rate
  // past 1.5x the limit is called impossible.
  const int lanes =
      std::find(m.isa.begin(), m.isa.end(), "avx512f") != m.isa.end() ? 16
      : std::find(m.isa.begin(), m.isa.end(), "avx2") != m.isa.end()  ? 8
                                                                      : 1;
  const double limit = m.threads_used * lanes * 2.0 * 2.0 * m.clock_hz;
  if (m.clock_hz > 0 && peak32 > 1.5 * limit && notes) {
    notes->push_back(absl::StrFormat(
        "peak fp32 %.4g FLOP/s is above 1.5 x the physical limit %.4g (%d "
        "threads x %d lanes x 2 FMA units x 2 x %.3g Hz): the timing is "
        "suspect",
        peak32, limit, m.threads_used, lanes, m.clock_hz));
  }
  std::vector<std::pair<double, double>> triad;  // working set, bytes/s
  for (const KernelRun& r : runs) {
    const auto [fam, arg] = KernelName(r.name);
    double ws;
    if (fam == "stream_triad" && absl::SimpleAtod(arg, &ws)) {
      triad.emplace_back(ws, Counter(r, "bytes"));
    }
  }
  if (triad.empty()) {
    return absl::InvalidArgumentError(
        "the runs have no stream_triad measurements");
  }
  std::sort(triad.begin(), triad.end());

  v1::HardwareProfile& p = f.profile;
  p.set_name(name);
  p.set_description(StrCat("calibrated on ", m.host, " (", m.cpu_model, ", ",
                           m.threads_used, " threads) on ", m.date));
  v1::Source* measured = p.add_sources();
  measured->set_id("measured");
  measured->set_kind(v1::Source::CALIBRATED);
  measured->set_host(m.host);
  measured->set_date(m.date);
  measured->set_note("neurowatt calibrate: bench/kernels.h kernels");
  v1::Source* machine = p.add_sources();
  machine->set_id("machine");
  machine->set_kind(v1::Source::CALIBRATED);
  machine->set_host(m.host);
  machine->set_date(m.date);
  machine->set_note("read from /proc and sysfs (or the benchmark context)");
  v1::Source* jouppi = p.add_sources();
  jouppi->set_id("jouppi2021");
  jouppi->set_kind(v1::Source::CATALOGUE);
  jouppi->set_citation(
      "N. P. Jouppi et al., ISCA 2021, Table 2 (7 nm energies), as in "
      "reference-numbers.md");
  v1::Source* ddr = p.add_sources();
  ddr->set_id("ddr4-ramulator");
  ddr->set_kind(v1::Source::CATALOGUE);
  ddr->set_citation(
      "DDR4 8 Gb x8 currents (Ramulator2 defaults): refresh ~2.5 pW and "
      "standby ~7.9 pW per bit held (D, reference-numbers.md)");
  v1::Source* leak = p.add_sources();
  leak->set_id("leakage");
  leak->set_kind(v1::Source::CATALOGUE);
  leak->set_citation(
      "SRAM leakage per bit: CACTI 28 nm high-performance cells (87.7 nW) for "
      "private caches; Loihi's upper bound (0.38 nW) for the last level");
  v1::Source* assumed = p.add_sources();
  assumed->set_id("assumed");
  assumed->set_kind(v1::Source::ASSUMED);
  assumed->set_note(
      "Energy was not measured on this machine: arithmetic, SRAM and DRAM "
      "energies are the catalogue's 7 nm figures (the nearest node it has), "
      "write energy equals read, the process node is taken as 7 nm, and "
      "static power is not modelled. " +
      m.energy_note);

  v1::VonNeumannProfile& v = *p.mutable_von_neumann();
  *v.mutable_process_nm() = f.Q(7, "assumed");
  *v.mutable_clock_hz() = m.clock_hz > 0 ? f.Q(m.clock_hz, "machine")
                                         : f.Q(1e9, "assumed", "unknown");
  *v.mutable_cores() = f.Q(m.threads_used, "machine");
  v1::PrecisionFigures* fp32 = v.add_precisions();
  fp32->set_precision(v1::FP32);
  *fp32->mutable_peak_ops_per_s() =
      f.Q(peak32, "measured",
          StrCat("register-only FMA kernel, ", absl::StrJoin(m.isa, "/"),
                 SpreadNote(runs, "fma_peak/fp32", "flops"), peak_note));
  *fp32->mutable_mul_energy_j() = f.Q(kFp32MulJ, "jouppi2021");
  *fp32->mutable_add_energy_j() = f.Q(kFp32AddJ, "jouppi2021");
  if (notes) {
    notes->push_back(
        "fp16, bf16 and int8 rates were not measured: the profile prices "
        "fp32 only.");
  }

  // Memory levels: the caches from sysfs, main memory last; each level's
  // bandwidth is the best triad whose working set fits it and not the
  // level before (the plateau).
  std::vector<CacheInfo> caches = m.caches;
  std::sort(
      caches.begin(), caches.end(),
      [](const CacheInfo& a, const CacheInfo& b) { return a.level < b.level; });
  double previous = 0;
  const double llc = caches.empty() ? 32.0 * (1 << 20)
                                    : static_cast<double>(caches.back().bytes) *
                                          caches.back().instances;
  auto plateau = [&](double lo, double hi) {
    double bw = 0;
    for (const auto& [ws, b] : triad) {
      if (ws > lo && ws <= hi) bw = std::max(bw, b);
    }
    if (bw == 0) {  // no run in range: the nearest one
      double gap = 1e300;
      for (const auto& [ws, b] : triad) {
        const double d = std::abs(std::log(ws) - std::log(hi));
        if (d < gap) gap = d, bw = b;
      }
    }
    return bw;
  };
  for (size_t i = 0; i < caches.size(); ++i) {
    const CacheInfo& c = caches[i];
    const double capacity = static_cast<double>(c.bytes) * c.instances;
    if (capacity <= previous) continue;
    v1::MemoryLevel* level = v.add_memory();
    level->set_name(CacheName(c.level));
    level->set_technology(v1::MemoryLevel::SRAM);
    *level->mutable_capacity_bytes() =
        f.Q(capacity, "machine",
            StrCat(c.bytes, " bytes x ", c.instances, " instance(s)"));
    const double e = c.bytes <= (64 << 10) ? kSram32KbPerBitJ : kSram1MbPerBitJ;
    *level->mutable_read_energy_j_per_bit() =
        f.Q(e, "assumed", "Jouppi 7 nm SRAM");
    *level->mutable_write_energy_j_per_bit() =
        f.Q(e, "assumed", "equal to read");
    *level->mutable_bandwidth_bytes_per_s() =
        f.Q(plateau(previous, capacity), "measured",
            StrCat("best STREAM triad with a working set in (",
                   static_cast<int64_t>(previous), ", ",
                   static_cast<int64_t>(capacity), "] bytes"));
    const bool last = i + 1 == caches.size();
    *level->mutable_leakage_w_per_bit() =
        f.Q(last ? kLowLeakageWPerBit : kHpLeakageWPerBit, "leakage");
    previous = capacity;
  }
  double dram_bw = 0;
  for (const auto& [ws, b] : triad) {
    if (ws >= 2 * llc) dram_bw = std::max(dram_bw, b);
  }
  if (dram_bw == 0) {
    dram_bw = triad.back().second;
    if (notes) {
      notes->push_back(
          StrCat("no STREAM working set reached twice the last-level cache (",
                 absl::StrFormat("%.0f", llc),
                 " bytes): the DRAM bandwidth is the "
                 "largest set's, an overestimate"));
    }
  }
  v1::MemoryLevel* dram = v.add_memory();
  dram->set_name("DRAM");
  dram->set_technology(v1::MemoryLevel::DRAM);
  *dram->mutable_capacity_bytes() =
      m.memory_bytes > 0
          ? f.Q(std::max<double>(static_cast<double>(m.memory_bytes),
                                 previous * 2),
                "machine", "MemTotal")
          : f.Q(std::max(64.0 * static_cast<double>(int64_t{1} << 30),
                         previous * 2),
                "assumed", "not recorded: 64 GiB assumed");
  *dram->mutable_read_energy_j_per_bit() = f.Q(kDramPerBitJ, "jouppi2021");
  *dram->mutable_write_energy_j_per_bit() = f.Q(kDramPerBitJ, "jouppi2021");
  *dram->mutable_bandwidth_bytes_per_s() = f.Q(
      dram_bw, "measured", "best STREAM triad at >= 2x the last-level cache");
  *dram->mutable_refresh_w_per_bit() = f.Q(kRefreshWPerBit, "ddr4-ramulator");
  *dram->mutable_standby_w_per_bit() = f.Q(kStandbyWPerBit, "ddr4-ramulator");
  *v.mutable_static_power_w() = f.Q(0, "assumed", "not measured");

  // Efficiencies: achieved / attainable, attainable = min(peak, intensity x
  // bandwidth of the level the kernel's data lives in).
  auto bandwidth_for = [&](double footprint) {
    for (const auto& level : v.memory()) {
      if (footprint <= level.capacity_bytes().value()) {
        return level.bandwidth_bytes_per_s().value();
      }
    }
    return dram_bw;
  };
  auto efficiency = [&](const std::string& cls, double flops, double bytes,
                        double footprint) {
    if (flops <= 0) return;
    double attainable = peak32;
    if (bytes > 0) {
      attainable = std::min(peak32, flops / bytes * bandwidth_for(footprint));
    }
    v1::KernelEfficiency* e = v.add_efficiency();
    e->set_kernel_class(cls);
    const double frac = std::clamp(flops / attainable, 1e-6, 1.0);
    *e->mutable_fraction() =
        f.Q(frac, "measured",
            absl::StrFormat("%.4g op/s achieved of %.4g attainable", flops,
                            attainable));
  };
  // Large: the best big square sgemm. Small: the median of the
  // batch-shaped (rows x 1024 x 1024) ones - a layer on a small batch -
  // or of the small square ones when there are none.
  double large = 0;
  std::vector<double> rows, squares;
  for (const KernelRun& r : runs) {
    const auto [fam, arg] = KernelName(r.name);
    double n;
    if (fam == "sgemm_rows" && absl::SimpleAtod(arg, &n) && n >= 8) {
      rows.push_back(Counter(r, "flops"));
    }
    if (fam != "sgemm" || !absl::SimpleAtod(arg, &n)) continue;
    if (n >= 1024) {
      large = std::max(large, Counter(r, "flops"));
    } else {
      squares.push_back(Counter(r, "flops"));
    }
  }
  std::vector<double>& smalls = rows.empty() ? squares : rows;
  std::sort(smalls.begin(), smalls.end());
  const double small = smalls.empty() ? 0 : smalls[smalls.size() / 2];
  efficiency("gemm_large", large, 0, 0);
  efficiency("gemm_small", small, 0, 0);
  // By rows: M x 1024 x 1024 against its own roofline (M = 1 streams 4 MiB
  // of weights at 0.5 flop per byte), for the estimator to interpolate.
  for (const KernelRun& r : runs) {
    const auto [fam, arg] = KernelName(r.name);
    double m_rows = 0;
    if (fam != "sgemm_rows" || !absl::SimpleAtod(arg, &m_rows)) continue;
    const double flops = 2 * m_rows * 1024 * 1024;
    const double bytes = 4 * (1024.0 * 1024 + 2 * m_rows * 1024);
    const int before = v.efficiency_size();
    efficiency("gemm_small", Counter(r, "flops"),
               Counter(r, "flops") * bytes / flops, bytes);
    if (v.efficiency_size() > before) {
      v.mutable_efficiency(v.efficiency_size() - 1)
          ->set_rows(static_cast<int64_t>(m_rows));
    }
  }
  for (const KernelRun& r : runs) {
    const auto [fam, arg] = KernelName(r.name);
    const double flops = Counter(r, "flops"), bytes = Counter(r, "bytes");
    double n = 0;
    if (fam == "sgemv" && absl::SimpleAtod(arg, &n) && n >= 1024) {
      // Weight streaming; the small sgemv measures the call cost below.
      efficiency("gemv", flops, bytes, 4 * n * n);
    } else if (fam == "conv") {
      efficiency("conv", flops, bytes, 0);
    } else if (fam == "depthwise") {
      efficiency("depthwise", flops, bytes, 128.0 * 56 * 56 * 4 * 2);
    } else if (fam == "elementwise_add") {
      if (!absl::SimpleAtod(arg, &n)) n = 1 << 22;
      efficiency("elementwise", flops, bytes, 12 * n);
    }
  }
  // The cost of a library call: a 64 x 64 sgemv's time beyond moving its
  // 16 KiB through the first level.
  for (const KernelRun& r : runs) {
    const auto [fam, arg] = KernelName(r.name);
    if (fam != "sgemv" || arg != "64" || Counter(r, "bytes") <= 0) continue;
    const double bytes_per_call = 4.0 * (64 * 64 + 2 * 64);
    const double call = bytes_per_call / Counter(r, "bytes");
    const double moving =
        bytes_per_call / v.memory(0).bandwidth_bytes_per_s().value();
    *v.mutable_kernel_call_s() =
        f.Q(std::max(0.0, call - moving), "measured",
            absl::StrFormat("64 x 64 sgemv: %.3g s per call", call));
  }
  const double events = best("spike_propagation", "", "events");
  if (events > 0) {
    *v.mutable_spike_events_per_s() =
        f.Q(events, "measured", "event-driven CSR propagation, fan-out 100");
  }

  // Energy, where counters were read: E = flops e_op + cache bytes e_cache
  // + DRAM bytes e_dram + P0 t, by non-negative least squares (the energy
  // roofline of Choi et al. 2013).
  std::vector<std::vector<double>> a;
  std::vector<double> b;
  for (const KernelRun& r : runs) {
    if (!r.energy_j || r.seconds <= 0) continue;
    const auto [fam, arg] = KernelName(r.name);
    double ws = 0;  // working set; 0 (cache-resident) when unnamed
    if (!absl::SimpleAtod(arg, &ws)) ws = 0;
    const double bytes = Counter(r, "bytes") * r.seconds;
    const bool in_dram = fam.rfind("stream", 0) == 0 ? ws >= 2 * llc : false;
    a.push_back({Counter(r, "flops") * r.seconds, in_dram ? 0 : bytes,
                 in_dram ? bytes : 0, r.seconds});
    b.push_back(*r.energy_j);
  }
  v1::MachineContext* ctx = v.mutable_machine();
  ctx->set_cpu_model(m.cpu_model);
  for (const auto& i : m.isa) ctx->add_isa(i);
  ctx->set_cores(m.cores);
  ctx->set_threads_used(m.threads_used);
  for (const auto& c : m.caches) {
    ctx->add_caches(
        StrCat("L", c.level, " ", c.bytes, " bytes x ", c.instances));
  }
  ctx->set_date(m.date);
  ctx->set_host(m.host);
  if (a.size() >= 4) {
    double rms = 0;
    const std::vector<double> x = NonNegativeLeastSquares(a, b, &rms);
    ctx->set_energy_measured(true);
    ctx->set_energy_note(
        absl::StrFormat("RAPL: %d kernels fitted, rms residual %.3g J; %s",
                        a.size(), rms, m.energy_note));
    measured->set_note(StrCat(measured->note(), "; energy from RAPL"));
    *fp32->mutable_mul_energy_j() = f.Q(x[0], "measured", "half of 2 flops");
    *fp32->mutable_add_energy_j() = f.Q(x[0], "measured", "half of 2 flops");
    for (auto& level : *v.mutable_memory()) {
      const double per_bit =
          (level.technology() == v1::MemoryLevel::DRAM ? x[2] : x[1]) / 8;
      *level.mutable_read_energy_j_per_bit() = f.Q(per_bit, "measured");
      *level.mutable_write_energy_j_per_bit() = f.Q(per_bit, "measured");
    }
    *v.mutable_static_power_w() =
        f.Q(x[3], "measured", "fitted constant power");
  } else {
    ctx->set_energy_measured(false);
    ctx->set_energy_note(m.energy_note);
    if (notes) {
      notes->push_back(StrCat("energy was NOT measured (", m.energy_note,
                              "): catalogue 7 nm energies are used"));
    }
  }
  if (auto s = ValidateProfile(p); !s.ok()) {
    return absl::InternalError(
        StrCat("the fitted profile is invalid: ", s.message()));
  }
  return p;
}

}  // namespace neurowatt
