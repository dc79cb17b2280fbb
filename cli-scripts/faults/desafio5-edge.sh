#!/usr/bin/env bash
# Challenge 5's edge faults, sourced by desafio5.sh after lib.sh, verify-lib.sh
# and faults-lib.sh (functions only; it runs nothing): what a client sends never
# takes an upstream address out of rotation (too many headers, a huge header,
# 1500 connections that never finish their request line); and, with a stand-in
# users (desafio5-upstream.sh, sourced below), the gateway writes the
# forwarding headers itself, a trickling upstream body ends in a 504 at the
# gateway's deadline, and a gateway stopped during such a call exits by itself,
# having answered it and a request that arrived during its drain (504s).

SLOW_CONNECTIONS=1500
# shellcheck source=desafio5-upstream.sh
source "$(dirname "${BASH_SOURCE[0]}")/desafio5-upstream.sh"

# GET then POST through the gateway, N times each: all answered 2xx.
edge_all_succeed() {
  local n=$1 i
  for ((i = 0; i < n; i++)); do
    http GET "$GW/api/users/1"; status_is 200 || { note "GET -> $HTTP_STATUS"; return 1; }
    post_json "$GW/api/users" "{\"name\":\"Edge $i\",\"email\":\"edge-$$-$RANDOM-$i@example.com\"}"
    status_is 201 || { note "POST -> $HTTP_STATUS"; return 1; }
  done
}

# A 4xx or 5xx answer (not a dropped connection).
edge_refused() { [[ $HTTP_STATUS =~ ^[45][0-9][0-9]$ ]]; }

edge_headers() {
  say "Requests a replica will not read: ~96 extra headers, a huge header"
  local many=() i
  for ((i = 1; i <= 96; i++)); do many+=(-H "X-Extra-$i: value-$i"); done
  http GET "$GW/api/users/1" "${many[@]}"
  note "GET with 96 extra headers -> $HTTP_STATUS"
  check "a GET with 96 extra headers gets a 4xx/5xx for itself" edge_refused
  check "the very next requests (GET and POST, both replicas) succeed" edge_all_succeed 3
  http GET "$GW/api/users/1" -H "X-Huge: $(head -c 20000 /dev/zero | tr '\0' a)"
  note "GET with a 20 KB header -> $HTTP_STATUS"
  check "a GET with a 20 KB header gets a 4xx/5xx for itself" edge_refused
  check "the very next requests (GET and POST) succeed" edge_all_succeed 3
  check "both users replicas still serve" served_by_several "$GW/api/users/1" 8
}

# Five GETs in a row answered 200, each within a second.
edge_five_quick() {
  local i
  for ((i = 0; i < 5; i++)); do
    http GET "$GW/api/users/1"
    status_is 200 && faults_lt "$HTTP_SECONDS" 1 || return 1
  done
}

edge_paused_replica() {
  say "One of two users replicas paused (connects succeed, nothing answers)"
  local begin=$EPOCHREALTIME took
  dkq pause desafio5-users-2
  retry 12 0.25 edge_five_quick || true
  took=$(faults_elapsed "$begin" "$EPOCHREALTIME")
  note "five quick 200s in a row again after $took s"
  check "a paused replica leaves rotation within 10 s (its /health is silent while the other answers)" \
    faults_lt "$took" 10
  dkq unpause desafio5-users-2
  retry 40 0.5 served_by_several "$GW/api/users/1" 6 >/dev/null
  check "unpaused, it is back in rotation" served_by_several "$GW/api/users/1" 8
}

edge_slow_connections() {
  say "$SLOW_CONNECTIONS connections that send part of a request line, then nothing"
  local ready=$FAULTS_WORK/held stop=$FAULTS_WORK/held.stop load=$FAULTS_WORK/during pid i
  show python3 "$CLI_DIR/faults/hold-connections.py" "$SLOW_CONNECTIONS" "$BIND_ADDRESS" "$D5_PORT" "$ready" "$stop"
  python3 "$CLI_DIR/faults/hold-connections.py" "$SLOW_CONNECTIONS" "$BIND_ADDRESS" "$D5_PORT" "$ready" "$stop" &
  pid=$!
  retry 120 0.25 test -s "$ready" || { kill "$pid"; return 1; }
  for ((i = 0; i < 20; i++)); do
    curl -s -o /dev/null -w '0 0 %{http_code} %{time_total}\n' --max-time 5 "$GW/api/users/1" >>"$load" || echo "0 1 000 5" >>"$load"
  done
  touch "$stop"
  wait "$pid"
  note "held $(cat "$ready") connections; meanwhile 20 GETs: $(faults_count "$load" '$3 == 200') answered 200, slowest $(faults_max_seconds "$load") s"
  check "while they were held, normal requests were answered (200) within 2 s" \
    eval '[[ $(faults_count "$load" "\$3 != 200 || \$4 >= 2") == 0 && $(cat "$ready") -ge 1400 ]]'
  http GET "$GW/api/users/1"
  note "right after closing them all at once: GET -> $HTTP_STATUS"
  check "after they closed at once: no 503 \"no healthy\", GET and POST succeed" edge_all_succeed 5
  check "both users replicas stay in rotation" served_by_several "$GW/api/users/1" 8
}

# Every container of the challenge: RestartCount 0.
edge_no_restarts() {
  local counts
  counts=$(docker inspect -f '{{.Name}} {{.RestartCount}}' \
    $(docker ps -aq --filter label=desafios.challenge=5) | sed 's|^/||')
  note "restart counts: $(xargs <<<"$counts")"
  [[ -n $counts ]] && ! awk '$2 != 0 { bad = 1 } END { exit !bad }' <<<"$counts"
}
