// Compiling a profile's system block into the numbers the estimators read.
#include "hw/system_params.h"

#include "gtest/gtest.h"
#include "hw/profile.h"

namespace neurowatt {
namespace {

TEST(SystemParamsTest, AnH100BoardAndItsLinks) {
  // h100-sxm.textproto: 8 a board on NVLink 4 (450 GB/s each way, 11 pJ/bit),
  // boards on InfiniBand NDR (50 GB/s a GPU, 42.5 pJ/bit).
  auto p = LoadProfile("h100-sxm");
  ASSERT_TRUE(p.ok()) << p.status();
  const SystemParams s = CompileSystem(*p);
  EXPECT_EQ(s.chips_per_node, 8);
  EXPECT_EQ(s.described_chips, 8);
  ASSERT_TRUE(s.intra_node.present && s.inter_node.present);
  EXPECT_DOUBLE_EQ(s.intra_node.bytes_per_s, 450e9);
  EXPECT_DOUBLE_EQ(s.intra_node.j_per_bit, 11e-12);
  EXPECT_DOUBLE_EQ(s.inter_node.j_per_bit, 42.5e-12);
  EXPECT_EQ(s.LinkBetween(true), &s.intra_node);
  EXPECT_EQ(s.LinkBetween(false), &s.inter_node);
}

TEST(SystemParamsTest, OneLinkServesBothAndNoneServesNeither) {
  // loihi2 gives only its chip-to-chip mesh: it carries spikes between
  // boards too. loihi gives no link at all.
  auto l2 = LoadProfile("loihi2");
  ASSERT_TRUE(l2.ok());
  const SystemParams s = CompileSystem(*l2);
  EXPECT_FALSE(s.inter_node.present);
  EXPECT_EQ(s.LinkBetween(false), &s.intra_node);
  EXPECT_DOUBLE_EQ(s.spike_message_bits, 48);
  auto l1 = LoadProfile("loihi");
  ASSERT_TRUE(l1.ok());
  const SystemParams none = CompileSystem(*l1);
  EXPECT_EQ(none.LinkBetween(true), nullptr);
  EXPECT_EQ(none.described_chips, 32);
  // Without a system block a profile is one chip.
  v1::HardwareProfile bare = *l1;
  bare.clear_system();
  EXPECT_EQ(CompileSystem(bare).described_chips, 1);
  EXPECT_EQ(CompileSystem(bare).chips_per_node, 1);
}

}  // namespace
}  // namespace neurowatt
