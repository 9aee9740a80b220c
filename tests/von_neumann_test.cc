// The von Neumann estimator against figures worked by hand from the
// horowitz-45nm profile (hw/profiles/horowitz-45nm.textproto):
//   fp32 mul 3.7 pJ, add 0.9 pJ; int8 mul 0.2 pJ, add 0.03 pJ;
//   SRAM 8 KB / 32 KB / 1 MiB: 10 / 20 / 100 pJ per 64-bit access;
//   DRAM 1300 pJ per 64-bit access = 20.3125 pJ/bit, 25.6 GB/s.
#include "estimators/von_neumann.h"

#include <optional>

#include "gtest/gtest.h"
#include "hw/profile.h"
#include "model/architecture_io.h"
#include "model/graph.h"
#include "model/source.h"
#include "model/workload.h"
#include "util/error.h"

namespace neurowatt {
namespace {

constexpr double kPj = 1e-12;
constexpr int kDram = 3;  // horowitz-45nm: SRAM-8KB, SRAM-32KB, SRAM-1MB, DRAM

v1::HardwareProfile Horowitz() {
  auto p = LoadProfile("horowitz-45nm");
  EXPECT_TRUE(p.ok()) << p.status();
  return *p;
}

VonNeumannCost Estimate(const std::string& source, int64_t batch,
                        v1::ElementType precision = v1::FP32,
                        const v1::HardwareProfile& profile = Horowitz()) {
  auto m = LoadModel(source, {});
  EXPECT_TRUE(m.ok()) << m.status();
  auto c = EstimateVonNeumann(m->count, CompileVonNeumann(profile), batch,
                              precision);
  EXPECT_TRUE(c.ok()) << c.status();
  return *c;
}

void ExpectRel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::abs(expected))
      << "actual " << actual << " expected " << expected;
}

TEST(VonNeumannTest, OneLargeLayerIsDominatedByDramTraffic) {
  const VonNeumannCost c = Estimate("preset:mlp:sizes=4096-4096", 1);
  const VonNeumannEnergy& e = c.total.energy;
  // 4096 x 4096 = 16,777,216 MACs x 4.6 pJ = 77.2 uJ, plus 4096 bias adds.
  ExpectRel(e.compute, 16777216 * 4.6 * kPj + 4096 * 0.9 * kPj);
  // Weights (64 MiB + biases) do not fit on chip: the layer streams its
  // 64 MiB from DRAM; the 16 KiB input and output sit in the 32 KB level.
  EXPECT_EQ(c.weight_level, kDram);
  ExpectRel(c.total.bytes[kDram], 67108864);
  ExpectRel(c.total.bytes[1], 2 * 16384);
  ExpectRel(e.data_movement,
            67108864 * 8 * 20.3125 * kPj + 2 * 16384 * 8 * 0.3125 * kPj);
  EXPECT_GT(e.data_movement, 100 * e.compute);  // 141x
  // Memory-bound: 64 MiB at 25.6 GB/s.
  EXPECT_EQ(c.total.bound, kDram);
  ExpectRel(c.total.time_s, 67108864 / 25.6e9);
}

TEST(VonNeumannTest, BatchingAmortisesWeightTraffic) {
  const VonNeumannCost one = Estimate("preset:mlp:sizes=4096-4096", 1);
  const VonNeumannCost batch = Estimate("preset:mlp:sizes=4096-4096", 64);
  // Weights still cross once per batch; 64 x 16 KiB activations (1 MiB)
  // now live in the 1 MiB level: 10.905 mJ + 26.2 uJ per batch.
  ExpectRel(batch.total.energy.data_movement,
            67108864 * 8 * 20.3125 * kPj + 2 * 1048576 * 8 * 1.5625 * kPj);
  const double ratio =
      one.total.energy.data_movement / (batch.total.energy.data_movement / 64);
  EXPECT_GT(ratio, 60);
  EXPECT_LT(ratio, 64);
  // Compute per inference does not change with batching.
  ExpectRel(batch.total.energy.compute / 64, one.total.energy.compute);
}

TEST(VonNeumannTest, Int8UsesInt8Energies) {
  const VonNeumannCost c = Estimate("preset:mlp:sizes=4096-4096", 1, v1::INT8);
  ExpectRel(c.total.energy.compute, 16777216 * 0.23 * kPj + 4096 * 0.03 * kPj);
  // A quarter of the fp32 bytes cross from DRAM.
  ExpectRel(c.total.bytes[kDram], 16777216);
}

