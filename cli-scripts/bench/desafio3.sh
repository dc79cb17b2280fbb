#!/usr/bin/env bash
# Challenge 3 benchmark: loads GET / with ab (ApacheBench, keep-alive, 32
# connections, about DURATION seconds) and checks, for every API run, that the
# PostgreSQL row count, the Redis counter and the number of 2xx answers moved
# by exactly the same amount. pgbench (32 clients; desafio3-pgbench.sh)
# measures the database's own rate for the same single-row insert. Like for
# like: each client runs in a container of its own on the challenge's
# network, with the API's limits and hardening (run_container's: --cpus 1
# --memory 256m, read-only, no capabilities), and calls its server by its
# alias (ab http://api:8080/, pgbench db:5432), each side after the database
# was settled (settle_database). After one warm-up, ROUNDS rounds alternate
# the two sides (API beside, then pgbench), so that a drift of the machine
# hits both alike; each round's rows are reported, then the medians and the
# ratio of the medians. Then the same ab load once more from the host through
# the published port, the path a user's curl takes (NAT and all), reported
# beside. CPU per request (or per transaction) of each container, from its
# cgroup, says where the time goes.
# Brings challenge 3 up if it is not running and takes down only what it
# brought up.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"
# shellcheck source=desafio3-api.sh
source "$CLI_DIR/bench/desafio3-api.sh"
# shellcheck source=desafio3-pgbench.sh
source "$CLI_DIR/bench/desafio3-pgbench.sh"

WARMUP=${WARMUP:-20}
DURATION=${DURATION:-30}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=32
URL="http://$BIND_ADDRESS:$D3_PORT"
SECRETS=$(secrets_dir 3)
STARTED=0
# Each round's results: api_run's line, and pgbench_rate's with tps rounded.
API_RUNS=() PGBENCH_RUNS=()

# The median of field N (1-based) over the lines given.
median_field() {
  local n=$1; shift
  # shellcheck disable=SC2046 # one whole number per word
  bench_median $(printf '%s\n' "$@" | awk -v n="$n" '{ print $n }')
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

row() { printf '%-44s %9s %8s %8s %10s %10s %10s %10s %10s\n' "$@"; }

# Each round's rows, then the medians (the table chart.py draws), the host's
# run beside them, and the ratios.
report() {
  local round api pg ratios=()
  printf '\n%-6s %9s %8s %8s %10s %10s %10s %10s %10s %12s %10s %10s %10s %8s\n' round 'API req/s' 'p50 ms' 'p99 ms' \
    'client us' 'API us' 'db us' 'Redis us' 'machine us' 'pgbench tps' 'pgbench us' 'its db us' 'machine us' 'ratio'
  for ((round = 0; round < ROUNDS; round++)); do
    read -r -a api <<<"${API_RUNS[round]}"
    read -r -a pg <<<"${PGBENCH_RUNS[round]}"
    ratios+=("$(ratio "${api[0]}" "${pg[0]}")")
    printf '%-6s %9s %8s %8s %10s %10s %10s %10s %10s %12s %10s %10s %10s %8s\n' "$((round + 1))" "${api[0]}" \
      "${api[1]}" "${api[2]}" "${api[9]}" "${api[6]}" "${api[7]}" "${api[8]}" "${api[10]}" "${pg[0]}" "${pg[2]}" "${pg[3]}" \
      "${pg[4]}" "${ratios[round]}"
  done
  local m=() f
  for f in 1 2 3 10 7 8 9 11; do m+=("$(median_field "$f" "${API_RUNS[@]}")"); done
  local tps pg_cpu db_cpu pg_machine
  tps=$(median_field 1 "${PGBENCH_RUNS[@]}") pg_cpu=$(median_field 3 "${PGBENCH_RUNS[@]}")
  db_cpu=$(median_field 4 "${PGBENCH_RUNS[@]}") pg_machine=$(median_field 5 "${PGBENCH_RUNS[@]}")
  printf '\n'
  row measure 'req/s' 'p50 ms' 'p99 ms' 'client us' 'API us' 'db us' 'Redis us' 'machine us'
  row "API GET /, ab beside it (like pgbench)" "${m[@]}"
  row "pgbench insert (32 clients, beside the db)" "$tps" - - "$pg_cpu" - "$db_cpu" - "$pg_machine"
  read -r -a api <<<"$HOST_RUN"
  row "API GET /, ab on the host (published port)" "${api[0]}" "${api[1]}" "${api[2]}" - "${api[6]}" "${api[7]}" "${api[8]}" \
    "${api[10]}"
  printf '(medians of %s rounds of about %s s each side; the host row: one run after the rounds)\n' "$ROUNDS" "$DURATION"
  printf 'API / pgbench: %s (ratio of the medians; by round: %s); %s (the host run against the pgbench median)\n' \
    "$(ratio "${m[0]}" "$tps")" "${ratios[*]}" "$(ratio "${api[0]}" "$tps")"
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
  local warm rate requests round run pg
  # -n bounds the warm-up (ab keeps a record per request): 50 000 a second.
  warm=$(docker exec "$AB" ab -q -k -t "$WARMUP" -n $((WARMUP * 50000)) -c "$CONNECTIONS" http://api:8080/)
  rate=$(awk '/^Requests per second/ { printf "%d", $4 }' <<<"$warm")
  # A multiple of the connections, as the count hey needed (each connection sent requests/connections).
  requests=$((rate * DURATION / CONNECTIONS * CONNECTIONS))
  for ((round = 1; round <= ROUNDS; round++)); do
    say "Round $round of $ROUNDS: GET / with $requests requests over $CONNECTIONS connections from beside the API, then pgbench"
    run=$(api_run beside "$requests")
    API_RUNS+=("$run")
    note "API: $run (req/s p50 p99 2xx counter rows, then us of CPU: API db Redis client machine)"
    pg=$(pgbench_rate)
    PGBENCH_RUNS+=("$(awk '{ printf "%.0f %s %s %s %s\n", $1, $2, $3, $4, $5 }' <<<"$pg")")
    note "pgbench: $pg (tps transactions, then us of CPU: pgbench its db machine)"
  done
  say "The same GET / load through the published port, from the host (one run)"
  HOST_RUN=$(api_run host "$requests")
  report
  say "No write lost: in every API run, 2xx answers, counter and rows agree exactly"
}

main "$@"
