#!/usr/bin/env bash
# Request-head limits against a running challenge container, with its real
# memory limit: `limits.sh 1` (or 2, 4, 5). Proves: headers past the count
# limit, one 9 KiB header and 40 KiB of headers get a small 431 problem; a
# 9 KiB request line a small 414; a ~300 KB request line a small answer or a
# closed connection; a burst of 400 such requests, 100 at a time, leaves the
# container unrestarted (not OOM-killed), its log grown by a bounded amount
# (the figure is printed), and serving; 300 keep-alive clients at once get an
# answer to every request; HEAD on each GET route gives the GET's status and no
# body. Raw requests go through bash's /dev/tcp (limits-raw.sh), so the bytes
# sent are exactly the ones written there. Brings the challenge up when it is
# not running (and down again on exit); leaves a running one running.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"
# shellcheck source=limits-raw.sh
source "$(dirname "${BASH_SOURCE[0]}")/limits-raw.sh"

# challenge -> "port container GET-paths..." (the health path first).
declare -A TARGETS=(
  [1]="$D1_PORT desafio1-api /health / /visits"
  [2]="$D2_PORT desafio2-sqlite /health /notes /notes/1"
  [4]="$D4_PORT desafio4-users /health /users /users/1"
  [5]="$D5_PORT desafio5-gateway /health /api/users /api/users/1 /api/orders /api/users/1/orders"
)
BURST=400 AT_ONCE=100 HUGE_LINE=300000
KEEP_ALIVE_CLIENTS=300 KEEP_ALIVE_SECONDS=8
SMALL=4096              # an answer to a refused head is a small problem: under this many bytes
LOG_BYTES_PER_REQUEST=1024

limits_log_bytes() { docker logs "$CONTAINER" 2>&1 | wc -c; }

limits_unharmed() {
  local state
  state=$(harm_state "$CONTAINER")
  note "$CONTAINER: restarts, OOM-killed, running = $state; memory now $(docker stats --no-stream --format '{{.MemUsage}}' "$CONTAINER")"
  [[ $state == "0 false true" ]]
}

limits_serving() { http GET "$BASE$HEALTH"; status_is 200; }

# KEEP_ALIVE_CLIENTS keep-alive clients sending GET after GET for a while:
# every request answered (the JDK closes keep-alive connections past its idle
# cap without saying so, and the next request on one is lost).
limits_keep_alive() {
  local answered lost
  read -r answered lost < <(python3 "$CLI_DIR/faults/keep-alive.py" "$BIND_ADDRESS" "$PORT" "$HEALTH" \
    "$KEEP_ALIVE_CLIENTS" "$KEEP_ALIVE_SECONDS")
  note "$KEEP_ALIVE_CLIENTS keep-alive clients for $KEEP_ALIVE_SECONDS s: $answered answered, $lost lost"
  ((answered > 0 && lost == 0))
}

main() {
  local challenge=${1:-} paths before after grown path burst_start
  [[ -n ${TARGETS[$challenge]:-} ]] || die "usage: $0 CHALLENGE (one of: ${!TARGETS[*]})"
  read -r PORT CONTAINER paths <<<"${TARGETS[$challenge]}"
  read -r -a PATHS <<<"$paths"
  HEALTH=${PATHS[0]} BASE="http://$BIND_ADDRESS:$PORT"
  trap faults_finish EXIT
  say "Limits, challenge $challenge: request heads past the limits against $CONTAINER"
  faults_ensure_up "$challenge" "$CONTAINER"
  note "$CONTAINER memory limit: $(($(docker inspect -f '{{.HostConfig.Memory}}' "$CONTAINER") / 1048576)) MiB"
  check "101 headers: a small 431 problem" limits_refused 431 GET "$HEALTH" 101 16
  check "one 9 KiB header: a small 431 problem" limits_refused 431 GET "$HEALTH" 1 9216
  check "40 KiB of headers (ten of 4 KiB): a small 431 problem" limits_refused 431 GET "$HEALTH" 10 4096
  check "a 9 KiB request line: a small 414 problem" \
    limits_refused 414 GET "$HEALTH?pad=$(head -c 9216 /dev/zero | tr '\0' p)" 0 0
  limits_request "$FAULTS_WORK/huge" GET "$HEALTH?pad=$(head -c "$HUGE_LINE" /dev/zero | tr '\0' p)" 0 0
  check "a ~300 KB request line: a small answer or a closed connection" limits_huge_line
  before=$(limits_log_bytes)
  note "a burst of $BURST requests with ~300 KB request lines, $AT_ONCE at a time"
  burst_start=$SECONDS
  limits_burst
  note "the burst took $((SECONDS - burst_start)) s"
  after=$(limits_log_bytes)
  grown=$((after - before))
  check "during the burst: every request ended, each answer small or none" limits_burst_small
  note "the log grew by $grown bytes (bound: $((BURST * LOG_BYTES_PER_REQUEST)))"
  check "after the burst: not restarted, not OOM-killed" limits_unharmed
  check "after the burst: the log grew by at most $LOG_BYTES_PER_REQUEST bytes a request" \
    test "$grown" -le "$((BURST * LOG_BYTES_PER_REQUEST))"
  check "after the burst: still serving (GET $HEALTH 200)" limits_serving
  check "$KEEP_ALIVE_CLIENTS keep-alive clients at once: every request answered" limits_keep_alive
  for path in "${PATHS[@]}"; do
    check "HEAD $path: the GET's status and no body" limits_head_like_get "$path"
  done
  checks_done "Limits, challenge $challenge"
}

main "$@"
