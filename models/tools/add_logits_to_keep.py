#!/usr/bin/env python3
"""Gives a text-generation-with-past ONNX export a `num_logits_to_keep` input.

A plain export computes the output projection (hidden -> vocabulary) for every input position,
although generation needs the last position of a prefill (k + 1 for a speculative verify). At
Qwen's 151,936-entry vocabulary that projection is about a quarter of prefill FLOPs and a
512-token chunk yields a 311 MB logits tensor. This rewrite slices the hidden states to their
last `num_logits_to_keep` positions right before the projection, so the graph computes and
returns logits [batch, num_logits_to_keep, vocab]; slhf-serve detects the input at load and feeds
it. Every other output (present.*) is unchanged, and so are the kept logits.

Usage: add_logits_to_keep.py IN_DIR/model.onnx OUT_DIR/model.onnx
(external data is read and written as one `model.onnx_data` file next to the output when the
input has any). Needs python3-onnx and numpy only (Debian packages).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INPUT = "num_logits_to_keep"
# ops between the projection and the `logits` output that act per position (bias, softcapping,
# a final cast): the slice can sit before all of them
PASS_THROUGH = {"Cast", "Add", "Mul", "Div", "Tanh", "Sub", "Identity"}
PROJECTIONS = {"MatMul", "MatMulNBits", "Gemm", "MatMulInteger", "FusedMatMul"}


def data_input(node, producers, constants):
    """The one input of a per-position op that carries the activations."""
    live = [x for x in node.input if x and x not in constants and x in producers]
    if len(live) != 1:
        raise SystemExit(f"cannot follow {node.op_type} {node.name}: {len(live)} activation inputs")
    return live[0]


def main(src, dst):
    external = any(t.data_location == TensorProto.EXTERNAL
                   for t in onnx.load(src, load_external_data=False).graph.initializer)
    model = onnx.load(src)
    graph = model.graph
    if any(i.name == INPUT for i in graph.input):
        raise SystemExit(f"{src} already has a {INPUT} input")
    producers = {o: n for n in graph.node for o in n.output}
    constants = {t.name for t in graph.initializer} | {
        o for n in graph.node if n.op_type == "Constant" for o in n.output}

    node = producers["logits"]
    while node.op_type in PASS_THROUGH:
        node = producers[data_input(node, producers, constants)]
    if node.op_type not in PROJECTIONS:
        raise SystemExit(f"the logits come from {node.op_type} {node.name}, not a projection this tool knows")
    target, slot = node, 0
    # dynamic int8 (optimum's quantizer): DynamicQuantizeLinear(x) -> MatMulInteger; slice x, so
    # the quantized activations and their scale and zero point all shrink together
    x = node.input[0]
    if node.op_type == "MatMulInteger" and x in producers and producers[x].op_type == "DynamicQuantizeLinear":
        target = producers[x]
        x = target.input[0]

    one = numpy_helper.from_array(np.array([0], dtype=np.int64), "logits_to_keep/axes0")
    big = numpy_helper.from_array(np.array([np.iinfo(np.int64).max], dtype=np.int64), "logits_to_keep/end")
    axis = numpy_helper.from_array(np.array([1], dtype=np.int64), "logits_to_keep/axis")
    graph.initializer.extend([one, big, axis])
    sliced = x + "/last_positions"
    graph.node.extend([
        helper.make_node("Unsqueeze", [INPUT, one.name], ["logits_to_keep/k"], name="logits_to_keep/Unsqueeze"),
        helper.make_node("Neg", ["logits_to_keep/k"], ["logits_to_keep/start"], name="logits_to_keep/Neg"),
        helper.make_node("Slice", [x, "logits_to_keep/start", big.name, axis.name], [sliced],
                         name="logits_to_keep/Slice"),
    ])
    target.input[slot] = sliced
    graph.input.append(helper.make_tensor_value_info(INPUT, TensorProto.INT64, []))
    for out in graph.output:
        if out.name == "logits":
            dim = out.type.tensor_type.shape.dim[1]
            dim.Clear()
            dim.dim_param = INPUT
    # nodes must stay topologically sorted: move the new ones before their consumer
    nodes = list(graph.node)
    new = nodes[-3:]
    rest = nodes[:-3]
    at = rest.index(target)
    del graph.node[:]
    graph.node.extend(rest[:at] + new + rest[at:])

    if external:
        onnx.save(model, dst, save_as_external_data=True, all_tensors_to_one_file=True,
                  location="model.onnx_data", size_threshold=1024)
    else:
        onnx.save(model, dst)
    onnx.checker.check_model(dst)
    print(f"{dst}: {INPUT} slices {x} before {node.op_type} {node.name}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
