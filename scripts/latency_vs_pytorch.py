#!/usr/bin/python3
"""Compare neurowatt's predicted latency with PyTorch's measured CPU latency.

A reproducible measurement: each model below is built with random weights
(torch.manual_seed(0), torchvision weights=None), put in eval mode, timed at
batch 1 on one thread (torch.set_num_threads(1), torch.set_num_interop_threads(1),
OMP/OpenBLAS/MKL_NUM_THREADS=1 set before torch is imported) under
torch.inference_mode(): a few warm-up runs, then repeated runs until both
--min-time seconds and --min-runs runs have passed; the median is reported.
Models with BatchNorm are timed with each BatchNorm folded into its conv
(torch.fx.experimental.optimization.fuse), as the exported ONNX graph has it.
With --stack, the prediction uses a copy of --hw that describes torch eager as
a software stack, measured here: its per-op dispatch (a ReLU on a 1-element
tensor: software.dispatch_s per layer, docs/von-neumann-model.md), its cost
per convolution or matrix call beyond that (a 1x1 convolution on one element:
kernel_call_s in place of the BLAS call's) and the
figures of the kernels torch runs with its own loops instead of OpenBLAS,
each timed in torch and priced by neurowatt until the two agree: max pooling
(3x3, stride 2, on 64x112x112; its efficiency, of the arithmetic peak) and
depthwise convolution (3x3 on 32x7x7 and 128x56x56, through oneDNN: the
difference of the two sets its efficiency, the small one's remainder its
call cost). Nothing is fitted to a model.
Each model is then exported to ONNX (torch.onnx.export, opset --opset, default
13, do_constant_folding=True) and priced with

    neurowatt estimate MODEL.onnx --hw PROFILE --format json

whose hardware[0].latency_seconds is the predicted latency of one batch (batch 1
here, from the ONNX input shape). The table gives the error
(pred - meas) / meas, with the median and the worst absolute error.

Models (--models takes a comma-separated subset of these names):

    resnet18, resnet50, mobilenet_v2, efficientnet_b0, vgg11, convnext_tiny,
    vit_b_16 (224x224), squeezenet1_1, shufflenet_v2_x1_0: torchvision 0.14,
        weights=None, input 1x3x224x224.
    gpt: a GPT-2-small-shaped decoder written with torch.nn: 12 pre-norm blocks
        (LayerNorm, fused qkv Linear, causal softmax attention with 12 heads,
        output Linear, LayerNorm, Linear 768->3072, GELU, Linear 3072->768),
        d_model 768, 128 tokens, learned position embedding (1024 x 768), token
        embedding of vocab 50257 and a final LayerNorm; the LM head is TIED to
        the token embedding (logits = x @ wte.weight.T, as in GPT-2), about
        124 M parameters. Input: 1x128 int64 token ids; output 1x128x50257.
    lstm: nn.LSTM(input_size=256, hidden_size=512, num_layers=2) over 50 steps,
        batch 1 (input 50x1x256, the output sequence is returned).

Default: all of them (the ONNX files of vgg11, vit_b_16 and gpt are 0.35-0.65 GB
each; with the default temporary --work dir each file is deleted once priced).

Usage (Debian's interpreter has python3-torch 1.13, python3-torchvision 0.14,
python3-onnx 1.12; apt-get install python3-torch python3-torchvision python3-onnx):

    build/neurowatt calibrate --threads 1 -o prof.textproto
    /usr/bin/python3 scripts/latency_vs_pytorch.py --hw prof.textproto \\
        [--neurowatt build/neurowatt] [--models resnet18,lstm] [--min-time 2]
        [--min-runs 10] [--warmup 3] [--opset 13] [--work DIR] [--reuse-onnx]
        [--json rows.json] [--markdown] [--save-measured torch.json]
        [--measured torch.json] [--torch-only] [--breakdown]
        [--estimate-arg=--precision=fp32 ...]

    # time torch once, then compare two calibrations without retiming it:
    /usr/bin/python3 scripts/latency_vs_pytorch.py --hw a.textproto \\
        --work /tmp/lat --save-measured /tmp/lat/torch.json
    /usr/bin/python3 scripts/latency_vs_pytorch.py --hw b.textproto \\
        --work /tmp/lat --reuse-onnx --measured /tmp/lat/torch.json

    # torch timings only (no --hw needed):
    /usr/bin/python3 scripts/latency_vs_pytorch.py --torch-only --models lstm

--measured FILE reuses the torch medians stored by --save-measured (models it
lacks are timed). With --reuse-onnx and --work DIR an existing DIR/NAME.onnx is
priced as it is, so neither timing nor export builds the model again.
--breakdown adds, per model, the measured time per layer type (forward hooks
on the leaf modules: convolutions split into depthwise, grouped, 1x1 and
k x k; Linear; LSTM; norms; activations; ...), the top aten ops of
torch.profiler by self CPU time (which shows e.g. aten::mkldnn_convolution
against aten::thnn_conv2d / _slow_conv2d_forward, aten::addmm, aten::lstm),
and neurowatt's predicted time per layer kind (estimate --per-layer).

The torch build configuration (BLAS, oneDNN/mkldnn, CPU capability, the
BLAS library actually loaded, its kernel core and thread count) is printed
once to stderr. Debian's OpenBLAS 0.3.21 (DYNAMIC_ARCH) falls back to its
Prescott (SSE3) kernels on CPU models it does not know (e.g. family 6 model
207), about 6x slower sgemm than SkylakeX/Cooperlake kernels; neurowatt
links the same library, so time and calibrate in the same environment, or
set OPENBLAS_CORETYPE for both (--openblas-coretype here).
If neurowatt fails on a model (exit 2 with a message), the message is put in
that model's row and the script goes on. Exit status: 0, or 1 when every
model failed, 2 for bad arguments.
"""

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import re
import sys
import tempfile
import time

