#!/usr/bin/env bash
# Memory held by requests in flight, against a running challenge container
# with its real memory limit: `memory.sh 4` (or 2, 5). Proves: 1200
# connections that each send a 64 KiB POST body but its last byte, then wait,
# are held while the health check answers 200 within 2 s (what the service
# cannot hold gets a 503), and once they are closed a normal POST is stored;
# 6000 connections that pipeline requests and never read are survived;
# for challenge 2, 40 clients that never read the largest page of 100 notes of
# 10 000 control characters (six bytes each in JSON: 6 MB whole, a page is
# bounded by MAX_PAGE_BYTES, 256 KiB) get it or a 503; for challenges
# 4 and 5 (memory-pages.sh), 64 clients that never read the largest page of
# users, then of orders (100 entries of line separators, six bytes each in
# JSON, and the longest e-mail), while health answers within 2 s; then 300
# clients reading the largest page (of notes; of orders) at once, three times
# each: every request answered (200, or a 503/504 that sheds the load). No
# container restarts.
# Brings the challenge up when it is not running (and down again on exit);
# removes the notes it wrote (users and orders have no DELETE: their 100 each
# stay until the container goes, or until down.sh --volumes on challenge 5).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"
# shellcheck source=memory-pages.sh
source "$(dirname "${BASH_SOURCE[0]}")/memory-pages.sh"

# challenge -> "port container POST-path health-path"
declare -A TARGETS=(
  [2]="$D2_PORT desafio2-sqlite /notes /health"
  [4]="$D4_PORT desafio4-users /users /health"
  [5]="$D5_PORT desafio5-gateway /api/users /health"
)
# challenge -> "users-port users-path orders-port orders-path containers..." for the largest pages.
declare -A PAGES=(
  [4]="$D4_PORT /users $D4_ORDERS_PORT /orders desafio4-users desafio4-orders"
  [5]="$D5_PORT /api/users $D5_PORT /api/orders desafio5-gateway desafio5-users desafio5-orders"
)
HELD=1200 FLOOD=6000 READERS=40 PAGE_READERS=64 READING_CLIENTS=300 # HELD: under the connection cap (docs/limits.md)
NOTE_IDS=()

# A valid body for the POST route, unique per call.
valid_body() {
  if [[ $POST_PATH == /notes ]]; then printf '{"title":"memory %s","body":"ok"}' "$RANDOM"
  else printf '{"name":"Memory","email":"memory-%s-%s@example.com"}' "$$" "$RANDOM"; fi
}

# Holds COUNT connections in MODE while the health check is asked ten times.
held_while_healthy() {
  local count=$1 mode=$2 ready=$FAULTS_WORK/ready stop=$FAULTS_WORK/stop pid i slow=0 codes=''
  rm -f "$ready" "$stop"
  show python3 "$CLI_DIR/faults/hold-connections.py" "$count" "$BIND_ADDRESS" "$PORT" "$ready" "$stop" "$mode"
  python3 "$CLI_DIR/faults/hold-connections.py" "$count" "$BIND_ADDRESS" "$PORT" "$ready" "$stop" "$mode" &
  pid=$!
  retry 240 0.25 test -s "$ready" || { kill "$pid"; return 1; }
  for ((i = 0; i < 10; i++)); do
    http GET "$BASE$HEALTH"
    codes+="$HTTP_STATUS "
    faults_lt "$HTTP_SECONDS" 2 || slow=$((slow + 1))
  done
  touch "$stop" && wait "$pid"
  note "held $(<"$ready") connections ($mode); health meanwhile: $codes($slow of 10 took 2 s or more)"
  [[ $codes == "$(printf '200 %.0s' {1..10})" && $slow == 0 ]]
}

# READING_CLIENTS clients reading the page at PATH at once, three times each
# (keep-alive): every request answered, 200, or a problem that sheds the load
# (503 once the memory budget is spent; through the gateway, 504 when an
# upstream answer misses its deadline). The JDK copies a large write into a buffer twice its size, kept by
# the connection: this once ran svc-sqlite and the gateway out of heap.
page_read_at_once() {
  local out statuses
  out=$(hey -n $((3 * READING_CLIENTS)) -c "$READING_CLIENTS" -t 20 "$BASE$1")
  statuses=$(awk '/^  \[[0-9]+\]/ { printf "%s x %s; ", $2, $1 }' <<<"$out")
  note "$READING_CLIENTS clients reading $1 at once, 3 times each: ${statuses:-no answer}$(grep -c 'Error distribution' <<<"$out") error kinds"
  ! grep -q 'Error distribution' <<<"$out" && [[ -n $statuses ]] &&
    ! grep -E '^  \[[0-9]+\]' <<<"$out" | grep -qvE '\[(200|503|504)\]'
}

