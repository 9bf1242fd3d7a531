#!/usr/bin/env bash
# Gatling smoke: starts the packaged server on the bundled demo model, waits until it serves,
# runs ~30 s of low-rate open-model load (POST /v1/refine and POST /v1/chat/completions, JSON),
# and fails on any failed request or a p95 over the bound. The server is stopped on exit.
#
#   bash loadtest/smoke.sh                     # from anywhere; builds the jar first if it is missing
#   SMOKE_STREAMING=1 bash loadtest/smoke.sh   # also the SSE scenarios (refine-stream, chat-stream)
#
# Environment: PORT (default 8000, or a free port if 8000 is taken), SMOKE_RATE (requests/s per
# scenario, default 1), SMOKE_RAMP (s, 5), SMOKE_HOLD (s, 25), SMOKE_P95_MS (10000),
# SMOKE_STREAMING (0), SMOKE_READY_TIMEOUT (s, 180).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

RATE=${SMOKE_RATE:-1}
RAMP=${SMOKE_RAMP:-5}
HOLD=${SMOKE_HOLD:-25}
P95_MS=${SMOKE_P95_MS:-10000}
READY_TIMEOUT=${SMOKE_READY_TIMEOUT:-180}
SCENARIOS=refine,chat
if [[ "${SMOKE_STREAMING:-0}" == "1" ]]; then
  SCENARIOS=refine,chat,refine-stream,chat-stream
fi

source loadtest/lib/server.sh
PORT=$(free_port "${PORT:-8000}")
ensure_jar smoke
LOG=loadtest/target/smoke-server.log
start_server smoke "$LOG" "$PORT"
# The first listed model (a loaded model; the refinement pipeline id, where there is one, comes last).
MODEL=$(curl -s "$BASE/v1/models" | grep -o '"id" *: *"[^"]*"' | head -n1 | sed 's/.*"\([^"]*\)"$/\1/')
MODEL=${MODEL:-slhf-tiny}
echo "smoke: ready, model $MODEL; scenarios $SCENARIOS at ${RATE}/s each, ramp ${RAMP}s + hold ${HOLD}s"

set +e
./mvnw -B -ntp -f loadtest/pom.xml test-compile gatling:test \
  -Dgatling.simulationClass=dev.slhf.loadtest.MixedSimulation \
  -DbaseUrl="$BASE" -Dscenarios="$SCENARIOS" -Drate="$RATE" -DrampSeconds="$RAMP" -DholdSeconds="$HOLD" \
  -Drounds=1 -DmaxTokens=16 -Dmodel="$MODEL" -Dp95Ms="$P95_MS" | tee loadtest/target/smoke-gatling.log
rc=${PIPESTATUS[0]}
set -e
if (( rc != 0 )); then
  echo "smoke: FAILED (Gatling exit $rc: a failed request or an assertion; server log: $LOG)"
  exit "$rc"
fi
echo "smoke: passed"

# A Markdown summary of the run (per request kind), for loadtest/README.md; needs python3.
REPORT=$(ls -td loadtest/target/gatling/*/ 2>/dev/null | head -n1)
if [[ -n "$REPORT" ]] && command -v python3 >/dev/null 2>&1; then
  python3 - "$REPORT/index.html" <<'PY' | tee loadtest/target/smoke-summary.md
import html, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
print("| request | count | KO | rps | min | p50 | p75 | p95 | p99 | max | mean (ms) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S):
    name = re.search(r'class="ellipsed-name">([^<]+)<', row)
    cells = dict(re.findall(r'<td class="value [a-z]+ col-(\d+)">([^<]*)</td>', row))
    if not cells:
        continue
    label = html.unescape(name.group(1)) if name else "all requests"
    c = lambda i: cells.get(str(i), "")
    print(f"| {label} | {c(2)} | {c(5)} | {c(6)} | {c(7)} | {c(8)} | {c(9)} | {c(10)} | {c(11)} | {c(12)} | {c(13)} |")
PY
fi
