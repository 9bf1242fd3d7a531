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

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=${PORT:-}
if [[ -z "$PORT" ]]; then
  for p in $(shuf -i 20000-45000 -n 100); do
    if ! port_in_use "$p"; then PORT=$p; break; fi
  done
fi

JAR=target/quarkus-app/quarkus-run.jar
if [[ ! -f "$JAR" ]]; then
  echo "openai-check: $JAR missing, packaging the server"
  ./mvnw -B -ntp -q -DskipTests package
fi

# the exact SDK version of package-lock.json, not whatever is newest today
(cd loadtest/clients && npm ci --no-audit --no-fund --loglevel=error)

mkdir -p loadtest/target
LOG=loadtest/target/openai-check-server.log
SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
}
trap stop_server EXIT INT TERM

# From the repository root, with no model configured: the demo models under models/demo.
echo "openai-check: starting the server on port $PORT (log: $LOG)"
java -Dquarkus.http.port="$PORT" -jar "$JAR" >"$LOG" 2>&1 &
SERVER_PID=$!

BASE=http://127.0.0.1:$PORT
deadline=$((SECONDS + READY_TIMEOUT))
until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/v1/models" || true)" == "200" ]]; do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    echo "openai-check: the server exited during start-up:"; tail -50 "$LOG"; exit 1
  fi
  if ((SECONDS > deadline)); then
    echo "openai-check: the server was not ready after ${READY_TIMEOUT}s:"; tail -50 "$LOG"; exit 1
  fi
  sleep 1
done

if ! BASE_URL="$BASE/v1" node loadtest/clients/openai-check.mjs; then
  echo "openai-check: server log tail:"; tail -50 "$LOG"
  exit 1
fi
