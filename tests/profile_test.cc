// The catalogue and profile validation.
#include "hw/profile.h"

#include <cmath>
#include <fstream>

#include "gtest/gtest.h"
#include "hw/catalogue.h"
#include "hw/system_params.h"

namespace neurowatt {
namespace {

TEST(CatalogueTest, EveryFileParsesAndValidates) {
  ASSERT_GE(CatalogueTexts().size(), 2u);
  for (const auto& [file, text] : CatalogueTexts()) {
    auto p = ParseProfileText(text, file);
    EXPECT_TRUE(p.ok()) << file << ": " << p.status();
  }
  EXPECT_EQ(CatalogueProfiles().size(), CatalogueTexts().size());
}

TEST(CatalogueTest, HorowitzFiguresMatchTheReferenceTable) {
  auto p = LoadProfile("horowitz-45nm");
  ASSERT_TRUE(p.ok()) << p.status();
  const auto& v = p->von_neumann();
  // reference-numbers.md: fp32 add 0.9 / mul 3.7 pJ; a MAC 4.6 pJ.
  for (const auto& f : v.precisions()) {
    if (f.precision() == v1::FP32) {
      EXPECT_DOUBLE_EQ(f.mul_energy_j().value() + f.add_energy_j().value(),
                       4.6e-12);
    }
  }
  ASSERT_EQ(v.memory_size(), 4);
  // 8 KB / 32 KB / 1 MB SRAM: 10 / 20 / 100 pJ per 64-bit access.
  EXPECT_DOUBLE_EQ(v.memory(0).read_energy_j_per_bit().value() * 64, 10e-12);
  EXPECT_DOUBLE_EQ(v.memory(1).read_energy_j_per_bit().value() * 64, 20e-12);
  EXPECT_DOUBLE_EQ(v.memory(2).read_energy_j_per_bit().value() * 64, 100e-12);
  EXPECT_DOUBLE_EQ(v.memory(3).read_energy_j_per_bit().value() * 64, 1300e-12);
  EXPECT_EQ(v.memory(3).technology(), v1::MemoryLevel::DRAM);
}

v1::HardwareProfile Valid() {
  auto p = LoadProfile("horowitz-45nm");
  EXPECT_TRUE(p.ok());
  return *p;
}

void ExpectInvalid(const v1::HardwareProfile& p, const std::string& part) {
  absl::Status s = ValidateProfile(p);
  ASSERT_FALSE(s.ok()) << "expected: " << part;
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(part), std::string::npos) << s.message();
}

TEST(ProfileValidationTest, RejectsBadNumbersNamingTheField) {
  v1::HardwareProfile p = Valid();
  p.mutable_von_neumann()
      ->mutable_memory(1)
      ->mutable_read_energy_j_per_bit()
      ->set_value(NAN);
  ExpectInvalid(p, "memory[1] 'SRAM-32KB'.read_energy_j_per_bit is nan");

  p = Valid();
  p.mutable_von_neumann()
      ->mutable_precisions(0)
      ->mutable_mul_energy_j()
      ->set_value(-1e-12);
  ExpectInvalid(p, "precisions[0] FP32.mul_energy_j is -1e-12");

  p = Valid();
  p.mutable_von_neumann()->mutable_memory(3)->clear_bandwidth_bytes_per_s();
  ExpectInvalid(p, "memory[3] 'DRAM'.bandwidth_bytes_per_s is missing");

  p = Valid();
  p.mutable_von_neumann()
      ->mutable_memory(3)
      ->mutable_bandwidth_bytes_per_s()
      ->set_value(0);
  ExpectInvalid(p, "must be positive");

  p = Valid();
  p.mutable_von_neumann()->mutable_clock_hz()->set_source("nowhere");
  ExpectInvalid(p, "names source 'nowhere', which the profile does not");

  p = Valid();
  p.mutable_von_neumann()
      ->mutable_memory(2)
      ->mutable_capacity_bytes()
      ->set_value(1024);
  ExpectInvalid(p, "is not larger than the level before it");

  p = Valid();
  p.mutable_sources(0)->clear_citation();
  ExpectInvalid(p, "catalogue source without a citation");

  p = Valid();
  p.mutable_von_neumann()->mutable_memory(0)->clear_leakage_w_per_bit();
  ExpectInvalid(p, "leakage_w_per_bit is missing");

  p = Valid();
  p.mutable_von_neumann()->mutable_precisions(0)->set_precision(
      static_cast<v1::ElementType>(1000000));
  ExpectInvalid(p, "has no valid precision");

  p = Valid();
  p.clear_von_neumann();
  ExpectInvalid(p, "no kind");

  // Neuromorphic sizes must be physical: placement works core by core.
  auto loihi = LoadProfile("loihi");
  ASSERT_TRUE(loihi.ok());
  v1::HardwareProfile n = *loihi;
  n.mutable_neuromorphic()->mutable_neurons_per_core()->set_value(1e-300);
  ExpectInvalid(n, "neurons_per_core is 1e-300");
  n = *loihi;
  n.mutable_system()->mutable_chips()->set_value(1e300);
  ExpectInvalid(n, "system.chips is 1e+300; it must be a whole number from 1");
  n = *loihi;
  n.mutable_system()->mutable_chips()->set_value(2.5);
  ExpectInvalid(n, "system.chips is 2.5");
  n = *loihi;
  n.clear_system();
  ExpectInvalid(n, "system.chips is missing");
  // The old field still reads, for profiles written before systems.
  n.mutable_neuromorphic()->mutable_max_chips()->set_value(32);
  n.mutable_neuromorphic()->mutable_max_chips()->set_source("davies2018");
  EXPECT_TRUE(ValidateProfile(n).ok());
  EXPECT_EQ(CompileSystem(n).described_chips, 32);
}

TEST(ProfileValidationTest, PowerModelFiguresAreChecked) {
  v1::HardwareProfile p = Valid();
  auto quantity = [](v1::Quantity* q, double v) {
    q->set_value(v);
    q->set_source("assumed");
  };
  v1::VonNeumannProfile& v = *p.mutable_von_neumann();
  quantity(v.mutable_static_power_w(), 20);
  quantity(v.mutable_busy_power_w(), 10);
  ExpectInvalid(p, "busy_power_w is 10 W, below static_power_w");
  quantity(v.mutable_busy_power_w(), 30);
  quantity(v.mutable_tdp_w(), 25);
  ExpectInvalid(p, "busy_power_w is 30 W, above tdp_w (25 W)");
  v.clear_tdp_w();
  quantity(v.mutable_vector_lanes(), 0.5);
  ExpectInvalid(p, "vector_lanes is 0.5: at least 1");
  quantity(v.mutable_vector_lanes(), 8);
  quantity(v.mutable_software()->mutable_dispatch_s(), -1);
  ExpectInvalid(p, "software.dispatch_s is -1");
  quantity(v.mutable_software()->mutable_dispatch_s(), 1e-6);
  v.mutable_software()->mutable_cores_used()->set_value(1);
  ExpectInvalid(p, "software.cores_used");  // no source
  quantity(v.mutable_software()->mutable_cores_used(), 1);
  EXPECT_TRUE(ValidateProfile(p).ok()) << ValidateProfile(p);
}

TEST(CatalogueTest, BlouwDevicesCarryTheirMeasuredIdlePower) {
  // Blouw et al. 2019, Table 1: idle W of each device as measured.
  const std::pair<const char*, double> idle[] = {{"xeon-e5-2630", 17.01},
                                                 {"quadro-k4000", 14.97},
                                                 {"jetson-tx1", 2.64},
                                                 {"movidius-ncs", 0.21}};
  for (const auto& [name, watts] : idle) {
    auto p = LoadProfile(name);
    ASSERT_TRUE(p.ok()) << p.status();
    EXPECT_DOUBLE_EQ(p->von_neumann().static_power_w().value(), watts) << name;
    EXPECT_EQ(p->von_neumann().static_power_w().source(), "blouw2019");
    EXPECT_GT(p->von_neumann().busy_power_w().value(), watts) << name;
    EXPECT_TRUE(p->von_neumann().has_software()) << name;
  }
  auto loihi = LoadProfile("loihi-wolf-mountain");
  ASSERT_TRUE(loihi.ok()) << loihi.status();
  EXPECT_DOUBLE_EQ(loihi->neuromorphic().static_power_w().value(), 0.0297);
  EXPECT_DOUBLE_EQ(loihi->neuromorphic().host_power_w().value(), 0.070);
  // 296 inferences/s at 10 steps each.
  EXPECT_NEAR(loihi->neuromorphic().timestep_s().value(), 1 / 296.0 / 10, 1e-7);
}

TEST(ProfileValidationTest, SystemsNeedTheirLinks) {
  v1::HardwareProfile p = Valid();
  v1::SystemProfile* s = p.mutable_system();
  s->clear_intra_node();
  s->mutable_chips_per_node()->set_value(8);
  s->mutable_chips_per_node()->set_source("assumed");
  ExpectInvalid(p, "system.intra_node is missing: chips_per_node is above 1");
  *s->mutable_intra_node() = s->inter_node();
  EXPECT_TRUE(ValidateProfile(p).ok());
  s->mutable_intra_node()->mutable_bandwidth_bytes_per_s()->set_value(0);
  ExpectInvalid(p, "system.intra_node.bandwidth_bytes_per_s is 0");
  p = Valid();
  p.mutable_system()
      ->mutable_inter_node()
      ->mutable_energy_j_per_bit()
      ->set_source("nowhere");
  ExpectInvalid(p, "names source 'nowhere'");
  // A spiking chip's links price spikes by the bit.
  auto loihi2 = LoadProfile("loihi2");
  ASSERT_TRUE(loihi2.ok());
  v1::HardwareProfile n = *loihi2;
  n.mutable_system()->clear_spike_message_bits();
  ExpectInvalid(n, "system.spike_message_bits is missing");
  // A TDP below the idle power is a mistake.
  p = Valid();
  p.mutable_von_neumann()->mutable_tdp_w()->set_value(-1);
  p.mutable_von_neumann()->mutable_tdp_w()->set_source("assumed");
  ExpectInvalid(p, "tdp_w is -1");
}

TEST(ProfileLoadTest, FilesAndUnknownNames) {
  auto unknown = LoadProfile("pentium");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("horowitz-45nm"),
            std::string::npos);

