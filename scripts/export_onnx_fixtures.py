#!/usr/bin/python3
"""Export real PyTorch models to small ONNX test fixtures for neurowatt.

The ONNX importer tests read these fixtures from tests/data/onnx/. Each model
is exported with torch.onnx.export and then "weight-stripped": every
floating-point initializer with more than 16 elements keeps its dims and
data_type but loses its payload, so a file describes the architecture (which
is all neurowatt needs to count neurons, synapses and MACs) in well under
1 MB. Integer initializers (shape constants for Reshape and the like) and tiny
float constants are kept. tiny_mlp_weights.onnx is the one exception: it keeps
its (hand-set) weights so tests can check weight-dependent results.

Stripped files are not valid for onnx.checker or onnxruntime; that is intended.

Run it with Debian's interpreter, which has python3-torch (1.13),
python3-torchvision (0.14) and python3-onnx (1.12):

    /usr/bin/python3 scripts/export_onnx_fixtures.py [--out DIR]
        [--only NAME ...] [--gpt2-full PATH]

--only takes fixture names without ".onnx" (e.g. --only lstm gru).
--gpt2-full PATH exports a full 12-layer GPT-2 small with its (random)
weights, about 650 MB, for a load-time benchmark; it is never committed.
Given alone it exports only that model; combine it with --only to export
fixtures in the same run.

Weights are random (weights=None for torchvision, torch.manual_seed(0)); the
counts do not depend on the values. CI does not run this script: the
generated fixtures are committed, and the script is kept only so they can be
regenerated.
"""

import argparse
import collections
import math
import os
import sys
import warnings

import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "data", "onnx")
MAX_FIXTURE_BYTES = 1 << 20

FLOAT_TYPES = {
    onnx.TensorProto.FLOAT,
    onnx.TensorProto.FLOAT16,
    onnx.TensorProto.DOUBLE,
    onnx.TensorProto.BFLOAT16,
}


# ---------------------------------------------------------------------------
# Models that torchvision does not provide.


class SelfAttention(nn.Module):
    """nn.MultiheadAttention used as self-attention."""

    def __init__(self, embed_dim=64, num_heads=4):
        super().__init__()
        self.attn = nn.MultiheadAttention(embed_dim, num_heads,
                                          batch_first=True)

    def forward(self, x):
        return self.attn(x, x, x, need_weights=False)[0]


