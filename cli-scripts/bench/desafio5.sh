#!/usr/bin/env bash
# Challenge 5 benchmark: one users container reached four ways in one run:
# directly (GET /users/1), through svc-gateway, through nginx configured as the
# gateway, and through the minimal proxy on the same JDK server and client
# (bench-hello with PROXY_TO; GET /api/users/1), each published on 127.0.0.1
# with the same limits and log driver, each writing one access line per
# request (started by desafio5-containers.sh). wrk (2 threads, 32
# connections) warms each path up once, then measures every path in turn,
# ROUNDS times (rounds alternated, so a drift of the machine hits every row
# alike); per row the medians of requests/s, p50, p99, and the CPU per request
# of the container in front (the users container's for the direct row), from
# its cgroup. The gateway's RSS is read idle and under load. With
# GATEWAY_TLS=1, the gateway and nginx are measured over TLS instead (rows
# nginx-tls and gateway-tls, beside direct): the same certificate of the
# project's CA and its key for both, TLS 1.2 and 1.3 only. Removes what it
# started.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"
# shellcheck source=desafio5-containers.sh
source "$CLI_DIR/bench/desafio5-containers.sh"
# shellcheck disable=SC2034 # run_container labels the containers with it
CHALLENGE=bench

WARMUP=${WARMUP:-20}
DURATION=${DURATION:-30}
ROUNDS=${ROUNDS:-3}
NET=bench5-net
NAMES=(bench5-users bench5-gateway bench5-nginx bench5-jdkproxy)
LIMITS=(--memory 256m --cpus 1)
ROWS=(direct nginx gateway jdk-proxy)
GATEWAY_TLS=${GATEWAY_TLS:-0}
((GATEWAY_TLS == 0)) || ROWS=(direct nginx-tls gateway-tls)
TLS_WORK=
declare -A URL=() CONTAINER=() RESULTS=()

# measure ROW: one wrk run of DURATION on the row's URL; prints
# "req/s p50_ms p99_ms cpu_us_per_request" of its container.
measure() {
  local row=$1 out cpu_before cpu_after requests
  cpu_before=$(bench_cpu_of "${CONTAINER[$row]}")
  out=$(wrk -t2 -c32 -d"${DURATION}s" --latency "${URL[$row]}" 2>&1)
  cpu_after=$(bench_cpu_of "${CONTAINER[$row]}")
  grep -qE 'Non-2xx|Socket errors' <<<"$out" && { err "$row had errors:"; grep -E 'Non-2xx|Socket errors' <<<"$out" >&2; }
  requests=$(awk '/requests in/ { print $1 }' <<<"$out")
  printf '%s %s %s %s\n' "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")" \
    "$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")" "$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")" \
    "$(bench_per_op "$cpu_before" "$cpu_after" "$requests")"
}

rss() { docker stats --no-stream --format '{{.MemUsage}}' "$1" | cut -d/ -f1 | xargs; }

# Milliseconds from wrk's units (us, ms, s).
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'; }

# The median of the Nth field of a row's results.
median_of() {
  local row=$1 n=$2 values
  mapfile -t values < <(tr ';' '\n' <<<"${RESULTS[$row]}" | sed '/^$/d' | awk -v n="$n" '{ print $n }')
  bench_median_real "${values[@]}"
}
bench_median_real() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

report() {
  local row rps p50 p99 cpu
  printf '\n%-10s %8s %9s %9s %12s\n' path 'req/s' 'p50 ms' 'p99 ms' 'CPU us/req'
  for row in "${ROWS[@]}"; do
    rps=$(median_of "$row" 1) p50=$(median_of "$row" 2) p99=$(median_of "$row" 3) cpu=$(median_of "$row" 4)
    printf '%-10s %8s %9s %9s %12s\n' "$row" "$rps" "$p50" "$p99" "$cpu"
  done
  printf '(medians of %s rounds of %s s; CPU of the container in front, users for direct)\n' "$ROUNDS" "$DURATION"
  local nginx=${ROWS[1]}
  for row in "${ROWS[@]:2}"; do
    printf '%s / %s: throughput %s, p99 %s, CPU per request %s\n' "$row" "$nginx" \
      "$(awk -v a="$(median_of "$row" 1)" -v b="$(median_of "$nginx" 1)" 'BEGIN { printf "%.2f", a / b }')" \
      "$(awk -v a="$(median_of "$row" 3)" -v b="$(median_of "$nginx" 3)" 'BEGIN { printf "%.2f", a / b }')" \
      "$(awk -v a="$(median_of "$row" 4)" -v b="$(median_of "$nginx" 4)" 'BEGIN { printf "%.2f", a / b }')"
  done
}

main() {
  setup_all
  ensure_images svc-users svc-gateway
  bench_ensure_hello "$IMAGE_PREFIX/svc-gateway"
  ensure_command wrk
  USERS_PORT=$(bench_free_port) GATEWAY_PORT=$(bench_free_port) NGINX_PORT=$(bench_free_port) PROXY_PORT=$(bench_free_port)
  GATEWAY_TLS_PORT=$(bench_free_port) NGINX_TLS_PORT=$(bench_free_port)
  URL=([direct]="http://127.0.0.1:$USERS_PORT/users/1" [nginx]="http://127.0.0.1:$NGINX_PORT/api/users/1"
    [gateway]="http://127.0.0.1:$GATEWAY_PORT/api/users/1" [jdk-proxy]="http://127.0.0.1:$PROXY_PORT/api/users/1"
    [nginx-tls]="https://localhost:$NGINX_TLS_PORT/api/users/1" [gateway-tls]="https://localhost:$GATEWAY_TLS_PORT/api/users/1")
  CONTAINER=([direct]=bench5-users [nginx]=bench5-nginx [gateway]=bench5-gateway [jdk-proxy]=bench5-jdkproxy
    [nginx-tls]=bench5-nginx [gateway-tls]=bench5-gateway)
  trap stop_all EXIT
  ((GATEWAY_TLS == 0)) || tls_files
  start_all
  local idle loaded row round
  idle=$(rss bench5-gateway)
  say "Warming each path up for ${WARMUP} s (wrk, 2 threads, 32 connections)"
  for row in "${ROWS[@]}"; do wrk -t2 -c32 -d"${WARMUP}s" "${URL[$row]}" >/dev/null; done
  show wrk -t2 -c32 -d"${DURATION}s" --latency URL
  for ((round = 1; round <= ROUNDS; round++)); do
    say "Round $round of $ROUNDS: ${ROWS[*]}, ${DURATION} s each"
    for row in "${ROWS[@]}"; do
      if [[ $row == gateway* && $round == 1 ]]; then
        # The gateway's memory is read in the middle of its first measured load.
        (sleep "$((DURATION / 2))"; rss bench5-gateway >"$STATE_DIR/bench5-loaded") &
      fi
      RESULTS[$row]+="$(measure "$row");"
      note "$row: $(tr ';' '\n' <<<"${RESULTS[$row]}" | sed '/^$/d' | tail -n 1) (req/s p50 p99 CPU-us/req)"
    done
  done
  wait
  loaded=$(<"$STATE_DIR/bench5-loaded")
  report
  printf 'gateway RSS: idle %s, under load %s\n' "$idle" "$loaded"
}

main "$@"