# FLOOD connections that each send 150 GETs at once and never read an answer,
# then all closed: past the connection cap they are refused, the service holds
# the rest without running out of heap, and it answers health again after.
flood_survived() {
  local ready=$FAULTS_WORK/ready stop=$FAULTS_WORK/stop pid
  rm -f "$ready" "$stop"
  show python3 "$CLI_DIR/faults/hold-connections.py" "$FLOOD" "$BIND_ADDRESS" "$PORT" "$ready" "$stop" "PIPE:$HEALTH"
  python3 "$CLI_DIR/faults/hold-connections.py" "$FLOOD" "$BIND_ADDRESS" "$PORT" "$ready" "$stop" "PIPE:$HEALTH" &
  pid=$!
  retry 480 0.25 test -s "$ready" || { kill "$pid"; return 1; }
  sleep 5 # the fault itself: the flood is held open for 5 s, then closed at once
  touch "$stop" && wait "$pid"
  note "$(<"$ready") of $FLOOD connections sent their requests; $CONTAINER: $(harm_state "$CONTAINER")"
  # shellcheck disable=SC2016 # expanded by eval, at each try
  retry 60 0.5 eval 'http GET "$BASE$HEALTH" && status_is 200'
}

stores_a_post() { post_json "$BASE$POST_PATH" "$(valid_body)"; note "a normal POST: $HTTP_STATUS"; status_is 201; }

# One hundred notes of 10 000 control characters: 6 MB of JSON, a page of them at most MAX_PAGE_BYTES.
big_notes() {
  local body i
  body=$(printf '{"title":"memory","body":"%s"}' "$(printf '\\u0001%.0s' {1..10000})")
  for ((i = 0; i < 100; i++)); do
    post_json "$BASE/notes" "$body"
    status_is 201 || return 1
    NOTE_IDS+=("$(json_number "$HTTP_BODY" id)")
  done
}

# Runs a command with PORT and BASE pointing at another published port (orders in challenge 4).
env_port() {
  local PORT=$1 BASE="http://$BIND_ADDRESS:$1"; shift
  "$@"
}

faults_restore() {
  local id
  for id in "${NOTE_IDS[@]}"; do curl -s -o /dev/null -X DELETE "$BASE/notes/$id" || true; done
}

main() {
  local challenge=${1:-} before
  [[ -n ${TARGETS[$challenge]:-} ]] || die "usage: $0 CHALLENGE (one of: ${!TARGETS[*]})"
  read -r PORT CONTAINER POST_PATH HEALTH <<<"${TARGETS[$challenge]}"
  BASE="http://$BIND_ADDRESS:$PORT"
  trap faults_finish EXIT
  say "Memory, challenge $challenge: requests that hold memory against $CONTAINER"
  faults_ensure_up "$challenge" "$CONTAINER"
  ensure_command hey
  before=$(harm_state "$CONTAINER")
  check "$HELD unfinished 64 KiB bodies held: health answers 200 within 2 s throughout" \
    held_while_healthy "$HELD" "POST:$POST_PATH"
  check "once they are closed, a normal POST is stored (201)" retry 20 0.5 stores_a_post
  check "$FLOOD connections that send 150 requests each and never read: the service holds what it accepts and answers health after" \
    flood_survived
  if [[ $challenge == 2 ]]; then
    check "100 notes of 10 000 control characters stored" big_notes
    check "$READERS clients that never read the largest page: health answers 200 within 2 s throughout" \
      held_while_healthy "$READERS" "GET:/notes?limit=100"
    check "$READING_CLIENTS clients reading the largest page at once: every request answered" \
      page_read_at_once "/notes?limit=100"
  fi
  [[ -z ${PAGES[$challenge]:-} ]] || largest_pages_unread "$challenge"
  note "$CONTAINER: restarts, OOM-killed, running before = $before, after = $(harm_state "$CONTAINER")"
  check "$CONTAINER never restarted and never ran out of memory" test "$(harm_state "$CONTAINER")" = "$before"
  checks_done "Memory, challenge $challenge"
}

main "$@"
