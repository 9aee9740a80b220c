// Hand-worked counts for each op family.
#include "model/workload.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace neurowatt {
namespace {

TEST(WorkloadTest, ResNetStemConvolution) {
  // torchvision ResNet-18 conv1: 3->64, 7x7, stride 2, padding 3, 224x224,
  // no bias: 112x112 outputs, 9,408 weights, 118,013,952 MACs.
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 3 }
      shape { size: 224 }
      shape { size: 224 }
    }
    nodes {
      name: "conv1"
      inputs: "x"
      outputs: "y"
      conv { in_channels: 3 out_channels: 64 kernel: 7 stride: 2 padding: 3 }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& w = c->layers[0];
  EXPECT_EQ(w.neurons, 64);
  EXPECT_EQ(w.synapses, 9408);
  EXPECT_EQ(w.synapses_per_neuron(), 3 * 7 * 7);
  EXPECT_EQ(w.neuron_instances, 64 * 112 * 112);
  EXPECT_EQ(w.macs, 118013952);
  EXPECT_EQ(w.params, 9408);
  EXPECT_EQ(w.input_bytes, 3 * 224 * 224 * 4);
  EXPECT_EQ(w.output_bytes, 64 * 112 * 112 * 4);
}

TEST(WorkloadTest, DepthwiseAndAsymmetricPadding) {
  // 32 channels, groups 32, 3x3: one synapse per tap; pads 1/1 begin, 0/0
  // end on 8x8 gives 7x7 outputs.
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 32 }
      shape { size: 8 }
      shape { size: 8 }
    }
    nodes {
      name: "dw"
      inputs: "x"
      outputs: "y"
      conv {
        in_channels: 32
        out_channels: 32
        kernel: 3
        groups: 32
        padding: 1
        padding: 1
        padding: 0
        padding: 0
        bias: true
      }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& w = c->layers[0];
  EXPECT_EQ(w.synapses, 32 * 9);
  EXPECT_EQ(w.macs, 32 * 9 * 7 * 7);
  EXPECT_EQ(w.params, 32 * 9 + 32);
  EXPECT_EQ(w.other_ops.adds, 32 * 7 * 7);  // bias
}

TEST(WorkloadTest, RecurrentCellsMatchPyTorchParameterCounts) {
  // nn.LSTM(10, 20, num_layers=2, bidirectional=True): 15,040 parameters;
  // nn.GRU(10, 20): 1,920; nn.RNN(10, 20): 640.
  const char* kLstm = R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 7 }
      shape { size: 10 }
    }
    nodes {
      name: "lstm"
      inputs: "x"
      outputs: "y"
      recurrent {
        cell: LSTM
        input_size: 10
        hidden_size: 20
        layers: 2
        bidirectional: true
        bias: true
      }
    }
  )pb";
  auto lstm = CountText(kLstm);
  ASSERT_TRUE(lstm.ok()) << lstm.status();
  const Workload& w = lstm->layers[0];
  EXPECT_EQ(w.kind, "lstm");
  EXPECT_EQ(w.params, 15040);
  EXPECT_EQ(w.neurons, 2 * 2 * 4 * 20);  // layers x directions x 4h
  const int64_t synapses = 2 * 80 * (10 + 20) + 2 * 80 * (40 + 20);
  EXPECT_EQ(w.synapses, synapses);
  EXPECT_EQ(w.macs, 7 * synapses);
  EXPECT_EQ(w.state_bytes, 2 * 2 * 20 * 2 * 4);  // h and c per layer, dir
  // 5 exps per unit per step (3 sigmoid gates, 2 tanh).
  EXPECT_EQ(w.other_ops.exps, 5 * 20 * 2 * 2 * 7);

  auto gru = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 5 }
      shape { size: 10 }
    }
    nodes {
      name: "gru"
      inputs: "x"
      outputs: "y"
      recurrent {
        cell: GRU
        input_size: 10
        hidden_size: 20
        bias: true
        timesteps: 5
      }
    }
  )pb");
  ASSERT_TRUE(gru.ok()) << gru.status();
  EXPECT_EQ(gru->layers[0].params, 1920);
  EXPECT_EQ(gru->layers[0].neurons, 60);

  auto rnn = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 5 }
      shape { size: 10 }
    }
    nodes {
      name: "rnn"
      inputs: "x"
      outputs: "y"
      recurrent { cell: RNN input_size: 10 hidden_size: 20 bias: true }
    }
  )pb");
  ASSERT_TRUE(rnn.ok()) << rnn.status();
  EXPECT_EQ(rnn->layers[0].params, 640);
  EXPECT_EQ(rnn->layers[0].macs, 5 * 20 * 30);
}

