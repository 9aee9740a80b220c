// Systems of many chips: sizing, collectives worked by hand, and what they
// add to both estimators.
#include "estimators/system.h"

#include <numeric>

#include "estimators/break_even.h"
#include "estimators/neuromorphic.h"
#include "estimators/spike_activity.h"
#include "estimators/von_neumann.h"
#include "gtest/gtest.h"
#include "hw/profile.h"
#include "tests/test_util.h"
#include "util/error.h"

namespace neurowatt {
namespace {

constexpr double kGB = 1e9;

void ExpectRel(double actual, double expected) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::abs(expected))
      << "actual " << actual << " expected " << expected;
}

LinkParams Link(double bytes_per_s, double latency_s, double j_per_bit) {
  return {true, "test", bytes_per_s, latency_s, j_per_bit};
}

// Eight chips a node on a fast link, nodes on a slow one.
SystemParams Nodes(int64_t per_node, bool inter = true) {
  SystemParams s;
  s.described_chips = 8;
  s.chips_per_node = per_node;
  s.intra_node = Link(450e9, 2e-6, 11e-12);
  if (inter) s.inter_node = Link(50e9, 3e-6, 42.5e-12);
  return s;
}

TEST(ParseChipsTest, AutoOrAWholeNumber) {
  EXPECT_EQ(*ParseChips("auto"), 0);
  EXPECT_EQ(*ParseChips("8"), 8);
  EXPECT_EQ(*ParseChips("10000000"), 10'000'000);
  for (const char* bad : {"0", "-2", "2.5", "eight", "", "10000001"}) {
    auto c = ParseChips(bad);
    ASSERT_FALSE(c.ok()) << bad;
    EXPECT_EQ(DetailOf(c.status())->subject, ErrorSubject::kChips);
  }
}

TEST(ShapeSystemTest, AutoHoldsTheNetworkInWholeNodes) {
  // 100 GB on 80 GB chips: two chips of one node, tensor-parallel.
  auto two = ShapeVonNeumannSystem(100 * kGB, 80 * kGB, Nodes(8), 0, "gpu");
  ASSERT_TRUE(two.ok()) << two.status();
  EXPECT_EQ(two->chips, 2);
  EXPECT_EQ(two->tensor, 2);
  EXPECT_EQ(two->pipeline, 1);
  EXPECT_EQ(two->nodes, 1);
  EXPECT_TRUE(two->automatic);
  // 700 GB need 9 chips: two whole nodes, 8-way tensor-parallel stages.
  auto nine = ShapeVonNeumannSystem(700 * kGB, 80 * kGB, Nodes(8), 0, "gpu");
  ASSERT_TRUE(nine.ok());
  EXPECT_EQ(nine->needed, 9);
  EXPECT_EQ(nine->chips, 16);
  EXPECT_EQ(nine->tensor, 8);
  EXPECT_EQ(nine->pipeline, 2);
  EXPECT_EQ(nine->nodes, 2);
  EXPECT_NE(nine->why.find("need 9 chip(s) of 80 GB; rounded up to whole "
                           "nodes of 8"),
            std::string::npos)
      << nine->why;
  EXPECT_NE(nine->why.find("larger than the largest system of this kind "
                           "described (8 chip(s))"),
            std::string::npos);
  // What fits one chip stays on one.
  auto one = ShapeVonNeumannSystem(1 * kGB, 80 * kGB, Nodes(8), 0, "gpu");
  EXPECT_EQ(one->chips, 1);
  EXPECT_EQ(one->tensor, 1);
}

