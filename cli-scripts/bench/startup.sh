#!/usr/bin/env bash
# Cold start: the time from `docker run` to the first 200, for svc-sqlite
# (GET /notes, its database on a tmpfs) and for the hello world
# desafios/bench-hello (GET /), both with the challenges' hardened flags.
# Alternates the two images, RUNS times each (default 7) after one untimed
# warm-up each; prints min/median/max, the ratio of the medians, and the CPU
# time each container had used at its first 200 (steadier on a busy host).
# Builds svc-sqlite when missing, and the hello world when missing or not on
# the same base and JVM flags; leaves no container behind.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"

RUNS=${RUNS:-7}
SQLITE_IMAGE=$IMAGE_PREFIX/svc-sqlite
CONTAINER=bench-startup-$$
GIVE_UP_US=30000000
# What svc-sqlite needs besides the common flags: a writable /data for uid 1000.
# shellcheck disable=SC2054 # the commas are tmpfs options
SQLITE_OPTS=(--tmpfs /data:rw,size=16m,uid=1000,gid=1000 --env DB_PATH=/data/notes.db)

bench_cleanup() { docker rm --force "$CONTAINER" >/dev/null 2>&1 || true; }

# Starts IMAGE, polls PATH every ~10 ms until it answers 200, and sets WALL_MS
# (since `docker run` began) and CPU_MS: `bench_cold_start IMAGE PATH [options]`.
bench_cold_start() {
  local image=$1 path=$2; shift 2
  local port start now code id try
  for try in 1 2 3; do # another process may take the port between check and run
    port=$(bench_free_port)
    # shellcheck disable=SC2054 # the commas are tmpfs options
    local cmd=(docker run --detach --name "$CONTAINER" --label desafios.challenge=bench
      "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --memory 256m --cpus 1
      --publish "127.0.0.1:$port:8080" "$@" "$image")
    [[ ${BENCH_SHOW:-0} == 0 ]] || show "${cmd[@]}"
    start=${EPOCHREALTIME/./}
    id=$("${cmd[@]}") && break
    bench_cleanup
    ((try < 3)) || die "docker run failed 3 times"
  done
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://127.0.0.1:$port$path") || true
    now=${EPOCHREALTIME/./}
    [[ $code != 200 ]] || break
    if ((now - start > GIVE_UP_US)); then
      err "$image did not answer 200 on $path within 30 s; its last logs:"
      docker logs --tail 40 "$CONTAINER" >&2 || true
      return 1
    fi
    sleep 0.01
  done
  CPU_MS=$(($(bench_cpu_ns "$id") / 1000000)) WALL_MS=$(((now - start) / 1000))
  bench_cleanup
}

# Prints one row of the table: `bench_row IMAGE WALL_MS... -- CPU_MS...`.
bench_row() {
  local image=$1 walls=() stats; shift
  while [[ $1 != -- ]]; do walls+=("$1"); shift; done
  shift
  read -r -a stats < <(bench_stats "${walls[@]}")
  printf '%-22s %5d %7d %10d %7d %15d\n' "$image" "${#walls[@]}" "${stats[@]}" "$(bench_median "$@")"
}

main() {
  local i s_wall=() s_cpu=() h_wall=() h_cpu=() s h
  [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$RUNS'"
  setup_all
  ensure_images svc-sqlite
  bench_ensure_hello "$SQLITE_IMAGE"
  trap bench_cleanup EXIT
  say "Cold start, docker run to first 200: warm-up, then $RUNS runs of each image, alternating"
  BENCH_SHOW=1 bench_cold_start "$SQLITE_IMAGE" /notes "${SQLITE_OPTS[@]}"
  s=$WALL_MS
  BENCH_SHOW=1 bench_cold_start "$HELLO_IMAGE" /
  note "warm-up (not counted): svc-sqlite $s ms, hello $WALL_MS ms"
  for ((i = 1; i <= RUNS; i++)); do
    bench_cold_start "$SQLITE_IMAGE" /notes "${SQLITE_OPTS[@]}"
    s_wall+=("$WALL_MS") s_cpu+=("$CPU_MS")
    bench_cold_start "$HELLO_IMAGE" /
    h_wall+=("$WALL_MS") h_cpu+=("$CPU_MS")
    note "run $i: svc-sqlite $((s_wall[-1])) ms (CPU $((s_cpu[-1])) ms), hello $WALL_MS ms (CPU $CPU_MS ms)"
  done
  printf '\n%-22s %5s %7s %10s %7s %15s\n' image runs "min ms" "median ms" "max ms" "median CPU ms"
  bench_row "$SQLITE_IMAGE" "${s_wall[@]}" -- "${s_cpu[@]}"
  bench_row "$HELLO_IMAGE" "${h_wall[@]}" -- "${h_cpu[@]}"
  s=$(bench_median "${s_wall[@]}") h=$(bench_median "${h_wall[@]}")
  awk -v s="$s" -v h="$h" -v sc="$(bench_median "${s_cpu[@]}")" -v hc="$(bench_median "${h_cpu[@]}")" 'BEGIN {
    printf "\nsvc-sqlite / hello, medians: %.2f wall (targets: <= 1000 ms, <= 1.30), %.2f CPU\n", s / h, sc / hc }'
}

main "$@"
