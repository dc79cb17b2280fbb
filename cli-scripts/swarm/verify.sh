#!/usr/bin/env bash
# Swarm: proves every replica running and healthy, the endpoint mode the
# kernel allows, every route through the gateway, answers from several users
# replicas; under loopback load (four GET loops through the gateway, at most
# 20 a second each), each with zero failed requests: a users task killed with
# docker kill is replaced, a rolling update of users to a rebuilt image
# completes, and an update whose tasks cannot start is rolled back by swarm
# itself; a user and its orders created through the gateway are read back by
# every replica (each service has its own database), then removed; challenge 3's counts survive a restart of its database service and
# of its cache service, and the API serves again with no action on it.
# Leaves users on the rebuilt image (down.sh removes it).
set -Eeuo pipefail
# shellcheck source=../build-images.sh
source "$(dirname "${BASH_SOURCE[0]}")/../build-images.sh"
# shellcheck source=../verify-lib.sh
source "$CLI_DIR/verify-lib.sh"
# shellcheck source=swarm-lib.sh
source "$CLI_DIR/swarm/swarm-lib.sh"
# shellcheck source=../faults/faults-lib.sh
source "$CLI_DIR/faults/faults-lib.sh"
# shellcheck source=load-checks-lib.sh
source "$CLI_DIR/swarm/load-checks-lib.sh"

# Host-mode ports are bound on every address of the node; the checks use
# loopback (or the cluster's entry: SWARM_URL, SWARM_API_URL).
GW=$SWARM_URL
API=$SWARM_API_URL
LOAD_WORKERS=4
LOAD_LIMIT=150   # seconds: a load never outlives a stuck step
GETS_BEFORE_RESTART=10
# A deliberate wait, the point of the checks: the load runs this long before
# each fault and after the service has converged again.
LOAD_MARGIN_SECONDS=2
RUN_ID="verify-$$-$RANDOM"

finish() {
  local pid
  for pid in "${FAULTS_JOBS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [[ -z $FAULTS_WORK ]] || rm -rf "$FAULTS_WORK"
  forget_run swarm-users-db swarm-orders-db service_sql >/dev/null 2>&1 || true
}

all_converged() {
  local name
  for name in "${SWARM_SERVICES[@]}"; do
    service_converged "$name" || { err "$name: $(service_replicas "$name") running, or a task not healthy"; return 1; }
    note "$name: $(service_replicas "$name") replicas running, each healthy"
  done
}

endpoint_mode_fits() {
  local expected=vip modes
  ipvs_available || expected=dnsrr
  modes=$(for name in "${SWARM_SERVICES[@]}"; do docker service inspect -f '{{.Spec.EndpointSpec.Mode}}' "$name"; done | sort -u)
  note "IPVS in this kernel: $(ipvs_available && echo yes || echo no); endpoint mode of every service: $modes"
  [[ ${SWARM_ENDPOINT_MODE:-auto} != auto || $modes == "$expected" ]]
}

routes_work() {
  http GET "$GW/api/users/1"; status_is 200 && body_has '"id":1' || return 1
  http GET "$API/"; status_is 200 && body_has '"visits":'
}

