#!/usr/bin/env bash
# What swarm/verify.sh proves under load (faults-lib.sh's GET loops through
# the gateway), each with zero failed requests: a users task killed with
# docker kill is replaced, a rolling update of users to a rebuilt image
# completes, and an update whose tasks cannot start is rolled back by swarm
# itself. Source it after verify-lib.sh, swarm-lib.sh and faults-lib.sh; it
# uses verify.sh's GW, LOAD_WORKERS, LOAD_LIMIT, LOAD_MARGIN_SECONDS and
# FAULTS_WORK, defines functions and runs nothing.

# A load record with zero failures; prints its counts.
load_clean() {
  local failed
  failed=$(faults_count "$1" '$2 != 0 || $3 != 200')
  note "GETs during $2: $(wc -l <"$1"), failed: $failed, slowest $(faults_max_seconds "$1") s"
  # Each failure with what the gateway's log needs to find it: curl exit, status, seconds, request id.
  awk '$2 != 0 || $3 != 200 { print "      failed: curl exit " $2 ", status " $3 ", " $4 " s, " $5 }' "$1" | head -n 5
  ((failed == 0 && $(wc -l <"$1") > 0))
}

# docker kill of one users task under load, on the node that runs it: swarm
# starts a replacement.
kill_one_task() {
  local victim task replaced=1
  task=$(running_tasks swarm-users | head -n 1)
  victim=$(task_container "$task")
  faults_start_load "$FAULTS_WORK/kill" "$LOAD_WORKERS" "$LOAD_LIMIT" "$GW/api/users/1"
  sleep "$LOAD_MARGIN_SECONDS"
  show docker kill "$victim"
  on_task_node "$task" kill "$victim" >/dev/null
  # Converged again, on a set of tasks without the killed one.
  retry 240 0.5 replaced_without "$task" || replaced=0
  sleep "$LOAD_MARGIN_SECONDS"
  faults_stop_load "$FAULTS_WORK/kill"
  check "the killed users task was replaced: $(service_replicas swarm-users) running, healthy" test "$replaced" = 1
  check "zero failed requests while a users task was killed and replaced" load_clean "$FAULTS_WORK/kill" "the kill"
}
replaced_without() {
  local tasks
  tasks=$(running_tasks swarm-users)
  service_converged swarm-users && ! grep -qx "$1" <<<"$tasks"
}

# A users image built again with a new creation time (so a new image), tagged
# rolled-<time> in this engine; prints its reference. SWARM_ROLL_IMAGE names
# another command that prints one (the cluster's pushes it to its registry).
rebuild_users_image() {
  if [[ -n ${SWARM_ROLL_IMAGE:-} ]]; then
    $SWARM_ROLL_IMAGE
    return
  fi
  local image
  image="$IMAGE_PREFIX/svc-users:rolled-$(date +%s)"
  say "Rebuilding the users image as $image" >&2
  jib_build svc-users -Djib.to.image="$image" -Djib.to.tags="${image##*:}" \
    -Djib.container.creationTime=USE_CURRENT_TIMESTAMP >&2
  echo "$image"
}

# A rolling update of users to a rebuilt image under load: one task at a time,
# the new one healthy before the old stops.
rolling_update() {
  local image state
  image=$(rebuild_users_image) || { check "the users image was rebuilt" false; return; }
  faults_start_load "$FAULTS_WORK/update" "$LOAD_WORKERS" "$LOAD_LIMIT" "$GW/api/users/1"
  sleep "$LOAD_MARGIN_SECONDS"
  dkq service update --detach --no-resolve-image --image "$image" swarm-users
  retry 480 0.25 update_finished swarm-users || true
  state=$(update_state swarm-users)
  retry 40 0.25 service_converged swarm-users || true
  sleep "$LOAD_MARGIN_SECONDS"
  faults_stop_load "$FAULTS_WORK/update"
  note "update state: $state"
  check "the rolling update of users completed, every task on the rebuilt image $image" \
    all_tasks_on swarm-users "$image" "$state"
  check "zero failed requests during the rolling update" load_clean "$FAULTS_WORK/update" "the update"
}
# An update that cannot work (PORT=abc: each new task exits at start) under load:
# swarm rolls it back by itself (--update-failure-action rollback), and with
# start-first the old tasks keep serving throughout.
failed_update_rolls_back() {
  local state
  faults_start_load "$FAULTS_WORK/rollback" "$LOAD_WORKERS" "$LOAD_LIMIT" "$GW/api/users/1"
  sleep "$LOAD_MARGIN_SECONDS"
  dkq service update --detach --no-resolve-image --env-add PORT=abc swarm-users
  retry 480 0.25 update_finished swarm-users || true
  state=$(update_state swarm-users)
  retry 40 0.25 service_converged swarm-users || true
  sleep "$LOAD_MARGIN_SECONDS"
  faults_stop_load "$FAULTS_WORK/rollback"
  local env
  env=$(docker service inspect -f '{{join .Spec.TaskTemplate.ContainerSpec.Env " "}}' swarm-users)
  note "update state: $state; the service's environment now: ${env:-none set}"
  check "a broken update of users (PORT=abc) was rolled back by swarm itself" rolled_back swarm-users "$state"
  check "zero failed requests during the broken update and its rollback" load_clean "$FAULTS_WORK/rollback" "the rollback"
}
rolled_back() {
  [[ $2 == rollback_completed ]] && service_converged "$1" &&
    [[ $(docker service inspect -f '{{join .Spec.TaskTemplate.ContainerSpec.Env " "}}' "$1") != *PORT=abc* ]]
}

all_tasks_on() {
  local task
  [[ $3 == completed ]] && service_converged "$1" || return 1
  for task in $(running_tasks "$1"); do
    [[ $(docker inspect --type task -f '{{.Spec.ContainerSpec.Image}}' "$task") == "$2" ]] || return 1
  done
}
