#!/usr/bin/env bash
# Challenge 4: proves that users and orders run from their own images on one
# network, that orders reaches users by hostname (422 for an unknown user, the
# request id passed along), that each is found on its network only, and that
# bad input gets 4xx problems: requests the challenge's own containers refuse,
# so their stores are left as verify found them (checked at the end). What
# writes runs on verify's own pair (stores.sh: copies of both on a network of
# their own, with the same aliases, removed at the end): an order embedding its
# user, a 5xx problem at once with users stopped, and bounded stores that
# refuse entries past their maximum with 507 and lose nothing.
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../verify-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../verify-lib.sh"
# shellcheck source=stores.sh
source "$(dirname "${BASH_SOURCE[0]}")/stores.sh"
CHALLENGE=4

USERS="http://$BIND_ADDRESS:$D4_PORT"
ORDERS="http://$BIND_ADDRESS:$D4_ORDERS_PORT"
RUN_ID="verify-$$-$RANDOM"
ORDER_ID=''

own_images() {
  [[ $(docker inspect -f '{{.Config.Image}}' desafio4-users) == */svc-users &&
    $(docker inspect -f '{{.Config.Image}}' desafio4-orders) == */svc-orders ]]
}

users_seeded() { http GET "$USERS/users"; status_is 200 && body_has '"items":[{' && body_has '"id":1'; }

# Every user and order the challenge's own stores list, as one text (pages of
# 100 until an empty one): taken before the checks and compared after them.
listing() {
  local url offset page
  for url in "$USERS/users" "$ORDERS/orders"; do
    for ((offset = 0; ; offset += 100)); do
      page=$(curl -s --max-time 10 "$url?limit=100&offset=$offset") || return 1
      [[ $page == *'"items":['* ]] || return 1
      [[ $page != *'"items":[]'* ]] || break
      printf '%s\n' "$page"
    done
  done
}

# An order for a user who does not exist makes orders ask http://users:8080
# (internal DNS): users' 404 comes back as a 422, stored nowhere; the request id
# reached users (in its log).
unknown_user_refused() {
  post_json "$ORDERS/orders" '{"userId":999999,"item":"ghost","quantity":1,"unitPrice":1}' -H "X-Request-Id: $RUN_ID"
  is_problem 422 && logs_have desafio4-users "\"requestId\":\"$RUN_ID\""
}

bad_input_refused() {
  local long_id big
  long_id=$(printf 'r%.0s' {1..4096}) big=$(big_file 1048576)
  post_json "$ORDERS/orders" '{"userId":1,"item":"x","quantity":-1,"unitPrice":"1.00"}'; is_problem 400 || return 1
  post_json "$ORDERS/orders" '{"userId":1,"item":"x","quantity":1,"unitPrice":"1e999"}'; is_problem 400 || return 1
  post_json "$ORDERS/orders" '{"userId":1,"item":"x","quantity":1,"unitPrice":"5","total":"0.01"}'; is_problem 400 || return 1
  post_json "$ORDERS/orders" '{"userId":"one","item":"x","quantity":1,"unitPrice":"5"}'; is_problem 400 || return 1
  post_json "$ORDERS/orders" '{"userId":1,"item":null,"quantity":1,"unitPrice":"5"}'
  is_problem 400 && body_has "field 'item' is null" || return 1
  post_json "$USERS/users" '{"name":"Ana","email":null}'; is_problem 400 && body_has "field 'email' is null" || return 1
  post_json "$USERS/users" "{\"name\":\"$(printf 'é%.0s' {1..101})\",\"email\":\"a@example.com\"}"; is_problem 400 || return 1
  post_json "$USERS/users" '{"name":"Zoë 李","email":"not-an-email"}'; is_problem 400 || return 1
  post_json "$USERS/users" '{"name":"x","email":"x@example.com","id":5}'; is_problem 400 || return 1
  http POST "$USERS/users" -H 'Content-Type: application/json' --data-binary "@$big"; rm -f "$big"; is_problem 413 || return 1
  http GET "$USERS/users/1" -H "X-Request-Id: $long_id"; status_is 200 && ! header_has "x-request-id: rrrr" || return 1
  http GET "$USERS/users/1" -H "X-Request-Id: $long_id$long_id$long_id"; is_problem 431 || return 1
  http GET "$USERS/users/abc"; is_problem 404 || return 1
  http DELETE "$USERS/users"; is_problem 405 || return 1
  http GET "$USERS/health" && status_is 200 && http GET "$ORDERS/health" && status_is 200
}

