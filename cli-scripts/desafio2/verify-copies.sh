#!/usr/bin/env bash
# Challenge 2's verify, second part: where the notes live. A backup taken
# while notes are written is restored into a fresh volume and served by a
# second container; the same service on a tmpfs instead of a volume forgets
# its notes when recreated. Sourced by verify.sh (which sets URL, RUN_ID, IDS
# and notes_intact); what it starts is removed by scratch_removed, and by
# down.sh after an interrupted run.

# shellcheck source=volume-lib.sh
source "$CLI_DIR/desafio2/volume-lib.sh"
readonly RESTORED_VOLUME=desafio2-verify-restored
SCRATCH=$(mktemp -d)
DURING=()

# The URL of a scratch container's published port (a free one the engine chose).
published_url() { echo "http://$BIND_ADDRESS:$(docker port "$1" 8080/tcp | head -n 1 | sed 's/.*://')"; }

# A scratch container of svc-sqlite on the challenge's network, published on a free port.
scratch_service() {
  local name=$1; shift
  QUIET=1 run_service "$name" "$D2_IMAGE" --network desafio2-net --publish "$BIND_ADDRESS::8080" \
    --env DB_PATH=/data/notes.db "$@" >/dev/null && QUIET=1 wait_healthy "$name" >/dev/null
}

# Notes keep being written until the flag file goes; their ids are kept to be deleted after.
write_until_gone() {
  local i=0 id
  while [[ -e $1 ]]; do
    post_json "$URL/notes" "{\"title\":\"$RUN_ID during the backup $((i += 1))\",\"body\":\"b\"}"
    id=$(json_number "$HTTP_BODY" id)
    [[ -n $id ]] && echo "$id"
  done
}

# backup.sh while notes are written; restore.sh into a fresh volume; a
# second container on it reads the same notes; SQLite's integrity check is ok.
backup_restored() {
  local flag="$SCRATCH/writing"
  touch "$flag"
  write_until_gone "$flag" >"$SCRATCH/during" &
  local writer=$!
  QUIET=1 "$CLI_DIR/desafio2/backup.sh" "$SCRATCH/notes.backup" >/dev/null 2>&1
  local backed_up=$?
  rm -f "$flag"
  wait "$writer"
  mapfile -t DURING <"$SCRATCH/during"
  ((backed_up == 0 && ${#DURING[@]} > 0)) || return 1
  QUIET=1 D2_VOLUME=$RESTORED_VOLUME "$CLI_DIR/desafio2/restore.sh" "$SCRATCH/notes.backup" >/dev/null 2>&1 || return 1
  [[ $(QUIET=1 D2_VOLUME=$RESTORED_VOLUME notes_command check 2>&1) == *"integrity_check ok"* ]] || return 1
  scratch_service desafio2-restored --volume "$RESTORED_VOLUME:/data" || return 1
  notes_intact "$(published_url desafio2-restored)"
}

# The same service with /data on a tmpfs (memory): its note is gone once the
# container is recreated, where the volume's survived.
tmpfs_forgets() {
  # shellcheck disable=SC2054 # the commas are tmpfs options
  local tmpfs=(--tmpfs /data:rw,noexec,nosuid,size=16m,uid=1000,gid=1000) url id
  scratch_service desafio2-tmpfs "${tmpfs[@]}" || return 1
  url=$(published_url desafio2-tmpfs)
  post_json "$url/notes" "{\"title\":\"$RUN_ID on a tmpfs\",\"body\":\"b\"}"
  status_is 201 || return 1
  id=$(json_number "$HTTP_BODY" id)
  remove_containers desafio2-tmpfs >/dev/null
  scratch_service desafio2-tmpfs "${tmpfs[@]}" || return 1
  http GET "$(published_url desafio2-tmpfs)/notes/$id"
  is_problem 404
}

# What verify wrote into the learner's volume is deleted again: its notes,
# including those written during the backup.
own_notes_deleted() {
  local id
  for id in "${IDS[@]:1}" "${DURING[@]}"; do
    http DELETE "$URL/notes/$id"
    status_is 204 || return 1
  done
}

scratch_removed() {
  remove_containers desafio2-restored desafio2-tmpfs >/dev/null
  remove_volumes "$RESTORED_VOLUME" >/dev/null
  rm -rf "$SCRATCH"
}
