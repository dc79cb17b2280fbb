#!/usr/bin/env bash
# Challenge 2: `restore.sh FILE` puts a copy made by backup.sh on the volume
# (D2_VOLUME, desafio2-data by default; a name that does not exist yet makes a
# fresh volume). The copy goes in through stdin to a one-shot container of the
# service's image, which replaces the database only once the copy passes
# PRAGMA integrity_check, and removes the old database's log beside it
# (SQLite would otherwise replay that log into the new file). A running
# service on the volume is stopped for the swap, so that it does not write
# into the file being replaced, and started again after.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=volume-lib.sh
source "$CLI_DIR/desafio2/volume-lib.sh"
STOPPED=()

start_again() {
  ((${#STOPPED[@]} == 0)) && return 0
  dkq start "${STOPPED[@]}"
  wait_healthy "${STOPPED[@]}"
}

main() {
  [[ $# == 1 && -f $1 && -r $1 ]] || die "usage: $0 FILE (a copy made by backup.sh)"
  local file=$1
  say "Restoring $file onto the volume $D2_VOLUME"
  ensure_volume "$D2_VOLUME"
  hand_volume_over "$D2_VOLUME"
  mapfile -t STOPPED < <(docker ps --filter "volume=$D2_VOLUME" --format '{{.Names}}')
  trap start_again EXIT
  ((${#STOPPED[@]} == 0)) || dkq stop "${STOPPED[@]}"
  notes_command restore <"$file" || die "the restore failed: the volume $D2_VOLUME keeps its database"
  say "Restored onto $D2_VOLUME"
}

main "$@"
