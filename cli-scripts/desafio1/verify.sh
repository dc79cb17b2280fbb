#!/usr/bin/env bash
# Challenge 1: proves the network, the API on the host port, the poller
# reaching the API by hostname, and the poller's backoff and recovery while the
# API is stopped and started again. Exits non-zero on any failed check.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"

API_URL="http://$BIND_ADDRESS:$D1_PORT"

on_network() {
  local members
  members=$(docker network inspect -f '{{range .Containers}}{{.Name}} {{end}}' desafio1-net 2>/dev/null) || return 1
  [[ " $members " == *" desafio1-api "* && " $members " == *" desafio1-poller "* ]]
}

api_answers() {
  http GET "$API_URL/"
  status_is 200 && body_has '"message":' && body_has '"hostname":"desafio1-api"' && body_has '"visits":'
}

visits_now() { http GET "$API_URL/visits" && json_number "$HTTP_BODY" visits; }
visits_above() { local now; now=$(visits_now); [[ -n $now ]] && ((now > $1)); }

# Only the poller calls GET / meanwhile (GET /visits does not count).
visits_grow() {
  local before
  before=$(visits_now)
  [[ -n $before ]] && retry 20 0.5 visits_above "$before"
}

poller_lines_since() { docker logs --since "$1" desafio1-poller 2>&1; }
poller_success_since() {
  local lines
  lines=$(poller_lines_since "$1")
  grep '"msg":"poll"' <<<"$lines" | grep '"status":200' | grep -c '"apiHostname":"desafio1-api"' >/dev/null
}
failures_since() { poller_lines_since "$1" | grep -c '"msg":"poll failed"' || true; }
at_least_failures() { (($(failures_since "$1") >= $2)); }

# Two failed calls in a row: the second waits longer than the 2 s interval.
poller_backs_off() {
  local since=$1 last_delay
  retry 40 0.5 at_least_failures "$since" 2 || return 1
  last_delay=$(poller_lines_since "$since" | grep '"msg":"poll failed"' | sed -n 2p | grep -o '"nextInMs":[0-9]*' | cut -d: -f2)
  note "the poller's delay after its second failure: ${last_delay} ms (interval 2000 ms, cap 10000 ms)"
  running desafio1-poller && ((last_delay > 2000 && last_delay <= 10000))
}

# Within the 10 s cap (plus the call's own time) a call succeeds again.
poller_recovers() { retry 30 0.5 poller_success_since "$1"; }

main() {
  say "Challenge 1: verifying"
  check "network desafio1-net holds desafio1-api and desafio1-poller" on_network
  check "the API answers GET / on $API_URL with message, hostname and visits" api_answers
  check "the poller reaches the API by the hostname api (the count grows on its own)" visits_grow
  check "the poller logs 200s that name the API's hostname" poller_success_since 10m
  local since
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dkq stop desafio1-api
  check "with the API stopped, the poller keeps running and backs off" poller_backs_off "$since"
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dkq start desafio1-api
  check "when the API is back, the poller's calls succeed again" poller_recovers "$since"
  check "the poller never restarted" test "$(docker inspect -f '{{.RestartCount}}' desafio1-poller)" = 0
  wait_healthy desafio1-api >/dev/null
  checks_done "Challenge 1"
}

main "$@"
