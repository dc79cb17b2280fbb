#!/usr/bin/env bash
# The stores, hardened: PostgreSQL's and Redis's health checks, the stores'
# and the services' uids, the stores' run flags, a PostgreSQL container and
# Redis's config file; psql in a PostgreSQL container, and what a verify run
# wrote removed with it. Sourced by lib.sh, once, under its load-once guard (its
# constants are readonly), after containers-lib.sh (the flags build on
# HARDENED): source lib.sh, not this file. It defines functions and constants
# and runs nothing.

# Health checks of the stores in their own protocols (a query over TCP, a PING).
# The Redis one reads the password inside the container's shell, so that no
# value shows in ps or docker inspect.
# shellcheck disable=SC2016 # expanded by the container's shell, not here
readonly PG_HEALTH_CMD='psql -h 127.0.0.1 -U app -d app -tAc "select 1" | grep -q 1'
# shellcheck disable=SC2016
readonly REDIS_HEALTH_CMD='REDISCLI_AUTH="$(sed -n "s/^requirepass //p" /usr/local/etc/redis/redis.conf)" redis-cli ping | grep -q PONG'

# The stores' uid: postgres and redis in the official images (and the stand-ins);
# the services' uid, the user Jib sets in their images.
readonly STORE_UID=999
# shellcheck disable=SC2034 # used by the scripts that source this file
readonly SERVICE_UID=1000
# Same hardening as the services; running as the image's own uid on a volume it
# already owns, a store needs no capability back.
readonly STORE_RUN_FLAGS=(--user "$STORE_UID:$STORE_UID" "${HARDENED[@]}" --tmpfs /tmp:rw,noexec,nosuid,size=16m --cpus 1
  --health-interval 3s --health-timeout 3s --health-retries 5 --health-start-period 60s)

# Starts a hardened PostgreSQL (user and database app, alias db, data in the
# volume, password from the file) unless it already runs the current image:
# `run_postgres NAME NETWORK VOLUME PASSWORD_FILE`. The health check goes
# through TCP: during its first initialisation the image runs a temporary
# server on the Unix socket only, which must not count as ready.
run_postgres() {
  local name=$1 network=$2 volume=$3 password_file=$4
  container_current "$name" "$POSTGRES_IMAGE" && { note "$name is already running"; return 0; }
  remove_containers "$name"
  dkq run --detach --name "$name" --hostname "$name" --network "$network" --network-alias db \
    --label "desafios.challenge=$CHALLENGE" "${STORE_RUN_FLAGS[@]}" \
    --memory 512m --tmpfs "/var/run/postgresql:rw,noexec,nosuid,size=1m,uid=$STORE_UID,gid=$STORE_UID" \
    --volume "$volume:/var/lib/postgresql/data" \
    --volume "$password_file:/run/secrets/db_password:ro" \
    --env POSTGRES_USER=app --env POSTGRES_DB=app --env POSTGRES_PASSWORD_FILE=/run/secrets/db_password \
    --health-cmd "$PG_HEALTH_CMD" \
    "$POSTGRES_IMAGE"
}

# The config file of a Redis with a password and an append-only file in /data:
# the official image reads no *_FILE variable, so the password goes in it.
# `redis_config PASSWORD | write_secret FILE UID`.
redis_config() {
  printf 'bind 0.0.0.0\nport 6379\nrequirepass %s\nappendonly yes\nappendfsync everysec\ndir /data\n' "$1"
}

# SQL run by psql inside a PostgreSQL container, as the database's owner, with
# :'run' standing for $RUN_ID when set; prints the rows, unaligned, without
# headers: `db_sql CONTAINER SQL`.
db_sql() { docker exec -i "$1" psql -U app -d app -qAt -v ON_ERROR_STOP=1 -v "run=${RUN_ID:-}" <<<"$2"; }

# Removes what a verify run wrote through the API, which has no DELETE on
# purpose (no client may remove what others stored): the orders whose item ends
# with " $RUN_ID", the users whose email is "...$RUN_ID@example.com", asked of
# each database from inside its container. Prints how many of each went:
# `forget_run USERS_DB ORDERS_DB [SQL_FUNCTION]` (db_sql's arguments; the
# function, db_sql unless given, runs the SQL in each).
forget_run() {
  local sql=${3:-db_sql} count='RETURNING 1) SELECT count(*) FROM gone'
  printf '%s orders, %s users' \
    "$("$sql" "$2" "WITH gone AS (DELETE FROM orders WHERE item LIKE '% ' || :'run' $count")" \
    "$("$sql" "$1" "WITH gone AS (DELETE FROM users WHERE email LIKE '%' || :'run' || '@example.com' $count")"
}
