#!/usr/bin/env bash
# Fault: a full disk under challenge 2. desafio2-sqlite is run on a small
# tmpfs volume of its own (desafio2-full, D2_FULL_SIZE, 16m by default) that
# a helper container first pads with a 2 MiB filler file; notes of 30 KB are
# POSTed until the volume is full. Proves (desafio2-full-checks.sh): every
# 201 reads back, no id is given twice, the full store answers 507 problems
# (never a 2xx, never a 500), /health says DOWN while a note would not fit;
# then, the filler still there, a DELETE on the full volume is a 204, /health
# is UP again and a note of the same size is stored, and ROUNDS (5) rounds of
# fill to 507, delete 3, post 3 keep working with every acknowledged note
# listed; once the helper removes the filler, /health is UP and a POST is
# stored with a new id, with no restart. Prints the counts and times. Leaves
# challenge 2 as it found it (on desafio2-data, running when it ran) and
# removes desafio2-full.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=faults-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/faults-lib.sh"
# shellcheck source=desafio2-full-checks.sh
source "$(dirname "${BASH_SOURCE[0]}")/desafio2-full-checks.sh"

URL="http://$BIND_ADDRESS:$D2_PORT"
RUN_ID="full-$$-$RANDOM"
VOLUME=desafio2-full
SIZE=${D2_FULL_SIZE:-16m}
ROUND=100 MAX_POSTS=3000 ROUNDS=${D2_FULL_ROUNDS:-5}
WAS_RUNNING=''

# A short helper container on the volume, as the service's uid: `on_volume 'sh command'`
# (QUIET=1 on_volume ... does not print the command).
on_volume() {
  dk run --rm --name desafio2-filler --user 1000:1000 --network none --read-only --cap-drop ALL \
    --security-opt no-new-privileges --memory 64m --pids-limit 16 --label desafios.challenge=2 \
    --volume "$VOLUME:/data" --entrypoint /bin/sh "$IMAGE_PREFIX/svc-sqlite" -c "$1"
}

# POSTs ROUND notes on one connection; appends "status|location|content type" per answer to $1.
post_round() {
  local config=$FAULTS_WORK/round.curl i
  : >"$config"
  for ((i = 0; i < ROUND; i++)); do
    ((i == 0)) || echo next >>"$config"
    printf 'url = "%s/notes"\nheader = "Content-Type: application/json"\ndata-binary = "@%s"\n' \
      "$URL" "$FAULTS_WORK/note.json" >>"$config"
    printf 'silent\noutput = "/dev/null"\nwrite-out = "%%{http_code}|%%header{location}|%%{content_type}\\n"\n' >>"$config"
  done
  curl --max-time 120 --config "$config" >>"$1" || true
}

# Fills the volume: rounds of POSTs until a whole round is refused (or MAX_POSTS).
fill() {
  local answers=$1 start=$SECONDS before
  printf '{"title":"%s","body":"%s"}' "$RUN_ID" "$(printf '%.0s\xe2\x82\xac' {1..10000})" >"$FAULTS_WORK/note.json"
  while (($(lines "$answers") < MAX_POSTS)); do
    before=$(lines "$answers")
    post_round "$answers"
    (($(tail -n +"$((before + 1))" "$answers" | grep -c '^201|') == 0)) && break
  done
  FILL_SECONDS=$((SECONDS - start))
}

lines() { wc -l <"$1"; }
acked_ids() { awk -F'|' '$1 == 201 { n = split($2, p, "/"); print p[n] }' "$1" | tr -d '\r'; }
# The ids that got a 201 and were not deleted since, into IDS.
live_ids() { acked_ids "$ANSWERS" | grep -vxF -f "$DELETED" >"$IDS" || true; }

faults_restore() {
  remove_containers desafio2-sqlite desafio2-filler
  remove_volumes "$VOLUME"
  if [[ -n $WAS_RUNNING ]]; then "$CLI_DIR/desafio2/up.sh" >/dev/null; else "$CLI_DIR/desafio2/down.sh" >/dev/null; fi
}