TEST(ShapeSystemTest, GivenCountsMustHoldItAndBeWholeNodes) {
  auto three = ShapeVonNeumannSystem(700 * kGB, 80 * kGB, Nodes(8), 24, "gpu");
  ASSERT_TRUE(three.ok());
  EXPECT_EQ(three->chips, 24);
  EXPECT_EQ(three->pipeline, 3);
  EXPECT_FALSE(three->automatic);
  struct Case {
    int64_t chips;
    SystemParams system;
    std::string message;
  } cases[] = {
      {4, Nodes(8), "need 9 chip(s) of 80 GB, but 4 were asked for"},
      {12, Nodes(8),
       "12 chips of gpu do not split into copies of the network of at least "
       "9 chip(s) each that are whole nodes of 8 (8, 16, ...)"},
      {0, Nodes(8, false),
       "and the profile describes no link between nodes (system.inter_node)"},
      {0, Nodes(1, false), "describes no link between chips"},
  };
  for (const Case& c : cases) {
    auto s =
        ShapeVonNeumannSystem(700 * kGB, 80 * kGB, c.system, c.chips, "gpu");
    ASSERT_FALSE(s.ok()) << c.message;
    EXPECT_NE(s.status().message().find(c.message), std::string::npos)
        << s.status();
    EXPECT_EQ(DetailOf(s.status())->subject, ErrorSubject::kCapacity);
  }
}

TEST(ShapeSystemTest, ChipsBeyondOneCopyHoldMoreCopies) {
  // One chip holds it: eight copies share the batch.
  auto eight = ShapeVonNeumannSystem(1 * kGB, 80 * kGB, Nodes(8), 8, "gpu");
  ASSERT_TRUE(eight.ok());
  EXPECT_EQ(eight->replicas, 8);
  EXPECT_EQ(eight->tensor, 1);
  EXPECT_NE(eight->why.find("8 copies of 1 chip(s) share the batch"),
            std::string::npos)
      << eight->why;
  // 350 GB need 5 chips; 16 split into two copies of 8 (a node each).
  auto sixteen =
      ShapeVonNeumannSystem(350 * kGB, 80 * kGB, Nodes(8), 16, "gpu");
  ASSERT_TRUE(sixteen.ok());
  EXPECT_EQ(sixteen->replicas, 2);
  EXPECT_EQ(sixteen->tensor, 8);
  EXPECT_EQ(sixteen->pipeline, 1);
  EXPECT_EQ(sixteen->nodes, 2);
  // 6 chips for 350 GB: one copy of 6 within a node.
  auto six = ShapeVonNeumannSystem(350 * kGB, 80 * kGB, Nodes(8), 6, "gpu");
  EXPECT_EQ(six->replicas, 1);
  EXPECT_EQ(six->tensor, 6);
}

TEST(ShapeSystemTest, SpikingSystemsAreTheChipsNeededOrThoseGiven) {
  auto sized = ShapeNeuromorphicSystem(3, 300, Nodes(2), 0, "chip");
  ASSERT_TRUE(sized.ok());
  EXPECT_EQ(sized->chips, 3);
  EXPECT_EQ(sized->nodes, 2);
  auto given = ShapeNeuromorphicSystem(3, 300, Nodes(2), 8, "chip");
  EXPECT_EQ(given->chips, 8);
  EXPECT_EQ(given->nodes, 4);
  EXPECT_EQ(given->replicas, 2);  // two copies of 3 chips; 2 idle
  auto small = ShapeNeuromorphicSystem(3, 300, Nodes(2), 2, "chip");
  ASSERT_FALSE(small.ok());
  EXPECT_NE(small.status().message().find("take 300 cores = 3 chips of chip, "
                                          "but 2 were asked for (1.5x over)"),
            std::string::npos)
      << small.status();
}

TEST(CollectivesTest, RingAllReduceAndTransfersByHand) {
  const LinkParams l = Link(100e9, 1e-6, 1e-12);
  // 4 KiB over 4 chips: each sends 2 x 3/4 x 4096 = 6,144 B in 6 steps.
  const LinkCost ar = AllReduce(4096, 4, l);
  ExpectRel(ar.bytes, 4 * 6144);
  ExpectRel(ar.energy_j, 4 * 6144 * 8 * 1e-12);
  ExpectRel(ar.time_s, 6144 / 100e9 + 6 * 1e-6);
  const LinkCost ag = AllGather(4096, 4, l);
  ExpectRel(ag.bytes, 2 * 6144);
  ExpectRel(ag.time_s, 3072 / 100e9 + 3 * 1e-6);
  const LinkCost t = Transfer(1000, l);
  ExpectRel(t.energy_j, 8000 * 1e-12);
  ExpectRel(t.time_s, 1000 / 100e9 + 1e-6);
  EXPECT_EQ(AllReduce(4096, 1, l).bytes, 0);
}