MODEL_NAMES = [
    "resnet18", "resnet50", "mobilenet_v2", "efficientnet_b0", "vgg11",
    "convnext_tiny", "vit_b_16", "squeezenet1_1", "shufflenet_v2_x1_0",
    "gpt", "lstm",
]
TORCHVISION = set(MODEL_NAMES) - {"gpt", "lstm"}


def parse_args(argv):
    p = argparse.ArgumentParser(
        description="neurowatt predicted latency vs measured PyTorch CPU "
        "latency (batch 1, one thread).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="models: " + ", ".join(MODEL_NAMES))
    p.add_argument("--hw", help="hardware profile for neurowatt estimate "
                   "(a path, e.g. from `neurowatt calibrate --threads 1 -o "
                   "prof.textproto`, or a catalogue name); required unless "
                   "--torch-only")
    p.add_argument("--neurowatt", default=None,
                   help="the neurowatt binary (default: build/neurowatt of "
                   "this repository, else neurowatt on PATH)")
    p.add_argument("--models", default=",".join(MODEL_NAMES),
                   help="comma-separated subset (default: all)")
    p.add_argument("--min-time", type=float, default=2.0,
                   help="seconds of timed runs per model, at least (default 2)")
    p.add_argument("--min-runs", type=int, default=10,
                   help="timed runs per model, at least (default 10)")
    p.add_argument("--warmup", type=int, default=3,
                   help="warm-up runs before timing (default 3)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch intra-op threads (default 1; compare with a "
                   "profile calibrated with the same --threads)")
    p.add_argument("--openblas-coretype", metavar="CORE", default=None,
                   help="set OPENBLAS_CORETYPE (e.g. SkylakeX, Haswell) before "
                   "torch loads OpenBLAS; default: the environment's. Give "
                   "neurowatt calibrate the same environment")
    p.add_argument("--opset", type=int, default=13, choices=[13, 14],
                   help="ONNX opset (default 13)")
    p.add_argument("--work", default=None,
                   help="directory for the ONNX files (default: a temporary "
                   "one, removed at the end, each file deleted once priced)")
    p.add_argument("--reuse-onnx", action="store_true",
                   help="price an existing WORK/NAME.onnx instead of "
                   "exporting again")
    p.add_argument("--json", metavar="FILE", help="write the rows as JSON")
    p.add_argument("--markdown", action="store_true",
                   help="print a markdown table instead of plain text")
    p.add_argument("--torch-only", action="store_true",
                   help="time torch only; no export, no prediction")
    p.add_argument("--measured", metavar="FILE",
                   help="reuse torch timings from FILE (--save-measured)")
    p.add_argument("--save-measured", metavar="FILE",
                   help="write the torch timings as JSON")
    p.add_argument("--stack", action="store_true",
                   help="measure torch's per-op dispatch time here and price "
                   "on a copy of --hw that describes that software stack "
                   "(software.dispatch_s)")
    p.add_argument("--breakdown", action="store_true",
                   help="also print per-layer-type measured and predicted "
                   "time (stderr)")
    p.add_argument("--estimate-arg", action="append", default=[],
                   metavar="ARG", help="extra argument for neurowatt "
                   "estimate (repeatable; write --estimate-arg=--flag=value)")
    p.add_argument("--timeout", type=float, default=600,
                   help="seconds allowed to one neurowatt run (default 600)")
    p.add_argument("--wait-binary", type=float, default=180,
                   help="seconds to wait for a missing neurowatt binary "
                   "(it may be being rebuilt; default 180)")
    a = p.parse_args(argv)
    a.models = [m.strip() for m in a.models.split(",") if m.strip()]
    bad = [m for m in a.models if m not in MODEL_NAMES]
    if bad:
        p.error("unknown model(s) %s; known: %s" % (", ".join(bad),
                                                     ", ".join(MODEL_NAMES)))
    if not a.torch_only and not a.hw:
        p.error("--hw PROFILE is required (or give --torch-only)")
    if a.min_runs < 1 or a.min_time < 0 or a.warmup < 0 or a.threads < 1:
        p.error("--min-runs >= 1, --min-time >= 0, --warmup >= 0, "
                "--threads >= 1")
    if a.reuse_onnx and not a.work:
        p.error("--reuse-onnx needs --work DIR")
    return a


def log(*parts):
    print(*parts, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- models


def build_gpt(torch):
    nn = torch.nn
    F = torch.nn.functional

    class Block(nn.Module):
        def __init__(self, d, heads, ff, seq, batch):
            super().__init__()
            self.d, self.h, self.dh = d, heads, d // heads
            self.seq, self.batch = seq, batch
            self.ln1 = nn.LayerNorm(d)
            self.qkv = nn.Linear(d, 3 * d)
            self.proj = nn.Linear(d, d)
            self.ln2 = nn.LayerNorm(d)
            self.fc1 = nn.Linear(d, ff)
            self.act = nn.GELU()
            self.fc2 = nn.Linear(ff, d)
            self.scale = 1.0 / (self.dh ** 0.5)

        def forward(self, x, mask):
            # Python-int shapes keep the exported graph free of Shape ops.
            b, t, h, dh = self.batch, self.seq, self.h, self.dh
            q, k, v = self.qkv(self.ln1(x)).split(self.d, dim=2)
            q = q.reshape(b, t, h, dh).transpose(1, 2)
            k = k.reshape(b, t, h, dh).transpose(1, 2)
            v = v.reshape(b, t, h, dh).transpose(1, 2)
            att = torch.matmul(q, k.transpose(-2, -1)) * self.scale + mask
            att = F.softmax(att, dim=-1)
            y = torch.matmul(att, v).transpose(1, 2).reshape(b, t, self.d)
            x = x + self.proj(y)
            return x + self.fc2(self.act(self.fc1(self.ln2(x))))

    class GPT(nn.Module):
        def __init__(self, vocab=50257, positions=1024, d=768, layers=12,
                     heads=12, ff=3072, seq=128, batch=1):
            super().__init__()
            self.seq = seq
            self.wte = nn.Embedding(vocab, d)
            self.wpe = nn.Embedding(positions, d)
            self.blocks = nn.ModuleList(
                [Block(d, heads, ff, seq, batch) for _ in range(layers)])
            self.ln_f = nn.LayerNorm(d)
            mask = torch.full((seq, seq), float("-inf")).triu(1)
            self.register_buffer("mask", mask.reshape(1, 1, seq, seq))
            self.register_buffer("pos", torch.arange(seq).reshape(1, seq))

        def forward(self, tokens):
            x = self.wte(tokens) + self.wpe(self.pos)
            for blk in self.blocks:
                x = blk(x, self.mask)
            # Tied LM head: the token embedding's weight, transposed.
            return F.linear(self.ln_f(x), self.wte.weight)

    model = GPT()
    tokens = torch.randint(0, 50257, (1, 128), dtype=torch.int64)
    return model, (tokens,)


def build_lstm(torch):
    class LSTMModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(input_size=256, hidden_size=512,
                                      num_layers=2)

        def forward(self, x):
            out, _ = self.lstm(x)
            return out

    return LSTMModel(), (torch.randn(50, 1, 256),)


def build_model(name, torch):
    torch.manual_seed(0)
    if name == "gpt":
        model, inputs = build_gpt(torch)
    elif name == "lstm":
        model, inputs = build_lstm(torch)
    else:
        import torchvision
        model = getattr(torchvision.models, name)(weights=None)
        inputs = (torch.randn(1, 3, 224, 224),)
    model = model.eval()
    if any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules()):
        # The exported graph folds each eval-mode BatchNorm into the conv
        # before it; time torch on that same graph, not on separate
        # normalisation passes the ONNX file no longer has.
        from torch.fx.experimental.optimization import fuse
        try:
            model = fuse(model)
        except Exception:  # not traceable (shufflenet's chunk)
            fuse_sequential_conv_bn(torch, model)
    return model, inputs


def fuse_sequential_conv_bn(torch, model):
    """Folds each BatchNorm2d that follows a Conv2d in an nn.Sequential into
    the conv, in place (for models torch.fx cannot trace)."""
    from torch.nn.utils.fusion import fuse_conv_bn_eval
    for seq in [m for m in model.modules()
                if isinstance(m, torch.nn.Sequential)]:
        names = list(seq._modules)
        for a, b in zip(names, names[1:]):
            conv, bn = seq._modules[a], seq._modules[b]
            if isinstance(conv, torch.nn.Conv2d) and \
                    isinstance(bn, torch.nn.BatchNorm2d):
                seq._modules[a] = fuse_conv_bn_eval(conv, bn)
                seq._modules[b] = torch.nn.Identity()


def per_call_seconds(torch, f, runs):
    """Seconds per call of f(), the median of 5 batches of `runs` calls after
    200 warm-up calls, under inference mode."""
    times = []
    with torch.inference_mode():
        for _ in range(200):
            f()
        for _ in range(5):
            t0 = time.perf_counter()
            for _ in range(runs):
                f()
            times.append((time.perf_counter() - t0) / runs)
    times.sort()
    return times[len(times) // 2]


def measure_kernel_call(torch, runs=5000):
    """Seconds torch spends per convolution or linear call: a 1x1
    convolution on a 1x1x1x1 tensor (the caller subtracts a plain op's)."""
    conv = torch.nn.Conv2d(1, 1, 1).eval()
    x = torch.zeros(1, 1, 1, 1)
    return per_call_seconds(torch, lambda: conv(x), runs)


def measure_dispatch(torch, runs=20000):
    """Seconds torch eager spends per op beyond its kernel: a ReLU on a
    1-element tensor."""
    x = torch.zeros(1)
    return per_call_seconds(torch, lambda: torch.nn.functional.relu(x), runs)


# Kernels PyTorch runs with its own loops rather than OpenBLAS (the calibration
# measures OpenBLAS and neurowatt's loops): timed here in torch, and the
# profile's figures for the class solved so that neurowatt's price of the same
# microkernels matches.
#  - pool: torch's max pooling is bound by its loops (a compare and index
#    bookkeeping per tap); its efficiency is of the arithmetic peak, found by
#    scaling until the prediction matches (it is proportional to 1 / fraction
#    once the loops bound it).
#  - depthwise: torch runs it through oneDNN, whose call costs far more than
#    the 1x1 convolution's im2col + BLAS; two sizes give both the class's call
#    cost (call_s) and its efficiency, from the difference of the two times.
STACK_KERNELS = {
    "pool": [lambda torch: (torch.nn.MaxPool2d(3, 2, ceil_mode=True),
                            torch.randn(1, 64, 112, 112))],
    "depthwise": [
        lambda torch: (torch.nn.Conv2d(32, 32, 3, padding=1, groups=32,
                                       bias=False), torch.randn(1, 32, 7, 7)),
        lambda torch: (torch.nn.Conv2d(128, 128, 3, padding=1, groups=128,
                                       bias=False),
                       torch.randn(1, 128, 56, 56))],
}


def class_efficiency(text, cls):
    """The profile's efficiency of kernel class `cls` (1 when absent) and the
    text without that entry."""
    pattern = re.compile(r'  efficiency \{\n    kernel_class: "%s"\n.*?\n  \}\n'
                         % cls, re.S)
    m = pattern.search(text)
    if not m:
        return 1.0, text
    value = float(re.search(r"value: ([0-9.eE+-]+)", m.group(0)).group(1))
    return value, text[:m.start()] + text[m.end():]


def efficiency_entry(cls, fraction, note, call_s=None):
    """A von_neumann efficiency entry of the profile textproto, measured."""
    entry = ('\n  efficiency {\n    kernel_class: "%s"\n    fraction { value: '
             '%.6g source: "measured" note: "%s" }' % (cls, fraction, note))
    if call_s is not None:
        entry += ('\n    call_s { value: %.6g source: "measured" note: "%s" }'
                  % (call_s, note))
    return entry + "\n  }"


def with_class(text, cls, fraction, call_s=None):
    """The profile text with kernel class `cls` at `fraction` (and call_s)."""
    _, text = class_efficiency(text, cls)
    marker = "von_neumann {"
    at = text.find(marker) + len(marker)
    return (text[:at] + efficiency_entry(cls, fraction, "trial", call_s) +
            text[at:])


def stack_efficiencies(torch, binary, hw, work, opset, timeout, wait_s):
    """{class: (efficiency, note, call_s or None)} for STACK_KERNELS,
    measured here."""
    out = {}
    text = open(hw).read()
    trial = os.path.join(work, "trial.textproto")

    def price(path, fraction, call_s=None):
        with open(trial, "w") as f:
            f.write(with_class(text, cls, fraction, call_s))
        pred = predict(binary, path, trial, [], False, timeout, wait_s)
        if "error" in pred:
            raise SystemExit("stack kernel %s: %s" % (cls, pred["error"]))
        return pred["predicted_ms"]

    for cls, makers in STACK_KERNELS.items():
        paths, measured = [], []
        for i, make in enumerate(makers):
            module, x = make(torch)
            module = module.eval()
            measured.append(time_model(torch, module, (x,), 3, 0.5,
                                       10)["median_ms"])
            paths.append(os.path.join(work, "stack_%s_%d.onnx" % (cls, i)))
            export_onnx(torch, module, (x,), paths[-1], opset)
        if len(makers) == 1:
            eff = 1.0
            for _ in range(8):
                pred = price(paths[0], eff)
                if abs(pred / measured[0] - 1) < 0.005:
                    break
                eff = min(1.0, eff * pred / measured[0])
            out[cls] = (eff, "torch %s: %.4g ms measured, %.4g ms predicted "
                        "at this fraction" % (cls, measured[0], pred), None)
        else:
            # At the roofline and no call cost, the two prices differ by the
            # work alone: the measured difference sets the efficiency, and
            # what the small one measures beyond its price is the call.
            small, large = (price(p, 1.0, 0.0) for p in paths)
            eff = min(1.0, (large - small) / (measured[1] - measured[0]))
            call = max(0.0, (measured[0] - price(paths[0], eff, 0.0)) * 1e-3)
            out[cls] = (eff, "torch %s: %.4g and %.4g ms measured at two "
                        "sizes" % (cls, measured[0], measured[1]), call)
        log("stack kernel %s: %s -> efficiency %.3g%s" % (
            cls, out[cls][1], eff, "" if out[cls][2] is None else
            ", call %.3g us" % (out[cls][2] * 1e6)))
    return out


def profile_with_stack(hw, dispatch_s, torch_version, path, kernels=None,
                       call_s=None):
    """A copy of the profile `hw` (a calibrated textproto, which declares the
    source "measured") that describes torch eager: `dispatch_s` per layer,
    `call_s` per convolution or matrix call (in place of the BLAS call cost)
    and the efficiencies of `kernels` ({class: (fraction, note, call_s)})."""
    text = open(hw).read()
    if call_s is not None:
        text = re.sub(r"  kernel_call_s \{.*?\n  \}\n", "", text, flags=re.S)
    for cls in kernels or {}:
        _, text = class_efficiency(text, cls)
    marker = "von_neumann {"
    at = text.find(marker)
    if at < 0:
        raise SystemExit("%s: not a von Neumann profile" % hw)
    stack = ('\n  software {\n    name: "PyTorch %s eager, measured here"\n'
             '    dispatch_s { value: %.6g source: "measured" note: '
             '"scripts/latency_vs_pytorch.py: a ReLU on a 1-element tensor" }'
             '\n  }' % (torch_version, dispatch_s))
    if call_s is not None:
        stack += ('\n  kernel_call_s { value: %.6g source: "measured" note: '
                  '"torch: a 1x1 convolution on one element, less a ReLU" }'
                  % call_s)
    for cls, (eff, note, class_call) in (kernels or {}).items():
        stack += efficiency_entry(cls, eff, note, class_call)
    at += len(marker)
    with open(path, "w") as f:
        f.write(text[:at] + stack + text[at:])
    return path


# ---------------------------------------------------------------- torch


def torch_config_summary(torch, threads):
    keys = ("MKL", "MKL-DNN", "oneDNN", "BLAS", "LAPACK", "OpenMP",
            "CPU capability", "USE_MKLDNN", "USE_OPENMP", "USE_NNPACK")
    lines = ["torch %s (%s), Python %s, %s" % (
        torch.__version__, torch.__file__, platform.python_version(),
        platform.machine())]
    for line in torch.__config__.show().splitlines():
        s = line.strip()
        if s.startswith("- Build settings:"):
            for item in s[len("- Build settings:"):].split(","):
                item = item.strip()
                if item.split("=")[0] in ("BLAS_INFO", "LAPACK_INFO",
                                          "USE_MKLDNN", "USE_OPENMP",
                                          "USE_NNPACK", "PERF_WITH_AVX2",
                                          "PERF_WITH_AVX512", "TORCH_VERSION"):
                    lines.append("  build: " + item)
        elif any(k in s for k in keys):
            lines.append("  " + s)
    lines.append("  torch.backends.mkldnn.is_available()=%s enabled=%s" % (
        torch.backends.mkldnn.is_available(), torch.backends.mkldnn.enabled))
    lines.append("  torch.get_num_threads()=%d get_num_interop_threads()=%d "
                 "(requested %d)" % (torch.get_num_threads(),
                                     torch.get_num_interop_threads(), threads))
    lines.extend("  " + s for s in loaded_blas(threads))
    return lines


def loaded_blas(threads):
    """The BLAS/oneDNN libraries mapped into this process, and OpenBLAS's
    own configuration and thread count where it is the one."""
    libs = set()
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                path = line.split()[-1] if len(line.split()) >= 6 else ""
                base = os.path.basename(path)
                if any(k in base for k in ("blas", "mkl_", "dnnl", "lapack",
                                           "gomp", "iomp")):
                    libs.add(path)
    except OSError:
        return []
    out = ["loaded: " + ", ".join(sorted(libs))] if libs else []
    for path in sorted(libs):
        if "openblas" not in os.path.basename(path):
            continue
        try:
            import ctypes
            lib = ctypes.CDLL(path)
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_set_num_threads(int(threads))
            corename = ""
            if hasattr(lib, "openblas_get_corename"):
                lib.openblas_get_corename.restype = ctypes.c_char_p
                corename = lib.openblas_get_corename().decode()
            out.append("OpenBLAS: %s, core %s, threads %d, "
                       "OPENBLAS_CORETYPE=%s" % (
                           lib.openblas_get_config().decode(), corename,
                           lib.openblas_get_num_threads(),
                           os.environ.get("OPENBLAS_CORETYPE", "(unset)")))
            if corename.lower() in ("prescott", "core2", "nehalem",
                                    "katmai") and cpu_has("avx2"):
                out.append("WARNING: OpenBLAS runs its %s (pre-AVX) kernels "
                           "on this AVX2 CPU (it does not know the CPU model): "
                           "torch's addmm/matmul/LSTM and batch-1 1x1 convs "
                           "are several times slower than the CPU allows; "
                           "see --openblas-coretype" % corename)
        except (OSError, AttributeError) as e:
            out.append("OpenBLAS %s: %s" % (path, e))
    return out


def time_model(torch, model, inputs, warmup, min_time, min_runs):
    with torch.inference_mode():
        for _ in range(warmup):
            model(*inputs)
        times = []
        start = time.perf_counter()
        while len(times) < min_runs or time.perf_counter() - start < min_time:
            t0 = time.perf_counter()
            model(*inputs)
            times.append(time.perf_counter() - t0)
    times.sort()
    q = lambda f: times[min(len(times) - 1, int(f * len(times)))]
    return {"median_ms": statistics.median(times) * 1e3,
            "min_ms": times[0] * 1e3, "p10_ms": q(0.1) * 1e3,
            "p90_ms": q(0.9) * 1e3, "runs": len(times), "warmup": warmup}


def conv_category(m):
    k = tuple(m.kernel_size)
    if m.groups > 1 and m.groups == m.in_channels:
        return "conv depthwise %dx%d" % k
    if m.groups > 1:
        return "conv grouped %dx%d" % k
    if k == (1, 1):
        return "conv 1x1"
    return "conv %dx%d" % k


def module_category(torch, m):
    nn = torch.nn
    if isinstance(m, nn.Conv2d):
        return conv_category(m)
    if isinstance(m, nn.Linear):
        return "linear"
    if isinstance(m, (nn.LSTM, nn.GRU, nn.RNN)):
        return type(m).__name__.lower()
    if isinstance(m, nn.MultiheadAttention):
        return "multihead_attention"
    if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
        return "batchnorm"
    if isinstance(m, (nn.LayerNorm, nn.GroupNorm)):
        return "layernorm"
    if isinstance(m, (nn.ReLU, nn.ReLU6, nn.SiLU, nn.GELU, nn.Hardswish,
                      nn.Sigmoid, nn.Hardsigmoid, nn.Tanh)):
        return "activation"
    if isinstance(m, (nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d,
                      nn.AdaptiveMaxPool2d)):
        return "pool"
    if isinstance(m, nn.Embedding):
        return "embedding"
    if isinstance(m, (nn.Dropout, nn.Identity, nn.Flatten)):
        return "identity/dropout"
    return "other " + type(m).__name__


def measured_breakdown(torch, model, inputs, runs=5):
    """Time per layer type from forward hooks on leaf modules (modules with
    no children, plus LSTM and MultiheadAttention, which are timed whole),
    and the top aten ops by self CPU time from torch.profiler."""
    nn = torch.nn
    acc, starts, handles = {}, {}, []
    whole = (nn.LSTM, nn.GRU, nn.RNN, nn.MultiheadAttention)

    def is_leaf(m):
        return isinstance(m, whole) or not list(m.children())

    def inside_whole(name):
        return any(name.startswith(w + ".") for w in whole_names)

    whole_names = [n for n, m in model.named_modules() if isinstance(m, whole)]
    for name, m in model.named_modules():
        if not name or not is_leaf(m) or inside_whole(name):
            continue
        cat = module_category(torch, m)

        def pre(mod, inp, key=id(m)):
            starts[key] = time.perf_counter()

        def post(mod, inp, out, key=id(m), cat=cat):
            acc[cat] = acc.get(cat, 0.0) + time.perf_counter() - starts[key]

        handles.append(m.register_forward_pre_hook(pre))
        handles.append(m.register_forward_hook(post))
    try:
        with torch.inference_mode():
            model(*inputs)
            acc.clear()
            t0 = time.perf_counter()
            for _ in range(runs):
                model(*inputs)
            total = (time.perf_counter() - t0) / runs
    finally:
        for h in handles:
            h.remove()
    per_type = {k: v / runs * 1e3 for k, v in acc.items()}
    per_type["(outside leaf modules)"] = max(
        0.0, total * 1e3 - sum(per_type.values()))
    top = []
    try:
        from torch.profiler import ProfilerActivity, profile
        with torch.inference_mode():
            with profile(activities=[ProfilerActivity.CPU]) as prof:
                for _ in range(runs):
                    model(*inputs)
        evs = sorted(prof.key_averages(), key=lambda e: e.self_cpu_time_total,
                     reverse=True)
        for e in evs[:10]:
            top.append({"op": e.key, "self_ms": e.self_cpu_time_total / runs
                        / 1e3, "calls": e.count // runs})
    except Exception as e:  # the profiler is optional
        top.append({"op": "profiler failed: %s" % e, "self_ms": 0, "calls": 0})
    return {"hooked_total_ms": total * 1e3, "per_type_ms": per_type,
            "top_ops": top}


def export_onnx(torch, model, inputs, path, opset):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # Not under no_grad/inference_mode: with grad enabled and parameters
        # requiring grad, nn.MultiheadAttention (vit_b_16) skips its fast
        # path, whose aten::_native_multi_head_attention has no ONNX export.
        with torch.enable_grad():
            torch.onnx.export(model, inputs, path, opset_version=opset,
                              do_constant_folding=True,
                              input_names=["input"], output_names=["output"])


# ---------------------------------------------------------------- neurowatt


def find_neurowatt(given, wait_s):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cand = given or os.path.join(repo, "build", "neurowatt")
    deadline = time.time() + wait_s
    while True:
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
        if not given:
            onpath = shutil.which("neurowatt")
            if onpath:
                return onpath
        if time.time() >= deadline:
            raise SystemExit("latency_vs_pytorch: neurowatt binary %s not "
                             "found (use --neurowatt PATH)" % cand)
        log("waiting for %s to appear (it may be being rebuilt)..." % cand)
        time.sleep(min(20, max(1, deadline - time.time())))


def error_message(stderr):
    lines = [l for l in stderr.strip().splitlines() if l.strip()]
    errs = [l for l in lines if "warning:" not in l]
    return (errs or lines or ["(no message)"])[-1].strip()[:300]


def predict(binary, onnx_path, hw, extra, per_layer, timeout, wait_s):
    cmd = [binary, "estimate", onnx_path, "--hw", hw, "--format", "json"]
    cmd += extra
    if per_layer:
        cmd.append("--per-layer")
    deadline = time.time() + wait_s
    while True:
        try:
            t0 = time.perf_counter()
            r = subprocess.run(cmd, capture_output=True, text=True,
                               timeout=timeout)
            break
        except FileNotFoundError:  # rebuilt under us
            if time.time() >= deadline:
                return {"error": "neurowatt binary vanished: %s" % binary}
            time.sleep(10)
        except subprocess.TimeoutExpired:
            return {"error": "neurowatt timed out after %.0f s" % timeout}
    wall = time.perf_counter() - t0
    warnings = [l.strip() for l in r.stderr.splitlines() if "warning:" in l]
    if r.returncode != 0:
        return {"error": "neurowatt exit %d: %s" % (
            r.returncode, error_message(r.stderr)), "warnings": warnings}
    try:
        j = json.loads(r.stdout)
        h = j["hardware"][0]
        out = {"predicted_ms": h["latency_seconds"] * 1e3,
               "bound": h.get("bound", ""), "profile": h.get("name", hw),
               "batch": j.get("scenario", {}).get("batch"),
               "neurowatt_s": wall, "warnings": warnings}
    except (ValueError, KeyError, IndexError, TypeError) as e:
        return {"error": "unreadable neurowatt JSON (%s): %s" % (
            e, r.stdout[:200])}
    if per_layer:
        kinds = {}
        for l in h.get("layers", []):
            if l.get("latency_seconds") is None:
                continue
            kinds[l["kind"]] = kinds.get(l["kind"], 0.0) + \
                l["latency_seconds"] * 1e3
        out["per_kind_ms"] = kinds
    return out


# ---------------------------------------------------------------- output


def fmt(v, spec):
    return "-" if v is None else format(v, spec)


def print_table(rows, markdown, torch_only):
    cols = ["model", "torch ms"] if torch_only else \
        ["model", "torch ms", "predicted ms", "error %", "bound / note"]
    table = []
    for r in rows:
        note = r.get("error") or r.get("bound") or ""
        cells = [r["model"], fmt(r.get("measured_ms"), ".3f")]
        if not torch_only:
            cells += [fmt(r.get("predicted_ms"), ".3f"),
                      fmt(r.get("error_pct"), "+.1f"), note]
        elif r.get("error"):
            cells[1] = r["error"]
        table.append(cells)
    if markdown:
        print("| " + " | ".join(cols) + " |")
        print("|" + "|".join("---" if i in (0, len(cols) - 1) and
                             not torch_only else "---:"
                             for i in range(len(cols))) + "|")
        for c in table:
            print("| " + " | ".join(x.replace("|", "\\|") for x in c) + " |")
    else:
        widths = [max(len(str(x)) for x in col) for col in
                  zip(cols, *table)]
        widths[-1] = min(widths[-1], 80) if not torch_only else widths[-1]
        print("  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip())
        for c in table:
            print("  ".join(x.ljust(w) if i == 0 or i == len(c) - 1 and
                            not torch_only else x.rjust(w)
                            for i, (x, w) in enumerate(zip(c, widths)))
                  .rstrip())
    errs = [(abs(r["error_pct"]), r["model"]) for r in rows
            if r.get("error_pct") is not None]
    if errs:
        med = statistics.median(e for e, _ in errs)
        worst = max(errs)
        line = ("median |error| %.1f%%, worst |error| %.1f%% (%s), over %d "
                "model(s)" % (med, worst[0], worst[1], len(errs)))
        print("\n" + ("**%s**" % line if markdown else line))
    return errs


def print_breakdown(name, m, pred):
    log("--- %s: measured per layer type (hooks, %.3f ms a run) ---" % (
        name, m["hooked_total_ms"]))
    for k, v in sorted(m["per_type_ms"].items(), key=lambda kv: -kv[1]):
        log("  %-28s %9.3f ms  %5.1f%%" % (k, v, 100 * v /
                                           max(m["hooked_total_ms"], 1e-9)))
    log("  top aten ops by self CPU time (torch.profiler, per run):")
    for t in m["top_ops"]:
        log("  %-40s %9.3f ms  x%d" % (t["op"], t["self_ms"], t["calls"]))
    if pred and pred.get("per_kind_ms"):
        tot = sum(pred["per_kind_ms"].values())
        log("  neurowatt predicted per layer kind (sum %.3f ms):" % tot)
        for k, v in sorted(pred["per_kind_ms"].items(), key=lambda kv: -kv[1]):
            log("  %-28s %9.3f ms  %5.1f%%" % (k, v, 100 * v / max(tot, 1e-9)))


# ---------------------------------------------------------------- main


def main(argv):
    args = parse_args(argv)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(args.threads)
    if args.openblas_coretype:
        os.environ["OPENBLAS_CORETYPE"] = args.openblas_coretype
    import torch  # after the thread variables, so the libraries see them
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    config = torch_config_summary(torch, args.threads)
    log("\n".join(config))

    measured_in = {}
    if args.measured:
        with open(args.measured) as f:
            measured_in = json.load(f).get("models", {})
    binary = None
    if not args.torch_only:
        binary = find_neurowatt(args.neurowatt, args.wait_binary)
        if args.stack:
            dispatch = measure_dispatch(torch)
            call = max(0.0, measure_kernel_call(torch) - dispatch)
            log("torch per-call cost of a convolution or matrix op beyond "
                "dispatch: %.3g us" % (call * 1e6))
            version = torch.__version__.split("+")[0]
            stack_dir = tempfile.mkdtemp(prefix="latency_stack.")
            base = profile_with_stack(
                args.hw, dispatch, version,
                os.path.join(stack_dir, "dispatch.textproto"), call_s=call)
            kernels = stack_efficiencies(torch, binary, base, stack_dir,
                                         args.opset, args.timeout,
                                         args.wait_binary)
            args.hw = profile_with_stack(
                args.hw, dispatch, version,
                os.path.join(stack_dir, "profile.textproto"), kernels, call)
            log("torch dispatch per op: %.3g us; profile with the stack: %s"
                % (dispatch * 1e6, args.hw))
        log("neurowatt: %s, profile: %s" % (binary, args.hw))

    temp_work = args.work is None and not args.torch_only
    work = tempfile.mkdtemp(prefix="latency_vs_pytorch.") if temp_work \
        else args.work
    if work:
        os.makedirs(work, exist_ok=True)

    rows, measured_out = [], {}
    try:
        for name in args.models:
            row = {"model": name}
            rows.append(row)
            onnx_path = os.path.join(work, name + ".onnx") if work else None
            have_onnx = bool(args.reuse_onnx and onnx_path and
                             os.path.isfile(onnx_path))
            need_model = (name not in measured_in or args.breakdown or
                          (not args.torch_only and not have_onnx))
            model = inputs = None
            try:
                if need_model:
                    t0 = time.perf_counter()
                    model, inputs = build_model(name, torch)
                    row["params"] = sum(p.numel() for p in model.parameters())
                    log("%s: built in %.1f s, %d params" % (
                        name, time.perf_counter() - t0, row["params"]))
                if name in measured_in:
                    m = measured_in[name]
                    log("%s: torch timing from %s" % (name, args.measured))
                else:
                    m = time_model(torch, model, inputs, args.warmup,
                                   args.min_time, args.min_runs)
                row["measured_ms"] = m["median_ms"]
                row["measured"] = m
                measured_out[name] = m
                log("%s: torch median %.3f ms over %d runs (min %.3f, p90 "
                    "%.3f)" % (name, m["median_ms"], m["runs"], m["min_ms"],
                               m["p90_ms"]))
            except Exception as e:
                row["error"] = "torch: %s: %s" % (type(e).__name__, e)
                log("%s: %s" % (name, row["error"]))
                continue
            pred = None
            if not args.torch_only:
                try:
                    if not have_onnx:
                        t0 = time.perf_counter()
                        export_onnx(torch, model, inputs, onnx_path,
                                    args.opset)
                        row["export_s"] = time.perf_counter() - t0
                    row["onnx_bytes"] = os.path.getsize(onnx_path)
                    log("%s: ONNX %s (%.1f MB)" % (
                        name, onnx_path, row["onnx_bytes"] / 1e6))
                except Exception as e:
                    row["error"] = "export: %s: %s" % (type(e).__name__,
                                                       str(e)[:300])
                    log("%s: %s" % (name, row["error"]))
                if "error" not in row:
                    pred = predict(binary, onnx_path, args.hw,
                                   args.estimate_arg, args.breakdown,
                                   args.timeout, args.wait_binary)
                    if temp_work:
                        os.remove(onnx_path)
                    for w in pred.pop("warnings", []):
                        log("%s: %s" % (name, w))
                    if "error" in pred:
                        row["error"] = pred["error"]
                    else:
                        row.update({k: v for k, v in pred.items()
                                    if k != "per_kind_ms"})
                        if pred.get("per_kind_ms"):
                            row["predicted_per_kind_ms"] = pred["per_kind_ms"]
                        row["error_pct"] = 100.0 * (
                            row["predicted_ms"] - row["measured_ms"]) / \
                            row["measured_ms"]
                    log("%s: %s" % (name, row.get("error") or
                                    "predicted %.3f ms (%s), %+.1f%%" % (
                                        row["predicted_ms"], row["bound"],
                                        row["error_pct"])))
            if args.breakdown and model is not None:
                try:
                    b = measured_breakdown(torch, model, inputs)
                    row["measured_breakdown"] = b
                    print_breakdown(name, b, pred)
                except Exception as e:
                    log("%s: breakdown failed: %s" % (name, e))
            del model, inputs
    finally:
        if temp_work:
            shutil.rmtree(work, ignore_errors=True)

    errs = print_table(rows, args.markdown, args.torch_only)
    meta = {"torch": torch.__version__, "threads": args.threads,
            "interop_threads": torch.get_num_interop_threads(),
            "host": platform.node(), "machine": platform.machine(),
            "processor": cpu_model(), "date": time.strftime(
                "%Y-%m-%dT%H:%M:%S%z"), "min_time_s": args.min_time,
            "min_runs": args.min_runs, "warmup": args.warmup,
            "torch_config": config}
    if args.save_measured:
        with open(args.save_measured, "w") as f:
            json.dump(dict(meta, models=measured_out), f, indent=1)
    if args.json:
        out = dict(meta, neurowatt=binary, hw=args.hw, opset=args.opset,
                   rows=rows)
        if errs:
            out["median_abs_error_pct"] = statistics.median(e for e, _ in errs)
            out["worst_abs_error_pct"] = max(errs)[0]
            out["worst_model"] = max(errs)[1]
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)
    ok = [r for r in rows if "error" not in r]
    return 0 if ok or not rows else 1


def cpu_has(flag):
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    return flag in line.split()
    except OSError:
        pass
    return False


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
