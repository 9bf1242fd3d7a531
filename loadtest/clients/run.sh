#!/usr/bin/env bash
# Starts the packaged server on the bundled demo model (as loadtest/smoke.sh does), runs
# openai-check.mjs (the official OpenAI Node SDK) against it, stops the server.
#
#   bash loadtest/clients/run.sh        # needs node + npm; builds the jar if it is missing
#
# Environment: PORT (default: a free port), READY_TIMEOUT (s, 180).
set -euo pipefail
cd "$(dirname "$0")/../.."
READY_TIMEOUT=${READY_TIMEOUT:-180}

source loadtest/lib/server.sh
PORT=$(free_port "${PORT:-}")
ensure_jar openai-check

# the exact SDK version of package-lock.json, not whatever is newest today
(cd loadtest/clients && npm ci --no-audit --no-fund --loglevel=error)

LOG=loadtest/target/openai-check-server.log
start_server openai-check "$LOG" "$PORT"

if ! BASE_URL="$BASE/v1" node loadtest/clients/openai-check.mjs; then
  echo "openai-check: server log tail:"; tail -50 "$LOG"
  exit 1
fi