# On desafio4-net users answers by name; from a container on another network
# (the default bridge) neither its name resolves to it nor its address answers.
found_on_its_network_only() {
  local address
  address=$(container_ip desafio4-users desafio4-net)
  [[ $(lookup desafio4-net users) == *"Address: $address"* ]] || return 1
  probe_from desafio4-net timeout 3 wget -q -O /dev/null http://users:8080/health >/dev/null || return 1
  [[ $(lookup bridge users || true) != *"Address: $address"* ]] || return 1
  ! probe_from bridge timeout 3 wget -q -O /dev/null "http://$address:8080/health" >/dev/null
}

same_listing() { [[ $(listing) == "$1" ]]; }

never_restarted() {
  [[ $(docker inspect -f '{{.RestartCount}}' desafio4-users desafio4-orders | sort -u) == 0 ]]
}

main() {
  local found
  say "Challenge 4: verifying"
  trap stores_cleanup EXIT
  found=$(listing) || die "cannot list the users and orders on $USERS and $ORDERS"
  check "users and orders run from their own images" own_images
  check "users answers on $USERS with its seeded users" users_seeded
  check "orders asks users by hostname: an order for a user who does not exist is a 422 problem, the request id in users' log" \
    unknown_user_refused
  check "users is found by name on desafio4-net, and from another network (the default bridge) neither by name nor by address" \
    found_on_its_network_only
  check "bad input (negative quantity, huge price, client total, wrong type, a required field null, 101-char and bad email, unknown id field, 1 MiB, a 4 KB request id replaced, a 12 KB one 431, non-numeric id, DELETE) gets 4xx problems; both healthy after" bad_input_refused
  check "a body users cannot read (gzip, br, deflate; charset utf-16 or ISO-8859-1) is a 415 problem naming it" \
    unreadable_bodies_refused "$USERS/users" '{"name":"Ana","email":"ana-unread@example.com"}'
  check "a body orders cannot read is a 415 problem naming it" \
    unreadable_bodies_refused "$ORDERS/orders" '{"userId":1,"item":"unread","quantity":1,"unitPrice":"1.00"}'
  check "users and orders report restart count 0" never_restarted
  say "Verify's own pair: copies of both on $STORE_NETWORK, with the same aliases"
  check "the copies start from the same images and flags" store_copies '' ''
  check "on $STORE_NETWORK the alias users names the copy, not the challenge's users" alias_per_network
  check "an order for user 1 is created (201, total 59.97)" order_created
  check "orders embeds the user it fetched from http://users:8080, the request id in that users' log" user_embedded
  check "with users stopped, orders answers a 502/503/504 problem within a second" fails_fast_without_users
  wait_healthy "$STORE_USERS" >/dev/null
  check "with users back, the order embeds its user again" retry 20 0.25 user_embedded
  check "a small maximum raced by 40 POSTs at once: exactly the maximum stored, every other POST a 507 problem, nothing acknowledged lost, copies healthy, 0 restarts" race_small_maximum
  check "the default maximum filled with the largest entries fits the 256 MiB container: 20 more are 507 problems, every entry listed, healthy, 0 restarts, not OOM-killed" fill_default_maximum
  check "full stores still serve: a user's orders by the index, a page past the end, 507 for one more" full_store_still_serves
  check "the challenge's own users and orders are as verify found them" same_listing "$found"
  checks_done "Challenge 4"
}

main "$@"