double Sum(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0);
}

TEST(CollectivesTest, MegatronSplitsOfAGptAndAnMlp) {
  // Per block: q, k, v column-parallel, o row-parallel (all-reduce); MLP key
  // column, value row (all-reduce). The two embeddings are split by rows
  // (all-reduce each); the tied LM head is column-parallel and its split
  // logits are gathered.
  auto gpt =
      CountSource("preset:gpt:d_model=64,layers=2,heads=4,seq=8,vocab=100");
  ASSERT_TRUE(gpt.ok());
  std::vector<double> none(gpt->classes.size(), 0);
  const CollectivePlan p = PlanCollectives(*gpt, 8, 1, none, nullptr);
  EXPECT_EQ(Sum(p.all_reduces), 2 + 2 * 2);
  EXPECT_EQ(Sum(p.all_gathers), 1);
  EXPECT_EQ(Sum(p.stage_sends), 0);
  EXPECT_EQ(p.all_reduces[gpt->layer_class[0]], 1);  // wpe

  // An MLP of three equal layers in three stages: one cut after each of the
  // first two (equal weight bytes).
  auto mlp = CountSource("preset:mlp:sizes=64-64-64-64");
  ASSERT_TRUE(mlp.ok());
  std::vector<double> bytes(mlp->classes.size(), 0);
  for (size_t i = 0; i < mlp->layers.size(); ++i) {
    bytes[mlp->layer_class[i]] =
        static_cast<double>(mlp->layers[i].weight_bytes);
  }
  const CollectivePlan staged = PlanCollectives(*mlp, 1, 3, bytes, nullptr);
  EXPECT_EQ(Sum(staged.all_reduces), 0);
  EXPECT_EQ(Sum(staged.stage_sends), 2);
  // The three identical layers are one class: its two sends.
  ASSERT_EQ(mlp->layer_class[0], mlp->layer_class[2]);
  EXPECT_EQ(staged.stage_sends[mlp->layer_class[0]], 2);
}

// horowitz-45nm with `dram` bytes of DRAM a processor, as a test profile.
v1::HardwareProfile HorowitzWith(double dram) {
  auto p = LoadProfile("horowitz-45nm");
  EXPECT_TRUE(p.ok());
  p->mutable_von_neumann()
      ->mutable_memory(3)
      ->mutable_capacity_bytes()
      ->set_value(dram);
  return *p;
}

v1::HardwareProfile HorowitzPairs() {
  // horowitz-45nm with 20 MiB of DRAM and two processors a node on its own
  // 10 GbE link.
  v1::HardwareProfile p = HorowitzWith(20 << 20);
  v1::SystemProfile* s = p.mutable_system();
  s->mutable_chips_per_node()->set_value(2);
  *s->mutable_intra_node() = s->inter_node();
  EXPECT_TRUE(ValidateProfile(p).ok());
  return p;
}

