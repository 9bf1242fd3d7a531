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
source loadtest/lib/server.sh
ensure_jar browser
(cd loadtest/browser && npm ci --no-audit --no-fund --silent)

# run_once NAME [java -D options...]: one server, one pass of the browser test
run_once() {
  local name=$1; shift
  start_server "browser[$name]" "loadtest/target/browser-server-$name.log" "$(free_port)" "$@"
  BASE_URL=$BASE/ node loadtest/browser/playground.test.mjs
  stop_server
}

SCREENSHOT=${SCREENSHOT:-$ROOT/docs/playground.png} run_once keys-off
API_KEY=sk-browser-test SCREENSHOT=$ROOT/loadtest/target/playground-keys-on.png \
  run_once keys-on -Dslhf.api-keys=sk-browser-test
echo "browser: passed"
