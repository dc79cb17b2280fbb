#!/usr/bin/env bash
# Challenge 5's edge faults with a stand-in users (nginx), sourced by
# desafio5-edge.sh (functions and a name only; it runs nothing): the gateway
# writes the forwarding headers itself, a trickling upstream body ends in a
# 504 at the gateway's deadline, and a gateway stopped during such a call
# exits by itself, having answered it and a request that arrived during its
# drain (504s).

# A stand-in users (nginx) that echoes headers and trickles a body.
FAULT_USERS=desafio5-fault-users

# Replaces the users replicas by the nginx stand-in (same alias, same network, hardened).
edge_fault_users_up() {
  local www=$FAULTS_WORK/www
  mkdir -p "$www/users"
  head -c 4096 /dev/zero | tr '\0' ' ' | sed 's/^/{"pad":"/; s/$/"}/' >"$www/users/slow.json"
  chmod 755 "$www" "$www/users" && chmod 644 "$www/users/slow.json"
  dkq stop "${USERS_NAMES[@]}"
  remove_containers "$FAULT_USERS"
  dkq run --detach --name "$FAULT_USERS" --label desafios.challenge=5 --network desafio5-internal \
    --network-alias users --user 101:101 "${HARDENED[@]}" --memory 64m --cpus 0.5 \
    --tmpfs /tmp:rw,noexec,nosuid,size=8m \
    --volume "$CLI_DIR/faults/nginx-slow-users.conf:/etc/nginx/nginx.conf:ro" --volume "$www:/srv:ro" \
    "$(edge_nginx_image)"
  retry 40 0.25 body_is_echo || { docker logs "$FAULT_USERS" >&2; return 1; }
}

# set-up's choice when it ran in this shell, else the official image when present, else the stand-in.
edge_nginx_image() {
  if [[ -n ${NGINX_IMAGE:-} ]]; then echo "$NGINX_IMAGE"
  elif docker image inspect nginx:1-bookworm >/dev/null 2>&1; then echo nginx:1-bookworm
  else echo desafios/airgap-nginx:1; fi
}

body_is_echo() { http GET "$GW/api/users/1" && [[ $HTTP_BODY == *xForwardedFor* ]]; }

edge_fault_users_down() {
  remove_containers "$FAULT_USERS"
  dkq start "${USERS_NAMES[@]}"
  wait_healthy "${USERS_NAMES[@]}"
}

edge_spoofed() {
  http GET "$GW/api/users/1" -H 'X-Forwarded-For: 203.0.113.66' -H 'Forwarded: for=203.0.113.66' \
    -H 'X-Real-IP: 203.0.113.66' -H 'X-Forwarded-Proto: https'
  note "the upstream saw: $HTTP_BODY"
  check "spoofed X-Forwarded-For, Forwarded, X-Real-IP: the upstream sees the peer's address only" \
    eval '[[ $(json_string "$HTTP_BODY" xForwardedFor) =~ ^[0-9a-f.:]+$ && $HTTP_BODY != *203.0.113.66* ]]'
}

edge_trickle() {
  say "An upstream body that trickles (nginx as users, 64 bytes a second)"
  edge_fault_users_up
  edge_spoofed
  http GET "$GW/api/users/slow.json"
  note "GET /api/users/slow.json -> $HTTP_STATUS in $HTTP_SECONDS s"
  check "a trickling upstream body: a 504 problem within the gateway's 5 s deadline + 1 s" timeout_504
  say "The gateway stopped while such a call is in flight, and a request arriving during its drain"
  local first=$FAULTS_WORK/first.out late=$FAULTS_WORK/late.out ready=$FAULTS_WORK/late.ready go=$FAULTS_WORK/late.go
  curl -s -o /dev/null -w '%{http_code}' --max-time 15 "$GW/api/users/slow.json" >"$first" & local pid=$!
  # A kept connection, idle when the stop begins, that then asks for the trickle too.
  show python3 "$CLI_DIR/faults/late-request.py" "$BIND_ADDRESS" "$D5_PORT" /api/users/1 /api/users/slow.json "$ready" "$go"
  python3 "$CLI_DIR/faults/late-request.py" "$BIND_ADDRESS" "$D5_PORT" /api/users/1 /api/users/slow.json "$ready" "$go" >"$late" &
  local late_pid=$!
  retry 40 0.25 test -s "$ready"
  sleep 0.5   # the call is in flight: its head is in, its body trickles
  local begin=$EPOCHREALTIME took code stop_pid
  dkq stop desafio5-gateway & stop_pid=$!
  sleep 0.5   # draining now
  touch "$go"
  wait "$stop_pid"
  took=$(faults_elapsed "$begin" "$EPOCHREALTIME")
  wait "$pid" "$late_pid" || true
  code=$(docker inspect -f '{{.State.ExitCode}}' desafio5-gateway)
  note "docker stop took $took s; exit code $code; the call in flight: $(cat "$first"); the request sent during the drain: $(cat "$late") (status, s)"
  check "stopped during a trickling call, the gateway exits by itself (0 or 143) in under 10 s" \
    eval '[[ $code =~ ^(0|143)$ ]] && faults_lt "$took" 10'
  check "the call in flight and the request that arrived during the drain both got a 504 problem before the exit, not a closed connection" \
    eval '[[ $(cat "$first") == 504 && $(cut -d" " -f1 "$late") == 504 ]]'
  dkq start desafio5-gateway
  wait_healthy desafio5-gateway
  edge_fault_users_down
}
