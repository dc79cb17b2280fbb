#!/usr/bin/env bash
# Fault: challenge 5's gateway, its upstreams and their databases. Each
# database stopped (desafio5-stores.sh): its service answers 503 problems within
# 3 s and its /health is DOWN; started again, no data lost. users killed: the gateway
# answers 502/503 within a second; users paused: 504 within the gateway's
# upstream timeout (5 s) plus a second; two users replicas, one stopped under
# load (four GET loops, at most 20 a second each, at most 60 s): zero failed
# GETs; the gateway stopped under load with two slow POSTs in flight (their
# bodies streamed over 2 s): the in-flight requests complete, no request it
# read gets a reset or an empty reply (a connection still queued when it stops
# listening may be reset, as a refusal would be: its log shows it never read
# it), and it exits by itself (0 or 143, its "stopped" line logged) in under 10 s.
# With both replicas back, the edge faults of desafio5-edge.sh (and of
# desafio5-upstream.sh, which it sources): requests a replica will not read and
# 1500 half-sent request lines take no address out of rotation; spoofed
# forwarding headers do not reach the upstream; a trickling body is a 504 at
# the deadline, and a gateway stopped during it answers it and a request that
# arrives during its drain (504s before the drain ends), and exits by itself.
# At the end, every container of the challenge has restart count 0.
# Restores the challenge as it found it (its replica count; brought up and
# down again when it was not running).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"
# shellcheck source=desafio5-edge.sh
source "$(dirname "${BASH_SOURCE[0]}")/desafio5-edge.sh"
# shellcheck source=desafio5-stores.sh
source "$(dirname "${BASH_SOURCE[0]}")/desafio5-stores.sh"

GW="http://$BIND_ADDRESS:$D5_PORT"
REPLICAS=1
# Deliberate waits, the point of the faults: a POST body held back this long
# (in flight while the gateway stops), and load kept on the one replica left.
SLOW_BODY_SECONDS=2
ONE_REPLICA_SECONDS=3

faults_restore() {
  docker unpause desafio5-users >/dev/null 2>&1 || true
  remove_containers "$FAULT_USERS" >/dev/null
  [[ -n $FAULTS_BROUGHT_UP ]] && return 0
  say "Restoring challenge 5 ($REPLICAS users replica(s))"
  USERS_REPLICAS=$REPLICAS "$CLI_DIR/desafio5/up.sh" >/dev/null
}

timeout_504() { is_problem 504 && faults_lt "$HTTP_SECONDS" 6; }

# No failure at all in a record.
none_failed() { [[ $(faults_count "$1" '$2 != 0 || $3 != 200') == 0 ]]; }

# A POST whose body arrives in two parts SLOW_BODY_SECONDS apart (chunked): in flight meanwhile.
slow_post() {
  { printf '{"name":"Fault %s",' "$1"; sleep "$SLOW_BODY_SECONDS"; printf '"email":"fault-%s@example.com"}' "$1"; } |
    curl -s -o /dev/null -w '%{http_code}\n' --max-time 15 -X POST -H 'Content-Type: application/json' \
      -T - "$GW/api/users" >"$FAULTS_WORK/slow.$1" 2>&1 || true
}

# How many of these request ids the gateway's log names (requests it read).
read_by_gateway() {
  local logs id n=0
  logs=$(docker logs desafio5-gateway 2>&1)
  for id in "$@"; do grep -qF "\"requestId\":\"$id\"" <<<"$logs" && n=$((n + 1)); done
  echo "$n"
}

