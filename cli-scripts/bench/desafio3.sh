#!/usr/bin/env bash
# Challenge 3 benchmark: loads GET / through the published port with hey
# (32 connections, about DURATION seconds, loopback only), then checks that
# the PostgreSQL row count, the Redis counter and the number of 2xx answers
# moved by exactly the same amount. In the same run, pgbench (32 clients)
# measures the database's own rate for the same single-row insert. Brings
# challenge 3 up if it is not running and takes down only what it brought up.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"

WARMUP=${WARMUP:-20}
DURATION=${DURATION:-30}
CONNECTIONS=32
URL="http://$BIND_ADDRESS:$D3_PORT"
SECRETS=$(secrets_dir 3)
STARTED=0

counts() { curl -s --max-time 5 "$URL/visits" | grep -o '"visits":[0-9]*,"accesses":[0-9]*' | tr -dc '0-9,'; }

# hey with a fixed request count (so every request it sends is also counted).
load() { hey -n "$1" -c "$CONNECTIONS" -disable-keepalive=false "$URL/"; }

# pgbench from a throwaway container on the challenge's network, like the API.
pgbench_rate() {
  local work
  work=$(mktemp -d "$STATE_DIR/bench.XXXXXX")
  printf 'db:5432:app:app:%s\n' "$(<"$SECRETS/db_password.api")" | write_secret "$work/pgpass" 999
  printf '%s\n' "INSERT INTO bench_accesses (path, client, user_agent, request_id) VALUES ('/', '172.18.0.1', 'pgbench', 'bench');" >"$work/insert.sql"
  chmod 755 "$work" && chmod 644 "$work/insert.sql"
  local run=(run --rm --network desafio3-net --user 999:999 --read-only --cap-drop ALL --tmpfs /tmp
    --volume "$work:/bench:ro" --env PGPASSFILE=/bench/pgpass "$POSTGRES_IMAGE")
  docker "${run[@]}" psql -h db -U app -d app -qc 'CREATE TABLE IF NOT EXISTS bench_accesses (LIKE accesses INCLUDING ALL)' >&2
  dk "${run[@]}" pgbench -h db -U app -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -f /bench/insert.sql app >"$work/out"
  docker "${run[@]}" psql -h db -U app -d app -qc 'DROP TABLE bench_accesses' >&2
  grep -o 'tps = [0-9.]*' "$work/out" | head -n 1 | cut -d' ' -f3
  rm -rf "$work"
}

main() {
  setup_all
  ensure_hey
  if ! container_healthy desafio3-api; then "$CLI_DIR/desafio3/up.sh"; STARTED=1; fi
  trap '((STARTED == 0)) || "$CLI_DIR/desafio3/down.sh"' EXIT
  say "Warming up the API for $WARMUP s"
  local warm rate
  warm=$(hey -z "${WARMUP}s" -c "$CONNECTIONS" "$URL/")
  rate=$(awk '/Requests\/sec/ { printf "%d", $2 }' <<<"$warm")
  local before after out requests
  # hey gives each connection requests/connections of them: a multiple is sent exactly.
  requests=$((rate * DURATION / CONNECTIONS * CONNECTIONS))
  before=$(counts)
  say "Loading GET / with $requests requests over $CONNECTIONS connections (about $DURATION s)"
  show hey -n "$requests" -c "$CONNECTIONS" "$URL/"
  out=$(load "$requests")
  after=$(counts)
  local ok rps p50 p99 d_visits d_rows
  ok=$(awk '/\[2[0-9][0-9]\]/ { s += $2 } END { print s + 0 }' <<<"$out")
  rps=$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")
  p50=$(awk '/ 50% in/ { printf "%.1f", $3 * 1000 }' <<<"$out")
  p99=$(awk '/ 99% in/ { printf "%.1f", $3 * 1000 }' <<<"$out")
  d_visits=$((${after%,*} - ${before%,*})) d_rows=$((${after#*,} - ${before#*,}))
  say "pgbench: the same single-row insert, $CONNECTIONS clients, $DURATION s"
  local tps
  tps=$(pgbench_rate)
  printf '\n%-28s %10s %8s %8s\n' measure 'req/s' 'p50 ms' 'p99 ms'
  printf '%-28s %10s %8s %8s\n' "API GET / (hey, 32 conns)" "$rps" "$p50" "$p99"
  printf '%-28s %10.0f %8s %8s\n' "pgbench insert (32 clients)" "$tps" - -
  printf 'API / pgbench: %s\n' "$(awk -v a="$rps" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')"
  printf '2xx answers %s of %s requests, counter +%s, rows +%s\n' "$ok" "$requests" "$d_visits" "$d_rows"
  grep -A5 'Error distribution' <<<"$out" || true
  ((ok == requests && d_visits == ok && d_rows == ok)) || die "the counts do not agree: writes were lost or doubled"
  say "No write lost: 2xx answers, counter and rows agree exactly"
}

main "$@"