TEST(VonNeumannTest, BreakdownSumsToTotalAndLayersToNetwork) {
  auto m = LoadModel("preset:gpt2-small", {});
  ASSERT_TRUE(m.ok());
  auto priced = EstimateVonNeumann(m->count, CompileVonNeumann(Horowitz()));
  ASSERT_TRUE(priced.ok());
  const VonNeumannCost& c = *priced;
  // Each of the layers, not each class: repeated blocks count every time.
  double sum = 0, time = 0;
  for (size_t i = 0; i < m->count.layers.size(); ++i) {
    const VonNeumannLayerCost& l = c.Layer(m->count, i);
    const VonNeumannEnergy& e = l.energy;
    ExpectRel(e.total(), e.compute + e.data_movement + e.leakage + e.refresh +
                             e.standby + e.static_power);
    double levels = 0;
    for (double v : l.level_energy) levels += v;
    EXPECT_NEAR(levels, e.data_movement, 1e-12 * e.data_movement + 1e-30);
    sum += e.total();
    time += l.time_s;
  }
  ExpectRel(c.total.energy.total(), sum);
  ExpectRel(c.total.time_s, time);
}

TEST(VonNeumannTest, BitMaintenanceGrowsLinearlyWithTime) {
  v1::HardwareProfile slow = Horowitz();
  auto* dram = slow.mutable_von_neumann()->mutable_memory(kDram);
  dram->mutable_bandwidth_bytes_per_s()->set_value(
      dram->bandwidth_bytes_per_s().value() / 2);
  ASSERT_TRUE(ValidateProfile(slow).ok());
  const VonNeumannCost fast = Estimate("preset:mlp:sizes=4096-4096", 1);
  const VonNeumannCost half =
      Estimate("preset:mlp:sizes=4096-4096", 1, v1::FP32, slow);
  ExpectRel(half.total.time_s, 2 * fast.total.time_s);
  ExpectRel(half.total.energy.bit_maintenance(),
            2 * fast.total.energy.bit_maintenance());
  EXPECT_GT(fast.total.energy.bit_maintenance(), 0);
  ExpectRel(half.total.energy.compute, fast.total.energy.compute);
  ExpectRel(half.total.energy.data_movement, fast.total.energy.data_movement);
}

TEST(VonNeumannTest, WeightsThatFitOnChipPayNoDramTraffic) {
  // 64 x 64 fp32 weights + biases = 16,640 bytes: the 32 KB level.
  const VonNeumannCost c = Estimate("preset:mlp:sizes=64-64", 1);
  EXPECT_EQ(c.weight_level, 1);
  EXPECT_EQ(c.total.bytes[kDram], 0);
  EXPECT_EQ(c.total.energy.refresh, 0);
  EXPECT_EQ(c.total.bound, -1);  // compute-bound
}

TEST(VonNeumannTest, RecurrentWeightsAreReadEveryStep) {
  // LSTM 16 -> 32, 10 steps: 4 x 32 x (16 + 32) x 4 B = 24,576 B of weights,
  // 25,600 B with biases: they live in the 32 KB level. The first step reads
  // them all; the input matrices serve every step at once (one GEMM over
  // the sequence), so the 9 later steps read the recurrent ones again,
  // 4 x 32 x 32 x 4 B = 16,384 B each. Input 640 B, output 1,280 B, state h
  // and c 256 B sit in the 8 KB level.
  const VonNeumannCost c =
      Estimate("preset:lstm:input=16,hidden=32,timesteps=10", 1);
  EXPECT_EQ(c.weight_level, 1);
  ExpectRel(c.total.bytes[1], 24576.0 + 9 * 16384.0);
  ExpectRel(c.total.bytes[0], 640 + 1280 + 256);
}

TEST(VonNeumannTest, LargeInputsAreRefetchedPerWeightTile) {
  // Batch 96: the 1.5 MiB input and the 64 MiB of weights both exceed the
  // 1 MiB tile level. Re-reading the input for each of 64 weight tiles
  // (96 MiB) is cheaper than the weights for each of 2 input tiles
  // (128 MiB); the output (1.5 MiB) is written to DRAM.
  const VonNeumannCost c = Estimate("preset:mlp:sizes=4096-4096", 96);
  ExpectRel(c.total.bytes[kDram], 67108864.0 + 64 * 1572864.0 + 1572864.0);
}

