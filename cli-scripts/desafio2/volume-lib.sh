#!/usr/bin/env bash
# Challenge 2's one-shot containers on the volume: short-lived containers of
# the service's own image that work on the volume's files instead of serving.
# Each has no network, a read-only root, no capabilities but the one it needs,
# and small memory and process limits: it touches the volume and nothing else.
# Sourced by up.sh, backup.sh and restore.sh, after lib.sh.

CHALLENGE=2
readonly D2_IMAGE="$IMAGE_PREFIX/svc-sqlite"
D2_VOLUME=${D2_VOLUME:-desafio2-data}

# A new volume's root belongs to root, and the service runs as uid 1000 (Jib
# writes every file of the image as root, so the image cannot ship /data as
# 1000's). One container, root but with only the CHOWN capability, hands it
# over: `hand_volume_over VOLUME`.
hand_volume_over() {
  dk run --rm --user 0:0 --cap-drop ALL --cap-add CHOWN --security-opt no-new-privileges --network none \
    --read-only --memory 64m --pids-limit 16 --label desafios.challenge=2 \
    --volume "$1:/data" --entrypoint /bin/sh "$D2_IMAGE" -c 'chown 1000:1000 /data'
}

# Runs one of svc-sqlite's commands (backup: the copy on stdout; restore: the
# copy from stdin; check) on the database of D2_VOLUME, as the service's uid,
# and exits with it: `notes_command COMMAND`. What it runs is shown on stderr,
# since stdout may be the copy. /tmp is for SQLite's temporary files.
notes_command() {
  # shellcheck disable=SC2054 # the commas are tmpfs options
  local run=(run --rm --network none --user 1000:1000 --read-only --cap-drop ALL --security-opt no-new-privileges
    --memory 128m --pids-limit 32 --tmpfs /tmp:rw,noexec,nosuid,size=64m --label desafios.challenge=2
    --volume "$D2_VOLUME:/data" --env DB_PATH=/data/notes.db)
  [[ $1 == restore ]] && run+=(--interactive)
  run+=("$D2_IMAGE" "$1")
  show docker "${run[@]}" >&2
  docker "${run[@]}"
}
