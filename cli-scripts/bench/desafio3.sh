#!/usr/bin/env bash
# Challenge 3 benchmark: loads GET / with ab (ApacheBench, keep-alive, 32
# connections, about DURATION seconds), then checks that the PostgreSQL row
# count, the Redis counter and the number of 2xx answers moved by exactly the
# same amount. pgbench (32 clients; desafio3-pgbench.sh) measures the
# database's own rate for the same single-row insert. Like for like: each
# client runs in a container of its own on the challenge's network, with the
# API's limits and hardening (run_container's: --cpus 1 --memory 256m,
# read-only, no capabilities), and calls its server by its alias (ab
# http://api:8080/, pgbench db:5432), each side after the database was
# settled (settle_database). Then the same load once more from the host
# through the published port, the path a user's curl takes (NAT and all),
# reported beside. CPU per request (or per transaction) of each container,
# from its cgroup, says where the time goes.
# Brings challenge 3 up if it is not running and takes down only what it
# brought up.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"
# shellcheck source=desafio3-pgbench.sh
source "$CLI_DIR/bench/desafio3-pgbench.sh"

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
# (docs/benchmarks.md). `load beside|host REQUESTS`: from the client
# container by the API's alias, or from the host through the published port.
load() {
  local command=(ab -q -k -n "$2" -c "$CONNECTIONS")
  if [[ $1 == beside ]]; then
    show docker exec "$AB" "${command[@]}" http://api:8080/ >&2
    docker exec "$AB" "${command[@]}" http://api:8080/
  else
    show "${command[@]}" "$URL/" >&2
    "${command[@]}" "$URL/"
  fi
}

PGBENCH=desafio3-pgbench
AB=desafio3-ab

# The API's load client, like pgbench: a container on the challenge's network
# with the API's limits and hardening, idle until ab runs in it.
client_up() {
  remove_containers "$AB" >&2
  dkq run --detach --name "$AB" --label desafios.challenge=3 --network desafio3-net --user 65534:65534 \
    "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1 "$AB_IMAGE" >&2
}

