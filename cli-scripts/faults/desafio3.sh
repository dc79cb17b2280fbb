#!/usr/bin/env bash
# First, reads against writes (desafio3-reads.sh): on a million rows, 56
# clients reading /visits beside 8 calling GET /; every GET / a 2xx, its p99
# within 100 ms of the same load alone, /health always UP, and each /visits
# answer consistent with itself.
# Then the faults: under steady load (two background loops of GET /, at most 20 a second
# each, at most 300 s), `docker restart` of the database, then of the cache,
# then `docker pause` of the database for 10 s, then KILL_ROUNDS rounds of
# `docker kill` (SIGKILL) of the database, of the cache, and of both at once,
# each started again with `docker start`. Proves that every request got an
# answer and none took 6 s or more (the API's own timeouts), that after each
# fault the API served a 2xx within 5 s of the store being healthy again, and
# that whatever a kill cut short, the counter and the rows agree: Redis counter
# delta == access rows delta >= 2xx count (a 503 may leave a row, counted).
# Leaves the challenge as it found it (brought up and down again when it was
# not running) and the rows of its requests in the volume.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"
# shellcheck source=desafio3-reads.sh
source "$(dirname "${BASH_SOURCE[0]}")/desafio3-reads.sh"

URL="http://$BIND_ADDRESS:$D3_PORT"
MAX_S=6          # slowest request allowed (the API's store timeouts are 2-5 s)
RECOVER_S=5      # a 2xx within this many seconds of the dependency being healthy
PAUSE_S=10
KILL_ROUNDS=${KILL_ROUNDS:-3}
LOAD=''
RECOVERED=0 FAULTS=0

counts() {
  http GET "$URL/visits"
  status_is 200 || return 1
  printf '%s %s\n' "$(json_number "$HTTP_BODY" visits)" "$(json_number "$HTTP_BODY" accesses)"
}

# True when a request of the running load finished with a 2xx after time T.
served_after() { cat "$LOAD".[0-9]* 2>/dev/null | awk -v t="$1" '$3 ~ /^2/ && $1 + $4 >= t { f = 1 } END { exit !f }'; }

# Waits for NAME to be healthy, then for a 2xx of the load; prints the seconds between.
recovery_after() {
  local name=$1 healthy_at
  wait_healthy "$name" >/dev/null || return 1
  healthy_at=$EPOCHREALTIME
  retry $((RECOVER_S * 10 + 20)) 0.1 served_after "$healthy_at" || { echo never; return 0; }
  cat "$LOAD".[0-9]* | awk -v t="$healthy_at" '$3 ~ /^2/ && $1 + $4 >= t { e = $1 + $4 - t; if (m == "" || e < m) m = e }
    END { printf "%.2f\n", (m < 0 ? 0 : m) }'
}

# Whatever a step of this run left stopped or paused is running again.
faults_restore() {
  docker unpause desafio3-db >/dev/null 2>&1 || true
  docker start desafio3-db desafio3-cache >/dev/null 2>&1 || true
}

# Runs one fault, then waits for NAME to be healthy and the load to get a 2xx; counts the recoveries.
fault() {
  local what=$1 name=$2 seconds; shift 2
  say "$what"
  FAULTS=$((FAULTS + 1))
  "$@"
  seconds=$(recovery_after "$name")
  note "$name healthy; the API served a 2xx $seconds s later"
  [[ $seconds != never ]] && faults_lt "$seconds" "$RECOVER_S" && RECOVERED=$((RECOVERED + 1))
}

restart() { dkq restart "$1"; }
# SIGKILL: no shutdown message, connections cut mid-write; then started again (not a restart count).
kill_and_start() {
  dkq kill "$@"
  dkq start "$@"
  wait_healthy "$@" >/dev/null
}

# True when the counter and the rows moved alike since the counts BEFORE.
counts_agree() {
  local now
  now=$(counts) && [[ $((${now% *} - ${1% *})) == $((${now#* } - ${1#* })) ]]
}

# The counts once the API has settled what the kills cut short (a few seconds at most).
settled_counts() {
  retry 50 0.2 counts_agree "$1" || true
  counts
}
pause() {
  dkq pause "$1"
  # A deliberate fixed pause, the fault itself (not a wait for a state).
  sleep "$PAUSE_S"
  dkq unpause "$1"
}

# Steady 2xx before the next fault, so that each one starts from a serving API.
steady() { retry 50 0.1 served_after "$EPOCHREALTIME"; }

main() {
  trap faults_finish EXIT
  say "Fault, challenge 3: reads against writes, then restarts, a pause and kills of the stores under steady load"
  faults_ensure_up 3 desafio3-db desafio3-cache desafio3-api
  ensure_command hey
  reads_against_writes
  LOAD=$FAULTS_WORK/load
  local before after ok_count total api_restarts round
  api_restarts=$(docker inspect -f '{{.RestartCount}}' desafio3-api)
  before=$(counts) || die "GET /visits failed before the faults"
  faults_start_load "$LOAD" 2 300 "$URL/"
  steady || die "the API served no 2xx under load"
  fault "docker restart of the database" desafio3-db restart desafio3-db; steady || true
  fault "docker restart of the cache" desafio3-cache restart desafio3-cache; steady || true
  fault "docker pause of the database for $PAUSE_S s" desafio3-db pause desafio3-db; steady || true
  for ((round = 1; round <= KILL_ROUNDS; round++)); do
    fault "docker kill of the database, then docker start (round $round of $KILL_ROUNDS)" \
      desafio3-db kill_and_start desafio3-db; steady || true
    fault "docker kill of the cache, then docker start (round $round of $KILL_ROUNDS)" \
      desafio3-cache kill_and_start desafio3-cache; steady || true
  done
  fault "docker kill of both stores at once, then docker start" \
    desafio3-db kill_and_start desafio3-db desafio3-cache; steady || true
  faults_stop_load "$LOAD"
  after=$(settled_counts "$before") || die "GET /visits failed after the faults"
  total=$(wc -l <"$LOAD") ok_count=$(faults_count "$LOAD" '$3 ~ /^2/')
  note "requests: $total; 2xx $ok_count; 5xx $(faults_count "$LOAD" '$3 ~ /^5/');" \
    "no answer $(faults_count "$LOAD" '$2 != 0'); slowest $(faults_max_seconds "$LOAD") s"
  note "Redis counter ${before% *} -> ${after% *}, access rows ${before#* } -> ${after#* }"
  local counted=$((${after% *} - ${before% *})) stored=$((${after#* } - ${before#* }))
  note "rows beyond the 2xx count: $((stored - ok_count)) (answered 503, committed after all, then counted)"
  check "every request got an answer, none took $MAX_S s or more" \
    eval '[[ $(faults_count "$LOAD" "\$2 != 0 || \$4 >= $MAX_S") == 0 ]]'
  check "after each of the $FAULTS faults the API served a 2xx within $RECOVER_S s of the store being healthy" \
    test "$RECOVERED" = "$FAULTS"
  check "Redis counter delta == access rows delta ($counted == $stored)" test "$counted" = "$stored"
  check "access rows delta >= 2xx count ($stored >= $ok_count): every 2xx has its row and its count" \
    test "$stored" -ge "$ok_count"
  check "the API itself never restarted (RestartCount of desafio3-api)" \
    test "$(docker inspect -f '{{.RestartCount}}' desafio3-api)" = "$api_restarts"
  checks_done "Fault, challenge 3"
}

main "$@"
