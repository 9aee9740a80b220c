#!/usr/bin/python3
"""Small ONNX fixtures for the importer's coverage: one per family of ops.

Written to tests/data/onnx/coverage/ and committed (CI does not run this
script). Torch exports use Debian's python3-torch 1.13 at opset 13, as a
user's toolchain would; the graphs torch cannot emit (Scan, If, nested
Loop, quantised ops, ops newer than opset 17) are built with onnx.helper.
Torch exports lose the payload of float initializers over 16 elements
(their dims stay); the onnx.helper graphs keep theirs. The expected counts are worked by hand in tests/onnx_coverage_test.cc.

    /usr/bin/python3 scripts/export_coverage_fixtures.py [--out DIR]
"""

import argparse
import os
import warnings

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from onnx import TensorProto, helper, numpy_helper

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_OUT = os.path.join(REPO_ROOT, "tests", "data", "onnx", "coverage")


class TwiceLinear(nn.Module):
    """One nn.Linear applied twice: its weights are stored once."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(256, 256)

    def forward(self, x):
        return self.fc(torch.relu(self.fc(x)))


class Bags(nn.Module):
    """nn.EmbeddingBag over fixed-size bags (a 2-D input): torch exports a
    Loop over the bags, then the Linear after it."""

    def __init__(self):
        super().__init__()
        self.bag = nn.EmbeddingBag(1000, 64, mode="mean")
        self.fc = nn.Linear(64, 10)

    def forward(self, ids):
        return self.fc(self.bag(ids))


class Resizes(nn.Module):
    def forward(self, x):
        return (F.interpolate(x, scale_factor=2, mode="bilinear",
                              align_corners=False),
                F.interpolate(x, scale_factor=2, mode="bicubic",
                              align_corners=False),
                F.interpolate(x, scale_factor=2, mode="nearest"))


def torch_fixtures():
    torch.manual_seed(0)
    small_swin = lambda: torchvision.models.swin_transformer.SwinTransformer(
        patch_size=[4, 4], embed_dim=24, depths=[2, 2], num_heads=[2, 4],
        window_size=[7, 7], num_classes=10)
    encoder = lambda: nn.TransformerEncoder(
        nn.TransformerEncoderLayer(64, 4, 128, dropout=0.0, batch_first=True),
        num_layers=2, enable_nested_tensor=False)
    return {
        # Keyword spotting over 40 MFCCs x 100 frames.
        "conv1d_kws": (nn.Sequential(
            nn.Conv1d(40, 64, 5, padding=2), nn.ReLU(), nn.MaxPool1d(2),
            nn.Conv1d(64, 64, 3, padding=1, groups=64), nn.AvgPool1d(2),
            nn.Flatten(), nn.Linear(64 * 25, 12)),
            (torch.randn(1, 40, 100),)),
        "conv3d": (nn.Sequential(
            nn.Conv3d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool3d(2),
            nn.ConvTranspose3d(8, 4, 2, stride=2), nn.AvgPool3d(2)),
            (torch.randn(1, 3, 8, 16, 16),)),
        "twice_linear": (TwiceLinear(), (torch.randn(1, 256),)),
        # Cloned layers with equal weights: torch stores each distinct
        # tensor once and reads it from both layers.
        "transformer_encoder": (encoder(), (torch.randn(1, 10, 64),)),
        "embedding_bag": (Bags(), (torch.randint(0, 1000, (4, 6)),)),
        "resize": (Resizes(), (torch.randn(1, 3, 8, 8),)),
        # Pad sizes from shape arithmetic (window_size - H % window_size).
        "swin_small": (small_swin(), (torch.randn(1, 3, 64, 64),)),
    }


def export_torch(name, model, example, path):
    model.eval()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, example, path, opset_version=13,
                          do_constant_folding=True)
    # The counts do not depend on the weights' values: stripped, as in
    # export_onnx_fixtures.py, so that the files stay small.
    if True:
        proto = onnx.load(path)
        for init in proto.graph.initializer:
            if init.data_type == TensorProto.FLOAT and np.prod(init.dims) > 16:
                init.ClearField("raw_data")
        onnx.save(proto, path)


def weight(name, *dims, dtype=np.float32, seed=0):
    rng = np.random.default_rng(seed)
    return numpy_helper.from_array(
        (rng.standard_normal(dims) * 10).astype(dtype), name)


def model(nodes, inputs, outputs, inits, opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                             producer_name="export_coverage_fixtures")


def scan_rnn():
    # h_t = tanh(x_t W + h_{t-1} U) over 5 steps of [1, 8], hidden 16.
    body = helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "W"], ["xw"]),
         helper.make_node("MatMul", ["h", "U"], ["hu"]),
         helper.make_node("Add", ["xw", "hu"], ["pre"]),
         helper.make_node("Tanh", ["pre"], ["h_next"]),
         helper.make_node("Identity", ["h_next"], ["y_t"])],
        "step",
        [helper.make_tensor_value_info("h", TensorProto.FLOAT, [1, 16]),
         helper.make_tensor_value_info("x_t", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("h_next", TensorProto.FLOAT, [1, 16]),
         helper.make_tensor_value_info("y_t", TensorProto.FLOAT, [1, 16])])
    scan = helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"],
                            num_scan_inputs=1, body=body, name="rnn")
    return model(
        [scan],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [5, 1, 8])],
        [helper.make_tensor_value_info("ys", TensorProto.FLOAT, None)],
        [weight("W", 8, 16), weight("U", 16, 16, seed=1),
         numpy_helper.from_array(np.zeros((1, 16), np.float32), "h0")])


def branches(cond_node):
    then_branch = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["t_out"])], "then", [],
        [helper.make_tensor_value_info("t_out", TensorProto.FLOAT, [1, 32])])
    else_branch = helper.make_graph(
        [helper.make_node("Relu", ["x"], ["e_out"]),
         helper.make_node("Concat", ["e_out", "e_out"], ["e_cat"], axis=1)],
        "else", [],
        [helper.make_tensor_value_info("e_cat", TensorProto.FLOAT, [1, 32])])
    return model(
        cond_node + [helper.make_node("If", ["c"], ["y"], name="branch",
                                      then_branch=then_branch,
                                      else_branch=else_branch)],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [weight("W", 16, 32)])


def if_static():
    # The condition is the input's rank == 2: folded, the then branch.
    return branches([
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Size", ["s"], ["rank"]),
        helper.make_node("Constant", [], ["two"],
                         value=helper.make_tensor("two", TensorProto.INT64,
                                                  [], [2])),
        helper.make_node("Equal", ["rank", "two"], ["c"])])


def if_dynamic():
    # The condition depends on the data: the costlier (then) branch.
    return branches([
        helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
        helper.make_node("Constant", [], ["zero"],
                         value=helper.make_tensor("zero", TensorProto.FLOAT,
                                                  [], [0.0])),
        helper.make_node("Greater", ["total", "zero"], ["c"])])


def nested_loop():
    # 3 outer x 4 inner iterations of y = y W (W [8, 8]), carried.
    inner = helper.make_graph(
        [helper.make_node("MatMul", ["v", "W"], ["v_next"]),
         helper.make_node("Identity", ["ci"], ["ci_out"])],
        "inner",
        [helper.make_tensor_value_info("j", TensorProto.INT64, []),
         helper.make_tensor_value_info("ci", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("ci_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_next", TensorProto.FLOAT, [1, 8])])
    outer = helper.make_graph(
        [helper.make_node("Loop", ["four", "", "u"], ["u_next"], body=inner,
                          name="inner_loop"),
         helper.make_node("Identity", ["co"], ["co_out"])],
        "outer",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("co", TensorProto.BOOL, []),
         helper.make_tensor_value_info("u", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("co_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("u_next", TensorProto.FLOAT, [1, 8])])
    return model(
        [helper.make_node("Loop", ["three", "", "x"], ["y"], body=outer,
                          name="outer_loop")],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [weight("W", 8, 8),
         numpy_helper.from_array(np.array(3, np.int64), "three"),
         numpy_helper.from_array(np.array(4, np.int64), "four")])


def qlinear():
    # QLinearConv (16 -> 32, 3x3 over 8x8, pad 1) then QLinearMatMul
    # ([1, 2048] x [2048, 10]), between QuantizeLinear and
    # DequantizeLinear, as onnxruntime's quantiser writes them.
    s = lambda n: numpy_helper.from_array(np.array(0.05, np.float32), n)
    z = lambda n: numpy_helper.from_array(np.array(0, np.uint8), n)
    zi = lambda n: numpy_helper.from_array(np.array(0, np.int8), n)
    inits = [s("xs"), z("xz"), s("ws"), zi("wz"), s("ys"), z("yz"),
             weight("w", 32, 16, 3, 3, dtype=np.int8),
             numpy_helper.from_array(np.zeros(32, np.int32), "b"),
             weight("m", 2048, 10, dtype=np.int8, seed=2),
             numpy_helper.from_array(np.array([1, 2048], np.int64), "flat")]
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
        helper.make_node("QLinearConv",
                         ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz", "b"],
                         ["cq"], pads=[1, 1, 1, 1], name="qconv"),
        helper.make_node("Reshape", ["cq", "flat"], ["fq"]),
        helper.make_node("QLinearMatMul",
                         ["fq", "ys", "yz", "m", "ws", "wz", "ys", "yz"],
                         ["mq"], name="qmatmul"),
        helper.make_node("DequantizeLinear", ["mq", "ys", "yz"], ["y"])]
    return model(
        nodes,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 16, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)


def integer_ops():
    # ConvInteger and MatMulInteger (int32 accumulators, dynamic
    # quantisation), and a QDQ conv: DequantizeLinear on int8 weights.
    inits = [weight("w", 8, 4, 3, 3, dtype=np.int8),
             weight("m", 288, 6, dtype=np.int8, seed=1),
             weight("w2", 8, 4, 1, 1, dtype=np.int8, seed=2),
             numpy_helper.from_array(np.array(0.1, np.float32), "sc"),
             numpy_helper.from_array(np.array(0, np.int8), "zp"),
             numpy_helper.from_array(np.array([1, 288], np.int64), "flat")]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"]),
        helper.make_node("ConvInteger", ["xq", "w", "xz"], ["c"],
                         name="conv_int"),
        helper.make_node("Cast", ["c"], ["cf"], to=TensorProto.FLOAT),
        helper.make_node("Reshape", ["cf", "flat"], ["f"]),
        helper.make_node("DynamicQuantizeLinear", ["f"], ["fq", "fs", "fz"]),
        helper.make_node("MatMulInteger", ["fq", "m", "fz"], ["y"],
                         name="matmul_int"),
        helper.make_node("DequantizeLinear", ["w2", "sc", "zp"], ["w2f"]),
        helper.make_node("QuantizeLinear", ["x2", "sc", "zp"], ["x2q"]),
        helper.make_node("DequantizeLinear", ["x2q", "sc", "zp"], ["x2f"]),
        helper.make_node("Conv", ["x2f", "w2f"], ["y2"], name="qdq_conv")]
    return model(
        nodes,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, 8, 8]),
         helper.make_tensor_value_info("x2", TensorProto.FLOAT,
                                       [1, 4, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, None),
         helper.make_tensor_value_info("y2", TensorProto.FLOAT, None)],
        inits)


def opset21():
    # Ops newer than ONNX 1.12's registry in an opset-21 model: Gelu (20),
    # Mish (18), GroupNormalization (21), BitwiseAnd (18).
    inits = [numpy_helper.from_array(np.ones(8, np.float32), "g"),
             numpy_helper.from_array(np.zeros(8, np.float32), "b"),
             numpy_helper.from_array(np.array(3, np.int32), "mask")]
    nodes = [
        helper.make_node("Gelu", ["x"], ["a"]),
        helper.make_node("Mish", ["a"], ["m"]),
        helper.make_node("GroupNormalization", ["m", "g", "b"], ["n"],
                         num_groups=2),
        helper.make_node("BitwiseAnd", ["k", "mask"], ["kb"])]
    return model(
        nodes,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, 4, 4]),
         helper.make_tensor_value_info("k", TensorProto.INT32, [1, 6])],
        [helper.make_tensor_value_info("n", TensorProto.FLOAT, None),
         helper.make_tensor_value_info("kb", TensorProto.INT32, None)],
        inits, opset=21)


def loop_body():
    return helper.make_graph(
        [helper.make_node("MatMul", ["v", "W"], ["v_next"]),
         helper.make_node("Identity", ["c"], ["c_out"])],
        "body",
        [helper.make_tensor_value_info("i", TensorProto.INT64, []),
         helper.make_tensor_value_info("c", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
         helper.make_tensor_value_info("v_next", TensorProto.FLOAT, [1, 8])])


def loop_runtime_trip():
    # The trip count is read from the data: no count before run time.
    return model(
        [helper.make_node("ReduceSum", ["x"], ["s"], keepdims=0),
         helper.make_node("Cast", ["s"], ["m"], to=TensorProto.INT64),
         helper.make_node("Loop", ["m", "", "x"], ["y"], body=loop_body(),
                          name="steps")],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [weight("W", 8, 8)])


def loop_while():
    # No trip count: it runs until its condition fails.
    return model(
        [helper.make_node("Constant", [], ["go"],
                          value=helper.make_tensor("go", TensorProto.BOOL, [],
                                                   [1])),
         helper.make_node("Loop", ["", "go", "x"], ["y"], body=loop_body(),
                          name="until")],
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        [weight("W", 8, 8)])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, (net, example) in torch_fixtures().items():
        path = os.path.join(args.out, name + ".onnx")
        export_torch(name, net, example, path)
        print(f"{name}.onnx: {os.path.getsize(path)} bytes")
    for build in (scan_rnn, if_static, if_dynamic, nested_loop, qlinear,
                  integer_ops, opset21):
        path = os.path.join(args.out, build.__name__ + ".onnx")
        onnx.save(build(), path)
        print(f"{build.__name__}.onnx: {os.path.getsize(path)} bytes")
    # Loops that cannot be counted, for tests/data/bad/cases.tsv.
    bad = os.path.join(REPO_ROOT, "tests", "data", "bad")
    for build in (loop_runtime_trip, loop_while):
        onnx.save(build(), os.path.join(bad, build.__name__ + ".onnx"))


if __name__ == "__main__":
    main()