TEST(VonNeumannSystemTest, TensorParallelMlpByHand) {
  // 32 MiB of weights need two processors of 20 MiB (auto). fc1 (1024 ->
  // 4096) is column-parallel, fc2 (4096 -> 1024) row-parallel: one
  // all-reduce of fc2's 1024 fp32 outputs over 2 chips, each sending
  // 2 x 1/2 x 4096 B over 10 GbE (1.25 GB/s, 10 us, 1.14 nJ/bit).
  auto m = LoadModel("preset:mlp:sizes=1024-4096-1024", {});
  ASSERT_TRUE(m.ok());
  auto one = EstimateVonNeumann(m->count, CompileVonNeumann(HorowitzWith(1e9)),
                                1, v1::FP32);
  auto two = EstimateVonNeumann(m->count, CompileVonNeumann(HorowitzPairs()), 1,
                                v1::FP32);
  ASSERT_TRUE(one.ok() && two.ok()) << two.status();
  EXPECT_EQ(two->system.tensor, 2);
  ExpectRel(two->links.bytes, 2 * 4096);
  ExpectRel(two->total.energy.interconnect, 2 * 4096 * 8 * 1.14e-9);
  ExpectRel(two->links.time_s, 4096 / 1.25e9 + 2 * 10e-6);
  // The arithmetic is the same work; fc1 streams half its 16 MiB of weights
  // on each chip at once: half the time.
  ExpectRel(two->total.energy.compute, one->total.energy.compute);
  ASSERT_EQ(m->count.layers[0].name, "fc1");
  ExpectRel(two->Layer(m->count, 0).time_s, one->Layer(m->count, 0).time_s / 2);
  const size_t fc2 = 2;
  ASSERT_EQ(m->count.layers[fc2].name, "fc2");
  ExpectRel(two->Layer(m->count, fc2).time_s,
            one->Layer(m->count, fc2).time_s / 2 + two->links.time_s);
}

TEST(VonNeumannSystemTest, PipelineStagesSendTheirOutputs) {
  // Three equal 1024 x 1024 layers (12.6 MB) need three single-processor
  // nodes of 5 MB: fc1's and fc2's 4 KiB outputs cross 10 GbE once each.
  auto m = LoadModel("preset:mlp:sizes=1024-1024-1024-1024", {});
  ASSERT_TRUE(m.ok());
  const VonNeumannParams hw = CompileVonNeumann(HorowitzWith(5e6));
  auto c = EstimateVonNeumann(m->count, hw, 1, v1::FP32);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->system.pipeline, 3);
  EXPECT_EQ(c->system.tensor, 1);
  ExpectRel(c->links.bytes, 2 * 4096);
  ExpectRel(c->total.energy.interconnect, 2 * 4096 * 8 * 1.14e-9);
  ExpectRel(c->links.time_s, 2 * (4096 / 1.25e9 + 10e-6));
  // Every chip holds a third of the weights, in its DRAM.
  EXPECT_EQ(c->weight_level, 3);
}

TEST(VonNeumannSystemTest, CopiesShareTheBatch) {
  // A 4096 x 4096 layer fits one H100: on 8 chips at batch 8 each copy
  // prices one inference at once, so the latency is one inference's and
  // the work eight times it; at batch 1 seven copies idle.
  auto m = LoadModel("preset:mlp:sizes=4096-4096", {});
  ASSERT_TRUE(m.ok());
  auto p = LoadProfile("h100-sxm");
  ASSERT_TRUE(p.ok());
  const VonNeumannParams hw = CompileVonNeumann(*p);
  auto one = EstimateVonNeumann(m->count, hw, 1, v1::FP32, nullptr, 1);
  auto eight = EstimateVonNeumann(m->count, hw, 8, v1::FP32, nullptr, 8);
  auto idle = EstimateVonNeumann(m->count, hw, 1, v1::FP32, nullptr, 8);
  ASSERT_TRUE(one.ok() && eight.ok() && idle.ok()) << eight.status();
  EXPECT_EQ(eight->system.replicas, 8);
  ExpectRel(eight->total.time_s, one->total.time_s);
  ExpectRel(eight->total.energy.compute, 8 * one->total.energy.compute);
  ExpectRel(eight->total.energy.data_movement,
            8 * one->total.energy.data_movement);
  ExpectRel(eight->total.energy.static_power,
            8 * one->total.energy.static_power);
  ExpectRel(idle->total.energy.compute, one->total.energy.compute);
  ExpectRel(idle->total.energy.static_power,
            8 * one->total.energy.static_power);
  EXPECT_EQ(eight->links.bytes, 0);
}