TEST(VonNeumannTest, MissingPrecisionIsAClearError) {
  auto m = LoadModel("preset:seed-kv", {});
  ASSERT_TRUE(m.ok());
  auto c =
      EstimateVonNeumann(m->count, CompileVonNeumann(Horowitz()), 1, v1::BF16);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("has no figures for bf16"),
            std::string::npos)
      << c.status();
  // The caller learns which input was at fault without reading the text.
  const auto detail = DetailOf(c.status());
  ASSERT_TRUE(detail.has_value());
  EXPECT_EQ(detail->subject, ErrorSubject::kPrecision);
  EXPECT_EQ(detail->name, "bf16");
}

// Language models as they run, against first principles on an H100.
Model Llama(v1::Phase phase, std::optional<int64_t> context,
            const DimBindings& dims = {}) {
  PhaseOptions p;
  p.phase = phase;
  p.context = context;
  auto m = LoadModel("preset:llama2-7b", dims, false, p);
  EXPECT_TRUE(m.ok()) << m.status();
  return *m;
}

VonNeumannParams H100() {
  auto p = LoadProfile("h100-sxm");
  EXPECT_TRUE(p.ok()) << p.status();
  return CompileVonNeumann(*p);
}

TEST(VonNeumannTest, DecodeReadsEveryWeightAndTheWholeKvCache) {
  const Model m = Llama(v1::DECODE, 4095);
  const VonNeumannParams hw = H100();
  auto c = EstimateVonNeumann(m.count, hw, 1, v1::BF16);
  ASSERT_TRUE(c.ok()) << c.status();
  // Every weight but the token table's unread rows, at 2 bytes: 6,738,415,616
  // params - 32,000 x 4,096 + the one row looked up.
  ExpectRel(c->traffic.weights, (6738415616.0 - 131072000 + 4096) * 2);
  // The new position written, then all 4,096 read by attention: 4,097
  // positions x 32 blocks x (k, v) x 4,096 x 2 bytes (2 GiB + 512 KiB).
  ExpectRel(c->traffic.kv_cache, 4097.0 * 32 * 2 * 4096 * 2);
  // No faster than moving those bytes through HBM.
  const double hbm = hw.levels.back().bandwidth_bytes_per_s;
  EXPECT_GE(c->total.time_s, (c->traffic.weights + c->traffic.kv_cache) / hbm);
  EXPECT_LT(c->total.time_s,
            2 * (c->traffic.weights + c->traffic.kv_cache) / hbm);

  // Weight-only int4 with fp16 arithmetic moves a quarter of the weights.
  auto q = EstimateVonNeumann(m.count, hw, 1,
                              Precision(v1::FP16, v1::INT4, v1::FP16));
  ASSERT_TRUE(q.ok()) << q.status();
  ExpectRel(q->traffic.weights, c->traffic.weights / 4);
  ExpectRel(q->traffic.kv_cache, c->traffic.kv_cache);
  EXPECT_LT(q->total.time_s, c->total.time_s);
  // An fp8 cache halves the cache traffic.
  auto kv8 = EstimateVonNeumann(m.count, hw, 1,
                                Precision(v1::BF16, v1::BF16, v1::FP8));
  ASSERT_TRUE(kv8.ok()) << kv8.status();
  ExpectRel(kv8->traffic.kv_cache, c->traffic.kv_cache / 2);
}

TEST(VonNeumannTest, PrefillIsNoFasterThanItsArithmeticAtPeak) {
  const Model m = Llama(v1::PREFILL, std::nullopt, {{"seq", 2048}});
  const VonNeumannParams hw = H100();
  auto c = EstimateVonNeumann(m.count, hw, 1, v1::BF16);
  ASSERT_TRUE(c.ok()) << c.status();
  const double peak = hw.precision[v1::BF16].peak_ops_per_s;
  // 2 x the weights applied to each token (all but the token table).
  EXPECT_GE(c->total.time_s, 2 * (6738415616.0 - 131072000) * 2048 / peak);
  // Causal: the prefill does less attention work than the full pass.
  const Model full = Llama(v1::FORWARD, std::nullopt, {{"seq", 2048}});
  EXPECT_LT(m.count.total.macs, full.count.total.macs);
}

