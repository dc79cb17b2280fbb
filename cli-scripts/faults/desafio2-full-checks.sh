#!/usr/bin/env bash
# The checks of desafio2-full.sh, sourced by it after lib.sh, verify-lib.sh and
# faults-lib.sh (functions only; it runs nothing): what the full disk's
# answers and notes must show (every 201 reads back, no id twice, only 201s
# and 507 problems), /health as the disk fills and empties, 507s while full,
# and a new id once space is back.

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

# N more POSTs, each a 507 problem.
still_refused() {
  local i
  for ((i = 0; i < $1; i++)); do
    post_json "$URL/notes" "{\"title\":\"$RUN_ID while full\"}"
    is_problem 507 || { note "a POST while full: $HTTP_STATUS"; return 1; }
  done
}

# A DELETE while full is refused as a 507 problem, or done (204): never a 500.
delete_while_full() {
  local id
  id=$(head -n 1 "$IDS")
  http DELETE "$URL/notes/$id"
  note "DELETE /notes/$id while full: $HTTP_STATUS"
  if status_is 204; then sed -i 1d "$IDS"; return 0; fi
  is_problem 507
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
