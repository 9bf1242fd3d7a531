#!/bin/sh
# Regenerates the committed test fixtures under src/test/resources/fixture/:
#   tiny-qwen/, tiny-qwen-fp16/, tiny-qwen-nopos/ (model.onnx + HF config/tokenizer files) and golden.json,
#   then tiny-qwen-keep/: tiny-qwen with a num_logits_to_keep input (models/tools/add_logits_to_keep.py),
#   and external-data/: tiny-qwen's weights as external data, one file (single/) or many (chunks/,
#   tensors/: graph + slices of single/model.onnx_data, materialised by the tests), models/tools/external_data.py.
# Deps (Debian, no PyPI): apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-regex
# Deterministic: rerunning reproduces the same files.
set -eu
cd "$(dirname "$0")/.."
/usr/bin/python3 models/tools/make_test_model.py --preset fixtures --out src/test/resources/fixture "$@"
F=src/test/resources/fixture
mkdir -p $F/tiny-qwen-keep
cp $F/tiny-qwen/*.json $F/tiny-qwen-keep/
/usr/bin/python3 models/tools/add_logits_to_keep.py $F/tiny-qwen/model.onnx $F/tiny-qwen-keep/model.onnx
rm -rf $F/external-data
/usr/bin/python3 models/tools/external_data.py $F/tiny-qwen/model.onnx $F/external-data
