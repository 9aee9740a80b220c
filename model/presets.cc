#include "model/presets.h"

#include <functional>
#include <map>
#include <optional>
#include <variant>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "model/graph.h"

namespace neurowatt {
namespace {

using absl::InvalidArgumentError;
using absl::StrCat;

// Appends nodes whose output tensor is named after the node.
class Builder {
 public:
  explicit Builder(const std::string& name, const std::string& description) {
    arch_.set_name(name);
    arch_.set_description(description);
  }

  // dims: a positive size, or a symbol.
  void Input(const std::string& name,
             const std::vector<std::variant<int64_t, std::string>>& dims,
             v1::ElementType dtype = v1::ELEMENT_TYPE_UNSPECIFIED) {
    v1::TensorSpec* in = arch_.add_inputs();
    in->set_name(name);
    in->set_dtype(dtype);
    for (const auto& d : dims) {
      if (std::holds_alternative<int64_t>(d)) {
        in->add_shape()->set_size(std::get<int64_t>(d));
      } else {
        in->add_shape()->set_symbol(std::get<std::string>(d));
      }
    }
  }

  void Default(const std::string& symbol, int64_t value) {
    (*arch_.mutable_dim_defaults())[symbol] = value;
  }

  // Adds a node reading `inputs`; returns its output tensor's name.
  std::string Add(const std::string& name,
                  const std::vector<std::string>& inputs,
                  const std::function<void(v1::Node&)>& set_op) {
    v1::Node* n = arch_.add_nodes();
    n->set_name(name);
    for (const auto& i : inputs) n->add_inputs(i);
    n->add_outputs(name);
    set_op(*n);
    return name;
  }

  std::string Linear(const std::string& name, const std::string& in,
                     int64_t in_features, int64_t out_features,
                     bool bias = true) {
    return Add(name, {in}, [&](v1::Node& n) {
      n.mutable_linear()->set_in_features(in_features);
      n.mutable_linear()->set_out_features(out_features);
      n.mutable_linear()->set_bias(bias);
    });
  }

  std::string Activation(const std::string& name, const std::string& in,
                         v1::Activation::Kind kind) {
    return Add(name, {in},
               [&](v1::Node& n) { n.mutable_activation()->set_kind(kind); });
  }

  std::string LayerNorm(const std::string& name, const std::string& in,
                        int64_t features) {
    return Add(name, {in}, [&](v1::Node& n) {
      n.mutable_norm()->set_kind(v1::Norm::LAYER);
      n.mutable_norm()->set_features(features);
    });
  }

  std::string Sum(const std::string& name, const std::string& a,
                  const std::string& b) {
    return Add(name, {a, b}, [](v1::Node& n) {
      n.mutable_elementwise()->set_kind(v1::Elementwise::ADD);
    });
  }

  std::string Reshape(const std::string& name, const std::string& in,
                      const std::vector<int64_t>& shape) {
    return Add(name, {in}, [&](v1::Node& n) {
      for (int64_t d : shape) n.mutable_reshape()->add_shape(d);
    });
  }

  std::string Transpose(const std::string& name, const std::string& in,
                        const std::vector<int64_t>& perm) {
    return Add(name, {in}, [&](v1::Node& n) {
      for (int64_t p : perm) n.mutable_transpose()->add_perm(p);
    });
  }

  v1::Architecture Take() { return std::move(arch_); }

 private:
  v1::Architecture arch_;
};

// key=value pairs of a spec; each builder takes the keys it knows and the
// rest are reported as unknown.
class Params {
 public:
  Params(std::string spec, std::map<std::string, std::string> values)
      : spec_(std::move(spec)), values_(std::move(values)) {}

  absl::StatusOr<int64_t> Int(const std::string& key, int64_t fallback) {
    std::optional<std::string> text = Take(key);
    if (!text) return fallback;
    int64_t v;
    if (!absl::SimpleAtoi(*text, &v) || v <= 0 || v > kMaxDimension) {
      return Bad(key, *text, "a whole number from 1 to 2^40");
    }
    return v;
  }

  absl::StatusOr<bool> Bool(const std::string& key, bool fallback) {
    std::optional<std::string> text = Take(key);
    if (!text) return fallback;
    bool v;
    if (!absl::SimpleAtob(*text, &v)) return Bad(key, *text, "true or false");
    return v;
  }