TEST(VonNeumannSystemTest, DataParallelTrainingAllReducesTheGradients) {
  // GPT-2 small (124,439,808 params, bf16) fits one H100: on 8 chips at
  // batch 8, eight copies each train on one sequence and all-reduce the
  // gradients over NVLink before the update: 8 x 2 x 7/8 x the 249 MB.
  PhaseOptions train;
  train.phase = v1::TRAIN;
  auto m = LoadModel("preset:gpt2-small", {}, false, train);
  ASSERT_TRUE(m.ok()) << m.status();
  auto p = LoadProfile("h100-sxm");
  ASSERT_TRUE(p.ok());
  const VonNeumannParams hw = CompileVonNeumann(*p);
  auto c = EstimateVonNeumann(m->count, hw, 8, v1::BF16, nullptr, 8);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->system.replicas, 8);
  const double grads = 124439808.0 * 2;
  ExpectRel(c->links.bytes, 8 * 2 * 7.0 / 8 * grads);
  ExpectRel(c->total.energy.interconnect, c->links.bytes * 8 * 11e-12);
  // Inference needs no exchange between the copies.
  auto infer = LoadModel("preset:gpt2-small", {});
  ASSERT_TRUE(infer.ok());
  auto i = EstimateVonNeumann(infer->count, hw, 8, v1::BF16, nullptr, 8);
  ASSERT_TRUE(i.ok());
  EXPECT_EQ(i->links.bytes, 0);
}

TEST(VonNeumannSystemTest, Gpt3OnH100sIsTensorParallelWithinANode) {
  // 175B parameters at bf16 (350 GB) need 5 chips of 80 GiB; each of the
  // preset's 96 blocks (blocks only, as the seed chapter counts) all-reduces
  // twice.
  auto m = LoadModel("preset:gpt3-175b", {});
  ASSERT_TRUE(m.ok());
  auto p = LoadProfile("h100-sxm");
  ASSERT_TRUE(p.ok());
  auto c = EstimateVonNeumann(m->count, CompileVonNeumann(*p), 1, v1::BF16);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->system.chips, 5);
  EXPECT_EQ(c->system.tensor, 5);
  // Each all-reduce moves 2 x 4/5 x (2048 x 12288 x 2 B) per chip.
  const double activation = 2048.0 * 12288 * 2;
  ExpectRel(c->links.bytes, 2 * 96 * (2 * 4.0 / 5 * activation) * 5);
  // At 11 pJ/bit on NVLink 4 (h100-sxm.textproto).
  ExpectRel(c->total.energy.interconnect, c->links.bytes * 8 * 11e-12);
}

NeuromorphicParams TwoCoreChips() {
  // loihi2 made tiny: 2 cores a chip, 100 neurons a core, 2 chips a node on
  // a 10 pJ/bit link, 32-bit spike messages.
  auto p = LoadProfile("loihi2");
  EXPECT_TRUE(p.ok());
  v1::NeuromorphicProfile* n = p->mutable_neuromorphic();
  n->mutable_cores_per_chip()->set_value(2);
  n->mutable_neurons_per_core()->set_value(100);
  n->mutable_synapses_per_core()->set_value(1e6);
  v1::SystemProfile* s = p->mutable_system();
  s->mutable_chips_per_node()->set_value(2);
  s->mutable_intra_node()->mutable_energy_j_per_bit()->set_value(10e-12);
  s->mutable_spike_message_bits()->set_value(32);
  EXPECT_TRUE(ValidateProfile(*p).ok()) << ValidateProfile(*p);
  return CompileNeuromorphic(*p);
}

// An 8-200-200 MLP at 0.1 spikes per neuron per step over 10 steps, on
// TwoCoreChips.
struct TwoChipMlp {
  TwoChipMlp() {
    auto c = CountSource("preset:mlp:sizes=8-200-200");
    EXPECT_TRUE(c.ok());
    count = *c;
    v1::SpikeActivity rate;
    rate.set_coding(v1::SpikeActivity::RATE);
    rate.set_timesteps(10);
    rate.set_spike_rate(0.1);
    auto a = ResolveSpikeActivity(count, rate);
    EXPECT_TRUE(a.ok());
    activity = *a;
  }
  NetworkCount count;
  SpikeActivity activity;
  NeuromorphicParams chip = TwoCoreChips();
};

