#!/usr/bin/env bash
# Shared helpers of the checks (each challenge's verify.sh, the fault scripts,
# audit.sh, the benchmarks): HTTP calls and what their answers hold, `check`
# and its closing line, and what containers show of themselves. Source it
# after lib.sh; it defines functions and a few variables and runs nothing.

# --- HTTP -----------------------------------------------------------------

# One HTTP call with curl, bounded in time; sets HTTP_STATUS, HTTP_SECONDS,
# HTTP_BODY and HTTP_HEADERS: `http GET http://127.0.0.1:8081/ [curl options...]`.
# HTTP_OPTIONS are curl options for every call (a CA to trust, say).
HTTP_OPTIONS=()
http() {
  local method=$1 url=$2; shift 2
  local body_file headers_file outcome
  body_file=$(mktemp) headers_file=$(mktemp)
  outcome=$(curl -s -X "$method" -o "$body_file" -D "$headers_file" -w '%{http_code} %{time_total}' \
    --connect-timeout 3 --max-time 10 "${HTTP_OPTIONS[@]}" "$@" "$url") || true
  read -r HTTP_STATUS HTTP_SECONDS <<<"${outcome:-000 10}"
  HTTP_BODY=$(<"$body_file") HTTP_HEADERS=$(<"$headers_file")
  rm -f "$body_file" "$headers_file"
}

# Flat JSON field readers, enough for the services' own answers.
json_number() { grep -o "\"$2\":[0-9-]*" <<<"$1" | head -n 1 | cut -d: -f2; }
json_string() { grep -o "\"$2\":\"[^\"]*\"" <<<"$1" | head -n 1 | cut -d'"' -f4; }

# POSTs a JSON document: `post_json URL '{"a":1}' [curl options...]`.
post_json() {
  local url=$1 json=$2; shift 2
  http POST "$url" -H 'Content-Type: application/json' --data-binary "$json" "$@"
}

# Predicates for check.
status_is() { [[ $HTTP_STATUS == "$1" ]]; }
body_has() { [[ $HTTP_BODY == *"$1"* ]]; }
header_has() { grep -qi "^$1" <<<"$HTTP_HEADERS"; }
# The value of a response header of the last `http` call (the first, if several).
header_value() { grep -i "^$1:" <<<"$HTTP_HEADERS" | head -n 1 | cut -d: -f2- | tr -d '\r' | xargs; }
is_problem() { [[ $HTTP_STATUS == "$1" ]] && header_has 'content-type: application/problem+json'; }

# A problem with a status matching the regex, answered within a second:
# `problem_within_a_second GET URL '50[23]'`.
problem_within_a_second() {
  http "$1" "$2"
  note "$1 $2: $HTTP_STATUS in $HTTP_SECONDS s"
  [[ $HTTP_STATUS =~ ^($3)$ ]] && header_has 'content-type: application/problem+json' &&
    awk -v s="$HTTP_SECONDS" 'BEGIN { exit !(s < 1.0) }'
}

# GETs the URL N times and prints which replicas answered (X-Served-By); true
# when at least two did: `served_by_several URL N`.
served_by_several() {
  local url=$1 n=$2 i seen=''
  for ((i = 0; i < n; i++)); do
    http GET "$url"
    status_is 200 || return 1
    seen+=$(grep -i '^x-served-by:' <<<"$HTTP_HEADERS" | tr -d '\r' | awk '{print $2}')$'\n'
  done
  seen=$(grep . <<<"$seen" | sort)
  note "$n answers came from: $(uniq -c <<<"$seen" | awk '{printf "%s (%s) ", $2, $1}')"
  [[ $(uniq <<<"$seen" | grep -c .) -ge 2 ]]
}

