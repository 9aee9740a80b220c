#!/usr/bin/python3
"""Train the ANN that `neurowatt simulate --convert rate` is tested on.

A 64-64-32-10 ReLU MLP (and a small CNN) trained on scikit-learn's digits
(8x8 images, Debian's python3-sklearn ships the data), exported to ONNX with
their weights, and the held-out samples and labels as CSV:

    tests/data/snn/digits_mlp.onnx     the MLP, opset 13, weights kept
    tests/data/snn/digits_cnn.onnx     Conv(1->8, 3x3) ReLU AvgPool(2)
                                       Flatten Gemm(72->10), weights kept
    tests/data/snn/digits_test.csv     360 held-out samples, 64 values in
                                       [0, 1] (pixel / 16), one per row
    tests/data/snn/digits_labels.csv   their classes, one per row
    tests/data/snn/ann_accuracy.txt    what torch itself scores on them

Run it with Debian's interpreter (python3-torch 1.13, python3-sklearn):

    /usr/bin/python3 scripts/train_digits_snn_fixture.py [--out DIR]

Training is seeded (torch.manual_seed(0), a fixed split), so a rerun writes
the same files up to floating-point reduction order. CI does not run it: the
files are committed.
"""

import argparse
import os

import numpy as np
import torch
from sklearn.datasets import load_digits


def train(model, x, y, epochs):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(epochs):
        for i in range(0, len(x), 64):
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(x[i:i + 64]),
                                                     y[i:i + 64])
            loss.backward()
            opt.step()
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument("--out", default=os.path.join(here, "..", "tests",
                                                      "data", "snn"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(0)
    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target.astype(np.int64)
    order = np.random.default_rng(0).permutation(len(x))
    test, trainset = order[:360], order[360:]
    xt, yt = torch.from_numpy(x[trainset]), torch.from_numpy(y[trainset])
    xs = torch.from_numpy(x[test])

    mlp = torch.nn.Sequential(
        torch.nn.Linear(64, 64), torch.nn.ReLU(),
        torch.nn.Linear(64, 32), torch.nn.ReLU(),
        torch.nn.Linear(32, 10))
    train(mlp, xt, yt, 60).eval()
    cnn = torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 8, 8)),
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AvgPool2d(2), torch.nn.Flatten(),
        torch.nn.Linear(8 * 4 * 4, 10))
    train(cnn, xt, yt, 60).eval()

    lines = []
    for name, model, shape in (("digits_mlp", mlp, (1, 64)),
                               ("digits_cnn", cnn[1:], (1, 1, 8, 8))):
        path = os.path.join(args.out, name + ".onnx")
        torch.onnx.export(model, torch.zeros(shape), path, opset_version=13,
                          input_names=["image"], output_names=["logits"])
        with torch.no_grad():
            full = model if name == "digits_mlp" else cnn
            acc = (full(xs).argmax(1).numpy() == y[test]).mean()
        lines.append(f"{name}: {acc:.6f}")
    np.savetxt(os.path.join(args.out, "digits_test.csv"), x[test],
               fmt="%.4f", delimiter=",")
    np.savetxt(os.path.join(args.out, "digits_labels.csv"), y[test], fmt="%d")
    with open(os.path.join(args.out, "ann_accuracy.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
