#!/usr/bin/env python3
"""Writes the malformed ONNX models of tests/data/bad/ that ONNX 1.12's shape
inference once crashed on (model/onnx/inference_guards.h).

Each is the smallest model that shows one fault: the importer must reject it
with exit code 2 and the message in tests/data/bad/cases.tsv, not die of a
signal. scripts/sanitize.sh also seeds the ONNX fuzzer with them. Needs only
python3-onnx and python3-numpy:

    python3 scripts/make_bad_onnx.py [--out tests/data/bad]
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def model(nodes, inputs, inits=(), opset=13):
    g = helper.make_graph(
        nodes, "g",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
         for n, s in inputs],
        [helper.make_tensor_value_info(nodes[-1].output[0], TensorProto.FLOAT,
                                       None)],
        list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                             producer_name="make_bad_onnx")


def tensor(name, data_type, dims, raw=None):
    # By hand: onnx.helper.make_tensor refuses the malformed ones.
    t = TensorProto(name=name, data_type=data_type, dims=dims)
    if raw is not None:
        t.raw_data = raw
    return t


def fuzz_convtranspose_rank1():
    # What the fuzzer found: weights of rank 1, whose dim(1) 1.12 reads.
    w = numpy_helper.from_array(np.zeros([4], np.float32), "W")
    return model([helper.make_node("ConvTranspose", ["x", "W"], ["y"],
                                   name="up")],
                 [("x", [1, 4, 8, 8])], [w])


def conv_stride0():
    # 1.12 divides by each stride.
    w = numpy_helper.from_array(np.zeros([2, 4, 3, 3], np.float32), "W")
    return model([helper.make_node("Conv", ["x", "W"], ["y"], name="conv",
                                   strides=[0, 0])],
                 [("x", [1, 4, 8, 8])], [w])


def raw_data_short():
    # A Reshape target of one int64 in 7 bytes: 1.12 copies them into an
    # empty vector.
    shape = tensor("shape", TensorProto.INT64, [1], b"\x41" * 7)
    return model([helper.make_node("Reshape", ["x", "shape"], ["y"],
                                   name="reshape")],
                 [("x", [2, 3])], [shape])


def range_empty_scalar():
    # Range reads element 0 of each scalar; this one has none.
    empty = tensor("start", TensorProto.FLOAT, [])
    limit = helper.make_tensor("limit", TensorProto.FLOAT, [], [8.0])
    delta = helper.make_tensor("delta", TensorProto.FLOAT, [], [1.0])
    return model([helper.make_node("Range", ["start", "limit", "delta"], ["r"],
                                   name="range"),
                  helper.make_node("Add", ["x", "r"], ["y"], name="add")],
                 [("x", [8])], [empty, limit, delta])


def layernorm_axis():
    # 1.12 writes dimension `axis` of the mean's shape: far before it.
    scale = numpy_helper.from_array(np.ones([3], np.float32), "scale")
    return model([helper.make_node("LayerNormalization", ["x", "scale"],
                                   ["y", "mean", "inv_std"], name="ln",
                                   axis=-100000)],
                 [("x", [2, 3])], [scale], opset=17)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(REPO_ROOT, "tests",
                                                      "data", "bad"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for build in (fuzz_convtranspose_rank1, conv_stride0, raw_data_short,
                  range_empty_scalar, layernorm_axis):
        path = os.path.join(args.out, build.__name__ + ".onnx")
        onnx.save(build(), path)
        print(f"{build.__name__}.onnx: {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