# A JSON body the service cannot read is a 415 problem naming what it cannot
# read: a content coding other than identity (on a plain body, a real gzip
# body, one in a list), answered with Accept-Encoding: identity, and a charset
# other than utf-8 (a UTF-16 body, a quoted ISO-8859-1); two Content-Type
# lines are a 400 (one checked, the other read). Extra curl options go
# on every request: `unreadable_bodies_refused URL '{"a":1}' [curl options...]`.
unreadable_bodies_refused() {
  local url=$1 json=$2 file coding outcome=0; shift 2
  file=$(mktemp)
  for coding in gzip 'identity, br' DEFLATE; do
    post_json "$url" "$json" -H "Content-Encoding: $coding" "$@"
    is_problem 415 && header_has 'accept-encoding: identity' && body_has "'${coding##*, }'" ||
      { note "Content-Encoding: $coding -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  done
  printf '%s' "$json" | gzip -c >"$file"
  http POST "$url" -H 'Content-Type: application/json' -H 'Content-Encoding: gzip' --data-binary "@$file" "$@"
  is_problem 415 && header_has 'accept-encoding: identity' || { note "a gzip body -> $HTTP_STATUS"; outcome=1; }
  printf '%s' "$json" | iconv -f UTF-8 -t UTF-16 >"$file"
  http POST "$url" -H 'Content-Type: application/json; charset=utf-16' --data-binary "@$file" "$@"
  is_problem 415 && body_has "'utf-16'" || { note "charset=utf-16 -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  http POST "$url" -H 'Content-Type: application/json;charset="ISO-8859-1"' --data-binary "$json" "$@"
  is_problem 415 && body_has "'ISO-8859-1'" || { note "charset=\"ISO-8859-1\" -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  http POST "$url" -H 'Content-Type: application/json' -H 'Content-Type: application/json; charset=iso-8859-1' \
    --data-binary "$json" "$@"
  is_problem 400 && body_has 'Content-Type' || { note "two Content-Type lines -> $HTTP_STATUS $HTTP_BODY"; outcome=1; }
  rm -f "$file"
  return "$outcome"
}

# A file of N bytes of 'a' for oversized-body checks; the caller removes it.
big_file() {
  local file
  file=$(mktemp)
  head -c "$1" /dev/zero | tr '\0' a >"$file"
  printf '%s' "$file"
}

# --- checks ---------------------------------------------------------------

CHECKS_PASSED=0
CHECKS_FAILED=0

# Runs a check and prints what it proved: `check "the API answers" cmd args...`.
check() {
  local what=$1; shift
  if "$@"; then
    CHECKS_PASSED=$((CHECKS_PASSED + 1))
    printf '  ok    %s\n' "$what"
    [[ -z ${DESAFIOS_RESULTS:-} ]] || printf 'pass\t%s\n' "$what" >>"$DESAFIOS_RESULTS"
  else
    CHECKS_FAILED=$((CHECKS_FAILED + 1))
    printf '  FAIL  %s\n' "$what" >&2
    [[ -z ${DESAFIOS_RESULTS:-} ]] || printf 'fail\t%s\n' "$what" >>"$DESAFIOS_RESULTS"
  fi
}

# The closing line of a verify; fails when any check failed.
checks_done() {
  printf '%s: %d checks passed, %d failed\n' "$1" "$CHECKS_PASSED" "$CHECKS_FAILED"
  ((CHECKS_FAILED == 0))
}

# --- containers -----------------------------------------------------------

# True while the container runs.
running() { [[ $(docker inspect -f '{{.State.Running}}' "$1" 2>/dev/null) == true ]]; }
# "restarts OOM-killed running" of a container: "0 false true" for one never harmed.
harm_state() { docker inspect -f '{{.RestartCount}} {{.State.OOMKilled}} {{.State.Running}}' "$1"; }

# Removes a container and lets the challenge's up.sh create it anew; true when
# the new one is another container (not the old one restarted).
recreated() {
  local name=$1 up=$2 before
  before=$(docker inspect -f '{{.Id}}' "$name")
  dkq rm --force "$name"
  "$up" || return 1
  [[ $(docker inspect -f '{{.Id}}' "$name") != "$before" ]]
}

# A container's logs contain the text. (Read whole first: with pipefail, grep -q
# stopping early would fail the pipeline through docker's SIGPIPE.)
logs_have() {
  local logs
  logs=$(docker logs "$1" 2>&1)
  grep -qF -- "$2" <<<"$logs"
}

# True when no password read from the given files shows in the containers'
# docker inspect or logs, or in the host's process list:
# `passwords_hidden "FILE..." CONTAINER...`.
passwords_hidden() {
  local files=$1 file pw name; shift
  for file in $files; do
    pw=$(<"$file")
    [[ -n $pw ]] || return 1
    for name in "$@"; do
      [[ $(docker inspect "$name") != *"$pw"* ]] || { err "$name's inspect shows a password"; return 1; }
      ! logs_have "$name" "$pw" || { err "$name's logs show a password"; return 1; }
    done
    [[ $(ps -eo args) != *"$pw"* ]] || { err "a process shows a password"; return 1; }
  done
}

# The project's own probe inside a service image, in a small JVM (no curl or
# wget needed): exit 0 answered 200, 3 the name does not resolve, 4 no answer
# in time. `URL_TO_PROBE=URL probe_exit docker exec NAME` prints the exit code.
PROBE=(java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx16m -cp '/app/libs/*' dev.desafios.common.HealthProbe)
probe_exit() { "$@" "${PROBE[@]}" "${URL_TO_PROBE}" >/dev/null 2>&1 && echo 0 || echo $?; }

# The container's address on the network; empty when it is not on it.
container_ip() { docker inspect -f "{{with index .NetworkSettings.Networks \"$2\"}}{{.IPAddress}}{{end}}" "$1"; }

# The network's IPv4 block, such as 172.20.0.0/16 (what ADMIN_SUBNET takes).
network_subnet() { docker network inspect -f '{{range .IPAM.Config}}{{println .Subnet}}{{end}}' "$1" | grep -m 1 '\.'; }

# What a connection from container FROM to port 5432 of container DB, at DB's
# address on NETWORK, comes to, as the probe's exit code (probe_exit): 1 a
# server answered (not HTTP: PostgreSQL closes on the GET), 4 no answer in
# time (the packets are dropped). `db_reach FROM DB NETWORK`.
db_reach() {
  local from=$1 db=$2 network=$3 ip
  ip=$(container_ip "$db" "$network")
  [[ -n $ip ]] || { echo none; return; }
  URL_TO_PROBE="http://$ip:5432/" probe_exit docker exec "$from"
}

# Challenge 5's users replicas (desafio5-users, desafio5-users-2 ... -9), not
# its users database: the running ones, or all with `users_replicas --all`.
users_replicas() {
  docker ps ${1:+"$1"} --format '{{.Names}}' --filter label=desafios.challenge=5 | grep -E '^desafio5-users(-[0-9])?$' || true
}

# Challenge 5 publishes the gateway on $BIND_ADDRESS:$D5_PORT (and, over TLS,
# :$D5_TLS_PORT) and, observed, Prometheus on $BIND_ADDRESS:$D5_PROMETHEUS_PORT;
# any other container nothing.
# True when the container publishes exactly what it may: `d5_published_as_allowed NAME`.
d5_published_as_allowed() {
  local expected=''
  case $1 in
    desafio5-gateway)
      expected="8080/tcp -> $BIND_ADDRESS:$D5_PORT"
      ! docker inspect -f '{{json .HostConfig.PortBindings}}' "$1" | grep -q '"8443/tcp"' ||
        expected+=$'\n'"8443/tcp -> $BIND_ADDRESS:$D5_TLS_PORT"
      ;;
    desafio5-prometheus) expected="9090/tcp -> $BIND_ADDRESS:$D5_PROMETHEUS_PORT" ;;
  esac
  [[ $(docker port "$1" | sort) == "$(sort <<<"$expected" | sed '/^$/d')" ]]
}
