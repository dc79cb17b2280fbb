#!/usr/bin/env bash
# Challenge 3: proves that every GET / adds exactly one row and one increment,
# that the counts survive (and move together through) a new API container and restarts of the database and
# the cache (the API recovering on its own), that hostile values are stored
# safely, that /visits reports the row count the database keeps (equal to
# count(*)), and that the stores and their passwords are not exposed.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../secrets-lib.sh
source "$CLI_DIR/secrets-lib.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"

URL="http://$BIND_ADDRESS:$D3_PORT"
RUN_ID="verify-$$-$RANDOM"
VISITS=0 ACCESSES=0

read_counts() {
  http GET "$URL/visits"
  status_is 200 || return 1
  VISITS=$(json_number "$HTTP_BODY" visits) ACCESSES=$(json_number "$HTTP_BODY" accesses)
}

# N requests raise both the Redis counter and the row count by exactly N.
counts_rise_by() {
  local n=$1 before_visits before_accesses i
  read_counts || return 1
  before_visits=$VISITS before_accesses=$ACCESSES
  for ((i = 1; i <= n; i++)); do
    http GET "$URL/" -H "X-Request-Id: $RUN_ID-$i"
    status_is 200 && body_has '"accessId":' || return 1
  done
  read_counts || return 1
  note "visits $before_visits -> $VISITS, access rows $before_accesses -> $ACCESSES"
  ((VISITS == before_visits + n && ACCESSES == before_accesses + n))
}

recent_lists_ours() { http GET "$URL/visits"; body_has "\"requestId\":\"$RUN_ID-10\""; }

counts_equal() {
  local visits=$VISITS accesses=$ACCESSES
  read_counts && ((VISITS == visits && ACCESSES == accesses))
}

SERVED=0
api_serves() { http GET "$URL/"; status_is 200 && SERVED=$((SERVED + 1)); }

# docker restart of a store; the API is not touched and must serve again.
restart_store() {
  local name=$1 visits accesses
  read_counts || return 1
  visits=$VISITS accesses=$ACCESSES SERVED=0
  dkq restart "$name"
  wait_healthy "$name" >/dev/null && retry 40 0.25 api_serves || return 1
  # Each 200 wrote both; a request cut short may have left a row, then counted
  # too once the API settled it: the two counts move together.
  retry 20 0.25 counts_moved_together "$visits" "$accesses"
}

counts_moved_together() {
  read_counts && ((VISITS - $1 == ACCESSES - $2 && ACCESSES - $2 >= SERVED))
}

hostile_values_safe() {
  local long huge
  # Long, under the 8 KiB a header may have; then past it, refused (431) and never a 5xx.
  long=$(printf 'x%.0s' {1..6000}) huge=$(printf 'x%.0s' {1..10240})
  http GET "$URL/" -A "'; DROP TABLE accesses; --" && status_is 200 || return 1
  http GET "$URL/" -A "$long" && status_is 200 || return 1
  http GET "$URL/" -A "$huge"; [[ $HTTP_STATUS == [1-4]* ]] || return 1
  http GET "$URL/" -H "X-Request-Id: \"quoted\" OR 1=1" && status_is 200 || return 1
  ! grep -q 'OR 1=1' <<<"$HTTP_HEADERS" || return 1
  http GET "$URL/bad%00path"; [[ $HTTP_STATUS == 4* ]] || return 1
  http GET "$URL/visits"
  status_is 200 && body_has "DROP TABLE accesses"
}

# The row count /visits reports is the database's kept count, equal to count(*)
# over the table (read with psql inside the database container).
kept_count_exact() {
  local kept rows
  read_counts || return 1
  kept=$(db_sql desafio3-db 'SELECT total FROM access_count') || return 1
  rows=$(db_sql desafio3-db 'SELECT count(*) FROM accesses') || return 1
  note "/visits accesses $ACCESSES, access_count $kept, count(*) $rows"
  ((ACCESSES == kept && kept == rows))
}

stores_unpublished() {
  [[ -z $(docker port desafio3-db) && -z $(docker port desafio3-cache) ]]
}

# Neither password appears in docker inspect, the host's process list or the logs.
no_secret_exposed() {
  local secrets
  secrets=$(secrets_dir 3)
  passwords_hidden "$secrets/db_password.api $secrets/redis_password.api" desafio3-db desafio3-cache desafio3-api
}

main() {
  say "Challenge 3: verifying"
  check "10 requests raise the Redis counter and the PostgreSQL row count by exactly 10" counts_rise_by 10
  check "the recent accesses list the requests with their request ids" recent_lists_ours
  check "/visits reports the row count the database keeps, equal to count(*) over accesses" kept_count_exact
  say "Removing the API container and creating a new one"
  check "a new API container was created" recreated desafio3-api "$CLI_DIR/desafio3/up.sh"
  check "after the new API container, the counts are intact" counts_equal
  check "after docker restart of the database, the API serves again by itself and the counts are intact" restart_store desafio3-db
  check "after docker restart of the cache (append-only file), the same" restart_store desafio3-cache
  check "the API never restarted" test "$(docker inspect -f '{{.RestartCount}}' desafio3-api)" = 0
  check "hostile user agents and request ids are stored as text (no SQL runs, no 5xx)" hostile_values_safe
  check "the database and the cache publish no port (not reachable from the host)" stores_unpublished
  check "no password in docker inspect, ps or logs" no_secret_exposed
  checks_done "Challenge 3"
}

main "$@"
