#!/usr/bin/env bash
# Challenge 2: `backup.sh FILE` writes a copy of the notes database on the
# volume (D2_VOLUME, desafio2-data by default) to FILE while the service goes
# on serving and writing. Why not a tar of the volume, as for most data: the
# database runs in WAL mode, its latest commits in a log file beside it, and
# a copy of the files taken while it writes can pair the database with a log
# from another moment (a database that never existed, or a corrupt one). So a
# one-shot container of the service's own image runs SQLite's VACUUM INTO on
# the live database: one read transaction, so the copy is the database as one
# commit left it, in a single file, checked by PRAGMA integrity_check before
# it is written. restore.sh puts it back.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=volume-lib.sh
source "$CLI_DIR/desafio2/volume-lib.sh"

main() {
  [[ $# == 1 && -n $1 ]] || die "usage: $0 FILE (where to write the copy)"
  local file=$1
  docker volume inspect "$D2_VOLUME" >/dev/null 2>&1 || die "there is no volume $D2_VOLUME: run up.sh first"
  say "Backing up the notes on the volume $D2_VOLUME to $file"
  note "its standard output is the copy: > $file"
  # Written beside FILE first, so a failed backup never leaves half a file under its name.
  notes_command backup >"$file.partial" || { rm -f "$file.partial"; die "the backup failed: $file was not written"; }
  mv "$file.partial" "$file"
  say "Backup written: $file ($(wc -c <"$file") bytes); restore.sh $file puts it back"
}

main "$@"
