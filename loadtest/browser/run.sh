#!/usr/bin/env bash
# The playground's real-browser test (README, Playground): starts the packaged server on the bundled
# demo models (as loadtest/smoke.sh does), runs playground.test.mjs in Debian's headless chromium,
# once with API keys off (this run writes docs/playground.png) and once with them on, then stops it.
#
#   bash loadtest/browser/run.sh          # needs the jar (built if missing), node + npm, /usr/bin/chromium
#
# Environment: BROWSER_READY_TIMEOUT (s, 180), SCREENSHOT (default docs/playground.png).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
READY_TIMEOUT=${BROWSER_READY_TIMEOUT:-180}
JAR=target/quarkus-app/quarkus-run.jar
if [[ ! -f "$JAR" ]]; then
  echo "browser: $JAR missing, packaging the server"
  ./mvnw -B -ntp -q -DskipTests package
fi
(cd loadtest/browser && npm ci --no-audit --no-fund --silent)

mkdir -p loadtest/target
free_port() {
  for p in $(shuf -i 20000-45000 -n 100); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "browser: no free port" >&2; exit 1
}

SERVER_PID=
stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT INT TERM

# run_once NAME [java -D options...]: one server, one pass of the browser test
run_once() {
  local name=$1; shift
  local port log base deadline
  port=$(free_port)
  log=loadtest/target/browser-server-$name.log
  echo "browser[$name]: starting the server on port $port (log: $log)"
  java -Dquarkus.http.port="$port" "$@" -jar "$JAR" >"$log" 2>&1 &
  SERVER_PID=$!
  base=http://127.0.0.1:$port/
  deadline=$((SECONDS + READY_TIMEOUT))
  # ready = the readiness probe (open with or without keys) is UP
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "${base}q/health/ready" || true)" == "200" ]]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "browser: the server exited:"; tail -n 40 "$log"; exit 1; fi
    if (( SECONDS > deadline )); then echo "browser: not ready after ${READY_TIMEOUT}s:"; tail -n 40 "$log"; exit 1; fi
    sleep 1
  done
  BASE_URL=$base node loadtest/browser/playground.test.mjs
  stop_server
}

SCREENSHOT=${SCREENSHOT:-$ROOT/docs/playground.png} run_once keys-off
API_KEY=sk-browser-test SCREENSHOT=$ROOT/loadtest/target/playground-keys-on.png \
  run_once keys-on -Dslhf.api-keys=sk-browser-test
echo "browser: passed"