TEST(WorkloadTest, AttentionMatmulsHaveMacsButNoSynapses) {
  // 4 heads, 16 tokens, 8 per head: scores 4 x 16 x 16 x 8 MACs.
  auto c = CountText(R"pb(
    inputs {
      name: "q"
      shape { size: 1 }
      shape { size: 4 }
      shape { size: 16 }
      shape { size: 8 }
    }
    inputs {
      name: "k"
      shape { size: 1 }
      shape { size: 4 }
      shape { size: 16 }
      shape { size: 8 }
    }
    nodes {
      name: "scores"
      inputs: "q"
      inputs: "k"
      outputs: "s"
      matmul { transpose_b: true b_is_cached: true batch: 4 m: 16 n: 16 k: 8 }
    }
    nodes {
      name: "softmax"
      inputs: "s"
      outputs: "p"
      activation { kind: SOFTMAX }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& s = c->layers[0];
  EXPECT_EQ(s.macs, 4 * 16 * 16 * 8);
  EXPECT_EQ(s.synapses, 0);
  EXPECT_EQ(s.neurons, 0);
  EXPECT_EQ(s.state_bytes, 4 * 16 * 8 * 4);  // the cached keys, fp32
  const Workload& p = c->layers[1];
  EXPECT_EQ(p.other_ops.exps, 4 * 16 * 16);
  EXPECT_EQ(p.other_ops.divs, 4 * 16 * 16);
  EXPECT_EQ(p.other_ops.compares, 4 * 16 * 16);
}

TEST(WorkloadTest, DeclaredMatmulSizesMustAgreeWithOperands) {
  auto c = CountText(R"pb(
    inputs {
      name: "a"
      shape { size: 2 }
      shape { size: 3 }
    }
    inputs {
      name: "b"
      shape { size: 3 }
      shape { size: 5 }
    }
    nodes {
      name: "mm"
      inputs: "a"
      inputs: "b"
      outputs: "c"
      matmul { k: 4 }
    }
  )pb");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("node 'mm': k is 4"), std::string::npos)
      << c.status();
}

TEST(WorkloadTest, LinearAppliesPerTokenAndHonoursPrecision) {
  auto c = CountText(R"pb(
                       default_dtype: FP16
                       inputs {
                         name: "x"
                         shape { symbol: "batch" }
                         shape { symbol: "seq" }
                         shape { size: 64 }
                       }
                       dim_defaults { key: "seq" value: 10 }
                       nodes {
                         name: "fc"
                         inputs: "x"
                         outputs: "y"
                         dtype: INT8
                         linear { in_features: 64 out_features: 32 bias: true }
                       }
                     )pb",
                     {{"batch", 3}});
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& w = c->layers[0];
  EXPECT_EQ(w.macs, 3 * 10 * 64 * 32);
  EXPECT_EQ(w.neuron_instances, 3 * 10 * 32);
  EXPECT_EQ(w.input_bytes, 3 * 10 * 64 * 2);   // fp16 activations in
  EXPECT_EQ(w.output_bytes, 3 * 10 * 32 * 1);  // int8 out
  EXPECT_EQ(w.weight_bytes, 64 * 32 * 1);
  EXPECT_EQ(w.dtype, v1::INT8);
}

TEST(WorkloadTest, NormsPoolsAndElementwise) {
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 8 }
      shape { size: 4 }
      shape { size: 4 }
    }
    nodes {
      name: "bn"
      inputs: "x"
      outputs: "a"
      norm { kind: BATCH features: 8 }
    }
    nodes {
      name: "max"
      inputs: "a"
      outputs: "b"
      pool { kind: MAX kernel: 2 }
    }
    nodes {
      name: "avg"
      inputs: "a"
      outputs: "c"
      pool { kind: AVERAGE kernel: 2 }
    }
    nodes {
      name: "sum"
      inputs: "b"
      inputs: "c"
      outputs: "d"
      elementwise { kind: ADD }
    }
    nodes {
      name: "gap"
      inputs: "d"
      outputs: "e"
      pool { kind: GLOBAL_AVERAGE }
    }
    nodes {
      name: "flat"
      inputs: "e"
      outputs: "f"
      reshape { shape: 0 shape: -1 }
    }
    nodes {
      name: "ln"
      inputs: "f"
      outputs: "g"
      norm { kind: LAYER features: 8 }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(Layer(*c, "bn").params, 16);
  EXPECT_EQ(Layer(*c, "max").other_ops.compares, 8 * 2 * 2 * 4);
  EXPECT_EQ(Layer(*c, "avg").other_ops.adds, 8 * 2 * 2 * 4);
  EXPECT_EQ(Layer(*c, "avg").other_ops.divs, 8 * 2 * 2);
  EXPECT_EQ(Layer(*c, "sum").other_ops.adds, 8 * 2 * 2);
  EXPECT_EQ(Layer(*c, "gap").other_ops.adds, 8 * 2 * 2);
  EXPECT_EQ(Layer(*c, "ln").params, 16);
  EXPECT_EQ(Layer(*c, "ln").other_ops.divs, 2);  // one row: mean, 1/sqrt
  EXPECT_EQ(Layer(*c, "flat").macs, 0);
}

