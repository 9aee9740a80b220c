// Loading hardware to price on (hw/hardware.h).
#include "hw/hardware.h"

#include "gtest/gtest.h"
#include "util/error.h"

namespace neurowatt {
namespace {

TEST(HardwareTest, CatalogueNamesCompileForTheirKind) {
  auto hw = LoadHardware({"loihi", "horowitz-45nm", "tpuv4i-7nm-hbm2"});
  ASSERT_TRUE(hw.ok()) << hw.status();
  ASSERT_EQ(hw->size(), 3u);
  EXPECT_TRUE((*hw)[0].neuromorphic);
  EXPECT_EQ((*hw)[0].spiking.cores_per_chip, 128);  // Loihi: 128 cores
  EXPECT_FALSE((*hw)[1].neuromorphic);
  EXPECT_EQ((*hw)[1].von_neumann.levels.size(), 4u);
  // The first conventional profile hosts what a spiking chip cannot run.
  EXPECT_EQ(FirstVonNeumann(*hw), &(*hw)[1]);
  auto spiking = LoadHardware({"loihi", "brain"});
  ASSERT_TRUE(spiking.ok());
  EXPECT_EQ(FirstVonNeumann(*spiking), nullptr);
}

TEST(HardwareTest, AnUnknownNameSaysWhatTheCatalogueHas) {
  auto hw = LoadHardware({"horowitz-45nm", "pentium"});
  ASSERT_FALSE(hw.ok());
  EXPECT_NE(hw.status().message().find("'pentium': no such profile"),
            std::string::npos)
      << hw.status();
  EXPECT_NE(hw.status().message().find("loihi"), std::string::npos);
  ASSERT_TRUE(DetailOf(hw.status()).has_value());
  EXPECT_EQ(DetailOf(hw.status())->subject, ErrorSubject::kUnknownProfile);
  EXPECT_EQ(DetailOf(hw.status())->name, "pentium");
}

}  // namespace
}  // namespace neurowatt