  // "784-512-10": two or more positive sizes.
  absl::StatusOr<std::vector<int64_t>> Sizes(
      const std::string& key, const std::vector<int64_t>& fallback) {
    std::optional<std::string> found = Take(key);
    if (!found) return fallback;
    const std::string& text = *found;
    std::vector<int64_t> out;
    for (absl::string_view part : absl::StrSplit(text, '-')) {
      int64_t v;
      if (!absl::SimpleAtoi(part, &v) || v <= 0 || v > kMaxDimension) {
        return Bad(key, text, "sizes joined by '-', e.g. 784-512-10");
      }
      out.push_back(v);
    }
    return out;
  }

  // Fails when keys remain that no builder asked for.
  absl::Status Finish(const std::string& known) const {
    if (values_.empty()) return absl::OkStatus();
    return InvalidArgumentError(StrCat("preset:", spec_, ": unknown key '",
                                       values_.begin()->first,
                                       "' (known keys: ", known, ")"));
  }

 private:
  // Removes and returns the value of `key`, if given.
  std::optional<std::string> Take(const std::string& key) {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    std::string text = std::move(it->second);
    values_.erase(it);
    return text;
  }

  absl::Status Bad(const std::string& key, const std::string& value,
                   const std::string& want) const {
    return InvalidArgumentError(StrCat("preset:", spec_, ": ", key, "=", value,
                                       " is not valid; expected ", want));
  }

