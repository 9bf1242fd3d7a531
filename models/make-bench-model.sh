#!/bin/sh
# Writes a ~25M-parameter random-weight Qwen2-style model (fp32, with position_ids, same
# tokenizer as the test fixtures) to models/build/bench-25m/ (gitignored).
# Deps (Debian, no PyPI): apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-regex
set -eu
cd "$(dirname "$0")/.."
exec /usr/bin/python3 models/tools/make_test_model.py --preset bench-25m --out models/build/bench-25m "$@"