TEST(WorkloadTest, LeNet5FromAFile) {
  // LeNet-5 (modern form): 61,706 parameters; MACs worked by hand:
  // c1 6x25x28x28 + c3 16x150x10x10 + 400x120 + 120x84 + 84x10.
  auto c = CountSource(NEUROWATT_TEST_DATA "/lenet5.textproto");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->total.params, 61706);
  EXPECT_EQ(c->total.macs, 117600 + 240000 + 48000 + 10080 + 840);
  EXPECT_EQ(c->total.neurons, 6 + 16 + 120 + 84 + 10);
}

TEST(WorkloadTest, TiedLayerMustNameAMatchingEmbedding) {
  auto c = CountText(R"pb(
    inputs {
      name: "t"
      shape { size: 1 }
      shape { size: 4 }
      dtype: INT64
    }
    nodes {
      name: "emb"
      inputs: "t"
      outputs: "e"
      embedding { vocab: 100 dim: 8 }
    }
    nodes {
      name: "head"
      inputs: "e"
      outputs: "h"
      linear { in_features: 8 out_features: 50 weight_tied_to: "emb" }
    }
  )pb");
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("node 'head'"), std::string::npos);
}

}  // namespace
}  // namespace neurowatt

namespace neurowatt {
namespace {

// One head of 4 dimensions over 3 new positions after 5 cached ones, in
// the schema's own form: k [1, 4, 3] cached along its last axis.
constexpr char kCachedHead[] = R"pb(
  inputs {
    name: "q"
    shape { size: 1 }
    shape { size: 3 }
    shape { size: 4 }
  }
  inputs {
    name: "k"
    shape { size: 1 }
    shape { size: 4 }
    shape { size: 3 }
  }
  nodes {
    name: "k.cache"
    inputs: "k"
    outputs: "kc"
    kv_cache {
      axis: -1
      cached { symbol: "context" }
    }
  }
  nodes {
    name: "scores"
    inputs: "q"
    inputs: "kc"
    outputs: "s"
    matmul { causal: SCORES }
  }
)pb";

TEST(WorkloadTest, KvCacheHoldsStateAndCausalScoresSkipTheMask) {
  auto arch = ParseArchitectureText(kCachedHead, "test");
  ASSERT_TRUE(arch.ok()) << arch.status();
  auto graph = Graph::Build(*arch, {{"context", 5}});
  ASSERT_TRUE(graph.ok()) << graph.status();
  auto full = CountNetwork(*graph);
  ASSERT_TRUE(full.ok()) << full.status();
  const Workload& cache = Layer(*full, "k.cache");
  EXPECT_EQ(cache.kind, "kv_cache");
  EXPECT_EQ(cache.state_elements, 4 * 8);  // 5 cached + 3 new positions
  EXPECT_EQ(cache.state_write_elements, 4 * 3);
  EXPECT_EQ(cache.output_bytes, 0);  // the cache is state, not activations
  const Workload& scores = Layer(*full, "scores");
  EXPECT_EQ(scores.macs, 3 * 8 * 4);
  EXPECT_EQ(scores.kv_read_elements, 4 * 8);
  EXPECT_EQ(scores.input_bytes, 3 * 4 * 4);  // q only
  // Skipping the masked pairs: the 3 queries sit at positions 6, 7, 8 and
  // attend to 6 + 7 + 8 = 21 of the 24 pairs.
  auto causal = CountNetwork(*graph, {.skip_masked = true});
  ASSERT_TRUE(causal.ok()) << causal.status();
  EXPECT_EQ(Layer(*causal, "scores").macs, 21 * 4);
  // Unbound, the cache is empty.
  auto empty = Graph::Build(*arch);
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->node(1).output_shape, (Shape{1, 3, 3}));
  auto bad = Graph::Build(*arch, {{"context", -1}});
  EXPECT_FALSE(bad.ok());
}

