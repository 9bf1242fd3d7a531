#!/bin/sh
# Rebuilds the bundled demo models from scratch (run from anywhere; works in models/):
#   tokenizers + held-out set -> GPT-2-style leader -> slhf-tiny (leader + follower)
#   -> ONNX export to models/demo/{slhf-tiny,gpt2-leader}/ -> greedy evaluation, rounds 0..4
#   -> MODEL_CARD.md files with the measured numbers.
# Deps (Debian, no PyPI): apt-get install -y python3-torch python3-onnx libopenblas0-pthread python3-regex
# Deterministic seeds; single-threaded torch (2 threads oversubscribe when anything else runs).
# Took 42 minutes on 2 cores shared with other jobs (prep+gpt2 5, phase 1 22, phase 2 14, export+eval+cards 1). Logs: models/build/demo-train/<stage>.log
# The leader role gets a small share of the gradient (loss weight 0.1 in phase 1, 0.05 in phase 2); see train/README.md.
set -eu
cd "$(dirname "$0")"
PY=/usr/bin/python3
mkdir -p build/demo-train
run() {
  stage=$1; shift
  echo "== $stage $(date -u +%H:%M:%S)"
  if ! $PY train/train.py "$stage" "$@" > "build/demo-train/$stage.log" 2>&1; then
    tail -n 20 "build/demo-train/$stage.log"; echo "stage $stage failed" >&2; exit 1
  fi
  tail -n 40 "build/demo-train/$stage.log"
}
rm -f build/demo-train/train_info.json
run prep
run gpt2
run slhf
# PHASE2=0 skips the follower-heavy phase 2 (ships the phase-1 model: weaker leader, see MODEL_CARD.md)
if [ "${PHASE2:-1}" != 0 ]; then run slhf2 --slhf2-steps 1500 --leader-weight2 0.05; else cp build/demo-train/slhf_phase1.pt build/demo-train/slhf.pt; fi
run export
run eval
$PY train/cards.py
echo "== done $(date -u +%H:%M:%S)"
