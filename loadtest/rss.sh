#!/usr/bin/env bash
# Resident memory of the packaged server under load, for a given set of JVM flags.
#
#   ./mvnw -q -DskipTests package
#   bash loadtest/rss.sh                                  # default JVM flags
#   JVM_FLAGS="-XX:MaxRAM=8g -XX:MaxRAMPercentage=50.0 -XX:+ExitOnOutOfMemoryError -XX:MaxDirectMemorySize=256m" \
#     bash loadtest/rss.sh                                # the flags of k8s/base/deployment.yaml (MaxRAM = the pod limit)
#
# Starts target/quarkus-app/quarkus-run.jar on the demo model, runs CLIENTS concurrent curl loops
# (chat, refine, streamed refine) for DURATION seconds, samples /proc/PID/status every second and
# prints: RSS after start-up, peak (VmHWM), steady (median VmRSS over the second half), requests and
# non-2xx answers. Needs only bash, curl and a JRE.
set -euo pipefail
cd "$(dirname "$0")/.."
source loadtest/lib/server.sh
PORT=$(free_port "${PORT:-18090}")
DURATION=${DURATION:-60}
CLIENTS=${CLIENTS:-8}
JVM_FLAGS=${JVM_FLAGS:-}
work=$(mktemp -d)
# shellcheck disable=SC2086
start_server rss "$work/server.log" "$PORT" $JVM_FLAGS
pid=$SERVER_PID
trap 'stop_server; rm -rf "$work"' EXIT INT TERM
rss() { awk -v k="$1:" '$1 == k {print $2}' "/proc/$pid/status"; }
start_rss=$(rss VmRSS)
end=$((SECONDS + DURATION))
client() {
  local i=0 url body
  while ((SECONDS < end)); do
    case $((i % 3)) in
      0) url=/v1/chat/completions body='{"model":"slhf-tiny","messages":[{"role":"user","content":"Sort 42 7 19 3"}],"max_tokens":48}' ;;
      1) url=/v1/refine body='{"prompt":"Name three colours","rounds":2,"max_tokens":32}' ;;
      2) url=/v1/refine body='{"prompt":"Count to five","rounds":1,"max_tokens":32,"stream":true}' ;;
    esac
    curl -s -o /dev/null -w '%{http_code}\n' -m 120 "localhost:$PORT$url" -H 'Content-Type: application/json' -d "$body" \
      >>"$work/codes.$1" || echo 000 >>"$work/codes.$1"
    i=$((i + 1))
  done
}
for c in $(seq "$CLIENTS"); do client "$c" & done
while ((SECONDS < end)); do rss VmRSS >>"$work/rss"; sleep 1; done
wait $(jobs -p | grep -v "^$pid$") 2>/dev/null || true
peak=$(rss VmHWM)
steady=$(tail -n $(( $(wc -l <"$work/rss") / 2 )) "$work/rss" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
total=$(cat "$work"/codes.* | wc -l)
bad=$(cat "$work"/codes.* | grep -vc '^2' || true)
heap=$(java $JVM_FLAGS -XX:+PrintFlagsFinal -version 2>/dev/null | awk '$2 == "MaxHeapSize" {printf "%.0f", $4 / 1048576}')
printf 'flags: %s\nmax heap: %s MiB\nRSS after start: %d MiB\npeak (VmHWM): %d MiB\nsteady (median VmRSS, 2nd half): %d MiB\nrequests: %d, non-2xx: %d\n' \
  "${JVM_FLAGS:-(default)}" "$heap" $((start_rss / 1024)) $((peak / 1024)) $((steady / 1024)) "$total" "$bad"
