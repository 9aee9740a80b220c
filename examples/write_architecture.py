#!/usr/bin/env python3
"""Writes a neurowatt Architecture directly, for toolchains without ONNX.

The build generates the Python module from proto/ into build/python (and
`cmake --install build` installs it). With Debian's python3-protobuf:

    PYTHONPATH=build/python python3 examples/write_architecture.py mlp.pb
    ./build/neurowatt count mlp.pb --dim batch=32

The network is a 784-256-10 perceptron with a ReLU between the layers and a
symbolic batch. A .textproto OUT writes the text form instead of binary.
docs/schema.md explains every field.
"""
import sys

from google.protobuf import text_format
from neurowatt.v1 import architecture_pb2 as nw


def mlp(sizes):
    arch = nw.Architecture(name="mlp-" + "-".join(map(str, sizes)),
                           description="written by examples/write_architecture.py",
                           default_dtype=nw.FP32)
    x = arch.inputs.add(name="x")
    x.shape.add(symbol="batch")  # bound by --dim batch=N, 1 by default
    x.shape.add(size=sizes[0])
    previous = "x"
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        fc = arch.nodes.add(name=f"fc{i}", inputs=[previous], outputs=[f"h{i}"])
        fc.linear.in_features = n_in
        fc.linear.out_features = n_out  # neurons
        fc.linear.bias = True
        previous = f"h{i}"
        if i + 2 < len(sizes):
            act = arch.nodes.add(name=f"relu{i}", inputs=[previous],
                                 outputs=[f"a{i}"])
            act.activation.kind = nw.Activation.RELU
            previous = f"a{i}"
    return arch


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: write_architecture.py OUT.pb|OUT.textproto")
    out = sys.argv[1]
    arch = mlp([784, 256, 10])
    if out.endswith((".textproto", ".pbtxt")):
        data = text_format.MessageToString(arch).encode()
    else:
        data = arch.SerializeToString()
    with open(out, "wb") as f:
        f.write(data)
    print(f"wrote {out}: {len(arch.nodes)} nodes")


if __name__ == "__main__":
    main()
