#!/usr/bin/env bash
# Challenge 2: proves that notes written through the API survive the removal
# and recreation of the container on the same named volume, and that bad input
# gets a 4xx problem and loses nothing. Exits non-zero on any failed check.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=verify-copies.sh
source "$CLI_DIR/desafio2/verify-copies.sh"

URL="http://$BIND_ADDRESS:$D2_PORT"
RUN_ID="verify-$$-$RANDOM"
IDS=()

write_notes() {
  local i id
  for i in 1 2 3; do
    post_json "$URL/notes" "{\"title\":\"$RUN_ID note $i\",\"body\":\"written before the container was removed\"}"
    status_is 201 && header_has 'location: /notes/' || return 1
    id=$(json_number "$HTTP_BODY" id)
    [[ -n $id ]] || return 1
    IDS+=("$id")
  done
}

# Every note written is read back by id with its title: `notes_intact [URL]`.
notes_intact() {
  local url=${1:-$URL} i
  for i in 0 1 2; do
    http GET "$url/notes/${IDS[$i]}"
    status_is 200 && body_has "\"title\":\"$RUN_ID note $((i + 1))\"" || return 1
  done
}

newest_first() {
  http GET "$URL/notes?limit=3"
  status_is 200 && [[ $(json_number "$HTTP_BODY" id) == "${IDS[2]}" ]] && body_has '"limit":3'
}

on_volume() {
  [[ $(docker inspect -f '{{range .Mounts}}{{.Name}}:{{.Destination}} {{end}}' desafio2-sqlite) == *"desafio2-data:/data "* ]]
}

bad_input_refused() {
  local big
  big=$(big_file 1048576)
  post_json "$URL/notes" '{"title": "unclosed'; is_problem 400 || return 1
  post_json "$URL/notes" '{"title": 42}'; is_problem 400 || return 1
  post_json "$URL/notes" '{"title": "x", "id": 7}'; is_problem 400 || return 1
  post_json "$URL/notes" ''; is_problem 400 || return 1
  post_json "$URL/notes" "{\"title\": \"$(printf 'x%.0s' {1..201})\"}"; is_problem 400 || return 1
  http POST "$URL/notes" -H 'Content-Type: application/json' --data-binary "@$big"; rm -f "$big"; is_problem 413 || return 1
  http POST "$URL/notes" -H 'Content-Type: text/plain' --data-binary '{"title":"x"}'; is_problem 415 || return 1
  http PUT "$URL/notes/1"; is_problem 405 && header_has 'allow: GET, HEAD, DELETE' || return 1
  http GET "$URL/notes/999999999"; is_problem 404 || return 1
  http GET "$URL/notes/abc"; is_problem 404 || return 1
  http GET "$URL/notes?limit=0"; is_problem 400
}

healthy_and_unchanged() {
  http GET "$URL/health"
  status_is 200 && newest_first && notes_intact
}

main() {
  say "Challenge 2: verifying"
  check "three notes written (201 with Location and id)" write_notes
  check "the list is newest first and paged" newest_first
  check "the container keeps its data on the volume desafio2-data at /data" on_volume
  check "bad input (malformed, wrong type, unknown field, empty, 201-char title, 1 MiB, text/plain, PUT, unknown and non-numeric id, limit=0) gets 4xx problems" bad_input_refused
  check "a body the service cannot read (gzip, br, deflate; charset utf-16 or ISO-8859-1) is a 415 problem naming it" \
    unreadable_bodies_refused "$URL/notes" '{"title":"unreadable","body":"b"}'
  check "after bad input the service is healthy and nothing was lost" healthy_and_unchanged
  say "Removing the container and creating a new one on the same volume"
  check "a new container was created (not the old one restarted)" recreated desafio2-sqlite "$CLI_DIR/desafio2/up.sh"
  check "the new container reads back the same three notes" notes_intact
  trap scratch_removed EXIT
  check "a backup taken while notes are written (backup.sh), restored into a fresh volume (restore.sh), passes SQLite's integrity check and a second container serves the same notes from it" \
    backup_restored
  check "the same service with /data on a tmpfs instead of a volume has lost its note once recreated (404)" tmpfs_forgets
  http DELETE "$URL/notes/${IDS[0]}"
  check "DELETE answers 204" status_is 204
  http GET "$URL/notes/${IDS[0]}"
  check "a deleted note is gone (404 problem)" is_problem 404
  check "the other notes verify wrote into the volume are deleted again (204 each)" own_notes_deleted
  checks_done "Challenge 2"
}

main "$@"