TEST(WorkloadTest, MixtureOfExpertsStoresEveryExpertAndWorksTheChosen) {
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 5 }
      shape { size: 16 }
    }
    nodes {
      name: "experts"
      inputs: "x"
      outputs: "y"
      linear {
        in_features: 16
        out_features: 8
        bias: true
        experts: 4
        experts_per_token: 2
      }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& w = c->layers[0];
  EXPECT_EQ(w.neurons, 4 * 8);
  EXPECT_EQ(w.synapses, 4 * 16 * 8);
  EXPECT_EQ(w.params, 4 * (16 * 8 + 8));
  EXPECT_EQ(w.active_params, 2 * (16 * 8 + 8));
  EXPECT_EQ(w.macs, 5 * 2 * 16 * 8);
  // Bias adds for 2 experts, the router's weights, the sum of the two.
  EXPECT_EQ(w.other_ops.adds, 5 * 2 * 8 + 5 * 8);
  EXPECT_EQ(w.other_ops.muls, 5 * 2 * 8);
  auto bad = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 16 }
    }
    nodes {
      name: "experts"
      inputs: "x"
      outputs: "y"
      linear { in_features: 16 out_features: 8 experts: 4 experts_per_token: 5 }
    }
  )pb");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("experts_per_token"),
            std::string::npos);
}

}  // namespace
}  // namespace neurowatt

namespace neurowatt {
namespace {

// A spiking layer written in the native schema: conv (1 -> 2 channels over
// 4 x 4) into a LIF population with `thresholds` threshold values, then a
// sum pool.
std::string Spiking(int thresholds) {
  std::string values;
  for (int i = 0; i < thresholds; ++i) values += i ? ", 1" : "1";
  return R"pb(
    name: "spiking"
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 1 }
      shape { size: 4 }
      shape { size: 4 }
    }
    nodes {
      name: "conv"
      inputs: "x"
      outputs: "conv"
      conv { in_channels: 1 out_channels: 2 kernel: 3 padding: 1 }
    }
    nodes {
      name: "lif"
      inputs: "conv"
      outputs: "lif"
      spiking_neuron {
        model: LIF
        tau: 0.01
        r: 1
        v_leak: 0
        v_threshold: [)pb" +
         values + R"pb(                                                                     ]
      }
                                                                                            }
    nodes {
      name: "pool"
      inputs: "lif"
      outputs: "pool"
      pool { kind: SUM kernel: 2 }
    }
  )pb";
}

TEST(WorkloadTest, SpikingNeuronsAreTheirLayersNeuronsAndHoldAMembrane) {
  auto c = CountText(Spiking(32));
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& conv = Layer(*c, "conv");
  EXPECT_EQ(conv.neurons, 2);
  EXPECT_EQ(conv.neuron_instances, 2 * 16);
  const Workload& lif = Layer(*c, "lif");
  EXPECT_EQ(lif.kind, "neuron");
  EXPECT_EQ(lif.neurons, 0);
  // LIF: 2 adds, 2 muls, 1 compare per neuron per step, one membrane each.
  EXPECT_EQ(lif.other_ops.adds, 2 * 32);
  EXPECT_EQ(lif.other_ops.muls, 2 * 32);
  EXPECT_EQ(lif.other_ops.compares, 32);
  EXPECT_EQ(lif.state_elements, 32);
  EXPECT_EQ(lif.state_bytes, 32 * 4);
  // tau, r, v_leak one value each, 32 thresholds.
  EXPECT_EQ(lif.params, 3 + 32);
  // Sum pooling: 4 adds an output, no divide.
  const Workload& pool = Layer(*c, "pool");
  EXPECT_EQ(pool.other_ops.adds, 2 * 2 * 2 * 4);
  EXPECT_EQ(pool.other_ops.divs, 0);
  EXPECT_EQ(c->total.neurons, 2);
}

TEST(WorkloadTest, SpikingNeuronParametersMustMatchTheNeurons) {
  // 31 thresholds for 32 neurons: neither one nor one per neuron.
  auto c = CountText(Spiking(31));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(
                "node 'lif': v_threshold has 31 values for 32 neurons"),
            std::string::npos)
      << c.status();
}