class RecurrentOutput(nn.Module):
    """Runs an nn.LSTM/GRU/RNN and returns only the output sequence."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0]


class CausalSelfAttention(nn.Module):
    def __init__(self, d, n_head):
        super().__init__()
        assert d % n_head == 0
        self.n_head = n_head
        self.head_dim = d // n_head
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        b, t, d = x.shape
        q, k, v = self.qkv(x).split(d, dim=2)
        q = q.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        k = k.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        v = v.view(b, t, self.n_head, self.head_dim).transpose(1, 2)
        scores = q @ k.transpose(-2, -1) / math.sqrt(self.head_dim)
        # Causal mask built from the sequence length (ONNX Trilu), rather
        # than a registered [n_positions, n_positions] buffer, which would
        # be a 1 MB bool initializer on its own.
        mask = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        scores = scores.masked_fill(mask, float("-inf"))
        att = F.softmax(scores, dim=-1)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(b, t, d)
        return self.proj(y)


class GPT2Block(nn.Module):
    def __init__(self, d, n_head):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d)
        self.attn = CausalSelfAttention(d, n_head)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(),
                                 nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT2(nn.Module):
    """GPT-2-style decoder (GPT-2 small by default) in plain torch."""

    def __init__(self, vocab=50257, n_positions=1024, d=768, n_layer=12,
                 n_head=12):
        super().__init__()
        self.wte = nn.Embedding(vocab, d)
        self.wpe = nn.Embedding(n_positions, d)
        self.blocks = nn.ModuleList(
            [GPT2Block(d, n_head) for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.lm_head.weight = self.wte.weight  # tied

    def forward(self, ids):
        t = ids.shape[1]
        pos = torch.arange(t, dtype=torch.long, device=ids.device)
        x = self.wte(ids) + self.wpe(pos)
        for block in self.blocks:
            x = block(x)
        return self.lm_head(self.ln_f(x))


class CachedAttention(nn.Module):
    """Grouped-query attention over a KV cache, as Hugging Face decoders
    export it: the new keys and values are appended to past_key / past_value
    (Concat on the positions axis), returned as the present cache, and
    repeated for the query heads that share them (repeat_kv)."""

    def __init__(self, d, n_head, n_kv_head):
        super().__init__()
        self.n_head, self.n_kv_head = n_head, n_kv_head
        self.head_dim = d // n_head
        self.q = nn.Linear(d, d, bias=False)
        self.k = nn.Linear(d, n_kv_head * self.head_dim, bias=False)
        self.v = nn.Linear(d, n_kv_head * self.head_dim, bias=False)
        self.o = nn.Linear(d, d, bias=False)

    def forward(self, x, past_k, past_v):
        b, t, d = x.shape
        dh, g = self.head_dim, self.n_head // self.n_kv_head
        q = self.q(x).view(b, t, self.n_head, dh).transpose(1, 2)
        k = self.k(x).view(b, t, self.n_kv_head, dh).transpose(1, 2)
        v = self.v(x).view(b, t, self.n_kv_head, dh).transpose(1, 2)
        k = torch.cat([past_k, k], dim=2)
        v = torch.cat([past_v, v], dim=2)
        p = k.shape[2]
        kr = k[:, :, None].expand(b, self.n_kv_head, g, p, dh).reshape(
            b, self.n_head, p, dh)
        vr = v[:, :, None].expand(b, self.n_kv_head, g, p, dh).reshape(
            b, self.n_head, p, dh)
        att = F.softmax(q @ kr.transpose(-2, -1) / math.sqrt(dh), dim=-1)
        y = (att @ vr).transpose(1, 2).reshape(b, t, d)
        return self.o(y), k, v


class CachedDecoder(nn.Module):
    """A two-block decoder taking past_key_values (no position embedding):
    the fixture for --phase decode on ONNX graphs."""

    def __init__(self, vocab=1000, d=64, n_layer=2, n_head=4, n_kv_head=2):
        super().__init__()
        self.n_layer = n_layer
        self.wte = nn.Embedding(vocab, d)
        self.ln1 = nn.ModuleList([nn.LayerNorm(d) for _ in range(n_layer)])
        self.attn = nn.ModuleList(
            [CachedAttention(d, n_head, n_kv_head) for _ in range(n_layer)])
        self.ln2 = nn.ModuleList([nn.LayerNorm(d) for _ in range(n_layer)])
        self.mlp = nn.ModuleList([
            nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))
            for _ in range(n_layer)])
        self.ln_f = nn.LayerNorm(d)
        self.lm_head = nn.Linear(d, vocab, bias=False)

    def forward(self, ids, *past):
        x = self.wte(ids)
        present = []
        for i in range(self.n_layer):
            a, k, v = self.attn[i](self.ln1[i](x), past[2 * i], past[2 * i + 1])
            x = x + a
            x = x + self.mlp[i](self.ln2[i](x))
            present += [k, v]
        return (self.lm_head(self.ln_f(x)), *present)


def cached_decoder_spec():
    past = [f"past_key_values.{i}.{kv}" for i in range(2)
            for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(2) for kv in ("key", "value")]
    axes = {"ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"}}
    for name in past:
        axes[name] = {0: "batch", 2: "past_seq"}
    for name in present:
        axes[name] = {0: "batch", 2: "total_seq"}
    return dict(
        model=CachedDecoder,
        example=lambda: (torch.randint(0, 1000, (1, 1)),
                         *[torch.randn(1, 2, 5, 16) for _ in past]),
        input_names=["ids"] + past, output_names=["logits"] + present,
        dynamic_axes=axes, opset=14)


def tiny_mlp():
    model = nn.Sequential(nn.Linear(4, 3, bias=False), nn.ReLU(),
                          nn.Linear(3, 2, bias=True))
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[1.0, -2.0, 0.0, 3.0],
                                            [0.5, -1.0, 0.0, 2.0],
                                            [0.0, -3.0, 0.0, 1.0]]))
        model[2].weight.copy_(torch.tensor([[1.0, -1.0, 0.0],
                                            [2.0, -2.0, 0.25]]))
        model[2].bias.copy_(torch.tensor([0.5, -0.5]))
    return model


# ---------------------------------------------------------------------------
# Fixture table: name -> (model factory, example input, export kwargs, strip).


def fixtures():
    image = lambda: torch.randn(1, 3, 224, 224)
    return collections.OrderedDict([
        ("resnet18", dict(
            model=lambda: torchvision.models.resnet18(weights=None),
            example=image,
            input_names=["input"], output_names=["output"],
            dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})),
        ("mobilenet_v2", dict(
            model=lambda: torchvision.models.mobilenet_v2(weights=None),
            example=image,
            input_names=["input"], output_names=["output"])),
        ("vit_b_16", dict(
            model=lambda: torchvision.models.vit_b_16(weights=None),
            example=image,
            input_names=["input"], output_names=["output"])),
        ("mha", dict(
            model=lambda: SelfAttention(64, 4),
            example=lambda: torch.randn(1, 10, 64),
            input_names=["x"], output_names=["y"])),
        ("lstm", dict(
            model=lambda: RecurrentOutput(
                nn.LSTM(input_size=32, hidden_size=64, num_layers=2)),
            example=lambda: torch.randn(20, 1, 32),
            input_names=["x"], output_names=["y"],
            dynamic_axes={"x": {0: "seq"}, "y": {0: "seq"}})),
        ("gru", dict(
            model=lambda: RecurrentOutput(
                nn.GRU(input_size=16, hidden_size=24, num_layers=1,
                       bidirectional=True)),
            example=lambda: torch.randn(5, 1, 16),
            input_names=["x"], output_names=["y"])),
        ("rnn", dict(
            model=lambda: RecurrentOutput(nn.RNN(input_size=8,
                                                 hidden_size=10)),
            example=lambda: torch.randn(7, 1, 8),
            input_names=["x"], output_names=["y"])),
        ("conv_transpose", dict(
            model=lambda: nn.Sequential(
                nn.ConvTranspose2d(16, 8, kernel_size=4, stride=2,
                                   padding=1),
                nn.ReLU(),
                nn.ConvTranspose2d(8, 4, kernel_size=3, stride=1, padding=1,
                                   groups=2)),
            example=lambda: torch.randn(1, 16, 8, 8),
            input_names=["x"], output_names=["y"])),
        ("tiny_mlp_weights", dict(
            model=tiny_mlp,
            example=lambda: torch.randn(1, 4),
            input_names=["x"], output_names=["y"],
            strip=False, perturb=False)),
        ("gpt2_block", dict(
            model=lambda: GPT2(n_layer=1),
            example=lambda: torch.randint(0, 50257, (1, 8)),
            input_names=["ids"], output_names=["logits"],
            dynamic_axes={"ids": {1: "seq"}, "logits": {1: "seq"}},
            opset=14)),
        ("decoder_past_kv", cached_decoder_spec()),
    ])


# ---------------------------------------------------------------------------


def strip_weights(model):
    """Clears the payload of float initializers with more than 16 elements."""
    for init in model.graph.initializer:
        if init.data_type not in FLOAT_TYPES:
            continue
        if math.prod(init.dims) <= 16:
            continue
        init.ClearField("raw_data")
        init.ClearField("float_data")
        init.ClearField("double_data")
        init.ClearField("int32_data")  # FLOAT16/BFLOAT16 non-raw storage


def perturb(model):
    """Adds small noise to every parameter so no two are equal by value.

    Freshly initialised models have many identical parameters (LayerNorm and
    BatchNorm weights of ones, biases of zeros; after Conv+BatchNorm folding,
    all-zero conv biases). torch.onnx.export deduplicates initializers by
    value and feeds the copies through Identity nodes, which a pretrained
    model would not show. The noise keeps the exported graph like that of a
    real (trained) model.
    """
    with torch.no_grad():
        for p in model.parameters():
            if p.is_floating_point():
                p.add_(torch.randn_like(p) * 1e-3)


def export(name, spec, path, strip=True):
    torch.manual_seed(0)
    model = spec["model"]()
    if spec.get("perturb", True):
        perturb(model)
    model.eval()
    example = spec["example"]()
    if not isinstance(example, tuple):
        example = (example,)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        torch.onnx.export(
            model, example, path,
            opset_version=spec.get("opset", 13),
            do_constant_folding=True,
            input_names=spec["input_names"],
            output_names=spec["output_names"],
            dynamic_axes=spec.get("dynamic_axes"))
    proto = onnx.load(path)
    if strip:
        strip_weights(proto)
        onnx.save(proto, path)
    report(name, path, model, proto, caught)
    return os.path.getsize(path)


def report(name, path, model, proto, caught):
    size = os.path.getsize(path)
    ops = collections.Counter(n.op_type for n in proto.graph.node)
    onnx_params = sum(
        math.prod(i.dims) for i in proto.graph.initializer
        if i.data_type == onnx.TensorProto.FLOAT and math.prod(i.dims) > 1)
    torch_params = sum(p.numel() for p in model.parameters())
    print(f"{os.path.basename(path)}: {size} bytes, "
          f"{len(proto.graph.node)} nodes, opset "
          f"{proto.opset_import[0].version}")
    print("  ops: " + ", ".join(f"{op}x{n}" for op, n in sorted(ops.items())))
    print(f"  pytorch params: {torch_params}   "
          f"onnx float initializer elements: {onnx_params}")
    seen = collections.Counter(
        f"{w.category.__name__}: {str(w.message).strip().splitlines()[0]}"
        for w in caught)
    for text, n in seen.items():
        print(f"  warning (x{n}): {text}")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT,
                        help="output directory (default: tests/data/onnx)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="export only these fixtures (names without "
                             ".onnx)")
    parser.add_argument("--gpt2-full", metavar="PATH",
                        help="export full GPT-2 small with weights to PATH "
                             "(about 650 MB; not a fixture). Without --only, "
                             "no fixtures are exported in the same run")
    args = parser.parse_args()

    table = fixtures()
    names = list(table)
    if args.only:
        unknown = [n for n in args.only if n not in table]
        if unknown:
            parser.error(f"unknown fixture(s) {unknown}; known: {names}")
        names = args.only
    elif args.gpt2_full:
        names = []  # --gpt2-full alone exports only the big model.

    os.makedirs(args.out, exist_ok=True)
    too_big = []
    for name in names:
        spec = table[name]
        path = os.path.join(args.out, name + ".onnx")
        size = export(name, spec, path, strip=spec.get("strip", True))
        if size >= MAX_FIXTURE_BYTES:
            too_big.append(f"{name}.onnx ({size} bytes)")

    if args.gpt2_full:
        spec = dict(
            model=lambda: GPT2(),
            example=lambda: torch.randint(0, 50257, (1, 128)),
            input_names=["ids"], output_names=["logits"],
            dynamic_axes={"ids": {1: "seq"}, "logits": {1: "seq"}},
            opset=14)
        export("gpt2_full", spec, args.gpt2_full, strip=False)

    if too_big:
        print("WARNING: fixtures over 1 MB: " + ", ".join(too_big))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
