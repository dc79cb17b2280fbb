#!/usr/bin/env bash
# The cost of one health check inside a running service container (default
# desafio2-sqlite): /app/healthcheck (busybox wget) and the Java probe it falls
# back to where there is no wget, each timed with `docker exec` (wall and the
# container's CPU), against an empty `docker exec ... true`; and the probe
# JVM's peak memory. Changes nothing.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"

# The fallback branch of /app/healthcheck, as it runs there.
PROBE=(java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx8m -Xss256k -XX:-UsePerfData
  -cp '/app/libs/*' dev.desafios.common.HealthProbe)

# Prints one row: medians of 5 runs of `docker exec C cmd...`, wall time and
# the container's CPU time meanwhile: `hc_exec_cost LABEL C cmd...`.
hc_exec_cost() {
  local label=$1 c=$2 id i start cpu walls=() cpus=(); shift 2
  id=$(docker inspect -f '{{.Id}}' "$c")
  for i in 1 2 3 4 5; do
    start=${EPOCHREALTIME/./} cpu=$(bench_cpu_ns "$id")
    docker exec "$c" "$@" >/dev/null || die "failed in $c: $*"
    walls+=($(((${EPOCHREALTIME/./} - start) / 1000))) cpus+=($((($(bench_cpu_ns "$id") - cpu) / 1000000)))
  done
  printf '%-34s %8s %7s\n' "$label" "$(bench_median "${walls[@]}")" "$(bench_median "${cpus[@]}")"
}

# The cost of one check, and the probe JVM's peak RSS (VmHWM, read from /proc
# until it exits).
main() {
  local c=${1:-desafio2-sqlite} hwm
  running "$c" || die "container $c is not running (usage: healthcheck-cost.sh [CONTAINER])"
  say "Health check cost inside $c (medians of 5; wall time includes docker exec)"
  show docker exec "$c" /app/healthcheck
  show docker exec "$c" "${PROBE[@]}"
  printf '%-34s %8s %7s\n' check "wall ms" "CPU ms"
  hc_exec_cost "docker exec $c true" "$c" true
  hc_exec_cost "/app/healthcheck (busybox wget)" "$c" /app/healthcheck
  hc_exec_cost "Java probe (HealthProbe)" "$c" "${PROBE[@]}"
  # shellcheck disable=SC2016 # expanded by the container's shell
  hwm=$(docker exec "$c" sh -c '"$@" & p=$!; h=0
    while n=$(awk "/^VmHWM/ { print \$2 }" /proc/$p/status 2>/dev/null) && [ -n "$n" ]; do h=$n; done
    wait $p && echo $h' probe "${PROBE[@]}")
  note "Java probe peak RSS (VmHWM): $(awk -v k="$hwm" 'BEGIN { printf "%.1f", k / 1024 }') MiB"
}

main "$@"
