#!/usr/bin/env bash
# Challenge 3 benchmark: loads GET / through the published port with ab
# (ApacheBench, keep-alive, 32 connections, about DURATION seconds, loopback
# only), then checks that
# the PostgreSQL row count, the Redis counter and the number of 2xx answers
# moved by exactly the same amount. In the same run, pgbench (32 clients)
# measures the database's own rate for the same single-row insert, like for
# like: from a container on the challenge's network with the API's limits and
# hardening (run_container's: --cpus 1 --memory 256m, read-only, no
# capabilities), against the same database container, each side after the
# database was settled (settle_database). CPU per request (or
# per transaction) of each container, from its cgroup, says where the time
# goes. Brings challenge 3 up if it is not running and takes down only what
# it brought up.
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

# ab with a fixed request count (so every request it sends is also counted),
# keep-alive. Not hey: on this 2-CPU host the load tool shares the CPUs with
# the API and the database, and hey spends several times ab's CPU per GET /
# (docs/benchmarks.md).
load() { ab -q -k -n "$1" -c "$CONNECTIONS" "$URL/"; }

PGBENCH=desafio3-pgbench

# Before each side runs, what the other side's writes left behind is dealt
# with: the new rows vacuumed (PostgreSQL's autovacuum would otherwise do it
# while the next side runs, on the database's one CPU) and the dirty pages
# written by a checkpoint. Neither side pays for the other's work.
settle_database() {
  local settle=(exec desafio3-db psql -U app -d app -qc 'VACUUM (ANALYZE) accesses' -c CHECKPOINT)
  show docker "${settle[@]}" >&2
  docker "${settle[@]}" >&2
}