gateway_stop() {
  local load=$FAULTS_WORK/stop begin took pids=()
  faults_start_load "$load" 4 60 "$GW/api/users/1"
  retry 40 0.25 test -s "$load.1"
  slow_post "$$-1" & pids+=($!)
  slow_post "$$-2" & pids+=($!)
  sleep 0.5   # the slow POSTs' headers are in; their bodies are not
  begin=$EPOCHREALTIME
  dkq stop desafio5-gateway
  took=$(faults_elapsed "$begin" "$EPOCHREALTIME")
  wait "${pids[@]}"
  faults_stop_load "$load"
  local code cut read early refused_at
  code=$(docker inspect -f '{{.State.ExitCode}} {{.State.OOMKilled}}' desafio5-gateway)
  # A connection still queued when the listener closes is reset, like a refusal:
  # the gateway never read it (its request id is not in the gateway's log).
  # A GET it did read must get its answer.
  cut=$(awk '$2 == 52 || $2 == 56 { print $5 }' "$load")
  refused_at=$(awk '$2 == 7 { print $1; exit }' "$load")
  read=$(read_by_gateway $cut)
  note "resets or empty replies at (s after the stop began): $(awk -v b="$begin" '$2 == 52 || $2 == 56 { printf "%.2f ", $1 - b }' "$load")" \
    "first refusal at $(faults_elapsed "$begin" "${refused_at:-$begin}")"
  early=$(faults_count "$load" "\$1 < $begin && (\$2 != 0 || \$3 != 200)")
  note "docker stop took $took s; exit code, OOM-killed: $code"
  note "GETs: $(wc -l <"$load") ($(faults_count "$load" "\$1 < $begin") started before the stop, $early of them failed);" \
    "refused after: $(faults_count "$load" '$2 == 7'); reset or empty reply: $(wc -w <<<"$cut"), of them read by the gateway: $read"
  note "slow POSTs in flight during the stop: $(cat "$FAULTS_WORK"/slow.* | xargs)"
  check "the slow POSTs in flight when the stop began completed (201)" \
    test "$(cat "$FAULTS_WORK"/slow.* | xargs)" = "201 201"
  check "no GET the gateway read got a reset or an empty reply; none started before the stop failed" test "$read $early" = "0 0"
  check "the gateway drained and exited by itself (0 or 143, \"stopped\" logged) in under 10 s" \
    eval '[[ $code =~ ^(0|143)\ false$ ]] && faults_lt "$took" 10 && logs_have desafio5-gateway "\"msg\":\"stopped\""'
}

main() {
  trap faults_finish EXIT
  say "Fault, challenge 5: upstreams killed, paused and stopped; the gateway stopped under load"
  faults_ensure_up 5 desafio5-users desafio5-orders desafio5-gateway
  REPLICAS=$(users_replicas | grep -c . || true)
  # The first faults need users to be one container (restored on exit).
  ((REPLICAS <= 1)) || USERS_REPLICAS=1 "$CLI_DIR/desafio5/up.sh" >/dev/null
  stores_faults
  say "Users killed, then paused"
  dkq kill desafio5-users
  check "users killed: the gateway answers a 502/503 problem within a second" \
    problem_within_a_second GET "$GW/api/users/1" '50[23]'
  dkq start desafio5-users
  wait_healthy desafio5-users
  # The gateway has users back in rotation first: a pause must meet a call in flight, not an address set aside.
  retry 40 0.25 eval 'http GET "$GW/api/users/1"; status_is 200'
  dkq pause desafio5-users
  http GET "$GW/api/users/1"
  note "users paused: GET /api/users/1 -> $HTTP_STATUS in $HTTP_SECONDS s"
  check "users paused: the gateway answers a 504 problem within its 5 s timeout + 1 s" timeout_504
  dkq unpause desafio5-users
  wait_healthy desafio5-users
  USERS_REPLICAS=2 "$CLI_DIR/desafio5/up.sh" >/dev/null
  local load=$FAULTS_WORK/replica
  say "Two users replicas under load; stopping desafio5-users-2"
  faults_start_load "$load" 4 60 "$GW/api/users/1"
  retry 40 0.25 test -s "$load.1"
  sleep 1   # load on both replicas first
  dkq stop desafio5-users-2
  sleep "$ONE_REPLICA_SECONDS"   # and on the one left
  faults_stop_load "$load"
  note "GETs: $(wc -l <"$load"), failed: $(faults_count "$load" '$2 != 0 || $3 != 200'), slowest $(faults_max_seconds "$load") s"
  check "one of two replicas stopped under load: zero failed GETs" none_failed "$load"
  dkq start desafio5-users-2
  wait_healthy desafio5-users-2
  USERS_NAMES=(desafio5-users desafio5-users-2)
  edge_headers
  edge_paused_replica
  edge_slow_connections
  edge_trickle
  say "The gateway stopped under load"
  gateway_stop
  check "every container of challenge 5 reports restart count 0" edge_no_restarts
  checks_done "Fault, challenge 5"
}

main "$@"