  const std::string path = ::testing::TempDir() + "/mine.textproto";
  {
    std::ofstream out(path);
    out << "name: \"mine\"\nsources { id: \"me\" kind: USER }\n"
           "von_neumann { clock_hz { value: -3 source: \"me\" } }\n";
  }
  auto bad = LoadProfile(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(path), std::string::npos);

  {
    std::ofstream out(path);
    out << "name: \"mine\"\nvon_neumann { clock_hz { value: 1e9 ";
  }
  auto truncated = LoadProfile(path);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.status().message().find("mine.textproto:2:"),
            std::string::npos)
      << truncated.status();
}

}  // namespace
}  // namespace neurowatt

namespace neurowatt {
namespace {

double Peak(const v1::HardwareProfile& p, v1::ElementType t) {
  for (const auto& f : p.von_neumann().precisions()) {
    if (f.precision() == t) return f.peak_ops_per_s().value();
  }
  ADD_FAILURE() << p.name() << " has no " << v1::ElementType_Name(t);
  return 0;
}

double MacEnergy(const v1::HardwareProfile& p, v1::ElementType t) {
  for (const auto& f : p.von_neumann().precisions()) {
    if (f.precision() == t) {
      return f.mul_energy_j().value() + f.add_energy_j().value();
    }
  }
  return 0;
}

v1::HardwareProfile Load(const std::string& name) {
  auto p = LoadProfile(name);
  EXPECT_TRUE(p.ok()) << p.status();
  return p.ok() ? *p : v1::HardwareProfile();
}

TEST(CatalogueTest, DatacentreGpusMatchTheirDatasheets) {
  // NVIDIA H100 SXM5 datasheet: dense bf16 989.4 TFLOPS, fp8 and int8
  // 1,978.9, tf32 494.7; 80 GB HBM3 at 3.35 TB/s; 700 W.
  const v1::HardwareProfile h100 = Load("h100-sxm");
  EXPECT_DOUBLE_EQ(Peak(h100, v1::BF16), 989.4e12);
  EXPECT_DOUBLE_EQ(Peak(h100, v1::FP8), 1978.9e12);
  EXPECT_DOUBLE_EQ(Peak(h100, v1::INT8), 1978.9e12);
  EXPECT_DOUBLE_EQ(Peak(h100, v1::TF32), 494.7e12);
  const auto& hbm = h100.von_neumann().memory(2);
  EXPECT_EQ(hbm.technology(), v1::MemoryLevel::DRAM);
  EXPECT_DOUBLE_EQ(hbm.bandwidth_bytes_per_s().value(), 3.35e12);
  EXPECT_DOUBLE_EQ(h100.von_neumann().tdp_w().value(), 700);
  // Energy per op derived as (TDP - idle) / dense peak: a MAC is two ops.
  const double idle = h100.von_neumann().static_power_w().value();
  EXPECT_NEAR(MacEnergy(h100, v1::BF16), 2 * (700 - idle) / 989.4e12,
              1e-3 * MacEnergy(h100, v1::BF16));
  // NVLink 4: 900 GB/s both ways per GPU; 8 GPUs a board.
  EXPECT_DOUBLE_EQ(h100.system().intra_node().bandwidth_bytes_per_s().value(),
                   450e9);
  EXPECT_EQ(h100.system().chips_per_node().value(), 8);

  // A100 SXM4: 40 GB HBM2 at 1,555 GB/s or 80 GB HBM2e at 2,039 GB/s; dense
  // int4 1,248 TOPS; 400 W.
  const v1::HardwareProfile a40 = Load("a100-sxm-40gb");
  const v1::HardwareProfile a80 = Load("a100-sxm-80gb");
  EXPECT_DOUBLE_EQ(a40.von_neumann().memory(2).capacity_bytes().value(),
                   40.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(a80.von_neumann().memory(2).capacity_bytes().value(),
                   80.0 * (1 << 30));
  EXPECT_DOUBLE_EQ(a40.von_neumann().memory(2).bandwidth_bytes_per_s().value(),
                   1.555e12);
  EXPECT_DOUBLE_EQ(a80.von_neumann().memory(2).bandwidth_bytes_per_s().value(),
                   2.039e12);
  EXPECT_DOUBLE_EQ(Peak(a40, v1::INT4), 1248e12);
  EXPECT_DOUBLE_EQ(Peak(a40, v1::BF16), 312e12);

  // DGX H100: 8 H100s; 10.2 kW maximum, of which 8 x 700 W are the GPUs.
  const v1::HardwareProfile dgx = Load("dgx-h100");
  EXPECT_EQ(dgx.system().chips().value(), 8);
  EXPECT_DOUBLE_EQ(dgx.system().node_static_power_w().value(), 10200 - 8 * 700);
  EXPECT_DOUBLE_EQ(Peak(dgx, v1::BF16), Peak(h100, v1::BF16));
}

TEST(CatalogueTest, NeuromorphicSystemsMatchTheirPublishedSizes) {
  // Loihi 2: 128 cores, up to 1,048,576 neurons and 120 M synapses a chip.
  const v1::HardwareProfile l2 = Load("loihi2");
  const auto& n = l2.neuromorphic();
  EXPECT_DOUBLE_EQ(n.cores_per_chip().value() * n.neurons_per_core().value(),
                   1048576);
  EXPECT_DOUBLE_EQ(n.cores_per_chip().value() * n.synapses_per_core().value(),
                   120e6);
  // Hala Point: 1,152 Loihi 2 chips, 140,544 cores, 1.15 B neurons, 128 B
  // synapses (Intel, April 2024).
  const v1::HardwareProfile hp = Load("hala-point");
  const auto& h = hp.neuromorphic();
  const double chips = hp.system().chips().value();
  EXPECT_EQ(chips, 1152);
  EXPECT_DOUBLE_EQ(chips * h.cores_per_chip().value(), 140544);
  EXPECT_NEAR(chips * h.cores_per_chip().value() * h.neurons_per_core().value(),
              1.15e9, 0.01 * 1.15e9);
  EXPECT_NEAR(
      chips * h.cores_per_chip().value() * h.synapses_per_core().value(), 128e9,
      1e-3 * 128e9);
  // Loihi 2's event energies: lava-dl's PilotNet run on one chip, 1.0935 mJ
  // of dynamic energy per frame over 3.66e7 synaptic ops and 5.92e6 neuron
  // updates, a neuron update costing 2.2 synaptic ops (Loihi 1's ratio).
  EXPECT_NEAR(n.synaptic_op_energy_j().value(),
              1.0935e-3 / (3.66e7 + 2.2 * 5.92e6), 0.005 * 22e-12);
  EXPECT_NEAR(n.neuron_update_inactive_energy_j().value() /
                  n.synaptic_op_energy_j().value(),
              52 / 23.6, 0.01);
  EXPECT_DOUBLE_EQ(h.synaptic_op_energy_j().value(),
                   n.synaptic_op_energy_j().value());
  // Speck: 0.42 mW resting (Yao et al., Nat. Commun. 2024).
  EXPECT_DOUBLE_EQ(Load("speck").neuromorphic().static_power_w().value(),
                   0.42e-3);
  // Every catalogue profile now says how large its system is.
  for (const auto& p : CatalogueProfiles()) {
    if (p.has_neuromorphic()) {
      EXPECT_TRUE(p.system().has_chips()) << p.name();
      EXPECT_FALSE(p.neuromorphic().has_max_chips()) << p.name();
    }
  }
}

}  // namespace
}  // namespace neurowatt
