// The report's energy-against-spike-rate curves (estimators/spike_curves.h).
#include "estimators/spike_curves.h"

#include "gtest/gtest.h"

namespace neurowatt {
namespace {

TEST(SpikeCurvesTest, OneCurvePerSpikingProfileWithItsCrossing) {
  auto m = LoadModel("preset:mlp:sizes=784-512-512-10", {});
  auto hw = LoadHardware({"loihi", "horowitz-45nm", "brain"});
  ASSERT_TRUE(m.ok() && hw.ok());
  v1::Scenario s;
  s.mutable_spikes()->set_coding(v1::SpikeActivity::RATE);
  s.mutable_spikes()->set_timesteps(16);
  s.mutable_spikes()->set_spike_rate(0.05);
  PricingOptions options;
  options.break_even = true;
  auto p = Price(*m, *hw, s, options);
  ASSERT_TRUE(p.ok()) << p.status();
  const std::vector<SpikeCurve> curves = SpikeCurves(m->count, *p, 11);
  ASSERT_EQ(curves.size(), 2u);  // loihi and brain
  EXPECT_EQ(curves[0].name, "loihi");
  ASSERT_EQ(curves[0].points.size(), 11u);
  EXPECT_EQ(curves[0].points[0].first, 0);
  EXPECT_EQ(curves[0].points[10].first, 1);
  // Energy never falls as neurons fire more.
  for (size_t k = 1; k < curves[0].points.size(); ++k) {
    EXPECT_GE(curves[0].points[k].second, curves[0].points[k - 1].second);
  }
  // At the scenario's own rate the curve is the report's energy.
  auto at = EstimateNeuromorphic(m->count, (*hw)[0].spiking, *p->activity, 0.05,
                                 1, p->host_energy_j);
  ASSERT_TRUE(at.ok());
  EXPECT_DOUBLE_EQ(at->total(), p->report.hardware(0).energy_per_inference_j());
  // Loihi breaks even with the 45 nm processor at a feasible rate (0.43).
  ASSERT_EQ(curves[0].crossings.size(), 1u);
  EXPECT_EQ(curves[0].crossings[0].second, "horowitz-45nm");
  EXPECT_NEAR(curves[0].crossings[0].first, 0.43, 0.01);
}

}  // namespace
}  // namespace neurowatt