# One measured load of GET / (REQUESTS of them), from WHERE (load's first
# argument). Prints "req/s p50 p99 2xx counter_delta rows_delta" and the CPU
# per request of the API, the database, Redis and the client container (-
# when the client is the host).
api_run() {
  local where=$1 requests=$2 before after out cpu_before cpu_after names=(desafio3-api desafio3-db desafio3-cache)
  [[ $where == beside ]] && names+=("$AB")
  settle_database
  before=$(counts)
  cpu_before=$(bench_cpu_of "${names[@]}")
  out=$(load "$where" "$requests")
  cpu_after=$(bench_cpu_of "${names[@]}")
  after=$(counts)
  # 2xx: the complete requests but the non-2xx and the failed ones. ab also counts as failed
  # an answer whose length differs from the first one's ("Length"): each answer carries its
  # own visit number and time, so those are 2xx like the others.
  local ok
  ok=$(awk '/^Complete requests/ { c = $3 } /^Non-2xx responses/ { n = $3 }
    /\(Connect: / { gsub(/[(),]/, ""); f = $2 + $4 + $8 } END { print c - n - f }' <<<"$out")
  local -a b a cpu=()
  read -r -a b <<<"$cpu_before"
  read -r -a a <<<"$cpu_after"
  local i
  for i in "${!names[@]}"; do cpu+=("$(bench_per_op "${b[i]}" "${a[i]}" "$ok")"); done
  ((${#cpu[@]} == 4)) || cpu+=(-)
  printf '%s %s %s %s %s %s %s\n' "$(awk '/^Requests per second/ { printf "%.0f", $4 }' <<<"$out")" \
    "$(awk '$1 == "50%" { print $2 }' <<<"$out")" "$(awk '$1 == "99%" { print $2 }' <<<"$out")" \
    "$ok" "$((${after%,*} - ${before%,*}))" "$((${after#*,} - ${before#*,}))" "${cpu[*]}"
  grep -E '^(Failed requests|Non-2xx)|\(Connect' <<<"$out" >&2 || true
}

# Before each side runs, what the other side's writes left behind is dealt
# with: the new rows vacuumed (PostgreSQL's autovacuum would otherwise do it
# while the next side runs, on the database's one CPU) and the dirty pages
# written by a checkpoint. Neither side pays for the other's work.
settle_database() {
  local settle=(exec desafio3-db psql -U app -d app -qc 'VACUUM (ANALYZE) accesses' -c CHECKPOINT)
  show docker "${settle[@]}" >&2
  docker "${settle[@]}" >&2
}

main() {
  setup_all
  ensure_command ab apache2-utils
  bench_ensure_image ab
  # shellcheck disable=SC2034 # read by the EXIT trap
  if ! container_healthy desafio3-api; then "$CLI_DIR/desafio3/up.sh"; STARTED=1; fi
  trap 'remove_containers "$PGBENCH" "$AB"; ((STARTED == 0)) || "$CLI_DIR/desafio3/down.sh"' EXIT
  client_up
  say "Warming up the API for $WARMUP s"
  local warm rate requests
  # -n bounds the warm-up (ab keeps a record per request): 50 000 a second.
  warm=$(docker exec "$AB" ab -q -k -t "$WARMUP" -n $((WARMUP * 50000)) -c "$CONNECTIONS" http://api:8080/)
  rate=$(awk '/^Requests per second/ { printf "%d", $4 }' <<<"$warm")
  # A multiple of the connections, as the count hey needed (each connection sent requests/connections).
  requests=$((rate * DURATION / CONNECTIONS * CONNECTIONS))
  say "Loading GET / with $requests requests over $CONNECTIONS connections (about $DURATION s), from beside the API"
  local beside host
  beside=$(api_run beside "$requests")
  say "The same through the published port, from the host"
  host=$(api_run host "$requests")
  say "pgbench: the same single-row insert, $CONNECTIONS clients, $DURATION s"
  local tps done_ pg_cpu db_cpu
  read -r tps done_ pg_cpu db_cpu < <(pgbench_rate)
  local run rps p50 p99 ok d_visits d_rows api_cpu api_db_cpu cache_cpu client_cpu
  printf '\n%-40s %10s %8s %8s %10s %10s %10s %10s\n' measure 'req/s' 'p50 ms' 'p99 ms' 'client us' 'API us' 'db us' 'Redis us'
  for run in "beside:API GET /, ab beside it (like pgbench)" "host:API GET /, ab on the host (published port)"; do
    read -r rps p50 p99 ok d_visits d_rows api_cpu api_db_cpu cache_cpu client_cpu <<<"$([[ ${run%%:*} == beside ]] && echo "$beside" || echo "$host")"
    printf '%-40s %10s %8s %8s %10s %10s %10s %10s\n' "${run#*:}" "$rps" "$p50" "$p99" "$client_cpu" "$api_cpu" "$api_db_cpu" "$cache_cpu"
    printf '  2xx answers %s of %s requests, counter +%s, rows +%s\n' "$ok" "$requests" "$d_visits" "$d_rows"
    ((ok == requests && d_visits == ok && d_rows == ok)) || die "the counts do not agree: writes were lost or doubled"
  done
  printf '%-40s %10.0f %8s %8s %10s %10s %10s %10s\n' "pgbench insert (32 clients, beside the db)" "$tps" - - "$pg_cpu" - "$db_cpu" -
  printf 'API / pgbench: %s (ab beside the API); %s (through the published port)\n' \
    "$(awk -v a="${beside%% *}" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')" \
    "$(awk -v a="${host%% *}" -v b="$tps" 'BEGIN { printf "%.2f", a / b }')"
  say "No write lost: 2xx answers, counter and rows agree exactly"
}

main "$@"
