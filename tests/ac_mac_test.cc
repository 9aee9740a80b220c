// The literature's compute-only convention (estimators/ac_mac.h).
#include "estimators/ac_mac.h"

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

TEST(AcMacTest, EveryLayerBecomesComputeOnly) {
  NetworkCount count;
  count.layers.resize(2);
  count.layers[0].macs = 1000;
  count.layers[1].macs = 10;
  v1::CostReport r;
  v1::HardwareCost* vn = r.add_hardware();
  vn->set_kind("von_neumann");
  vn->mutable_energy()->set_total(1);
  vn->mutable_energy()->set_data_movement(0.9);
  vn->add_layers()->mutable_energy()->set_total(0.5);
  vn->add_layers();
  vn->add_levels()->set_bytes(100);
  v1::HardwareCost* nm = r.add_hardware();
  nm->set_kind("neuromorphic");
  nm->add_layers()->set_ops(200);  // synaptic operations
  nm->add_layers()->set_ops(0);
  ApplyAcMac(count, /*batch=*/2, r);
  EXPECT_EQ(r.convention(), "ac-mac");
  // Two inferences: 2 x 1010 MACs x 4.6 pJ.
  EXPECT_DOUBLE_EQ(vn->energy().total(), 2 * 1010 * 4.6e-12);
  EXPECT_DOUBLE_EQ(vn->energy().compute(), vn->energy().total());
  EXPECT_EQ(vn->energy().data_movement(), 0);
  EXPECT_EQ(vn->levels_size(), 0);
  EXPECT_DOUBLE_EQ(vn->layers(0).energy().compute(), 2 * 1000 * 4.6e-12);
  EXPECT_DOUBLE_EQ(vn->energy_per_inference_j(), 1010 * 4.6e-12);
  // The spiking side: its operations (already the batch's) x 0.9 pJ.
  EXPECT_DOUBLE_EQ(nm->energy().synaptic_ops(), 200 * 0.9e-12);
  EXPECT_DOUBLE_EQ(nm->energy_per_inference_j(), 100 * 0.9e-12);
  ASSERT_GT(nm->assumptions_size(), 0);
  EXPECT_NE(nm->assumptions(0).find("compute only"), std::string::npos);
}

}  // namespace
}  // namespace neurowatt
