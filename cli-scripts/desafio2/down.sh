#!/usr/bin/env bash
# Challenge 2: removes its container and network; keeps the notes' volume
# unless --volumes is given (then also the fault suite's desafio2-full, left
# behind only by an interrupted run).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

main() {
  say "Challenge 2: removing container and network"
  # desafio2-restored, desafio2-tmpfs and their volume: verify's, left by an interrupted run.
  remove_containers desafio2-sqlite desafio2-restored desafio2-tmpfs
  remove_volumes desafio2-verify-restored
  remove_networks desafio2-net
  if [[ ${1:-} == --volumes ]]; then
    say "Challenge 2: removing the volume desafio2-data (the notes are gone)"
    remove_volumes desafio2-data desafio2-full
  elif docker volume inspect desafio2-data >/dev/null 2>&1; then
    note "volume desafio2-data kept; down.sh --volumes removes it"
  fi
}

main "$@"
