#!/usr/bin/env bash
# The end-to-end runs of test-all.sh: one challenge (down, up, its guide's
# commands against what up.sh printed, audit, verify, each service's metrics
# checked by promtool, the limits and memory suites, down), challenge 5
# observed and over HTTPS, and the cluster. Sourced by test-all.sh, after
# build-images.sh and verify-lib.sh; each outcome goes through test-all.sh's
# `record`. It defines functions and runs nothing.

# Every Java service container of challenge N serves its metrics in a form
# Prometheus reads: promtool check metrics exits non-zero on syntax and on
# naming problems (a counter without _total, a unit not in the name, ...).
# Where the container serves its metrics: with ADMIN_SUBNET (challenge 5), its
# address on the network of that block; otherwise 127.0.0.1.
admin_address() {
  local c=$1 subnet network
  subnet=$(docker inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$c" | sed -n 's/^ADMIN_SUBNET=//p')
  [[ -n $subnet ]] || { echo 127.0.0.1; return; }
  for network in $(docker inspect -f '{{range $name, $_ := .NetworkSettings.Networks}}{{println $name}}{{end}}' "$c"); do
    [[ $(network_subnet "$network") != "$subnet" ]] || { container_ip "$c" "$network"; return; }
  done
}

metrics_lint() {
  local n=$1 promtool c out
  promtool=$(ensure_promtool)
  for c in $(docker ps --filter "label=desafios.challenge=$n" --format '{{.Names}} {{.Image}}' | awk '$2 ~ /\/svc-/ { print $1 }'); do
    if out=$(docker exec "$c" wget -qO- "http://$(admin_address "$c"):9090/metrics" | "$promtool" check metrics 2>&1); then
      record pass "challenge $n: $c's metrics pass promtool check metrics"
    else
      err "$c: $out"
      record fail "challenge $n: $c's metrics pass promtool check metrics"
    fi
  done
}

# One challenge end to end; any failing step is recorded, and it is always taken down.
# What up.sh prints is kept, and its guide's commands are checked against it.
challenge() {
  local n=$1 dir printed
  dir=$(challenge_dir "$n")
  printed=$STATE_DIR/up-$n.out
  "$dir/down.sh" --volumes >/dev/null || true
  if "$dir/up.sh" | tee "$printed"; then
    record pass "challenge $n up"
    if "$CLI_DIR/check-guide.py" "$dir/README.md" "$printed"; then
      record pass "challenge $n: its guide shows the commands up.sh ran"
    else
      record fail "challenge $n: its guide shows the commands up.sh ran"
    fi
    if "$CLI_DIR/audit.sh" "$n"; then record pass "challenge $n audit"; else record fail "challenge $n audit"; fi
    # Its checks are recorded one by one; a verify that stops outside a check is one more failure.
    "$dir/verify.sh" || record fail "challenge $n verify exited non-zero"
    [[ $n == swarm ]] || metrics_lint "$n"
    if [[ $n =~ ^[1245]$ ]]; then
      "$CLI_DIR/faults/limits.sh" "$n" || record fail "limits suite of challenge $n exited non-zero"
    fi
    if [[ $n =~ ^[245]$ ]]; then
      "$CLI_DIR/faults/memory.sh" "$n" || record fail "memory suite of challenge $n exited non-zero"
    fi
  else
    record fail "challenge $n up"
  fi
  "$dir/down.sh" --volumes || record fail "challenge $n down"
}

# Challenge 5 again, observed and over HTTPS (OBSERVE=1 GATEWAY_TLS=1):
# Prometheus joins, the gateway terminates TLS, the audit allows their ports,
# and verify proves both as well as everything it proves plain.
challenge_observed() {
  local dir=$CLI_DIR/desafio5
  export OBSERVE=1 GATEWAY_TLS=1
  if "$dir/up.sh"; then
    record pass "challenge 5 observed up"
    if "$CLI_DIR/audit.sh" 5; then record pass "challenge 5 observed audit"; else record fail "challenge 5 observed audit"; fi
    "$dir/verify.sh" || record fail "challenge 5 observed verify exited non-zero"
  else
    record fail "challenge 5 observed up"
  fi
  "$dir/down.sh" --volumes || record fail "challenge 5 observed down"
  unset OBSERVE GATEWAY_TLS
}

cluster_gone() {
  local left
  left=$(docker ps -a --filter label=desafios.challenge=cluster --format '{{.Names}}'
    docker volume ls -q | grep -E '^desafios-(node|registry)' || true
    docker network ls --format '{{.Name}}' | grep -Fx desafios-cluster || true)
  [[ -z $left ]] || { err "left after cluster/down.sh --volumes: $(xargs <<<"$left")"; return 1; }
}

# The cluster end to end, timed; always taken down (with its registry's data).
cluster() {
  local dir=$CLI_DIR/cluster start=$SECONDS
  "$dir/down.sh" --volumes >/dev/null 2>&1 || true
  if "$dir/up.sh"; then
    record pass "cluster up"
    "$dir/verify.sh" || record fail "cluster verify exited non-zero"
    "$dir/faults.sh" || record fail "cluster faults exited non-zero"
    "$dir/bad-input.sh" || record fail "cluster bad input exited non-zero"
  else
    record fail "cluster up"
  fi
  "$dir/down.sh" --volumes || record fail "cluster down"
  check "cluster down leaves no container, volume or network of the cluster" cluster_gone
  note "the cluster took $((SECONDS - start)) s"
}
