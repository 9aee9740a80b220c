#!/usr/bin/python3
"""Counts every torchvision classification and segmentation model with
neurowatt and compares its MACs with torchvision's published figures.

Each builder of Debian's python3-torchvision (0.14) is built with random
weights, exported with torch.onnx (opset 13, no dynamic axes) at the input
size its published figure refers to (scripts/torchvision_ops.tsv: the
"_ops" metadata of torchvision 0.15+, MACs of convolutions, linear layers
and matrix products), its weights stripped, and counted with
`neurowatt count FILE --format json`: no flags. FCN and DeepLabV3 are built
with their auxiliary heads, as the published figures are.

    /usr/bin/python3 scripts/check_torchvision_macs.py [--neurowatt BIN]
        [--work DIR] [--only NAME ...]

Prints one line per model (ours, published, ratio) and exits 1 when a model
fails to count or differs by more than 2 %. Exporting all 86 models takes
about 15 minutes on 2 cores; vit_h_14 and regnet_y_128gf (over protobuf's
2 GB) are skipped, and torch 1.13 cannot export swin_v2_* (aten::zero).
"""

import argparse
import csv
import json
import math
import os
import subprocess
import sys
import tempfile
import warnings

import onnx
import torch
from torchvision import models

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOO_BIG = {"vit_h_14", "regnet_y_128gf"}


def published():
    rows = {}
    with open(os.path.join(ROOT, "scripts", "torchvision_ops.tsv")) as f:
        lines = [l for l in f if not l.startswith("#")]
    for r in csv.DictReader(lines, delimiter="\t"):
        rows.setdefault(r["builder"], r)  # the first (V1) weights
    return rows


def export(name, size, path):
    seg = name in models.list_models(module=models.segmentation)
    kwargs = {}
    if seg:
        kwargs["weights_backbone"] = None
        if "lraspp" not in name:
            kwargs["aux_loss"] = True
    torch.manual_seed(0)
    model = models.get_model(name, weights=None, **kwargs).eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, torch.randn(1, 3, size, size), path,
                          opset_version=13, do_constant_folding=True)
    proto = onnx.load(path)
    for init in proto.graph.initializer:
        if init.data_type == onnx.TensorProto.FLOAT and \
                math.prod(init.dims) > 16:
            init.ClearField("raw_data")
            init.ClearField("float_data")
    onnx.save(proto, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--neurowatt",
                        default=os.path.join(ROOT, "build", "neurowatt"))
    parser.add_argument("--work", help="keep the exports here")
    parser.add_argument("--only", nargs="+", metavar="NAME")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="tv_macs.")
    os.makedirs(work, exist_ok=True)
    table = published()
    bad = 0
    for name in sorted(table):
        if args.only and name not in args.only:
            continue
        row = table[name]
        if name in TOO_BIG:
            print(f"{name:30s} skipped (over 2 GB of weights)")
            continue
        path = os.path.join(work, name + ".onnx")
        if not os.path.exists(path):
            try:
                export(name, int(row["input_size"].split()[0]), path)
            except Exception as e:  # torch cannot export it
                print(f"{name:30s} not exportable: {type(e).__name__}")
                continue
        run = subprocess.run([args.neurowatt, "count", path, "--format",
                              "json"], capture_output=True, text=True)
        if run.returncode != 0:
            print(f"{name:30s} FAILED: {run.stderr.strip()}")
            bad += 1
            continue
        count = json.loads(run.stdout)
        ours = count["totals"]["macs"] / 1e9
        ref = float(row["ops_gflops"])
        ratio = ours / ref
        flag = "" if abs(ratio - 1) <= 0.02 else "  <- differs"
        bad += bool(flag)
        print(f"{name:30s} {ours:9.3f} GMACs  published {ref:9.3f}  "
              f"ratio {ratio:.3f}{flag}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
