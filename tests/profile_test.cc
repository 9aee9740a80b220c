// The catalogue and profile validation.
#include "hw/profile.h"

#include <cmath>
#include <fstream>

#include "gtest/gtest.h"
#include "hw/catalogue.h"

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
  n.mutable_neuromorphic()->mutable_max_chips()->set_value(1e300);
  ExpectInvalid(n, "max_chips is 1e+300");
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