TEST(VonNeumannTest, FewTokensReadOnlyTheirExperts) {
  // The small mixture of presets_test, decoding with 10 tokens cached, fp32.
  PhaseOptions p;
  p.phase = v1::DECODE;
  p.context = 10;
  auto m = LoadModel(
      "preset:llama:d_model=64,layers=1,heads=4,kv_heads=2,d_ff=128,seq=8,"
      "vocab=100,experts=4,experts_per_token=2",
      {}, false, p);
  ASSERT_TRUE(m.ok()) << m.status();
  const VonNeumannParams hw = CompileVonNeumann(Horowitz());
  // q, k, v, o, router, head and norms (19,136 weights) and half of the
  // 98,304 expert weights, 4 bytes each, plus one 64-element table row.
  auto one = EstimateVonNeumann(m->count, hw, 1);
  ASSERT_TRUE(one.ok()) << one.status();
  ExpectRel(one->traffic.weights, 19136.0 * 4 + 49152 * 4 + 64 * 4);
  // Four tokens touch 1 - (1/2)^4 of the experts.
  auto four = EstimateVonNeumann(m->count, hw, 4);
  ASSERT_TRUE(four.ok()) << four.status();
  ExpectRel(four->traffic.weights,
            19136.0 * 4 + 98304 * 0.9375 * 4 + 4 * 64 * 4);
}

// The power model on horowitz-45nm (4 cores, idle 0 W) given busy power 10 W
// and idle 2 W, a software stack keeping 1 of the 4 cores busy, 70 pJ per
// instruction over 8 lanes, 1 us of dispatch per layer and a 100 us call.
v1::HardwareProfile WithPowerModel() {
  v1::HardwareProfile p = Horowitz();
  v1::VonNeumannProfile& v = *p.mutable_von_neumann();
  v.mutable_static_power_w()->set_value(2);
  v.mutable_busy_power_w()->set_value(10);
  v.mutable_busy_power_w()->set_source("assumed");
  v.mutable_instruction_energy_j()->set_value(70 * kPj);
  v.mutable_instruction_energy_j()->set_source("assumed");
  v.mutable_vector_lanes()->set_value(8);
  v.mutable_vector_lanes()->set_source("assumed");
  v1::SoftwareStack& s = *v.mutable_software();
  s.set_name("test stack");
  s.mutable_dispatch_s()->set_value(1e-6);
  s.mutable_dispatch_s()->set_source("assumed");
  s.mutable_call_s()->set_value(100e-6);
  s.mutable_call_s()->set_source("assumed");
  s.mutable_cores_used()->set_value(1);
  s.mutable_cores_used()->set_source("assumed");
  EXPECT_TRUE(ValidateProfile(p).ok()) << ValidateProfile(p);
  return p;
}

TEST(VonNeumannTest, PowerModelAddsOverheadActivePowerDispatchAndCall) {
  const std::string mlp = "preset:mlp:sizes=64-64-4096";
  const VonNeumannCost base = Estimate(mlp, 1);
  const VonNeumannCost c = Estimate(mlp, 1, v1::FP32, WithPowerModel());
  auto m = LoadModel(mlp, {});
  ASSERT_TRUE(m.ok());
  const size_t n = m->count.layers.size();  // fc1, fc1.relu, fc2
  ASSERT_EQ(n, 3u);
  // Time: the call once, and 1 us per layer on top of the roofline.
  ExpectRel(c.total.time_s, base.total.time_s + 100e-6 + 3 * 1e-6);
  ExpectRel(c.call_s, 100e-6);
  // Busy power above idle: (10 - 2) W x 1/4 of the cores = 2 W.
  const double active_w = 2;
  double active = active_w * 100e-6;  // the call's
  for (size_t i = 0; i < n; ++i) {
    const Workload& w = m->count.layers[i];
    const VonNeumannLayerCost& l = c.Layer(m->count, i);
    const VonNeumannLayerCost& b = base.Layer(m->count, i);
    // One instruction per 8 lanes of arithmetic (a MAC is one FMA lane) and
    // per 8 fp32 words moved.
    double bytes = 0;
    for (double v : b.bytes) bytes += v;
    const double lane_ops = static_cast<double>(
        w.macs + w.other_ops.adds + w.other_ops.compares + w.other_ops.muls);
    ExpectRel(l.energy.control_overhead,
              (lane_ops / 8 + bytes / 32) * 70 * kPj);
    // Compute and data movement are the same work as without the model.
    ExpectRel(l.energy.compute, b.energy.compute);
    ExpectRel(l.energy.data_movement, b.energy.data_movement);
    const double work =
        l.energy.compute + l.energy.data_movement + l.energy.control_overhead;
    const double expected = std::max(0.0, active_w * l.time_s - work);
    EXPECT_NEAR(l.energy.active, expected, 1e-9 * (expected + work));
    active += l.energy.active;
    // Idle power x the layer's time.
    ExpectRel(l.energy.static_power, 2 * l.time_s);
  }
  ExpectRel(c.total.energy.active, active);
  // fc2 streams 1 MiB of weights from DRAM: 20.3 pJ/bit draws far more
  // than 2 W over its time, so its busy power adds nothing beyond its work.
  EXPECT_EQ(c.Layer(m->count, 2).energy.active, 0);
  EXPECT_GT(c.Layer(m->count, 0).energy.active, 0);
}

