#!/usr/bin/env bash
# Challenge 5's route checks, sourced by verify.sh after lib.sh and
# verify-lib.sh (functions only; it runs nothing): every route answers through
# the gateway ($GW), the aggregate, the request id ($RUN_ID) in the gateway's,
# orders' and users' logs, and bodies users and orders cannot read stopped at
# the gateway.

routes_work() {
  http GET "$GW/api/users"; status_is 200 && body_has '"items":[' || return 1
  http GET "$GW/api/users/1"; status_is 200 && body_has '"id":1' || return 1
  post_json "$GW/api/users" "{\"name\":\"Verify $RUN_ID\",\"email\":\"$RUN_ID@example.com\"}"; status_is 201 || return 1
  post_json "$GW/api/orders" "{\"userId\":1,\"item\":\"mouse $RUN_ID\",\"quantity\":2,\"unitPrice\":\"10.50\"}"
  status_is 201 && body_has '"total":"21.00"' || return 1
  http GET "$GW/api/orders/$(json_number "$HTTP_BODY" id)"; status_is 200 && body_has '"user":{' || return 1
  http GET "$GW/api/orders?userId=1"; status_is 200 && body_has '"items":['
}

aggregate_works() {
  http GET "$GW/api/users/1/orders" -H "X-Request-Id: $RUN_ID"
  status_is 200 && body_has '"user":{' && body_has '"orders":['
}

request_id_propagated() {
  local name users_logs=''
  for name in desafio5-gateway desafio5-orders; do
    logs_have "$name" "\"requestId\":\"$RUN_ID\"" || { err "$name has no $RUN_ID in its log"; return 1; }
  done
  for name in $(users_replicas); do
    users_logs+=$(docker logs "$name" 2>&1)
  done
  [[ $users_logs == *"\"requestId\":\"$RUN_ID\""* ]]
}

# Bodies users and orders cannot read stop at the gateway: 415s, none of them
# in the users or orders log (the request id never crossed); a required field
# sent as null is refused by users through the gateway, saying null.
unreadable_stop_at_the_edge() {
  local id="unread-$RUN_ID" name
  unreadable_bodies_refused "$GW/api/users" '{"name":"Ana","email":"ana-unread@example.com"}' -H "X-Request-Id: $id" || return 1
  unreadable_bodies_refused "$GW/api/orders" '{"userId":1,"item":"unread","quantity":1,"unitPrice":"1.00"}' \
    -H "X-Request-Id: $id" || return 1
  logs_have desafio5-gateway "\"requestId\":\"$id\"" || return 1
  for name in $(users_replicas) desafio5-orders; do
    ! logs_have "$name" "\"requestId\":\"$id\"" || { err "$name logged $id"; return 1; }
  done
  post_json "$GW/api/users" '{"name":null,"email":"ana-null@example.com"}'
  is_problem 400 && body_has "field 'name' is null"
}
