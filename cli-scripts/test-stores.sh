#!/usr/bin/env bash
# Real PostgreSQL and Redis servers for svc-api's integration tests: started
# on random loopback ports, with throwaway passwords, and described to the
# tests through TEST_PG_* and TEST_REDIS_* variables. Sourced by test-all.sh;
# test_stores_down removes the containers and their passwords.

TEST_SECRETS="$STATE_DIR/secrets/test"
TEST_STORE_FLAGS=(--label desafios.challenge=test --user "$STORE_UID:$STORE_UID" --read-only --cap-drop ALL
  --security-opt no-new-privileges --pids-limit 128 --memory 512m --cpus 1 --tmpfs /tmp:rw,noexec,nosuid,size=16m
  --health-interval 2s --health-timeout 3s --health-retries 10)

test_stores_up() {
  local pg_password redis_password
  pg_password=$(new_password) redis_password=$(new_password)
  printf '%s' "$pg_password" | write_secret "$TEST_SECRETS/pg_password.postgres" "$STORE_UID"
  printf '%s' "$pg_password" | write_secret "$TEST_SECRETS/pg_password" "$(id -u)"
  printf 'bind 0.0.0.0\nrequirepass %s\nappendonly no\n' "$redis_password" |
    write_secret "$TEST_SECRETS/redis.conf" "$STORE_UID"
  printf '%s' "$redis_password" | write_secret "$TEST_SECRETS/redis_password" "$(id -u)"
  test_stores_down >/dev/null
  dkq run --detach --name desafios-test-db "${TEST_STORE_FLAGS[@]}" --publish 127.0.0.1::5432 \
    --tmpfs "/var/run/postgresql:rw,size=1m,uid=$STORE_UID,gid=$STORE_UID" \
    --tmpfs "/var/lib/postgresql/data:rw,size=256m,uid=$STORE_UID,gid=$STORE_UID" \
    --volume "$TEST_SECRETS/pg_password.postgres:/run/secrets/db_password:ro" \
    --env POSTGRES_USER=app --env POSTGRES_DB=app --env POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
    --health-cmd "$PG_HEALTH_CMD" "$POSTGRES_IMAGE"
  dkq run --detach --name desafios-test-cache "${TEST_STORE_FLAGS[@]}" --publish 127.0.0.1::6379 \
    --volume "$TEST_SECRETS/redis.conf:/usr/local/etc/redis/redis.conf:ro" \
    --health-cmd "$REDIS_HEALTH_CMD" \
    "$REDIS_IMAGE" redis-server /usr/local/etc/redis/redis.conf
  wait_healthy desafios-test-db desafios-test-cache
  export TEST_PG_URL="jdbc:postgresql://$(docker port desafios-test-db 5432/tcp | head -n 1)/app"
  export TEST_PG_USER=app TEST_PG_PASSWORD_FILE="$TEST_SECRETS/pg_password"
  export TEST_REDIS_URL="redis://$(docker port desafios-test-cache 6379/tcp | head -n 1)"
  export TEST_REDIS_PASSWORD_FILE="$TEST_SECRETS/redis_password"
  note "integration stores: $TEST_PG_URL and $TEST_REDIS_URL"
}

test_stores_down() {
  remove_containers desafios-test-db desafios-test-cache
}

test_stores_forget() {
  test_stores_down
  rm -rf "$TEST_SECRETS"
}
