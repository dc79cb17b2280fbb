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
  status_is 200 && body_has '"message":' && body_has '"hostname":"desafio1-api"' && body_has '"time":' && body_has '"visits":'
}

# On desafio1-net the alias api and the container's name both resolve, by
# Docker's own DNS server (127.0.0.11), to the API's address on that network.
docker_dns_resolves() {
  local address name answer
  address=$(container_ip desafio1-api desafio1-net)
  for name in api desafio1-api; do
    answer=$(lookup desafio1-net "$name") || return 1
    [[ $answer == *"127.0.0.11"* && $answer == *"Address: $address"* ]] || return 1
  done
  note "api -> $address, answered by 127.0.0.11"
}

# The default bridge has no such DNS: the same lookup there goes to the host's
# resolver (whatever it may answer for a bare api, never the API's address).
default_bridge_does_not() {
  local address answer
  address=$(container_ip desafio1-api desafio1-net)
  answer=$(lookup bridge api) || true
  [[ $answer != *"127.0.0.11"* && $answer != *"Address: $address"* ]]
}
api_unknown() { ! lookup desafio1-net api >/dev/null; }
api_known() { lookup desafio1-net api >/dev/null; }

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
  check "the API answers GET / on $API_URL with message, hostname, time and visits" api_answers
  check "on desafio1-net, api (the alias) and desafio1-api (the name) resolve by Docker's DNS, 127.0.0.11" docker_dns_resolves
  check "from a container on the default bridge the same lookup of api fails" default_bridge_does_not
  check "the poller reaches the API by the hostname api (the count grows on its own)" visits_grow
  check "the poller logs 200s that name the API's hostname" poller_success_since 10m
  local since
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dkq stop desafio1-api
  check "a stopped container drops out of the network's DNS: api no longer resolves" retry 10 0.5 api_unknown
  check "with the API stopped, the poller keeps running and backs off" poller_backs_off "$since"
  since=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  dkq start desafio1-api
  check "started again, it is back in the DNS" retry 10 0.5 api_known
  check "when the API is back, the poller's calls succeed again" poller_recovers "$since"
  check "the poller never restarted" test "$(docker inspect -f '{{.RestartCount}}' desafio1-poller)" = 0
  wait_healthy desafio1-api >/dev/null
  checks_done "Challenge 1"
}

main "$@"
