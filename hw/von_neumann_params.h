// A validated von Neumann profile flattened into plain numbers, so that the
// estimator's inner loop reads doubles instead of protobuf accessors.
#ifndef NEUROWATT_HW_VON_NEUMANN_PARAMS_H_
#define NEUROWATT_HW_VON_NEUMANN_PARAMS_H_

#include <array>
#include <string>
#include <vector>

#include "hw/system_params.h"
#include "neurowatt/v1/hardware.pb.h"

namespace neurowatt {

// The most memory levels a profile may describe.
inline constexpr int kMaxMemoryLevels = 8;

struct PrecisionParams {
  bool present = false;
  double peak_ops_per_s = 0;  // a MAC is two operations
  double mul_j = 0;
  double add_j = 0;
};

struct LevelParams {
  std::string name;
  bool dram = false;
  double capacity_bytes = 0;
  double read_j_per_bit = 0;
  double write_j_per_bit = 0;
  double bandwidth_bytes_per_s = 0;
  double leakage_w_per_bit = 0;  // SRAM
  double refresh_w_per_bit = 0;  // DRAM
  double standby_w_per_bit = 0;  // DRAM
};

// Kernel classes with a measured efficiency, in VonNeumannParams order.
enum KernelClass {
  kGemmLarge = 0,
  kGemmSmall,
  kGemv,
  kConv,
  kDepthwise,
  kElementwise,
  kPool,  // max pooling: a framework's own loops, not a library's
  kKernelClasses
};

// "gemm_large", ... as in v1::KernelEfficiency; -1 for an unknown name.
int KernelClassIndex(const std::string& name);
const char* KernelClassName(int index);

struct VonNeumannParams {
  std::string name;
  // Indexed by v1::ElementType.
  std::array<PrecisionParams, v1::ElementType_ARRAYSIZE> precision;
  std::vector<LevelParams> levels;  // nearest first; the last is main memory
  double static_power_w = 0;
  // Fraction of the roofline each kernel class achieves (1 when unknown).
  std::array<double, kKernelClasses> efficiency = {1, 1, 1, 1, 1, 1, 1};
  // gemm_small measured by rows: (rows, fraction) in order of rows, closed
  // by (1024, gemm_large's fraction); empty when the profile has none.
  std::vector<std::pair<double, double>> gemm_rows;
  // Per call of each class's kernel, per step of a recurrent layer: the
  // profile's kernel_call_s for GEMMs, GEMVs and convolutions, 0 for
  // elementwise and pooling loops, unless the class's efficiency entry
  // gives its own.
  std::array<double, kKernelClasses> class_call_s = {};
  double tdp_w = 0;  // per chip; 0: not given
  // The power model: busy package power (0: not given), control overhead
  // per instruction, fp32 lanes per instruction, the software stack's
  // dispatch seconds per layer and the fraction of cores it keeps busy.
  double busy_power_w = 0;
  double instruction_j = 0;
  double vector_lanes = 1;
  double dispatch_s = 0;
  double call_s = 0;  // per inference call (per batch)
  double utilisation = 1;
  SystemParams system;
};

// Flattens `profile`, which must have passed ValidateProfile and be of the
// von Neumann kind.
VonNeumannParams CompileVonNeumann(const v1::HardwareProfile& profile);

}  // namespace neurowatt

#endif  // NEUROWATT_HW_VON_NEUMANN_PARAMS_H_
