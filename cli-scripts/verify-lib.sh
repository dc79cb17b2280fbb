#!/usr/bin/env bash
# Shared helpers of the checks (each challenge's verify.sh, the fault scripts,
# audit.sh, the benchmarks): HTTP calls and what their answers hold (in
# http-lib.sh, sourced below), `check` and its closing line, and what
# containers show of themselves. Source it after lib.sh; it defines functions
# and a few variables and runs nothing.

# --- HTTP -----------------------------------------------------------------

# (With source-path, shellcheck finds it from a folder below cli-scripts too.)
# shellcheck source-path=SCRIPTDIR/.. source=http-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/http-lib.sh"

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
# the new one is another container (not the old one restarted). What up.sh
# prints is shown only when it fails: a verify does not repeat the set-up.
recreated() {
  local name=$1 up=$2 before said
  before=$(docker inspect -f '{{.Id}}' "$name")
  dkq rm --force "$name"
  show "$up"
  said=$("$up" 2>&1) || { printf '%s\n' "$said" | tail -n 20; return 1; }
  [[ $(docker inspect -f '{{.Id}}' "$name") != "$before" ]]
}

# A one-shot container on NETWORK running COMMAND from the API's image (its
# busybox: nslookup, wget, timeout), with no capability, nobody's uid and
# small limits: `probe_from NETWORK COMMAND [ARGS...]`. --init: a command that
# is PID 1 ignores the signal busybox's timeout sends it.
probe_from() {
  docker run --rm --init --network "$1" --read-only --cap-drop ALL --security-opt no-new-privileges --memory 32m \
    --pids-limit 8 --user 65534:65534 --label "desafios.challenge=${CHALLENGE:-verify}" --entrypoint "$2" \
    "$IMAGE_PREFIX/svc-api" "${@:3}" 2>&1
}

# A DNS lookup of NAME from a container on NETWORK; fails when the name is unknown.
lookup() { probe_from "$1" nslookup "$2"; }

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