  std::string spec_;
  std::map<std::string, std::string> values_;
};

v1::Architecture RecurrentArchitecture(const std::string& name,
                                       v1::Recurrent::Cell cell, int64_t input,
                                       int64_t hidden, int64_t layers,
                                       int64_t timesteps, bool bidirectional) {
  Builder b(name, StrCat(v1::Recurrent::Cell_Name(cell), " ", layers,
                         " layer(s), input ", input, ", hidden ", hidden, ", ",
                         timesteps, " timesteps"));
  b.Input("x", {std::string("batch"), std::string("timesteps"), input});
  b.Default("timesteps", timesteps);
  b.Add("recurrent", {"x"}, [&](v1::Node& n) {
    v1::Recurrent* r = n.mutable_recurrent();
    r->set_cell(cell);
    r->set_input_size(input);
    r->set_hidden_size(hidden);
    r->set_layers(layers);
    r->set_bidirectional(bidirectional);
    r->set_bias(true);
  });
  return b.Take();
}

struct CnnOptions {
  std::string name = "cnn";
  int64_t in_channels = 3;
  int64_t image = 32;
  std::vector<int64_t> channels = {32, 64};
  int64_t kernel = 3;
  int64_t classes = 10;
};

// Per stage a same-padded convolution, ReLU and 2x2 max pool (while the
// image is at least 2 wide); then global average pooling and a classifier.
v1::Architecture CnnArchitecture(const CnnOptions& o) {
  Builder b(o.name, StrCat("conv stack ", absl::StrJoin(o.channels, "-"),
                           " on ", o.in_channels, "x", o.image, "x", o.image,
                           ", ", o.classes, " classes"));
  b.Input("image", {std::string("batch"), o.in_channels, o.image, o.image});
  std::string x = "image";
  int64_t c = o.in_channels, size = o.image;
  for (size_t i = 0; i < o.channels.size(); ++i) {
    const std::string stage = StrCat("conv", i + 1);
    const int64_t out = o.channels[i];
    x = b.Add(stage, {x}, [&](v1::Node& n) {
      v1::Conv* conv = n.mutable_conv();
      conv->set_in_channels(c);
      conv->set_out_channels(out);
      conv->add_kernel(o.kernel);
      conv->add_padding(o.kernel / 2);
      conv->set_bias(true);
    });
    // Same padding keeps the size for odd kernels; even ones grow it by one.
    size = size + 2 * (o.kernel / 2) - o.kernel + 1;
    x = b.Activation(StrCat(stage, ".relu"), x, v1::Activation::RELU);
    if (size >= 2) {
      x = b.Add(StrCat(stage, ".pool"), {x}, [](v1::Node& n) {
        n.mutable_pool()->set_kind(v1::Pool::MAX);
        n.mutable_pool()->add_kernel(2);
      });
      size /= 2;
    }
    c = out;
  }
  x = b.Add("gap", {x}, [](v1::Node& n) {
    n.mutable_pool()->set_kind(v1::Pool::GLOBAL_AVERAGE);
  });
  x = b.Reshape("flatten", x, {0, -1});
  b.Linear("classifier", x, c, o.classes);
  return b.Take();
}

struct Named {
  std::string kind;
  std::map<std::string, std::string> values;
  std::string description;
};

const std::map<std::string, Named>& NamedPresets() {
  static const auto* presets = new std::map<std::string, Named>{
      {"gpt3-175b",
       {"gpt",
        {{"d_model", "12288"},
         {"layers", "96"},
         {"heads", "96"},
         {"seq", "2048"},
         {"embeddings", "false"}},
        "GPT-3 175B blocks as the seed chapter counts them: 96 blocks, "
        "d_model 12288, 96 heads, seq 2048; no embeddings or head"}},
      {"gpt3-175b-full",
       {"gpt",
        {{"d_model", "12288"},
         {"layers", "96"},
         {"heads", "96"},
         {"seq", "2048"},
         {"vocab", "50257"},
         {"embeddings", "true"}},
        "GPT-3 175B with token and position embeddings and the (tied) LM "
        "head (Brown et al. 2020, Table 2.1)"}},
      {"gpt2-small",
       {"gpt",
        {{"d_model", "768"},
         {"layers", "12"},
         {"heads", "12"},
         {"seq", "1024"},
         {"vocab", "50257"},
         {"embeddings", "true"}},
        "GPT-2 small (124M): d 768, 12 layers, 12 heads, seq 1024, vocab "
        "50257, tied LM head"}},
      // Llama 2 (Touvron et al. 2023, Table 1 and the released configs);
      // Llama 3 (Meta 2024, model card); Mixtral (Jiang et al. 2024).
      {"llama2-7b",
       {"llama",
        {{"d_model", "4096"},
         {"layers", "32"},
         {"heads", "32"},
         {"kv_heads", "32"},
         {"d_ff", "11008"},
         {"seq", "4096"},
         {"vocab", "32000"}},
        "Llama 2 7B: d 4096, 32 layers, 32 heads, SwiGLU 11008, seq 4096, "
        "vocab 32000 (6.74 B parameters)"}},
      {"llama2-13b",
       {"llama",
        {{"d_model", "5120"},
         {"layers", "40"},
         {"heads", "40"},
         {"kv_heads", "40"},
         {"d_ff", "13824"},
         {"seq", "4096"},
         {"vocab", "32000"}},
        "Llama 2 13B: d 5120, 40 layers, 40 heads, SwiGLU 13824, seq 4096, "
        "vocab 32000 (13.0 B parameters)"}},
      {"llama2-70b",
       {"llama",
        {{"d_model", "8192"},
         {"layers", "80"},
         {"heads", "64"},
         {"kv_heads", "8"},
         {"d_ff", "28672"},
         {"seq", "4096"},
         {"vocab", "32000"}},
        "Llama 2 70B: d 8192, 80 layers, 64 heads sharing 8 KV heads "
        "(grouped-query), SwiGLU 28672, seq 4096 (69.0 B parameters)"}},
      {"llama3-8b",
       {"llama",
        {{"d_model", "4096"},
         {"layers", "32"},
         {"heads", "32"},
         {"kv_heads", "8"},
         {"d_ff", "14336"},
         {"seq", "8192"},
         {"vocab", "128256"}},
        "Llama 3 8B: d 4096, 32 layers, 32 heads sharing 8 KV heads, "
        "SwiGLU 14336, seq 8192, vocab 128256 (8.03 B parameters)"}},
      {"mixtral-8x7b",
       {"llama",
        {{"d_model", "4096"},
         {"layers", "32"},
         {"heads", "32"},
         {"kv_heads", "8"},
         {"d_ff", "14336"},
         {"seq", "32768"},
         {"vocab", "32000"},
         {"experts", "8"},
         {"experts_per_token", "2"}},
        "Mixtral 8x7B: Mistral 7B's attention (32 heads, 8 KV heads) and 8 "
        "SwiGLU experts of 14336 per block, top-2 (46.7 B parameters "
        "stored, 12.9 B active per token)"}},
      {"seed-mlp-2x2",
       {"mlp",
        {{"sizes", "3-2-2"}},
        "the seed chapter's two-layer MLP: 3 inputs, two layers of two "
        "neurons"}},
      {"seed-mlp-4x3",
       {"mlp",
        {{"sizes", "3-3-3-3-3"}},
        "the seed chapter's four-layer MLP: 3 inputs, four layers of three "
        "neurons"}},
      {"seed-kv",
       {"kv",
        {},
        "the seed chapter's key-value memory: 3 inputs, 8 key "
        "neurons, 2 value neurons"}},
  };
  return *presets;
}

const std::map<std::string, std::string>& KindKeys() {
  static const auto* kinds = new std::map<std::string, std::string>{
      {"mlp", "sizes (default 784-512-10)"},
      {"cnn",
       "in_channels (3), image (32), channels (32-64), kernel (3), classes "
       "(10)"},
      {"rnn",
       "input (256), hidden (512), layers (1), timesteps (50), bidirectional "
       "(false)"},
      {"lstm",
       "input (256), hidden (512), layers (1), timesteps (50), bidirectional "
       "(false)"},
      {"gru",
       "input (256), hidden (512), layers (1), timesteps (50), bidirectional "
       "(false)"},
      {"gpt",
       "d_model (768), layers (12), heads (12), kv_heads (heads), d_ff (4 x "
       "d_model), seq (1024), vocab (50257), embeddings (true)"},
      {"llama",
       "d_model (4096), layers (32), heads (32), kv_heads (heads), d_ff "
       "(11008), seq (4096), vocab (32000), experts (1), experts_per_token "
       "(2), embeddings (true)"},
  };
  return *kinds;
}

absl::StatusOr<v1::Architecture> BuildKind(const std::string& spec,
                                           const std::string& kind,
                                           const std::string& name, Params& p) {
  const std::string known = KindKeys().count(kind) ? KindKeys().at(kind) : "";
  if (kind == "mlp") {
    auto sizes = p.Sizes("sizes", {784, 512, 10});
    if (!sizes.ok()) return sizes.status();
    if (sizes->size() < 2) {
      return InvalidArgumentError(
          StrCat("preset:", spec,
                 ": sizes needs the input width and at least one "
                 "layer, e.g. 784-512-10"));
    }
    if (auto s = p.Finish(known); !s.ok()) return s;
    return MlpArchitecture(name, *sizes);
  }
  if (kind == "kv") {
    if (auto s = p.Finish("none"); !s.ok()) return s;
    Builder b(name, NamedPresets().at("seed-kv").description);
    b.Input("x", {std::string("batch"), int64_t{3}});
    std::string x = b.Linear("key", "x", 3, 8);
    x = b.Activation("key.relu", x, v1::Activation::RELU);
    b.Linear("value", x, 8, 2);
    return b.Take();
  }
  if (kind == "cnn") {
    CnnOptions o;
    o.name = name;
    auto in = p.Int("in_channels", o.in_channels);
    auto image = p.Int("image", o.image);
    auto channels = p.Sizes("channels", o.channels);
    auto kernel = p.Int("kernel", o.kernel);
    auto classes = p.Int("classes", o.classes);
    for (const absl::Status& s :
         {in.status(), image.status(), channels.status(), kernel.status(),
          classes.status()}) {
      if (!s.ok()) return s;
    }
    if (auto s = p.Finish(known); !s.ok()) return s;
    o.in_channels = *in;
    o.image = *image;
    o.channels = *channels;
    o.kernel = *kernel;
    o.classes = *classes;
    return CnnArchitecture(o);
  }
  if (kind == "rnn" || kind == "lstm" || kind == "gru") {
    auto input = p.Int("input", 256);
    auto hidden = p.Int("hidden", 512);
    auto layers = p.Int("layers", 1);
    auto steps = p.Int("timesteps", 50);
    auto bidir = p.Bool("bidirectional", false);
    for (const absl::Status& s :
         {input.status(), hidden.status(), layers.status(), steps.status(),
          bidir.status()}) {
      if (!s.ok()) return s;
    }
    if (auto s = p.Finish(known); !s.ok()) return s;
    const v1::Recurrent::Cell cell = kind == "lstm"  ? v1::Recurrent::LSTM
                                     : kind == "gru" ? v1::Recurrent::GRU
                                                     : v1::Recurrent::RNN;
    return RecurrentArchitecture(name, cell, *input, *hidden, *layers, *steps,
                                 *bidir);
  }
  if (kind == "gpt" || kind == "llama") {
    const bool llama = kind == "llama";
    GptOptions o;
    o.name = name;
    o.llama = llama;
    if (llama) {
      o.d_model = 4096;
      o.layers = 32;
      o.heads = 32;
      o.d_ff = 11008;
      o.seq = 4096;
      o.vocab = 32000;
    }
    auto d = p.Int("d_model", o.d_model);
    auto layers = p.Int("layers", o.layers);
    auto heads = p.Int("heads", o.heads);
    if (!d.ok()) return d.status();
    if (!heads.ok()) return heads.status();
    auto kv_heads = p.Int("kv_heads", *heads);
    auto d_ff = p.Int("d_ff", llama ? o.d_ff : 4 * *d);
    auto seq = p.Int("seq", o.seq);
    auto vocab = p.Int("vocab", o.vocab);
    auto emb = p.Bool("embeddings", o.embeddings);
    absl::StatusOr<int64_t> experts = int64_t{1}, per_token = int64_t{2};
    if (llama) {
      experts = p.Int("experts", 1);
      per_token = p.Int("experts_per_token", 2);
    }
    for (const absl::Status& s :
         {layers.status(), kv_heads.status(), d_ff.status(), seq.status(),
          vocab.status(), emb.status(), experts.status(), per_token.status()}) {
      if (!s.ok()) return s;
    }
    if (auto s = p.Finish(known); !s.ok()) return s;
    // Blocks are built node by node: a typo must not take all memory.
    constexpr int64_t kMaxBlocks = 10000;
    if (*layers > kMaxBlocks) {
      return InvalidArgumentError(
          StrCat("preset:", spec, ": layers = ", *layers, " is more than ",
                 kMaxBlocks, " blocks"));
    }
    if (*d % *heads != 0) {
      return InvalidArgumentError(StrCat("preset:", spec, ": heads = ", *heads,
                                         " does not divide d_model = ", *d));
    }
    if (*heads % *kv_heads != 0) {
      return InvalidArgumentError(StrCat("preset:", spec,
                                         ": kv_heads = ", *kv_heads,
                                         " does not divide heads = ", *heads));
    }
    if (*experts > 1 && *per_token > *experts) {
      return InvalidArgumentError(StrCat("preset:", spec,
                                         ": experts_per_token = ", *per_token,
                                         " is more than experts = ", *experts));
    }
    o.d_model = *d;
    o.layers = *layers;
    o.heads = *heads;
    o.kv_heads = *kv_heads;
    o.d_ff = *d_ff;
    o.seq = *seq;
    o.vocab = *vocab;
    o.embeddings = *emb;
    o.experts = *experts;
    o.experts_per_token = *per_token;
    return GptArchitecture(o);
  }
  return InvalidArgumentError(
      StrCat("preset:", spec, ": unknown preset '", kind, "'"));
}

}  // namespace

std::vector<PresetInfo> ListPresets() {
  std::vector<PresetInfo> out;
  for (const auto& [name, p] : NamedPresets()) {
    out.push_back({name, p.kind, p.description});
  }
  for (const auto& [kind, keys] : KindKeys()) {
    out.push_back({kind, kind, StrCat("keys: ", keys)});
  }
  return out;
}

v1::Architecture MlpArchitecture(const std::string& name,
                                 const std::vector<int64_t>& sizes) {
  Builder b(name, StrCat("MLP ", absl::StrJoin(sizes, "-")));
  b.Input("x", {std::string("batch"), sizes[0]});
  std::string x = "x";
  for (size_t i = 1; i < sizes.size(); ++i) {
    x = b.Linear(StrCat("fc", i), x, sizes[i - 1], sizes[i]);
    if (i + 1 < sizes.size()) {
      x = b.Activation(StrCat("fc", i, ".relu"), x, v1::Activation::RELU);
    }
  }
  return b.Take();
}

v1::Architecture GptArchitecture(const GptOptions& o) {
  const int64_t d = o.d_model, h = o.heads, dh = o.d_model / o.heads;
  const int64_t hkv = o.kv_heads == 0 ? h : o.kv_heads;
  const int64_t group = h / hkv;  // query heads per key-value head
  const int64_t d_ff = o.d_ff == 0 ? 4 * d : o.d_ff;
  const bool moe = o.experts > 1;
  const bool bias = !o.llama;
  std::string attention =
      hkv == h ? StrCat(h, " heads")
               : StrCat(h, " heads, ", hkv, " KV heads",
                        hkv == 1 ? " (multi-query)" : " (grouped-query)");
  std::string mlp =
      o.llama ? StrCat("SwiGLU d_ff ", d_ff) : StrCat("d_ff ", d_ff);
  if (moe) {
    mlp = StrCat(o.experts, " experts of ", mlp, ", top-", o.experts_per_token);
  }
  Builder b(
      o.name,
      StrCat("decoder-only transformer: d_model ", d, ", ", o.layers,
             " blocks, ", attention, ", ", mlp, ", seq ", o.seq,
             o.llama ? ", RMSNorm, rotary positions" : "",
             o.embeddings ? StrCat(", vocab ", o.vocab,
                                   o.llama ? ", embeddings and LM head"
                                           : ", embeddings and tied LM head")
                          : ", blocks only"));
  b.Default("seq", o.seq);
  std::string x("x");
  if (o.embeddings) {
    b.Input("tokens", {std::string("batch"), std::string("seq")}, v1::INT64);
    auto embed = [&](const std::string& name, int64_t rows) {
      return b.Add(name, {"tokens"}, [&](v1::Node& n) {
        n.mutable_embedding()->set_vocab(rows);
        n.mutable_embedding()->set_dim(d);
      });
    };
    // Position ids have the token ids' shape; the table has seq rows.
    x = o.llama ? embed("embed", o.vocab)
                : b.Sum("embed", embed("wte", o.vocab), embed("wpe", o.seq));
  } else {
    b.Input(x, {std::string("batch"), std::string("seq"), d});
  }
  auto norm = [&](const std::string& name, const std::string& in) {
    return b.Add(name, {in}, [&](v1::Node& n) {
      n.mutable_norm()->set_kind(o.llama ? v1::Norm::RMS : v1::Norm::LAYER);
      n.mutable_norm()->set_features(d);
    });
  };
  auto linear = [&](const std::string& name, const std::string& in,
                    int64_t from, int64_t to, bool routed) {
    return b.Add(name, {in}, [&](v1::Node& n) {
      v1::Linear* l = n.mutable_linear();
      l->set_in_features(from);
      l->set_out_features(to);
      l->set_bias(bias);
      if (routed) {
        l->set_experts(o.experts);
        l->set_experts_per_token(o.experts_per_token);
      }
    });
  };
  for (int64_t i = 0; i < o.layers; ++i) {
    const std::string p = StrCat("blocks.", i, ".");
    const std::string a = norm(StrCat(p, "ln1"), x);
    // Heads as [B, kv heads, group, S, dh]: each key-value head serves
    // `group` query heads, read once for all of them.
    auto heads = [&](const std::string& name, int64_t count, int64_t g,
                     const std::vector<int64_t>& perm) {
      std::string t = linear(StrCat(p, "attn.", name), a, d, count * dh, false);
      t = b.Reshape(StrCat(p, "attn.", name, ".split"), t,
                    {0, 0, count / g, g, dh});
      if (o.llama && name != "v") {
        t = b.Add(StrCat(p, "attn.", name, ".rope"), {t},
                  [](v1::Node& n) { n.mutable_rotary(); });
      }
      return b.Transpose(StrCat(p, "attn.", name, ".heads"), t, perm);
    };
    auto cache = [&](const std::string& name, const std::string& in,
                     int64_t axis) {
      return b.Add(StrCat(p, "attn.", name, ".cache"), {in}, [&](v1::Node& n) {
        n.mutable_kv_cache()->set_axis(axis);
        n.mutable_kv_cache()->mutable_cached()->set_symbol("context");
      });
    };
    const std::string q =
        heads("q", h, group, {0, 2, 3, 1, 4});  // [B,G,g,S,dh]
    const std::string k =
        cache("k", heads("k", hkv, 1, {0, 2, 3, 4, 1}), -1);  // [B,G,1,dh,P]
    const std::string v =
        cache("v", heads("v", hkv, 1, {0, 2, 3, 1, 4}), -2);  // [B,G,1,P,dh]
    auto attend = [&](const std::string& name, const std::string& lhs,
                      const std::string& rhs, v1::MatMul::Causal causal) {
      return b.Add(StrCat(p, "attn.", name), {lhs, rhs}, [&](v1::Node& n) {
        n.mutable_matmul()->set_causal(causal);
      });
    };
    std::string s = attend("scores", q, k, v1::MatMul::SCORES);
    s = b.Activation(StrCat(p, "attn.softmax"), s, v1::Activation::SOFTMAX);
    s = attend("mix", s, v, v1::MatMul::VALUES);
    s = b.Transpose(StrCat(p, "attn.merge"), s, {0, 3, 1, 2, 4});
    s = b.Reshape(StrCat(p, "attn.concat"), s, {0, 0, d});
    s = linear(StrCat(p, "attn.o"), s, d, d, false);
    x = b.Sum(StrCat(p, "attn.residual"), x, s);
    std::string m = norm(StrCat(p, "ln2"), x);
    if (moe) {
      std::string r = b.Linear(StrCat(p, "mlp.router"), m, d, o.experts,
                               /*bias=*/false);
      b.Activation(StrCat(p, "mlp.router.softmax"), r, v1::Activation::SOFTMAX);
    }
    if (o.llama) {
      const std::string gate = b.Activation(
          StrCat(p, "mlp.gate.silu"),
          linear(StrCat(p, "mlp.gate"), m, d, d_ff, moe), v1::Activation::SILU);
      const std::string up = linear(StrCat(p, "mlp.up"), m, d, d_ff, moe);
      m = b.Add(StrCat(p, "mlp.glu"), {gate, up}, [](v1::Node& n) {
        n.mutable_elementwise()->set_kind(v1::Elementwise::MUL);
      });
      m = linear(StrCat(p, "mlp.down"), m, d_ff, d, moe);
    } else {
      m = linear(StrCat(p, "mlp.key"), m, d, d_ff, moe);
      m = b.Activation(StrCat(p, "mlp.gelu"), m, v1::Activation::GELU);
      m = linear(StrCat(p, "mlp.value"), m, d_ff, d, moe);
    }
    x = b.Sum(StrCat(p, "mlp.residual"), x, m);
  }
  if (o.embeddings) {
    x = norm("ln_f", x);
    b.Add("lm_head", {x}, [&](v1::Node& n) {
      n.mutable_linear()->set_in_features(d);
      n.mutable_linear()->set_out_features(o.vocab);
      if (!o.llama) n.mutable_linear()->set_weight_tied_to("wte");
    });
  }
  return b.Take();
}

absl::StatusOr<v1::Architecture> BuildPreset(absl::string_view spec) {
  const std::string s(spec);
  std::vector<std::string> parts = absl::StrSplit(s, absl::MaxSplits(':', 1));
  const std::string& head = parts[0];
  std::map<std::string, std::string> values;
  std::string kind = head, name = head;
  if (auto it = NamedPresets().find(head); it != NamedPresets().end()) {
    kind = it->second.kind;
    values = it->second.values;
  } else if (!KindKeys().count(head)) {
    std::vector<std::string> names;
    for (const auto& p : ListPresets()) names.push_back(p.name);
    return InvalidArgumentError(StrCat("preset:", s, ": unknown preset '", head,
                                       "' (known: ", absl::StrJoin(names, ", "),
                                       ")"));
  }
  if (parts.size() == 2 && !parts[1].empty()) {
    std::map<std::string, std::string> given;
    for (absl::string_view kv : absl::StrSplit(parts[1], ',')) {
      std::vector<std::string> pair =
          absl::StrSplit(kv, absl::MaxSplits('=', 1));
      if (pair.size() != 2 || pair[0].empty()) {
        return InvalidArgumentError(
            StrCat("preset:", s, ": '", kv, "' is not key=value"));
      }
      if (!given.emplace(pair[0], pair[1]).second) {
        return InvalidArgumentError(
            StrCat("preset:", s, ": key '", pair[0], "' is given twice"));
      }
      values[pair[0]] = pair[1];
    }
  }
  Params params(s, std::move(values));
  return BuildKind(s, kind, name, params);
}

}  // namespace neurowatt
