#!/usr/bin/env bash
# Fault: SIGKILL of the SQLite service while notes are being written. A
# background writer POSTs notes (at most 20 a second, at most 60 s) and records
# every id that got a 201; desafio2-sqlite is killed with `docker kill`; after
# Docker restarts it and it is healthy, every acknowledged note must read back
# and SQLite's `PRAGMA integrity_check` must say ok. The integrity check runs
# with the host's python3 (its sqlite3 module) on a copy of /data taken by a
# throwaway container with the volume mounted read-only (tar of notes.db and
# its -wal file): nothing is added to any image and the live file is not
# touched. Then the two suites of their own: a full disk
# (faults/desafio2-full.sh) and 64 clients that read slowly or never
# (faults/desafio2-readers.sh). Leaves the challenge as it found it (brought
# up and down again when it was not running) and the notes it wrote in the
# volume.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"

URL="http://$BIND_ADDRESS:$D2_PORT"
RUN_ID="fault-$$-$RANDOM"

# Writes notes until ACKED.stop exists or 60 s pass; "id" per 201 into ACKED,
# one line per attempt into ATTEMPTS.
fault2_writer() {
  local acked=$1 attempts=$2 end=$((SECONDS + 60)) i=0 body
  while [[ ! -e $acked.stop ]] && ((SECONDS < end)); do
    i=$((i + 1))
    body=$(curl -s -w '\n%{http_code}' --connect-timeout 2 --max-time 10 -H 'Content-Type: application/json' \
      --data-binary "{\"title\":\"$RUN_ID $i\",\"body\":\"written during a SIGKILL\"}" "$URL/notes") || true
    echo "$i" >>"$attempts"
    [[ ${body##*$'\n'} == 201 ]] && json_number "${body%$'\n'*}" id >>"$acked"
    sleep 0.05
  done
}

lines() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }
acked_at_least() { (($(lines "$ACKED") >= $1)); }

# Every acknowledged note answers 200 with its own title's run id.
all_acked_present() {
  local id missing=0 total=0
  while read -r id; do
    total=$((total + 1))
    http GET "$URL/notes/$id"
    status_is 200 && body_has "\"title\":\"$RUN_ID " || { missing=$((missing + 1)); err "note $id: $HTTP_STATUS"; }
  done <"$ACKED"
  note "$total acknowledged notes read back, $missing missing"
  ((total > 0 && missing == 0))
}

# PRAGMA integrity_check on a copy of the database and its WAL.
integrity_ok() {
  local copy=$FAULTS_WORK/data result
  command -v python3 >/dev/null && python3 -c 'import sqlite3' 2>/dev/null ||
    { err "the integrity check needs python3 with its sqlite3 module on the host"; return 1; }
  mkdir -p "$copy"
  show docker run --rm --network none --volume desafio2-data:/data:ro --entrypoint /bin/sh \
    "$IMAGE_PREFIX/svc-sqlite" -c 'tar -C /data -cf - .' '|' tar -xf - -C "$copy"
  docker run --rm --network none --read-only --cap-drop ALL --security-opt no-new-privileges \
    --memory 64m --pids-limit 16 --label desafios.challenge=2 --volume desafio2-data:/data:ro \
    --entrypoint /bin/sh "$IMAGE_PREFIX/svc-sqlite" -c 'tar -C /data -cf - .' | tar -xf - -C "$copy"
  rm -f "$copy/notes.db-shm"
  note "copied: $(cd "$copy" && ls | xargs)"
  result=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$copy/notes.db")
  note "PRAGMA integrity_check: $result"
  [[ $result == ok ]]
}

main() {
  trap faults_finish EXIT
  say "Fault, challenge 2: SIGKILL of desafio2-sqlite while notes are written"
  faults_ensure_up 2 desafio2-sqlite
  ACKED=$FAULTS_WORK/acked ATTEMPTS=$FAULTS_WORK/attempts
  local restarts_before restarts killed_at acked_at_kill id_before
  id_before=$(docker inspect -f '{{.Id}}' desafio2-sqlite)
  restarts_before=$(docker inspect -f '{{.RestartCount}}' desafio2-sqlite)
  fault2_writer "$ACKED" "$ATTEMPTS" &
  FAULTS_JOBS+=($!)
  retry 100 0.1 acked_at_least 20 || die "the writer got no 20 201s in 10 s"
  dkq kill desafio2-sqlite
  killed_at=$SECONDS acked_at_kill=$(lines "$ACKED")
  note "killed after $acked_at_kill notes were acknowledged"
  # Docker 20.10 does not apply the restart policy to a container stopped by
  # docker kill (a user's action, like docker stop): then it is started here.
  if retry 12 0.25 running desafio2-sqlite; then
    restarts=$(docker inspect -f '{{.RestartCount}}' desafio2-sqlite)
    note "Docker restarted it by its restart policy (on-failure, exit 137): restart count $restarts_before -> $restarts"
  else
    note "not restarted by the policy within 3 s (docker kill counts as a manual stop); starting it"
    dkq start desafio2-sqlite
  fi
  wait_healthy desafio2-sqlite
  note "healthy again $((SECONDS - killed_at)) s after the kill"
  retry 100 0.1 acked_at_least $((acked_at_kill + 20)) || err "fewer than 20 writes acknowledged after the restart"
  touch "$ACKED.stop"
  wait "${FAULTS_JOBS[@]}"
  FAULTS_JOBS=()
  note "writes: $(lines "$ATTEMPTS") attempted, $(lines "$ACKED") acknowledged (201), $acked_at_kill before the kill"
  check "writes are acknowledged again after the restart" acked_at_least $((acked_at_kill + 20))
  check "the same container (not a new one) is healthy again" \
    test "$(docker inspect -f '{{.Id}} {{.State.Health.Status}}' desafio2-sqlite)" = "$id_before healthy"
  check "every note that got a 201 reads back (GET /notes/{id} 200)" all_acked_present
  check "SQLite's PRAGMA integrity_check on a copy of the volume says ok" integrity_ok
  check "a full disk: every 201 stored, 507 while full, health DOWN; a DELETE on it works and a note fits again (desafio2-full.sh)" \
    "$CLI_DIR/faults/desafio2-full.sh"
  check "64 slow or non-reading clients of the largest page harm nothing (desafio2-readers.sh)" \
    "$CLI_DIR/faults/desafio2-readers.sh"
  checks_done "Fault, challenge 2"
}

main "$@"
