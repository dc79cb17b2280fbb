#!/usr/bin/env bash
# The test command: set-up, the docs' links (check-docs.sh) and each guide's
# commands against what its up.sh ran (check-guide.py), unit and
# integration tests (Maven), the images
# built by Jib and checked, that up.sh rebuilds an edited image and only it
# (check-rebuild.sh), every challenge end to end (down, up, audit,
# verify, each service's metrics checked by promtool, for 1, 2, 4 and 5 the
# request-head limits of faults/limits.sh, for 2, 4 and 5 the memory held by
# requests of faults/memory.sh, down), the fault suite (cli-scripts/faults),
# then challenges 3 and 5 on Docker Swarm end to end, that every option the
# up.sh scripts printed has its reason in docs/flags.md (check-flags.py), then on the three-node cluster (cli-scripts/cluster: registry,
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
# shellcheck source=test-end-to-end.sh
source "$CLI_DIR/test-end-to-end.sh"

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
  setup_jdk
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
# Records one check by a command's exit: `passes "what it proves" COMMAND [ARGS...]`.
passes() {
  local what=$1; shift
  if "$@"; then record pass "$what"; else record fail "$what"; fi
}

main() {
  local start=$SECONDS
  setup_state_dir
  export DESAFIOS_RESULTS="$STATE_DIR/test-results.tsv"
  : >"$DESAFIOS_RESULTS"
  setup_all
  passes "docs: every link and script they name resolves" "$CLI_DIR/check-docs.sh"
  timed "Unit and integration tests" unit_tests
  if timed "Building images with Jib" build_images; then
    "$CLI_DIR/verify-images.sh" || record fail "verify-images exited non-zero"
    passes "an edited source is rebuilt by up.sh, an untouched one is not" "$CLI_DIR/check-rebuild.sh"
    local n
    for n in "${CHALLENGES[@]}"; do challenge "$n"; done
    challenge_observed
    for n in 1 2 3 5; do
      "$CLI_DIR/faults/desafio$n.sh" || record fail "fault suite of challenge $n exited non-zero"
      "$CLI_DIR/desafio$n/down.sh" --volumes >/dev/null 2>&1 || true
    done
    challenge swarm
    passes "every option the up.sh scripts printed has its reason in docs/flags.md" \
      "$CLI_DIR/check-flags.py" "$DESAFIOS_ROOT/docs/flags.md" "$STATE_DIR"/up-*.out
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
