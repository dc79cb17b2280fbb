#!/usr/bin/env bash
# The largest pages of users and orders for memory.sh (challenges 4 and 5),
# sourced by it after lib.sh, verify-lib.sh and faults-lib.sh (functions only;
# it runs nothing): 100 users and 100 orders of line separators and the
# longest e-mail stored, the page that holds them found, then fetched by
# clients that never read it and by many reading it at once.

# Appends COUNT copies of TEXT: `times TEXT COUNT`.
times() { local out='' i; for ((i = 0; i < $2; i++)); do out+=$1; done; printf '%s' "$out"; }

# The offset of the entry with this id in a list by id: `offset_of URL ID`. In
# memory entry n is at offset n - 1; a database may skip ids (a sequence moves
# on for an insert that failed, and by up to 32 after a crash), so from there
# the guess moves back by what the entry found there is past the id.
offset_of() {
  local url=$1 id=$2 offset=$(($2 - 1)) found i
  for ((i = 0; i < 20 && offset >= 0; i++)); do
    http GET "$url?limit=1&offset=$offset"
    found=$(json_number "$HTTP_BODY" id)
    [[ -n $found && $found -gt $id ]] || break
    offset=$((offset - (found - id)))
  done
  echo "$offset"
}

# 100 users and 100 orders of line separators between two letters (U+2028,
# three bytes in and six out in JSON: the writer's worst case; a name or item
# of nothing else is blank once stripped) with the longest e-mail; sets
# USERS_PAGE and ORDERS_PAGE to the page that holds them, *_BYTES to its size.
largest_users_and_orders() {
  local name item domain i id first_user='' first_order=''
  name="a$(times '\u2028' 98)a" item="a$(times '\u2028' 198)a" domain="$(times x 63).$(times x 63).$(times y 57).org"
  for ((i = 0; i < 100; i++)); do
    post_json "http://$BIND_ADDRESS:$USERS_PORT$USERS_PATH" \
      "$(printf '{"name":"%s","email":"%s@%s"}' "$name" "$(printf 'm%s-%s-%03d%s' "$$" "$RANDOM" "$i" "$(times u 64)" | cut -c1-64)" "$domain")"
    status_is 201 || { note "POST $USERS_PATH: $HTTP_STATUS $HTTP_BODY"; return 1; }
    id=$(json_number "$HTTP_BODY" id) first_user=${first_user:-$id}
    post_json "http://$BIND_ADDRESS:$ORDERS_PORT$ORDERS_PATH" \
      "$(printf '{"userId":1,"item":"%s","quantity":1000,"unitPrice":"999999.99"}' "$item")"
    status_is 201 || { note "POST $ORDERS_PATH: $HTTP_STATUS $HTTP_BODY"; return 1; }
    id=$(json_number "$HTTP_BODY" id) first_order=${first_order:-$id}
  done
  USERS_PAGE="$USERS_PATH?limit=100&offset=$(offset_of "http://$BIND_ADDRESS:$USERS_PORT$USERS_PATH" "$first_user")"
  ORDERS_PAGE="$ORDERS_PATH?limit=100&offset=$(offset_of "http://$BIND_ADDRESS:$ORDERS_PORT$ORDERS_PATH" "$first_order")"
  http GET "http://$BIND_ADDRESS:$USERS_PORT$USERS_PAGE"
  [[ $(json_number "$HTTP_BODY" id) == "$first_user" ]] || return 1
  local users_bytes=${#HTTP_BODY}
  http GET "http://$BIND_ADDRESS:$ORDERS_PORT$ORDERS_PAGE"
  [[ $(json_number "$HTTP_BODY" id) == "$first_order" ]] || return 1
  # (The answers are ASCII, escapes included: characters are bytes.)
  USERS_BYTES=$users_bytes ORDERS_BYTES=${#HTTP_BODY}
  note "the largest pages: $USERS_PAGE $USERS_BYTES bytes, $ORDERS_PAGE $ORDERS_BYTES bytes"
}

# The largest pages of users and orders, each fetched by clients that never read it.
largest_pages_unread() {
  local name before=()
  read -r USERS_PORT USERS_PATH ORDERS_PORT ORDERS_PATH PAGE_CONTAINERS <<<"${PAGES[$1]}"
  for name in $PAGE_CONTAINERS; do before+=("$(harm_state "$name")"); done
  USERS_BYTES='' ORDERS_BYTES=''
  check "100 users and 100 orders of line separators (six bytes each in JSON) and the longest e-mail stored" \
    largest_users_and_orders
  [[ -n $ORDERS_BYTES ]] || return 0
  check "$PAGE_READERS clients that never read the largest page of users ($USERS_BYTES bytes): health answers 200 within 2 s throughout" \
    env_port "$USERS_PORT" held_while_healthy "$PAGE_READERS" "GET:$USERS_PAGE"
  check "$PAGE_READERS clients that never read the largest page of orders ($ORDERS_BYTES bytes): health answers 200 within 2 s throughout" \
    env_port "$ORDERS_PORT" held_while_healthy "$PAGE_READERS" "GET:$ORDERS_PAGE"
  check "$READING_CLIENTS clients reading the largest page of orders at once: every request answered" \
    env_port "$ORDERS_PORT" page_read_at_once "$ORDERS_PAGE"
  local after=()
  for name in $PAGE_CONTAINERS; do after+=("$(harm_state "$name")"); done
  note "$PAGE_CONTAINERS: restarts, OOM-killed, running before = ${before[*]}, after = ${after[*]}"
  check "$PAGE_CONTAINERS never restarted and never ran out of memory" test "${after[*]}" = "${before[*]}"
}
