#!/usr/bin/env bash
# The checks of desafio2-full.sh, sourced by it after lib.sh, verify-lib.sh and
# faults-lib.sh (functions only; it runs nothing): what the full disk's
# answers and notes must show (every 201 reads back, no id twice, only 201s
# and 507 problems, the list holds exactly the notes kept), /health as the
# disk fills and empties, 507s while full, a DELETE that works on the full
# volume and a note that fits again after it, and a new id once space is back.

# Every id of a 201 answers 200 with this run's title (one connection for all).
all_acked_readable() {
  local ids=$1 config=$FAULTS_WORK/read.curl bad
  : >"$config"
  while read -r id; do
    [[ ! -s $config ]] || echo next >>"$config"
    printf 'url = "%s/notes/%s"\nsilent\nwrite-out = "\\n%%{http_code}\\n"\n' "$URL" "$id" >>"$config"
  done <"$ids"
  bad=$(curl --max-time 120 --config "$config" | paste - - |
    awk -v run="$RUN_ID" '$NF != 200 || index($0, run) == 0 { n++ } END { print n + 0 }')
  note "$(lines "$ids") notes that got a 201 read back: $bad missing or wrong"
  ((bad == 0))
}

no_id_twice() { [[ -z $(sort "$1" | uniq -d) ]]; }
only_201_or_507() { [[ -z $(awk -F'|' '$1 != 201 && $1 != 507' "$1") ]]; }
refusals_are_problems() { [[ -z $(awk -F'|' '$1 == 507 && $3 !~ /problem\+json/' "$1") ]]; }
health_is() { http GET "$URL/health"; status_is "$1" && body_has "\"sqlite\":\"$2\""; }

# N more POSTs of the 30 KB note that filled the volume, each a 507 problem (a smaller note
# may still fit: the store refuses what would eat into its reserve, not every write).
still_refused() {
  local i
  for ((i = 0; i < $1; i++)); do
    ! post_one || { note "a 30 KB POST while full: 201"; return 1; }
    tail -n 1 "$ANSWERS" | grep -q '^507|.*problem+json' || return 1
  done
}

# DELETE of the oldest note kept: 204 (on a full volume too), its id into DELETED.
delete_oldest() {
  local id
  id=$(sort -n "$IDS" | head -n 1)
  http DELETE "$URL/notes/$id"
  [[ $HTTP_STATUS == 204 ]] || { note "DELETE /notes/$id: $HTTP_STATUS"; return 1; }
  echo "$id" >>"$DELETED"
  live_ids
}

# One POST of the 30 KB note, its answer appended to ANSWERS (as fill does); true on a 201.
post_one() {
  curl -s --max-time 10 -o /dev/null -H 'Content-Type: application/json' --data-binary "@$FAULTS_WORK/note.json" \
    -w '%{http_code}|%header{location}|%{content_type}\n' "$URL/notes" >>"$ANSWERS" || true
  live_ids
  tail -n 1 "$ANSWERS" | grep -q '^201|'
}

# ROUNDS times: fill the volume to 507 again, delete the 3 oldest notes, post 3.
rounds_keep_working() {
  local round i stored
  for ((round = 1; round <= ROUNDS; round++)); do
    stored=$(acked_ids "$ANSWERS" | wc -l)
    fill "$ANSWERS"
    live_ids
    for i in 1 2 3; do delete_oldest || return 1; done
    for i in 1 2 3; do
      post_one || { note "round $round: POST after 3 deletes: $(tail -n 1 "$ANSWERS" | cut -d'|' -f1)"; return 1; }
    done
    note "round $round: the fill stored $(($(acked_ids "$ANSWERS" | wc -l) - stored - 3)) more, then 507; 3 DELETEs 204, 3 POSTs 201"
  done
}

# Every id of the list (paged by nextOffset) is one of $1's and each of $1's is listed, once.
listed_exactly() {
  local offset=0 listed=$FAULTS_WORK/listed
  : >"$listed"
  while [[ -n $offset ]]; do
    http GET "$URL/notes?limit=100&offset=$offset"
    status_is 200 || return 1
    grep -o '"id":[0-9]*' <<<"$HTTP_BODY" | cut -d: -f2 >>"$listed"
    offset=$(json_number "$HTTP_BODY" nextOffset)
  done
  note "$(lines "$listed") notes listed, $(lines "$1") kept"
  all_acked_readable "$1" && diff <(sort -n "$1") <(sort -n "$listed") >/dev/null
}

# A note stored after space returned: 201, readable, with an id above every earlier one.
stored_with_a_new_id() {
  local id
  post_json "$URL/notes" "{\"title\":\"$RUN_ID after\",\"body\":\"space is back\"}"
  status_is 201 || return 1
  id=$(json_number "$HTTP_BODY" id)
  note "a POST after space returned: $HTTP_STATUS, id $id (highest before: $(sort -n "$IDS" | tail -n 1))"
  http GET "$URL/notes/$id"
  status_is 200 && (($(sort -n "$IDS" | tail -n 1) < id))
}
