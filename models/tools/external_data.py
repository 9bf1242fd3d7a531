#!/usr/bin/env python3
"""Writes an inline ONNX export again with its weights in external data, in the three ways real
exports do it, so the server's loading of each can be tested on the committed tiny models:

  single   one `model.onnx_data` next to the graph (optimum, onnx.save_model(save_as_external_data))
  chunks   onnx-community's split files `model.onnx_data`, `model.onnx_data_1`, ... each under a size
           bound (Transformers.js' `use_external_data_format: N`)
  tensors  one file per tensor (onnx.save_model(..., all_tensors_to_one_file=False))

To keep the repository small, only the `single` layout's data file is committed. For the other two
this tool writes the graph and `slices.json`: for each data file, the [start, length] byte range of
the `single` layout's `model.onnx_data` it consists of. The Java tests materialise those files by
copying the ranges, so ONNX Runtime reads exactly the layout the graph names.

Usage: external_data.py IN/model.onnx OUT_DIR [--chunk-bytes N]
  -> OUT_DIR/single/{model.onnx, model.onnx_data}, OUT_DIR/{chunks,tensors}/{model.onnx, slices.json}
Needs python3-onnx and numpy only (Debian packages). Deterministic.
"""
import argparse
import json
import os
import re

import onnx
from onnx import TensorProto, numpy_helper

DATA = "model.onnx_data"
# tensors under this stay inline, as onnx's own converter leaves them (size_threshold=1024)
INLINE_BELOW = 1024
# offsets are kept 64-byte aligned so mapped weights are aligned for vector loads
ALIGN = 64


def weights(model):
    """The initializers that go external, in graph order, with their bytes."""
    out = []
    for t in model.graph.initializer:
        raw = numpy_helper.to_array(t).tobytes()
        if len(raw) >= INLINE_BELOW:
            out.append((t, raw))
    return out


def point_at(tensor, location, offset, length):
    tensor.ClearField("raw_data")
    for field in ("float_data", "int32_data", "int64_data", "double_data", "uint64_data", "string_data"):
        tensor.ClearField(field)
    del tensor.external_data[:]
    tensor.data_location = TensorProto.EXTERNAL
    for key, value in (("location", location), ("offset", str(offset)), ("length", str(length))):
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value


def single(src, out_dir):
    """All weights in one file; returns {tensor name: (offset, length)} in that file."""
    model = onnx.load(src)
    os.makedirs(out_dir, exist_ok=True)
    ranges = {}
    with open(os.path.join(out_dir, DATA), "wb") as f:
        for tensor, raw in weights(model):
            pad = (-f.tell()) % ALIGN
            f.write(b"\0" * pad)
            ranges[tensor.name] = (f.tell(), len(raw))
            point_at(tensor, DATA, f.tell(), len(raw))
            f.write(raw)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    return ranges


def derived(src, out_dir, ranges, file_of):
    """A layout whose files are slices of the single layout's data file.

    file_of(index, name, offset, length) gives each tensor's file; tensors of one file must be
    consecutive in the single file, so each file is one contiguous slice of it.
    """
    model = onnx.load(src)
    os.makedirs(out_dir, exist_ok=True)
    slices = {}
    for i, (tensor, raw) in enumerate(weights(model)):
        offset, length = ranges[tensor.name]
        location = file_of(i, tensor.name, offset, length)
        start = slices.setdefault(location, [offset, 0])[0]
        slices[location][1] = offset + length - start
        point_at(tensor, location, offset - start, length)
    onnx.save(model, os.path.join(out_dir, "model.onnx"))
    with open(os.path.join(out_dir, "slices.json"), "w") as f:
        json.dump({"source": DATA, "files": slices}, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("src")
    p.add_argument("out")
    p.add_argument("--chunk-bytes", type=int, default=256 * 1024)
    a = p.parse_args()
    ranges = single(a.src, os.path.join(a.out, "single"))

    chunk_of = {}

    def chunks(i, name, offset, length):
        # start a new chunk when this tensor would end past the bound (as onnx-community's splitter)
        if not chunk_of:
            chunk_of["n"], chunk_of["start"] = 0, offset
        elif offset + length - chunk_of["start"] > a.chunk_bytes:
            chunk_of["n"], chunk_of["start"] = chunk_of["n"] + 1, offset
        n = chunk_of["n"]
        return DATA if n == 0 else f"{DATA}_{n}"

    derived(a.src, os.path.join(a.out, "chunks"), ranges, chunks)

    used = set()

    def per_tensor(i, name, offset, length):
        # a file name from the tensor name (onnx uses the name itself; ':' and '/' are not portable)
        base = re.sub(r"[^A-Za-z0-9._-]", "_", name)
        file = base
        while file in used:
            file = f"{base}_{i}"
        used.add(file)
        return file

    derived(a.src, os.path.join(a.out, "tensors"), ranges, per_tensor)


if __name__ == "__main__":
    main()