main() {
  local ok refused before freed_at up_at down_at full_at
  trap faults_finish EXIT
  say "Fault, challenge 2: a full disk ($SIZE tmpfs volume $VOLUME)"
  FAULTS_WORK=$(mktemp -d)
  running desafio2-sqlite && WAS_RUNNING=1
  remove_containers desafio2-sqlite
  remove_volumes "$VOLUME"
  CHALLENGE=2 ensure_volume_tmpfs
  D2_VOLUME=$VOLUME "$CLI_DIR/desafio2/up.sh" >/dev/null
  before=$(harm_state desafio2-sqlite)
  on_volume 'head -c 2097152 /dev/zero > /data/filler'
  ANSWERS=$FAULTS_WORK/answers IDS=$FAULTS_WORK/ids DELETED=$FAULTS_WORK/deleted
  : >"$ANSWERS"
  : >"$DELETED"
  fill "$ANSWERS"
  live_ids
  ok=$(lines "$IDS") refused=$(grep -c '^507|' "$ANSWERS" || true)
  note "$(lines "$ANSWERS") POSTs in $FILL_SECONDS s: $ok answered 201 (ids $(sort -n "$IDS" | head -n 1) to $(sort -n "$IDS" | tail -n 1)), $refused answered 507, $(awk -F'|' '$1 != 201 && $1 != 507' "$ANSWERS" | wc -l) other"
  note "volume: $(volume_state)"
  check "the volume filled: POSTs were refused with 507" test "$refused" -gt 0
  check "while full, more POSTs are 507 problems" still_refused 5
  down_at=$SECONDS
  check "while full, /health is 503 with sqlite DOWN" retry 20 0.5 health_is 503 DOWN
  note "health DOWN $((SECONDS - down_at)) s after the check began"
  check "no id was given twice" no_id_twice "$IDS"
  check "every note that got a 201 reads back" all_acked_readable "$IDS"
  full_at=$SECONDS
  check "on the full volume (the filler still there) a DELETE is a 204" delete_oldest
  check "after that delete, /health is 200 with sqlite UP (no restart)" retry 20 0.5 health_is 200 UP
  note "health UP $((SECONDS - full_at)) s after the DELETE began; volume: $(volume_state)"
  check "a note of the same size (30 KB) is stored again: 201" post_one
  check "$ROUNDS rounds of (fill to 507, delete 3, post 3): every DELETE 204, every POST after them 201" rounds_keep_working
  live_ids
  check "every POST was answered 201 or 507 (no other 2xx, no 500)" only_201_or_507 "$ANSWERS"
  check "every 507 is a problem document" refusals_are_problems "$ANSWERS"
  check "every note that got a 201 and was not deleted reads back, and the list holds exactly those" \
    listed_exactly "$IDS"
  on_volume 'rm /data/filler'
  freed_at=$SECONDS
  check "once the filler is removed, /health is 200 with sqlite UP (no restart)" retry 40 0.5 health_is 200 UP
  up_at=$SECONDS
  note "health UP $((up_at - freed_at)) s after the filler was removed"
  check "a POST is stored again, with an id above every earlier one" stored_with_a_new_id
  note "desafio2-sqlite: restarts, OOM-killed, running before = $before, after = $(harm_state desafio2-sqlite)"
  check "desafio2-sqlite never restarted" test "$(harm_state desafio2-sqlite)" = "$before"
  checks_done "Fault, challenge 2 (full disk)"
}

# The volume's free KiB and its files' sizes, on one line.
volume_state() { QUIET=1 on_volume 'df -k /data | tail -n 1; ls -l /data' | tr -s ' ' | tr '\n' ';'; }

# The tmpfs volume, owned by the service's uid, as a user would create it by hand.
ensure_volume_tmpfs() {
  dkq volume create --driver local --opt type=tmpfs --opt device=tmpfs \
    --opt "o=size=$SIZE,uid=1000,gid=1000,mode=0700" --label desafios.challenge=2 "$VOLUME"
}

main "$@"
