# Shared by the loadtest scripts (smoke, clients, browser, probes, rss): start the packaged server on
# the bundled demo models, wait until it is ready, stop it on exit. Source it from the repository root:
#
#   source loadtest/lib/server.sh
#   ensure_jar "smoke"                       # packages the server when the jar is missing
#   start_server "smoke" "$LOG" "$PORT" [JVM/-D options...]   # sets SERVER_PID and BASE; exits on failure
#   stop_server                              # also installed as the EXIT/INT/TERM trap
#
# READY_TIMEOUT (s, default 180) bounds the wait; ready means /q/health/ready answers 200 (open with
# or without API keys).

JAR=${JAR:-target/quarkus-app/quarkus-run.jar}
READY_TIMEOUT=${READY_TIMEOUT:-180}
SERVER_PID=

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port [PREFERRED]: PREFERRED when it is free, else a random free port
free_port() {
  if [[ -n "${1:-}" ]] && ! port_in_use "$1"; then echo "$1"; return; fi
  for p in $(shuf -i 20000-45000 -n 100); do
    if ! port_in_use "$p"; then echo "$p"; return; fi
  done
  echo "no free port" >&2
  return 1
}

ensure_jar() {
  if [[ ! -f "$JAR" ]]; then
    echo "$1: $JAR missing, packaging the server"
    ./mvnw -B -ntp -q -DskipTests package
  fi
}

stop_server() {
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=
}
trap stop_server EXIT INT TERM

# start_server NAME LOG PORT [options before -jar...]
start_server() {
  local name=$1 log=$2 port=$3
  shift 3
  mkdir -p "$(dirname "$log")"
  echo "$name: starting the server on port $port (log: $log)"
  # From the repository root, with no model configured: the demo models under models/demo.
  java "$@" -Dquarkus.http.port="$port" -jar "$JAR" >"$log" 2>&1 &
  SERVER_PID=$!
  BASE=http://127.0.0.1:$port
  local deadline=$((SECONDS + READY_TIMEOUT))
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/q/health/ready" || true)" == "200" ]]; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
      echo "$name: the server exited before it was ready:"; tail -n 40 "$log"; exit 1
    fi
    if ((SECONDS > deadline)); then
      echo "$name: the server was not ready after ${READY_TIMEOUT}s:"; tail -n 40 "$log"; exit 1
    fi
    sleep 1
  done
}