TEST(VonNeumannTest, WeightedGemmsRunAtTheEfficiencyOfTheirSmallestDimension) {
  // Measured by rows: 1 row 20%, 32 rows 50%; gemm_large 90% (taken at
  // 1,024 rows). A 1024 x 1024 layer at batch 4 is a GEMM whose smallest
  // dimension is 4: log(4) / log(32) = 0.4 of the way from 20% to 50%, 32%.
  v1::HardwareProfile p = Horowitz();
  auto add = [&](const char* cls, double fraction, int64_t rows) {
    v1::KernelEfficiency* e = p.mutable_von_neumann()->add_efficiency();
    e->set_kernel_class(cls);
    e->mutable_fraction()->set_value(fraction);
    e->mutable_fraction()->set_source("assumed");
    e->set_rows(rows);
  };
  add("gemm_small", 0.2, 1);
  add("gemm_small", 0.5, 32);
  add("gemm_large", 0.9, 0);
  // Its 4 MiB of weights stream from DRAM, where a streaming GEMV would do
  // better than the rows' figure if it measured above it: 10% does not.
  add("gemv", 0.1, 0);
  ASSERT_TRUE(ValidateProfile(p).ok()) << ValidateProfile(p);
  const std::string mlp = "preset:mlp:sizes=1024-1024";
  ExpectRel(Estimate(mlp, 4, v1::FP32, p).total.time_s,
            Estimate(mlp, 4).total.time_s / 0.32);
  // 64 rows: between 32 (50%) and 1,024 (90%): 0.5 + 0.4 x 0.2 = 58%.
  ExpectRel(Estimate(mlp, 64, v1::FP32, p).total.time_s,
            Estimate(mlp, 64).total.time_s / 0.58);
  // A streaming GEMV at 70% beats both from DRAM.
  p.mutable_von_neumann()->mutable_efficiency(3)->mutable_fraction()->set_value(
      0.7);
  ExpectRel(Estimate(mlp, 4, v1::FP32, p).total.time_s,
            Estimate(mlp, 4).total.time_s / 0.7);
  // Rows belong to gemm_small only.
  add("conv", 0.5, 8);
  EXPECT_FALSE(ValidateProfile(p).ok());
}

// A 2x2 max pool over [1, 16, 64, 64] (a 256 KiB input, from the 1 MiB
// SRAM), then a 3x3 depthwise and a 1x1 convolution on its output.
NetworkCount PoolAndConvolutions() {
  auto arch = ParseArchitectureText(
      R"pb(
        inputs {
          name: "x"
          shape { size: 1 }
          shape { size: 16 }
          shape { size: 64 }
          shape { size: 64 }
        }
        nodes {
          name: "pool"
          inputs: "x"
          outputs: "p"
          pool { kind: MAX kernel: 2 kernel: 2 }
        }
        nodes {
          name: "dw"
          inputs: "p"
          outputs: "d"
          conv {
            in_channels: 16
            out_channels: 16
            groups: 16
            kernel: 3
            kernel: 3
            padding: 1
          }
        }
        nodes {
          name: "pw"
          inputs: "d"
          outputs: "y"
          conv { in_channels: 16 out_channels: 16 kernel: 1 kernel: 1 }
        }
      )pb",
      "test");
  EXPECT_TRUE(arch.ok()) << arch.status();
  auto graph = Graph::Build(*arch);
  EXPECT_TRUE(graph.ok()) << graph.status();
  auto count = CountNetwork(*graph);
  EXPECT_TRUE(count.ok()) << count.status();
  return *count;
}

