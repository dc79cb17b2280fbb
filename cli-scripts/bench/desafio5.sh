#!/usr/bin/env bash
# Challenge 5 benchmark: one users container, reached three ways in one run:
# directly (GET /users/1), through svc-gateway and through nginx configured as
# the gateway (GET /api/users/1), each published on 127.0.0.1 with the same
# limits. wrk (2 threads, 32 connections) warms each path up, then measures it;
# the gateway's RSS is read idle and under load. Removes what it started.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"
CHALLENGE=bench

WARMUP=${WARMUP:-20}
DURATION=${DURATION:-30}
NET=bench5-net
NAMES=(bench5-users bench5-gateway bench5-nginx)
LIMITS=(--memory 256m --cpus 1)

start_all() {
  ensure_network "$NET"
  run_service bench5-users "$IMAGE_PREFIX/svc-users" --network "$NET" --network-alias users \
    "${LIMITS[@]}" --publish "127.0.0.1:$USERS_PORT:8080"
  # The rate limiter counts every request, its limit far above the load (wrk is one address).
  run_service bench5-gateway "$IMAGE_PREFIX/svc-gateway" --network "$NET" \
    "${LIMITS[@]}" --publish "127.0.0.1:$GATEWAY_PORT:8080" --env RATE_LIMIT=100000
  remove_containers bench5-nginx
  dkq run --detach --name bench5-nginx --label desafios.challenge=bench --network "$NET" --user 101:101 \
    "${HARDENED[@]}" "${LIMITS[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --publish "127.0.0.1:$NGINX_PORT:8080" \
    --volume "$CLI_DIR/bench/nginx/gateway.conf:/etc/nginx/nginx.conf:ro" "$NGINX_IMAGE"
  wait_healthy bench5-users bench5-gateway
  retry 40 0.25 curl -sf -o /dev/null "http://127.0.0.1:$NGINX_PORT/api/users/1" || die "nginx does not answer"
}

stop_all() {
  remove_containers "${NAMES[@]}"
  remove_networks "$NET"
}

# wrk_row LABEL URL: warms up, measures, prints "label req/s p50 p99".
wrk_row() {
  local label=$1 url=$2 out
  wrk -t2 -c32 -d"${WARMUP}s" "$url" >/dev/null
  show wrk -t2 -c32 -d"${DURATION}s" --latency "$url" >&2
  out=$(wrk -t2 -c32 -d"${DURATION}s" --latency "$url")
  grep -qE 'Non-2xx|Socket errors' <<<"$out" && { err "$label had errors:"; grep -E 'Non-2xx|Socket errors' <<<"$out" >&2; }
  printf '%s %s %s %s\n' "$label" \
    "$(awk '/Requests\/sec/ { printf "%.0f", $2 }' <<<"$out")" \
    "$(awk '$1 == "50%" { print $2 }' <<<"$out")" "$(awk '$1 == "99%" { print $2 }' <<<"$out")"
}

rss() { docker stats --no-stream --format '{{.MemUsage}}' "$1" | cut -d/ -f1 | xargs; }

# Milliseconds from wrk's units (us, ms, s).
to_ms() { awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/) n *= 1000; printf "%.2f", n }'; }

main() {
  setup_all
  ensure_images svc-users svc-gateway
  command -v wrk >/dev/null || { say "Installing wrk (Debian package)"; apt_install wrk; }
  USERS_PORT=$(bench_free_port) GATEWAY_PORT=$(bench_free_port) NGINX_PORT=$(bench_free_port)
  trap stop_all EXIT
  start_all
  local idle loaded rows=() row label rps p50 p99 nginx nginx_p99 gateway gateway_p99
  idle=$(rss bench5-gateway)
  say "Measuring each path: ${WARMUP} s warm-up, then ${DURATION} s (wrk, 2 threads, 32 connections)"
  rows+=("$(wrk_row direct "http://127.0.0.1:$USERS_PORT/users/1")")
  rows+=("$(wrk_row nginx "http://127.0.0.1:$NGINX_PORT/api/users/1")")
  wrk_row gateway "http://127.0.0.1:$GATEWAY_PORT/api/users/1" >"$STATE_DIR/bench5-gateway" &
  sleep "$((WARMUP + DURATION / 2))" # the gateway's memory is read in the middle of its measured load
  loaded=$(rss bench5-gateway)
  wait
  rows+=("$(<"$STATE_DIR/bench5-gateway")")
  printf '\n%-8s %8s %9s %9s\n' path 'req/s' 'p50 ms' 'p99 ms'
  for row in "${rows[@]}"; do
    read -r label rps p50 p99 <<<"$row"
    printf '%-8s %8s %9s %9s\n' "$label" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")"
  done
  read -r _ nginx _ nginx_p99 <<<"${rows[1]}"
  read -r _ gateway _ gateway_p99 <<<"${rows[2]}"
  printf 'gateway / nginx: throughput %s, p99 %s\n' \
    "$(awk -v a="$gateway" -v b="$nginx" 'BEGIN { printf "%.2f", a / b }')" \
    "$(awk -v a="$(to_ms "$gateway_p99")" -v b="$(to_ms "$nginx_p99")" 'BEGIN { printf "%.2f", a / b }')"
  printf 'gateway RSS: idle %s, under load %s\n' "$idle" "$loaded"
}

main "$@"
