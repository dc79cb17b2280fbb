#!/usr/bin/env bash
# Fault: the API of challenge 1 stopped for 30 s and started again. Proves from
# the poller's own log lines that the poller kept running (never restarted),
# backed off with delays that grew and stayed within its 10 s cap, and logged a
# 200 again within the cap plus a 3 s margin after the API was healthy.
# Leaves the challenge as it found it (brought up and down again when it was
# not running).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"

CAP_MS=10000     # POLL_MAX_BACKOFF of desafio1/up.sh
MARGIN_S=3
OUTAGE_S=30

now() { date -u +%Y-%m-%dT%H:%M:%S.%NZ; }
poller_lines() { docker logs --since "$1" ${2:+--until "$2"} desafio1-poller 2>&1; }
resumed_since() { poller_lines "$1" | grep '"msg":"poll"' | grep -q '"status":200'; }

# The delays (nextInMs) of the failed calls logged during the outage.
delays() { poller_lines "$1" "$2" | grep '"msg":"poll failed"' | grep -o '"nextInMs":[0-9]*' | cut -d: -f2; }

backoff_grew_within_cap() {
  local -a ms
  mapfile -t ms < <(delays "$1" "$2")
  note "${#ms[@]} failed calls during the outage; delays (ms): ${ms[*]}"
  ((${#ms[@]} >= 3)) || return 1
  local first=${ms[0]} max=0 d
  for d in "${ms[@]}"; do
    ((d <= CAP_MS)) || { err "delay $d ms is over the cap"; return 1; }
    ((d > max)) && max=$d
  done
  # Jitter keeps each delay in the upper half of its ceiling (4, 8, 10, 10... s),
  # so they grow overall, not strictly one by one.
  ((max > first && max > 4000))
}

main() {
  trap faults_finish EXIT
  say "Fault, challenge 1: the API stopped for $OUTAGE_S s while the poller runs"
  faults_ensure_up 1 desafio1-api desafio1-poller
  local restarts poller_id down_at up_at healthy_s resume_s
  restarts=$(docker inspect -f '{{.RestartCount}}' desafio1-poller)
  poller_id=$(docker inspect -f '{{.Id}}' desafio1-poller)
  down_at=$(now)
  dkq stop desafio1-api
  # A deliberate fixed outage, the fault itself (not a wait for a state).
  note "the API stays stopped for $OUTAGE_S s"
  sleep "$OUTAGE_S"
  up_at=$(now)
  dkq start desafio1-api
  healthy_s=$SECONDS
  wait_healthy desafio1-api
  healthy_s=$SECONDS
  retry $(((CAP_MS / 1000 + MARGIN_S) * 4)) 0.25 resumed_since "$up_at" || true
  resume_s=$((SECONDS - healthy_s))
  note "first 200 logged by the poller $resume_s s after the API was healthy (cap $((CAP_MS / 1000)) s + $MARGIN_S s margin)"
  check "the poller kept running and never restarted" \
    test "$(docker inspect -f '{{.Id}} {{.State.Running}} {{.RestartCount}}' desafio1-poller)" = "$poller_id true $restarts"
  check "during the outage the poller backed off: delays grew and stayed <= ${CAP_MS} ms" \
    backoff_grew_within_cap "$down_at" "$up_at"
  check "the poller logged a 200 again within $((CAP_MS / 1000 + MARGIN_S)) s of the API being healthy" \
    eval "resumed_since $up_at && ((resume_s <= CAP_MS / 1000 + MARGIN_S))"
  checks_done "Fault, challenge 1"
}

main "$@"
