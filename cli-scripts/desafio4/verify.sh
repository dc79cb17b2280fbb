#!/usr/bin/env bash
# Challenge 4: proves that users and orders run from their own images on one
# network, that orders reaches users by hostname (embedding the user, 422 for
# an unknown one, the request id passed along), that bad input gets 4xx
# problems, that with users stopped orders answers a 5xx problem at once, and
# that the bounded stores refuse entries past their maximum with 507 and lose
# nothing (stores.sh: on copies of both containers, removed at the end).
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

order_created() {
  post_json "$ORDERS/orders" '{"userId":1,"item":"keyboard","quantity":3,"unitPrice":"19.99"}'
  status_is 201 && body_has '"total":"59.97"' && header_has 'location: /orders/' || return 1
  ORDER_ID=$(json_number "$HTTP_BODY" id)
}

# GET /orders/{id} makes orders call http://users:8080 (internal DNS) and embed the answer.
user_embedded() {
  http GET "$ORDERS/orders/$ORDER_ID" -H "X-Request-Id: $RUN_ID"
  status_is 200 && body_has '"user":{' && body_has '"id":1'
}

request_id_reached_users() { logs_have desafio4-users "\"requestId\":\"$RUN_ID\""; }

unknown_user_refused() {
  post_json "$ORDERS/orders" '{"userId":999999,"item":"ghost","quantity":1,"unitPrice":1}'
  is_problem 422
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

# With users stopped, orders answers a 502/503/504 problem within a second.
fails_fast_without_users() {
  local outcome=0
  dkq stop desafio4-users
  problem_within_a_second GET "$ORDERS/orders/$ORDER_ID" '50[234]' || outcome=1
  dkq start desafio4-users
  return "$outcome"
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

never_restarted() {
  [[ $(docker inspect -f '{{.RestartCount}}' desafio4-users desafio4-orders | sort -u) == 0 ]]
}

main() {
  say "Challenge 4: verifying"
  trap stores_cleanup EXIT
  check "users and orders run from their own images" own_images
  check "users answers on $USERS with its seeded users" users_seeded
  check "an order for user 1 is created (201, total 59.97)" order_created
  check "orders embeds the user it fetched from http://users:8080 by hostname" user_embedded
  check "the request id reached the users service (in its log)" request_id_reached_users
  check "users is found by name on desafio4-net, and from another network (the default bridge) neither by name nor by address" \
    found_on_its_network_only
  check "an order for a user that does not exist is a 422 problem" unknown_user_refused
  check "bad input (negative quantity, huge price, client total, wrong type, a required field null, 101-char and bad email, unknown id field, 1 MiB, a 4 KB request id replaced, a 12 KB one 431, non-numeric id, DELETE) gets 4xx problems; both healthy after" bad_input_refused
  check "a body users cannot read (gzip, br, deflate; charset utf-16 or ISO-8859-1) is a 415 problem naming it" \
    unreadable_bodies_refused "$USERS/users" '{"name":"Ana","email":"ana-unread@example.com"}'
  check "a body orders cannot read is a 415 problem naming it" \
    unreadable_bodies_refused "$ORDERS/orders" '{"userId":1,"item":"unread","quantity":1,"unitPrice":"1.00"}'
  check "with users stopped, orders answers a 502/503/504 problem within a second" fails_fast_without_users
  wait_healthy desafio4-users >/dev/null
  check "with users back, the order embeds its user again" retry 20 0.25 user_embedded
  check "a small maximum raced by 40 POSTs at once: exactly the maximum stored, every other POST a 507 problem, nothing acknowledged lost, copies healthy, 0 restarts" race_small_maximum
  check "the default maximum filled with the largest entries fits the 256 MiB container: 20 more are 507 problems, every entry listed, healthy, 0 restarts, not OOM-killed" fill_default_maximum
  check "full stores still serve: a user's orders by the index, a page past the end, 507 for one more" full_store_still_serves
  check "users and orders report restart count 0" never_restarted
  checks_done "Challenge 4"
}

main "$@"