VonNeumannLayerCost LayerCost(const NetworkCount& count,
                              const v1::HardwareProfile& p,
                              const std::string& layer) {
  auto c = EstimateVonNeumann(count, CompileVonNeumann(p), 1, v1::FP32);
  EXPECT_TRUE(c.ok()) << c.status();
  for (size_t i = 0; i < count.layers.size(); ++i) {
    if (count.layers[i].name == layer) return c->Layer(count, i);
  }
  ADD_FAILURE() << "no layer " << layer;
  return {};
}

void AddEfficiency(v1::HardwareProfile& p, const char* cls, double fraction,
                   std::optional<double> call_s = std::nullopt) {
  v1::KernelEfficiency* e = p.mutable_von_neumann()->add_efficiency();
  e->set_kernel_class(cls);
  e->mutable_fraction()->set_value(fraction);
  e->mutable_fraction()->set_source("assumed");
  if (call_s) {
    e->mutable_call_s()->set_value(*call_s);
    e->mutable_call_s()->set_source("assumed");
  }
}

TEST(VonNeumannTest, PoolingIsBoundByItsLoopsNotItsTraffic) {
  const NetworkCount count = PoolAndConvolutions();
  const VonNeumannLayerCost roof = LayerCost(count, Horowitz(), "pool");
  // 16 x 32 x 32 outputs of a compare per tap (4) each.
  EXPECT_EQ(roof.ops, 16 * 32 * 32 * 4);
  const double peak =
      CompileVonNeumann(Horowitz()).precision[v1::FP32].peak_ops_per_s;
  // At the roofline the traffic sets the time, not the compares.
  ASSERT_GT(roof.time_s, roof.ops / peak);
  EXPECT_GE(roof.bound, 0);
  // At 0.1% of the arithmetic peak the loops set it ...
  v1::HardwareProfile slow = Horowitz();
  AddEfficiency(slow, "pool", 0.001);
  const VonNeumannLayerCost loops = LayerCost(count, slow, "pool");
  ExpectRel(loops.time_s, roof.ops / peak / 0.001);
  EXPECT_EQ(loops.bound, -1);
  // ... and at 90% the traffic still does, at the memory's own speed (not
  // divided by the loops' efficiency).
  v1::HardwareProfile fast = Horowitz();
  AddEfficiency(fast, "pool", 0.9);
  ExpectRel(LayerCost(count, fast, "pool").time_s, roof.time_s);
}

TEST(VonNeumannTest, AClassMayHaveItsOwnCallCost) {
  const NetworkCount count = PoolAndConvolutions();
  v1::HardwareProfile p = Horowitz();
  const double dw = LayerCost(count, p, "dw").time_s;
  const double pw = LayerCost(count, p, "pw").time_s;
  const double pool = LayerCost(count, p, "pool").time_s;
  p.mutable_von_neumann()->mutable_kernel_call_s()->set_value(5e-6);
  p.mutable_von_neumann()->mutable_kernel_call_s()->set_source("assumed");
  // Depthwise through another library: 30 us a call, at the roofline.
  AddEfficiency(p, "depthwise", 1, 30e-6);
  ASSERT_TRUE(ValidateProfile(p).ok()) << ValidateProfile(p);
  ExpectRel(LayerCost(count, p, "dw").time_s, dw + 30e-6);
  ExpectRel(LayerCost(count, p, "pw").time_s, pw + 5e-6);
  ExpectRel(LayerCost(count, p, "pool").time_s, pool);  // loops: no call
  // One call cost per class, on its entry without rows.
  v1::KernelEfficiency* rows = p.mutable_von_neumann()->add_efficiency();
  *rows = p.von_neumann().efficiency(0);
  rows->set_kernel_class("gemm_small");
  rows->set_rows(8);
  EXPECT_EQ(std::string(ValidateProfile(p).message()),
            "profile 'horowitz-45nm': efficiency[1] 'gemm_small'.call_s is "
            "given with rows: a class has one call cost, on its entry "
            "without rows");
}

}  // namespace
}  // namespace neurowatt
