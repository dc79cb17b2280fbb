#!/usr/bin/env bash
# The test command: set-up, the docs' links (check-docs.sh) and each guide's
# commands against what its up.sh ran (check-guide.py), unit and
# integration tests (Maven), the images
# built by Jib and checked, every challenge end to end (down, up, audit,
# verify, each service's metrics checked by promtool, for 1, 2, 4 and 5 the
# request-head limits of faults/limits.sh, for 2, 4 and 5 the memory held by
# requests of faults/memory.sh, down), the fault suite (cli-scripts/faults),
# then challenges 3 and 5 on Docker Swarm end to end, then on the three-node cluster (cli-scripts/cluster: registry,
# nodes, entry; up, verify, faults, bad input, down). Ends with the line "N passed, N failed" and exits
# non-zero on any failure. Leaves the images and the engine; removes the
# challenges' containers, networks and volumes.
set -Eeuo pipefail
# shellcheck source=build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/build-images.sh"
# shellcheck source=verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=test-stores.sh
source "$CLI_DIR/test-stores.sh"

CHALLENGES=(1 2 3 4 5)

# Runs the Maven tests: the unit tests (surefire) and the *IT against real
# PostgreSQL and Redis containers (failsafe, in verify; no image is built),
# and records each test case as passed or failed.
unit_tests() {
  test_stores_up || { record fail "integration stores did not start"; return; }
  # Reports of an earlier run must not count for a module that fails to build now.
  find "$DESAFIOS_ROOT" -path '*/target/*' -type d \( -name surefire-reports -o -name failsafe-reports \) \
    -prune -exec rm -rf {} +
  # A failing unit test must not keep a module's *IT from running: every case is
  # counted from the reports below, not from Maven's exit status.
  show ./mvnw -B -fae -Dmaven.test.failure.ignore=true verify
  (cd "$DESAFIOS_ROOT" && ./mvnw -B -fae -Dmaven.test.failure.ignore=true verify) >"$STATE_DIR/maven-test.log" 2>&1 || true
  test_stores_forget
  grep -E 'Tests run:|FAIL|ERROR\]' "$STATE_DIR/maven-test.log" | grep -v 'Tests run:.*Time elapsed' | tail -n 25
  local reports total=0 bad=0 file
  reports=$(find "$DESAFIOS_ROOT" -path '*/target/*' \( -path '*/surefire-reports/TEST-*.xml' -o -path '*/failsafe-reports/TEST-*.xml' \))
  [[ -n $reports ]] || { record fail "Maven ran no test (see $STATE_DIR/maven-test.log)"; return; }
  for file in $reports; do
    total=$((total + $(grep -o 'tests="[0-9]*"' "$file" | head -n 1 | tr -dc 0-9)))
    bad=$((bad + $(grep -o 'failures="[0-9]*"' "$file" | head -n 1 | tr -dc 0-9)))
    bad=$((bad + $(grep -o 'errors="[0-9]*"' "$file" | head -n 1 | tr -dc 0-9)))
  done
  local i
  for ((i = 0; i < total - bad; i++)); do record pass "unit test"; done
  for ((i = 0; i < bad; i++)); do record fail "unit test (see $STATE_DIR/maven-test.log)"; done
}

record() { printf '%s\t%s\n' "$1" "$2" >>"$DESAFIOS_RESULTS"; }

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

main() {
  local start=$SECONDS
  setup_state_dir
  export DESAFIOS_RESULTS="$STATE_DIR/test-results.tsv"
  : >"$DESAFIOS_RESULTS"
  setup_all
  if "$CLI_DIR/check-docs.sh"; then record pass "docs: every link and script they name resolves"
  else record fail "docs: every link and script they name resolves"; fi
  timed "Unit and integration tests" unit_tests
  if timed "Building images with Jib" build_images; then
    "$CLI_DIR/verify-images.sh" || record fail "verify-images exited non-zero"
    local n
    for n in "${CHALLENGES[@]}"; do challenge "$n"; done
    challenge_observed
    for n in 1 2 3 5; do
      "$CLI_DIR/faults/desafio$n.sh" || record fail "fault suite of challenge $n exited non-zero"
      "$CLI_DIR/desafio$n/down.sh" --volumes >/dev/null 2>&1 || true
    done
    challenge swarm
    cluster
  else
    record fail "Jib build"
  fi
  local passed failed
  passed=$(grep -c '^pass' "$DESAFIOS_RESULTS" || true)
  failed=$(grep -c '^fail' "$DESAFIOS_RESULTS" || true)
  grep '^fail' "$DESAFIOS_RESULTS" | cut -f2 | sed 's/^/  failed: /' || true
  say "test-all took $((SECONDS - start)) s"
  echo "$passed passed, $failed failed"
  ((failed == 0))
}

main "$@"