TEST(WorkloadTest, RecurrentStateMustNameANodeOfItsShape) {
  const std::string base = R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 3 }
    }
    nodes {
      name: "a"
      inputs: "x"
      inputs: "s"
      outputs: "a"
      elementwise { kind: ADD }
    }
  )pb";
  // The state "s" holds the previous step's output of `of`.
  auto state = [&](const std::string& of) {
    return base + R"pb(nodes { name: "s" outputs: "s"
                               constant { shape { size: 1 }
                                          shape { size: 3 }
                                          state_of: ")pb" +
           of + "\" } }\n";
  };
  auto ok = CountText(state("a"));
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(Layer(*ok, "s").state_source, 1);  // "a", after "s" in order
  // A population behind that loop (a sum that feeds itself) has no
  // synapse layer: it is its own 3 neurons, and the walk ends.
  auto looped = CountText(state("a") + R"pb(
    nodes {
      name: "n"
      inputs: "a"
      outputs: "n"
      spiking_neuron { model: IF r: 1 v_threshold: 1 }
    })pb");
  ASSERT_TRUE(looped.ok()) << looped.status();
  EXPECT_EQ(Layer(*looped, "n").neurons, 3);
  auto wrong = CountText(state("b"));
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.status().message().find("state_of 'b' names no node"),
            std::string::npos);
}

TEST(WorkloadTest, OneSpatialAxisTakesBeginAndEndPadding) {
  // ONNX's pads for Conv1d: [begin, end] = [2, 1] on 10 samples, k 4:
  // (10 + 3 - 4) + 1 = 10 outputs of 8 x 3 x 4 synapses.
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 3 }
      shape { size: 10 }
    }
    nodes {
      name: "c1"
      inputs: "x"
      outputs: "y"
      conv { in_channels: 3 out_channels: 8 kernel: 4 padding: 2 padding: 1 }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->layers[0].macs, 8 * 3 * 4 * 10);
}

TEST(WorkloadTest, RepeatedNodesScaleWorkNotStorage) {
  // A loop body run 6 times: a 16 -> 4 layer over [1, 16] and a ReLU.
  auto c = CountText(R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 16 }
    }
    nodes {
      name: "fc"
      inputs: "x"
      outputs: "h"
      repeats: 6
      linear { in_features: 16 out_features: 4 bias: true }
    }
    nodes {
      name: "act"
      inputs: "h"
      outputs: "y"
      repeats: 6
      activation { kind: RELU }
    }
  )pb");
  ASSERT_TRUE(c.ok()) << c.status();
  const Workload& fc = c->layers[0];
  EXPECT_EQ(fc.repeats, 6);
  EXPECT_EQ(fc.macs, 6 * 64);
  EXPECT_EQ(fc.neuron_instances, 6 * 4);
  EXPECT_EQ(fc.other_ops.adds, 6 * 4);  // bias
  EXPECT_EQ(fc.input_bytes, 6 * 16 * 4);
  EXPECT_EQ(fc.output_bytes, 6 * 4 * 4);
  EXPECT_EQ(fc.sequential_steps, 6);
  EXPECT_EQ(fc.neurons, 4);
  EXPECT_EQ(fc.synapses, 64);
  EXPECT_EQ(fc.params, 68);
  EXPECT_EQ(fc.weight_bytes, 64 * 4);
  EXPECT_EQ(c->layers[1].other_ops.compares, 6 * 4);
}

TEST(WorkloadTest, SharedParamsAreCountedAtTheirHolder) {
  // One 8 -> 8 layer applied three times: 72 params, three uses.
  constexpr char kShared[] = R"pb(
    inputs {
      name: "x"
      shape { size: 1 }
      shape { size: 8 }
    }
    nodes {
      name: "a"
      inputs: "x"
      outputs: "ya"
      linear { in_features: 8 out_features: 8 bias: true }
    }
    nodes {
      name: "b"
      inputs: "ya"
      outputs: "yb"
      shared { with: "a" params: 72 }
      linear { in_features: 8 out_features: 8 bias: true }
    }
    nodes {
      name: "c"
      inputs: "yb"
      outputs: "yc"
      shared { with: "a" params: 72 }
      linear { in_features: 8 out_features: 8 bias: true }
    }
  )pb";
  auto c = CountText(kShared);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->total.params, 72);
  EXPECT_EQ(c->total.active_params, 72);
  EXPECT_EQ(c->total.synapses, 3 * 64);
  EXPECT_EQ(c->total.macs, 3 * 64);
  for (const Workload& w : c->layers) EXPECT_EQ(w.weight_users, 3) << w.name;
  EXPECT_EQ(c->layers[2].shared_params, 72);
  EXPECT_EQ(c->layers[2].params_shared_with, "a");

  std::string later = kShared;
  later.replace(later.find("with: \"a\""), 9, "with: \"c\"");
  auto bad = CountText(later);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(
                "node 'b': shared.with names 'c', which is not an earlier node"),
            std::string::npos)
      << bad.status();
  std::string too_many = kShared;
  too_many.replace(too_many.find("params: 72"), 10, "params: 73");
  bad = CountText(too_many);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("node 'b': shares 73 params but has 72"),
            std::string::npos)
      << bad.status();
}

}  // namespace
}  // namespace neurowatt
