#!/bin/sh
# Regenerates the committed test fixtures under src/test/resources/fixture/:
#   tiny-qwen/, tiny-qwen-fp16/, tiny-qwen-nopos/ (model.onnx + HF config/tokenizer files) and golden.json.
# Deps (Debian, no PyPI): apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-regex
# Deterministic: rerunning reproduces the same files.
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 models/tools/make_test_model.py --preset fixtures --out src/test/resources/fixture "$@"
