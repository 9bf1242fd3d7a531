#!/usr/bin/env python3
"""Writes tiny ONNX graphs shaped like exports the server refuses, so each refusal can be tested
without a real model. Needs only python3-onnx:  apt-get install -y python3-onnx

    # optimum's legacy *merged* decoder (a `use_cache_branch` input)
    /usr/bin/python3 models/tools/make_legacy_fixture.py src/test/resources/broken/legacy-merged.onnx
    # an export without past (`--task text-generation`, or optimum's old decoder_model.onnx):
    # input_ids/attention_mask -> logits, no past_key_values.* inputs, no present.* outputs
    /usr/bin/python3 models/tools/make_legacy_fixture.py --no-past src/test/resources/broken/no-past.onnx
"""
import sys

import onnx
from onnx import TensorProto, helper


def main(out, with_past=True):
    if not with_past:
        return no_past(out)
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "total_length"]),
        helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT, ["batch_size", 2, "past", 4]),
        helper.make_tensor_value_info("past_key_values.0.value", TensorProto.FLOAT, ["batch_size", 2, "past", 4]),
        helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]),
    ]
    outputs = [
        helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", 8]),
        helper.make_tensor_value_info("present.0.key", TensorProto.FLOAT, ["batch_size", 2, "total", 4]),
        helper.make_tensor_value_info("present.0.value", TensorProto.FLOAT, ["batch_size", 2, "total", 4]),
    ]
    # The body only has to be a valid graph: the server must refuse it from the signature alone.
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_f", "axes"], ["ids_3d"]),
        helper.make_node("Expand", ["ids_3d", "logits_shape"], ["logits_raw"]),
        helper.make_node("Identity", ["logits_raw"], ["logits"]),
        helper.make_node("Identity", ["past_key_values.0.key"], ["present.0.key"]),
        helper.make_node("Identity", ["past_key_values.0.value"], ["present.0.value"]),
    ]
    inits = [
        helper.make_tensor("axes", TensorProto.INT64, [1], [2]),
        helper.make_tensor("logits_shape", TensorProto.INT64, [3], [1, 1, 8]),
    ]
    graph = helper.make_graph(nodes, "legacy_merged_decoder", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


def no_past(out):
    inputs = [
        helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch_size", "sequence_length"]),
        helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch_size", "sequence_length"]),
    ]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch_size", "sequence_length", 8])]
    nodes = [
        helper.make_node("Cast", ["input_ids"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_f", "axes"], ["ids_3d"]),
        helper.make_node("Expand", ["ids_3d", "logits_shape"], ["logits"]),
    ]
    inits = [
        helper.make_tensor("axes", TensorProto.INT64, [1], [2]),
        helper.make_tensor("logits_shape", TensorProto.INT64, [3], [1, 1, 8]),
    ]
    graph = helper.make_graph(nodes, "decoder_without_past", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)


if __name__ == "__main__":
    if sys.argv[1] == "--no-past":
        main(sys.argv[2], with_past=False)
    else:
        main(sys.argv[1])
