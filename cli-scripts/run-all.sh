#!/usr/bin/env bash
# The main job: set-up, images built with Jib, then each challenge up, verify
# and down in turn, challenges 3 and 5 on Docker Swarm last, and a summary
# table. `--keep` leaves the last one (the swarm) running. Keeps volumes (data) unless a challenge's verify removed them.
set -Eeuo pipefail
# shellcheck source=build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/build-images.sh"

CHALLENGES=(1 2 3 4 5 swarm)
ROWS=()

# Runs a step with its output on stderr; prints ok or FAIL for the table.
outcome() { if "$@" >&2; then echo ok; else echo FAIL; fi; }

run_challenge() {
  local n=$1 keep=$2 dir start=$SECONDS up verify down=kept
  dir=$(challenge_dir "$n")
  up=$(outcome "$dir/up.sh")
  verify=skipped
  [[ $up != ok ]] || verify=$(outcome "$dir/verify.sh")
  [[ $keep == 1 ]] || down=$(outcome "$dir/down.sh")
  ROWS+=("$(printf '%-10s %-6s %-8s %-6s %5s' "$n" "$up" "$verify" "$down" "$((SECONDS - start))")")
  [[ $up == ok && $verify == ok && $down != FAIL ]]
}

main() {
  local keep=0 failed=0 n last
  [[ ${1:-} != --keep ]] || keep=1
  setup_all
  timed "Building images with Jib" build_images
  last=${CHALLENGES[-1]}
  for n in "${CHALLENGES[@]}"; do
    local keep_this=0
    [[ $keep == 1 && $n == "$last" ]] && keep_this=1
    run_challenge "$n" "$keep_this" || failed=1
  done
  printf '\n%-10s %-6s %-8s %-6s %5s\n' challenge up verify down s
  printf '%s\n' "${ROWS[@]}"
  ((keep == 0)) || say "Left running: $last ($(challenge_dir "$last")/down.sh removes it)"
  ((failed == 0))
}

main "$@"