# pgbench as a client like the API: a container on the challenge's network
# with the limits and hardening run_container gives the API (--cpus 1
# --memory 256m, read-only, no capabilities, no new privileges, pids limit),
# idle until pgbench runs in it, so that its cgroup counts pgbench's CPU.
# Prints "tps transactions pgbench_cpu_ns db_cpu_ns".
pgbench_rate() {
  local work
  work=$(mktemp -d "$STATE_DIR/bench.XXXXXX")
  printf 'db:5432:app:app:%s\n' "$(<"$SECRETS/db_password.api")" | write_secret "$work/pgpass" "$STORE_UID"
  printf '%s\n' "INSERT INTO bench_accesses (path, client, user_agent, request_id) VALUES ('/', '172.18.0.1', 'pgbench', 'bench');" >"$work/insert.sql"
  chmod 755 "$work" && chmod 644 "$work/insert.sql"
  # What it runs is shown on stderr: stdout is the result.
  remove_containers "$PGBENCH" >&2
  dkq run --detach --name "$PGBENCH" --label desafios.challenge=3 --network desafio3-net --user "$STORE_UID:$STORE_UID" \
    "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1 \
    --volume "$work:/bench:ro" --env PGPASSFILE=/bench/pgpass "$POSTGRES_IMAGE" sleep infinity >&2
  docker exec "$PGBENCH" psql -h db -U app -d app -qc 'CREATE TABLE IF NOT EXISTS bench_accesses (LIKE accesses INCLUDING ALL)' >&2
  local before after
  settle_database
  before=$(bench_cpu_of "$PGBENCH" desafio3-db)
  local bench=(exec "$PGBENCH" pgbench -h db -U app -n -M prepared -c "$CONNECTIONS" -j 2 -T "$DURATION" -f /bench/insert.sql app)
  show docker "${bench[@]}" >&2
  docker "${bench[@]}" >"$work/out"
  after=$(bench_cpu_of "$PGBENCH" desafio3-db)
  docker exec "$PGBENCH" psql -h db -U app -d app -qc 'DROP TABLE bench_accesses' >&2
  remove_containers "$PGBENCH" >&2
  local tps done_
  tps=$(grep -o 'tps = [0-9.]*' "$work/out" | head -n 1 | cut -d' ' -f3)
  done_=$(awk '/number of transactions actually processed/ { split($NF, a, "/"); print a[1] }' "$work/out")
  rm -rf "$work"
  printf '%s %s %s %s\n' "$tps" "$done_" "$(bench_per_op "${before% *}" "${after% *}" "$done_")" \
    "$(bench_per_op "${before#* }" "${after#* }" "$done_")"
}

main() {
  setup_all
  ensure_command ab apache2-utils
  # shellcheck disable=SC2034 # read by the EXIT trap
  if ! container_healthy desafio3-api; then "$CLI_DIR/desafio3/up.sh"; STARTED=1; fi
  trap 'remove_containers "$PGBENCH"; ((STARTED == 0)) || "$CLI_DIR/desafio3/down.sh"' EXIT
  say "Warming up the API for $WARMUP s"
  local warm rate
  # -n bounds the warm-up (ab keeps a record per request): 50 000 a second.
  warm=$(ab -q -k -t "$WARMUP" -n $((WARMUP * 50000)) -c "$CONNECTIONS" "$URL/")
  rate=$(awk '/^Requests per second/ { printf "%d", $4 }' <<<"$warm")
  local before after out requests
  # A multiple of the connections, as the count hey needed (each connection sent requests/connections).
  requests=$((rate * DURATION / CONNECTIONS * CONNECTIONS))
  local cpu_before cpu_after stores=(desafio3-api desafio3-db desafio3-cache)
  settle_database
  before=$(counts)
  say "Loading GET / with $requests requests over $CONNECTIONS connections (about $DURATION s)"
  show ab -q -k -n "$requests" -c "$CONNECTIONS" "$URL/"
  cpu_before=$(bench_cpu_of "${stores[@]}")
  out=$(load "$requests")
  cpu_after=$(bench_cpu_of "${stores[@]}")
  after=$(counts)
  local ok rps p50 p99 d_visits d_rows
  # 2xx: the complete requests but the non-2xx and the failed ones. ab also counts as failed
  # an answer whose length differs from the first one's ("Length"): each answer carries its
  # own visit number and time, so those are 2xx like the others.
  ok=$(awk '/^Complete requests/ { c = $3 } /^Non-2xx responses/ { n = $3 }
    /\(Connect: / { gsub(/[(),]/, ""); f = $2 + $4 + $8 } END { print c - n - f }' <<<"$out")
  rps=$(awk '/^Requests per second/ { printf "%.0f", $4 }' <<<"$out")
  p50=$(awk '$1 == "50%" { print $2 }' <<<"$out")
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$out")
  d_visits=$((${after%,*} - ${before%,*})) d_rows=$((${after#*,} - ${before#*,}))
  say "pgbench: the same single-row insert, $CONNECTIONS clients, $DURATION s"
  local tps done_ pg_cpu db_cpu api_cpu api_db_cpu cache_cpu
  read -r tps done_ pg_cpu db_cpu < <(pgbench_rate)
  local -a b a
  read -r -a b <<<"$cpu_before"
  read -r -a a <<<"$cpu_after"
  api_cpu=$(bench_per_op "${b[0]}" "${a[0]}" "$ok") api_db_cpu=$(bench_per_op "${b[1]}" "${a[1]}" "$ok")
  cache_cpu=$(bench_per_op "${b[2]}" "${a[2]}" "$ok")
  printf '\n%-28s %10s %8s %8s %14s %12s\n' measure 'req/s' 'p50 ms' 'p99 ms' 'client CPU us' 'db CPU us'
  printf '%-28s %10s %8s %8s %14s %12s\n' "API GET / (ab, 32 conns)" "$rps" "$p50" "$p99" "$api_cpu" "$api_db_cpu"
  printf '%-28s %10.0f %8s %8s %14s %12s\n' "pgbench insert (32 clients)" "$tps" - - "$pg_cpu" "$db_cpu"
  printf 'CPU per request (us): API container %s, database %s, Redis %s; per pgbench transaction: pgbench container %s, database %s\n' \
    "$api_cpu" "$api_db_cpu" "$cache_cpu" "$pg_cpu" "$db_cpu"
  printf 'API / pgbench: %s\n' "$(awk -v a="$rps" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')"
  printf '2xx answers %s of %s requests, counter +%s, rows +%s\n' "$ok" "$requests" "$d_visits" "$d_rows"
  grep -E '^(Failed requests|Non-2xx)|\(Connect' <<<"$out" || true
  ((ok == requests && d_visits == ok && d_rows == ok)) || die "the counts do not agree: writes were lost or doubled"
  say "No write lost: 2xx answers, counter and rows agree exactly"
}

main "$@"
