#!/usr/bin/env bash
# Per-round evaluation of the demo models on the held-out set (see README, "Demo models").
#   models/eval.sh [--n N] [--rounds R] [--server URL] [--leaders a,b] [--follower NAME]
# Without --server the models under models/demo run in-process on the engine; with --server the
# prompts go to a running slhf-serve through POST /v1/refine.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp test-compile exec:java -Dexec.mainClass=dev.slhf.serve.eval.RefinementEval -Dexec.args="$*"
