#!/bin/sh
# Writes a random-weight Qwen2-style bench model (fp32, with position_ids, the test fixtures'
# tokenizer) to models/build/ (gitignored):
#   models/make-bench-model.sh                 -> models/build/bench-25m/ (~25M parameters, ~10 s)
#   models/make-bench-model.sh qwen2.5-0.5b    -> models/build/qwen2.5-0.5b/ (Qwen2.5-0.5B's shape:
#       hidden 896, 24 layers, 14 heads, 2 KV heads, FFN 4864, vocabulary 151,936 with the rows past
#       the 512 real tokens biased away, context 4096; 2.5 GB in external data, a few minutes)
#     and models/build/qwen2.5-0.5b-keep/ (the same with a num_logits_to_keep input).
# Deps (Debian, no PyPI): apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-regex
set -eu
cd "$(dirname "$0")/.."
preset="${1:-bench-25m}"
[ $# -gt 0 ] && shift
/usr/bin/python3 models/tools/make_test_model.py --preset "$preset" --out "models/build/$preset" "$@"
if [ "$preset" = "qwen2.5-0.5b" ]; then
  out="models/build/$preset-keep"
  mkdir -p "$out"
  cp models/build/$preset/*.json "$out/"
  /usr/bin/python3 models/tools/add_logits_to_keep.py "models/build/$preset/model.onnx" "$out/model.onnx"
fi
