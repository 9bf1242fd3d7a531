#!/usr/bin/env bash
# Issue 17's probes against the packaged jar, started here with a 256 MiB heap (probe c's setting):
#
#   ./mvnw -q -DskipTests package && bash loadtest/probes/run.sh [a b c d]
#
# Prints one line per probe (see Probes.java) and whether the server is still alive at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
source loadtest/lib/server.sh
PORT=$(free_port "${PORT:-18091}")
log=loadtest/target/probes-server.log
start_server probes "$log" "$PORT" -Xmx256m -XX:+ExitOnOutOfMemoryError
pid=$SERVER_PID
java loadtest/probes/Probes.java "localhost:$PORT" slhf-tiny "$@"
if kill -0 "$pid" 2>/dev/null; then echo "server alive, RSS $(awk '$1 == "VmRSS:" {print int($2 / 1024)}' /proc/$pid/status) MiB"; else echo "server DIED"; fi
echo "ERROR lines in the server log: $(grep -c ' ERROR ' "$log" || true); stack traces: $(grep -c '^\s*at ' "$log" || true)"
