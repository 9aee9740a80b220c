#include "hw/von_neumann_params.h"

#include <algorithm>

namespace neurowatt {

namespace {
constexpr const char* kClassNames[kKernelClasses] = {
    "gemm_large", "gemm_small",  "gemv", "conv",
    "depthwise",  "elementwise", "pool"};
}  // namespace

int KernelClassIndex(const std::string& name) {
  for (int i = 0; i < kKernelClasses; ++i) {
    if (name == kClassNames[i]) return i;
  }
  return -1;
}

const char* KernelClassName(int index) { return kClassNames[index]; }

VonNeumannParams CompileVonNeumann(const v1::HardwareProfile& profile) {
  const v1::VonNeumannProfile& v = profile.von_neumann();
  VonNeumannParams out;
  out.name = profile.name();
  for (const auto& f : v.precisions()) {
    out.precision[f.precision()] = {true, f.peak_ops_per_s().value(),
                                    f.mul_energy_j().value(),
                                    f.add_energy_j().value()};
  }
  for (const auto& m : v.memory()) {
    out.levels.push_back(
        {m.name(), m.technology() == v1::MemoryLevel::DRAM,
         m.capacity_bytes().value(), m.read_energy_j_per_bit().value(),
         m.write_energy_j_per_bit().value(), m.bandwidth_bytes_per_s().value(),
         m.leakage_w_per_bit().value(), m.refresh_w_per_bit().value(),
         m.standby_w_per_bit().value()});
  }
  out.static_power_w = v.static_power_w().value();
  out.tdp_w = v.tdp_w().value();
  out.busy_power_w = v.busy_power_w().value();
  out.instruction_j = v.instruction_energy_j().value();
  if (v.has_vector_lanes()) out.vector_lanes = v.vector_lanes().value();
  out.dispatch_s = v.software().dispatch_s().value();
  out.call_s = v.software().call_s().value();
  if (v.software().has_cores_used()) {
    out.utilisation =
        std::min(1.0, v.software().cores_used().value() / v.cores().value());
  }
  out.system = CompileSystem(profile);
  for (int k : {kGemmLarge, kGemmSmall, kGemv, kConv, kDepthwise}) {
    out.class_call_s[k] = v.kernel_call_s().value();
  }
  for (const auto& e : v.efficiency()) {
    const int k = KernelClassIndex(e.kernel_class());
    if (e.rows() > 0) {
      out.gemm_rows.emplace_back(static_cast<double>(e.rows()),
                                 e.fraction().value());
    } else if (k >= 0) {
      out.efficiency[k] = e.fraction().value();
      if (e.has_call_s()) out.class_call_s[k] = e.call_s().value();
    }
  }
  std::sort(out.gemm_rows.begin(), out.gemm_rows.end());
  // The large GEMM closes the curve at 1,024 rows (the estimator
  // interpolates between the points).
  if (!out.gemm_rows.empty() && out.gemm_rows.back().first < 1024) {
    out.gemm_rows.emplace_back(1024, out.efficiency[kGemmLarge]);
  }
  return out;
}

}  // namespace neurowatt