TEST(NeuromorphicSystemTest, SpikesBetweenTwoChipsCrossTheLinkOnce) {
  // fc1's 200 neurons fill chip 0 (cores 0-1), fc2's fill chip 1: every fc1
  // spike crosses one link within the node. At 0.1 spikes per neuron per
  // step over 10 steps fc1 emits 200 spikes: 200 x 32 bits x 10 pJ.
  const TwoChipMlp m;
  const NetworkCount* count = &m.count;
  const SpikeActivity* a = &m.activity;
  const NeuromorphicParams& chip = m.chip;
  auto c = EstimateNeuromorphic(*count, chip, *a, a->knob, 1, std::nullopt);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->chips, 2);
  EXPECT_EQ(c->system.nodes, 1);
  const NeuromorphicLayerCost& fc1 = c->layers[0];
  ExpectRel(fc1.spikes, 200);
  EXPECT_DOUBLE_EQ(fc1.chip_crossings, 1);
  EXPECT_DOUBLE_EQ(fc1.node_crossings, 0);
  // Its hops stay within a chip: both centres sit at core 1 of a 2x1 grid.
  EXPECT_DOUBLE_EQ(fc1.hops, 0);
  ExpectRel(fc1.interconnect, 200 * 32 * 10e-12);
  ExpectRel(c->interconnect, 200 * 32 * 10e-12);
  ExpectRel(c->link_bytes, 200 * 4);
  EXPECT_DOUBLE_EQ(c->layers[2].chip_crossings, 0);  // the last layer
  // Eight chips asked for: all pay static power.
  auto eight =
      EstimateNeuromorphic(*count, chip, *a, a->knob, 1, std::nullopt, 8);
  ASSERT_TRUE(eight.ok());
  ExpectRel(eight->static_power_w, 8 * chip.static_w);
  // They hold four copies of the two-chip placement: a batch of 4 takes the
  // steps of one inference (two chips alone take four times as many), a
  // batch of 6 two rounds.
  auto four = EstimateNeuromorphic(*count, chip, *a, a->knob, 4, std::nullopt);
  auto four_on8 =
      EstimateNeuromorphic(*count, chip, *a, a->knob, 4, std::nullopt, 8);
  auto six_on8 =
      EstimateNeuromorphic(*count, chip, *a, a->knob, 6, std::nullopt, 8);
  ASSERT_TRUE(four.ok() && four_on8.ok() && six_on8.ok());
  EXPECT_EQ(four_on8->system.replicas, 4);
  ExpectRel(four_on8->steps_time_s, 10 * chip.timestep_s);
  ExpectRel(four->steps_time_s, 4 * 10 * chip.timestep_s);
  ExpectRel(six_on8->steps_time_s, 2 * 10 * chip.timestep_s);
  ExpectRel(four_on8->synaptic_ops, four->synaptic_ops);
}

TEST(NeuromorphicSystemTest, BreakEvenIsOnTheSystemAskedFor) {
  // The energy at a rate of 0.1 on eight chips is crossed at 0.1 on eight
  // chips, and at a higher rate on the two the network needs (less static
  // power).
  const TwoChipMlp m;
  const NetworkCount* count = &m.count;
  const SpikeActivity* a = &m.activity;
  const NeuromorphicParams& chip = m.chip;
  auto eight = EstimateNeuromorphic(*count, chip, *a, 0.1, 1, std::nullopt, 8);
  ASSERT_TRUE(eight.ok());
  auto on8 =
      SolveBreakEven(*count, chip, *a, 1, std::nullopt, eight->total(), 8);
  ASSERT_TRUE(on8.ok()) << on8.status();
  EXPECT_NEAR(on8->knob, 0.1, 1e-9);
  auto sized =
      SolveBreakEven(*count, chip, *a, 1, std::nullopt, eight->total());
  ASSERT_TRUE(sized.ok());
  EXPECT_GT(sized->knob, 0.1);
}

}  // namespace
}  // namespace neurowatt
