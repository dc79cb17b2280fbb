#!/usr/bin/env bash
# Cold start: the time from `docker run` to the first 200, for four images,
# all with the challenges' hardened flags: svc-sqlite (GET /notes, its
# database on a tmpfs) against the hello world desafios/bench-hello (GET /),
# and svc-users (GET /users/1, in memory) against the seed's own stack, its
# users service on Flask's server, desafios/bench-flask:1 (bench/flask).
# Alternates the images (the order reversed every other run), RUNS times each
# (default 7) after one untimed warm-up each; ROWS="svc-users flask" measures
# only those. Prints min/median/max, the ratio of the medians of each pair,
# and the CPU time each container had used at its first 200 (steadier on a
# busy host). Builds what is missing: svc-sqlite, svc-users, the hello world
# (also when not on the same base and JVM flags) and the Flask image (also
# when its sources changed; that needs root); leaves no container behind.
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=bench-lib.sh
source "$CLI_DIR/bench/bench-lib.sh"

RUNS=${RUNS:-7}
ALL_ROWS=(svc-sqlite hello svc-users flask)
read -r -a ROWS <<<"${ROWS:-${ALL_ROWS[*]}}"
SQLITE_IMAGE=$IMAGE_PREFIX/svc-sqlite
USERS_IMAGE=$IMAGE_PREFIX/svc-users
declare -A ROW_IMAGE=([svc-sqlite]=$SQLITE_IMAGE [hello]=$HELLO_IMAGE [svc-users]=$USERS_IMAGE [flask]=$FLASK_IMAGE)
declare -A WALLS=() CPUS=()
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

# Starts one row's image cold, setting WALL_MS and CPU_MS: `bench_row_start ROW [BENCH_SHOW]`.
bench_row_start() {
  local BENCH_SHOW=${2:-0}
  case $1 in
    svc-sqlite) bench_cold_start "$SQLITE_IMAGE" /notes "${SQLITE_OPTS[@]}" ;;
    hello) bench_cold_start "$HELLO_IMAGE" / ;;
    svc-users) bench_cold_start "$USERS_IMAGE" /users/1 ;; # no DB_URL: in memory
    flask) bench_cold_start "$FLASK_IMAGE" /users/1 ;;
  esac
}

# Prints one row of the table: `bench_row ROW`.
bench_row() {
  local walls cpus stats
  read -r -a walls <<<"${WALLS[$1]}"
  read -r -a cpus <<<"${CPUS[$1]}"
  read -r -a stats < <(bench_stats "${walls[@]}")
  printf '%-22s %5d %7d %10d %7d %15d\n' "${ROW_IMAGE[$1]}" "${#walls[@]}" "${stats[@]}" "$(bench_median "${cpus[@]}")"
}

# Prints the ratio of two rows' medians, when both were measured: `bench_ratio A B TARGETS`.
bench_ratio() {
  [[ -n ${WALLS[$1]:-} && -n ${WALLS[$2]:-} ]] || return 0
  local a b ac bc
  read -r -a a <<<"${WALLS[$1]}"
  read -r -a b <<<"${WALLS[$2]}"
  read -r -a ac <<<"${CPUS[$1]}"
  read -r -a bc <<<"${CPUS[$2]}"
  awk -v a="$(bench_median "${a[@]}")" -v b="$(bench_median "${b[@]}")" -v ac="$(bench_median "${ac[@]}")" \
    -v bc="$(bench_median "${bc[@]}")" -v name="$1 / $2" -v targets="$3" 'BEGIN {
    printf "%s, medians: %.2f wall (%s), %.2f CPU\n", name, a / b, targets, ac / bc }'
}

main() {
  local i row order line
  [[ $RUNS =~ ^[1-9][0-9]*$ ]] || die "RUNS must be a positive number, not '$RUNS'"
  for row in "${ROWS[@]}"; do
    [[ -n ${ROW_IMAGE[$row]:-} ]] || die "ROWS takes some of: ${ALL_ROWS[*]}; not '$row'"
  done
  setup_all
  ensure_images svc-sqlite svc-users
  bench_ensure_hello "$SQLITE_IMAGE"
  bench_ensure_image flask
  trap bench_cleanup EXIT
  say "Cold start, docker run to first 200: warm-up, then $RUNS runs of each image, alternating"
  line="warm-up (not counted):"
  for row in "${ROWS[@]}"; do
    bench_row_start "$row" 1
    line+=" $row $WALL_MS ms,"
  done
  note "${line%,}"
  for ((i = 1; i <= RUNS; i++)); do
    order=("${ROWS[@]}")
    # Every other run backwards: no image always follows the same one.
    ((i % 2)) || mapfile -t order < <(printf '%s\n' "${ROWS[@]}" | tac)
    line="run $i:"
    for row in "${order[@]}"; do
      bench_row_start "$row"
      WALLS[$row]+=" $WALL_MS" CPUS[$row]+=" $CPU_MS"
      line+=" $row $WALL_MS ms (CPU $CPU_MS ms),"
    done
    note "${line%,}"
  done
  printf '\n%-22s %5s %7s %10s %7s %15s\n' image runs "min ms" "median ms" "max ms" "median CPU ms"
  for row in "${ROWS[@]}"; do bench_row "$row"; done
  echo
  bench_ratio svc-sqlite hello "targets: <= 1000 ms, <= 1.30"
  bench_ratio svc-users flask "target: <= 1.00"
}

main "$@"