# Database per service: a user created through the gateway is found by every
# users replica, and orders for it by every orders replica (ten reads each).
replicas_share_state() {
  local user order i served=''
  post_json "$GW/api/users" "{\"name\":\"Swarm Verify\",\"email\":\"swarm-$RUN_ID@example.com\"}"
  status_is 201 || return 1
  user=$(json_number "$HTTP_BODY" id)
  for i in 1 2 3 4; do
    post_json "$GW/api/orders" "{\"userId\":$user,\"item\":\"keyboard $RUN_ID\",\"quantity\":3,\"unitPrice\":\"20.00\"}"
    status_is 201 && body_has '"total":"60.00"' || { err "order $i for user $user: $HTTP_STATUS"; return 1; }
    order=$(json_number "$HTTP_BODY" id)
  done
  for i in $(seq 10); do
    http GET "$GW/api/users/$user"; status_is 200 || { err "read $i of user $user: $HTTP_STATUS"; return 1; }
    served+=$(grep -i '^x-served-by:' <<<"$HTTP_HEADERS" | tr -d '\r' | awk '{print $2}')$'\n'
    http GET "$GW/api/orders/$order"; status_is 200 || { err "read $i of order $order: $HTTP_STATUS"; return 1; }
    http GET "$GW/api/users/$user/orders"
    status_is 200 && [[ $(grep -o "\"item\":\"keyboard $RUN_ID\"" <<<"$HTTP_BODY" | wc -l) == 4 ]] ||
      { err "read $i of user $user's orders: $HTTP_STATUS, not its 4 orders"; return 1; }
  done
  served=$(grep . <<<"$served" | sort -u)
  note "user $user and its 4 orders read back 10 times in a row; the user from: $(tr '\n' ' ' <<<"$served")"
  ((USERS_REPLICAS == 1)) || [[ $(grep -c . <<<"$served") -ge 2 ]]
}

# Restarts a challenge 3 store service (a new task on the same volume) and
# proves the counts intact and the API serving again without any action on it.
store_restart_keeps_counts() {
  local service=$1 before i
  for i in $(seq "$GETS_BEFORE_RESTART"); do http GET "$API/"; status_is 200 || return 1; done
  http GET "$API/visits"; status_is 200 || return 1
  before="$(json_number "$HTTP_BODY" visits) $(json_number "$HTTP_BODY" accesses)"
  dkq service update --detach --force "$service"
  retry 240 0.5 update_finished "$service" && [[ $(update_state "$service") == completed ]] || return 1
  wait_converged "$service" >/dev/null || return 1
  local start=$SECONDS
  retry 120 0.25 visits_answer || { err "the API did not serve /visits again within 30 s"; return 1; }
  note "after the restart of $service: visits and rows $before before, $(json_number "$HTTP_BODY" visits)" \
    "$(json_number "$HTTP_BODY" accesses) after; the API answered again $((SECONDS - start)) s after the store was healthy"
  [[ "$(json_number "$HTTP_BODY" visits) $(json_number "$HTTP_BODY" accesses)" == "$before" ]] || return 1
  http GET "$API/"; status_is 200
}
visits_answer() { http GET "$API/visits"; status_is 200; }

# psql in a database service's running task, on its node: db_sql's, there.
service_sql() {
  local task
  task=$(running_tasks "$1" | head -n 1)
  [[ -n $task ]] || return 1
  DOCKER_HOST=$(task_engine "$task") db_sql "$(task_container "$task")" "$2"
}

# What replicas_share_state wrote through the gateway is removed: 4 orders, 1 user.
run_forgotten() {
  local gone
  gone=$(forget_run swarm-users-db swarm-orders-db service_sql) || return 1
  note "removed: $gone"
  [[ $gone == "4 orders, 1 users" ]]
}

main() {
  trap finish EXIT
  FAULTS_WORK=$(mktemp -d)
  [[ -n $SWARM_IMAGES ]] || setup_all >/dev/null
  say "Swarm: verifying"
  check "every service has all its replicas running, each task healthy" all_converged
  check "the endpoint mode fits the kernel (dnsrr without IPVS, vip with it)" endpoint_mode_fits
  check "every route answers through the gateway, and the API with its stores" routes_work
  check "answers through the gateway come from several users replicas" served_by_several "$GW/api/users/1" 30
  check "users and orders replicas share their data (a database per service)" replicas_share_state
  check "the user and orders verify created are removed from both databases" run_forgotten
  kill_one_task
  rolling_update
  failed_update_rolls_back
  check "challenge 3's counts survive a restart of the database service" store_restart_keeps_counts swarm-db
  check "challenge 3's counts survive a restart of the cache service" store_restart_keeps_counts swarm-cache
  checks_done "Swarm"
}

main "$@"
