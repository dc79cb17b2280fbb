#!/usr/bin/env bash
# Fault: under steady load (two background loops of GET /, at most 20 a second
# each, at most 150 s), `docker restart` of the database, then of the cache,
# then `docker pause` of the database for 10 s. Proves that no request hung
# past the API's own timeouts (slowest < 6 s), that after each fault the API
# served a 2xx within 5 s of the dependency being healthy again, and that every
# 2xx has its row and its increment while a failed request wrote neither:
# 2xx count == Redis counter delta == access rows delta. Leaves the challenge
# as it found it (brought up and down again when it was not running) and the
# rows of its requests in the volume.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"

URL="http://$BIND_ADDRESS:$D3_PORT"
MAX_S=6          # slowest request allowed (the API's store timeouts are 2-5 s)
RECOVER_S=5      # a 2xx within this many seconds of the dependency being healthy
PAUSE_S=10
LOAD=''

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

faults_restore() { docker unpause desafio3-db >/dev/null 2>&1 || true; }

fault() {
  local what=$1 name=$2 seconds; shift 2
  say "$what"
  "$@"
  seconds=$(recovery_after "$name")
  note "$name healthy; the API served a 2xx $seconds s later"
  [[ $seconds != never ]] && faults_lt "$seconds" "$RECOVER_S"
}

restart() { dkq restart "$1"; }
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
  say "Fault, challenge 3: restarts and a pause of the stores under steady load"
  faults_ensure_up 3 desafio3-db desafio3-cache desafio3-api
  LOAD=$FAULTS_WORK/load
  local before after ok_count total api_restarts
  api_restarts=$(docker inspect -f '{{.RestartCount}}' desafio3-api)
  before=$(counts) || die "GET /visits failed before the faults"
  faults_start_load "$LOAD" 2 150 "$URL/"
  steady || die "the API served no 2xx under load"
  local r1=0 r2=0 r3=0
  fault "docker restart of the database" desafio3-db restart desafio3-db && r1=1
  steady || true
  fault "docker restart of the cache" desafio3-cache restart desafio3-cache && r2=1
  steady || true
  fault "docker pause of the database for $PAUSE_S s" desafio3-db pause desafio3-db && r3=1
  steady || true
  faults_stop_load "$LOAD"
  after=$(counts) || die "GET /visits failed after the faults"
  total=$(wc -l <"$LOAD") ok_count=$(faults_count "$LOAD" '$3 ~ /^2/')
  note "requests: $total; 2xx $ok_count; 5xx $(faults_count "$LOAD" '$3 ~ /^5/');" \
    "no answer $(faults_count "$LOAD" '$2 != 0'); slowest $(faults_max_seconds "$LOAD") s"
  note "Redis counter ${before% *} -> ${after% *}, access rows ${before#* } -> ${after#* }"
  check "no request took $MAX_S s or more, every one got an answer" \
    eval '[[ $(faults_count "$LOAD" "\$2 != 0 || \$4 >= $MAX_S") == 0 ]]'
  check "the API served a 2xx within $RECOVER_S s of the database being healthy after its restart" test "$r1" = 1
  check "the same after the restart of the cache" test "$r2" = 1
  check "the same after the database was unpaused" test "$r3" = 1
  check "2xx count == Redis counter delta == access rows delta ($ok_count)" \
    test "$ok_count $ok_count" = "$((${after% *} - ${before% *})) $((${after#* } - ${before#* }))"
  check "the API itself never restarted" test "$(docker inspect -f '{{.RestartCount}}' desafio3-api)" = "$api_restarts"
  checks_done "Fault, challenge 3"
}

main "$@"
