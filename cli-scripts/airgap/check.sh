#!/usr/bin/env bash
# Checks the four air-gapped images the way the project runs them: non-root,
# read-only, no capabilities, no new privileges. PostgreSQL and Redis must keep
# their data across a restart; nginx must serve as non-root on port 8080.
# Leaves nothing behind: its containers, volumes, network and files go.
set -Eeuo pipefail

# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=airgap-lib.sh
source "$CLI_DIR/airgap/airgap-lib.sh"

CHECK_PREFIX=airgap-check
LOCKED=(--read-only --cap-drop ALL --security-opt no-new-privileges)
CHECK_DIR=

check_cleanup() {
  docker rm --force "$CHECK_PREFIX-pg" "$CHECK_PREFIX-redis" "$CHECK_PREFIX-nginx" >/dev/null 2>&1 || true
  docker volume rm "$CHECK_PREFIX-pgdata" "$CHECK_PREFIX-redisdata" >/dev/null 2>&1 || true
  docker network rm "$CHECK_PREFIX-net" >/dev/null 2>&1 || true
  [[ -z $CHECK_DIR ]] || rm -rf "$CHECK_DIR"
}

# check_retry CONTAINER CMD...: runs CMD until it succeeds (30 tries, 0.5 s apart);
# on giving up prints the container's logs and fails.
check_retry() {
  local container=$1 try
  shift
  for ((try = 1; try <= 30; try++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  err "gave up waiting for: $*"
  docker logs --tail 30 "$container" >&2 || true
  return 1
}

# A secret file owned by the uid that reads it, mode 0400.
check_secret() {
  local file=$CHECK_DIR/$1 owner=$2
  shift 2
  printf '%s\n' "$@" >"$file"
  chown "$owner" "$file" && chmod 0400 "$file"
}

check_jre() {
  local image=desafios/airgap-jre:25
  dk run --rm "${LOCKED[@]}" --tmpfs /tmp --user 1000:1000 "$image" java -version
  dk run --rm "${LOCKED[@]}" --tmpfs /tmp --user 1000:1000 "$image" sh -c 'wget --help >/dev/null 2>&1'
  note "airgap-jre:25 runs java and busybox sh/wget as 1000:1000"
}

check_postgres() {
  local c=$CHECK_PREFIX-pg image=desafios/airgap-postgres:15
  local sql=(docker exec "$c" psql -U app -d app -tAc)
  check_secret db_password 999:999 "$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  dkq run --detach --name "$c" --network "$CHECK_PREFIX-net" --network-alias db --user 999:999 \
    "${LOCKED[@]}" --tmpfs /tmp --tmpfs /var/run/postgresql:uid=999,gid=999 \
    -v "$CHECK_PREFIX-pgdata:/var/lib/postgresql/data" -v "$CHECK_DIR/db_password:/run/secrets/db_password:ro" \
    -e POSTGRES_PASSWORD_FILE=/run/secrets/db_password -e POSTGRES_USER=app -e POSTGRES_DB=app "$image"
  check_retry "$c" docker exec "$c" pg_isready -U app -d app
  check_retry "$c" "${sql[@]}" 'select 1'
  "${sql[@]}" 'create table t (x int); insert into t values (42)' >/dev/null
  # Over the network a password is required (scram-sha-256).
  # shellcheck disable=SC2016 # expanded inside the container
  dk run --rm --network "$CHECK_PREFIX-net" -v "$CHECK_DIR/db_password:/pw:ro" --user 999:999 "$image" \
    sh -c 'PGPASSWORD=$(cat /pw) psql -h db -U app -d app -tAc "select 1" >/dev/null'
  if docker run --rm --network "$CHECK_PREFIX-net" -e PGPASSWORD=wrong "$image" \
    psql -h db -U app -d app -tAc 'select 1' >/dev/null 2>&1; then
    err "postgres accepted a wrong password"; return 1
  fi
  dkq restart "$c"
  check_retry "$c" docker exec "$c" pg_isready -U app -d app
  [[ $("${sql[@]}" 'select x from t') == 42 ]] || { err "postgres lost its data on restart"; return 1; }
  note "airgap-postgres:15 initialises as 999, checks passwords over the network, keeps data"
}

check_redis() {
  local c=$CHECK_PREFIX-redis image=desafios/airgap-redis:7 conf=/usr/local/etc/redis/redis.conf
  local cli=(docker exec "$c" sh -c "redis-cli --no-auth-warning -a \"\$(sed -n 's/^requirepass //p' $conf)\" \"\$@\"" -)
  check_secret redis.conf 999:999 "requirepass $(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')" \
    'appendonly yes' 'dir /data'
  dkq run --detach --name "$c" --user 999:999 "${LOCKED[@]}" -v "$CHECK_PREFIX-redisdata:/data" \
    -v "$CHECK_DIR/redis.conf:$conf:ro" "$image" redis-server "$conf"
  check_retry "$c" "${cli[@]}" ping
  [[ $("${cli[@]}" set k v) == OK ]] || { err "redis refused a SET"; return 1; }
  [[ $(docker exec "$c" redis-cli ping 2>&1) == *NOAUTH* ]] || { err "redis answered without a password"; return 1; }
  dkq restart "$c"
  check_retry "$c" "${cli[@]}" ping
  [[ $("${cli[@]}" get k) == v ]] || { err "redis lost its data on restart"; return 1; }
  note "airgap-redis:7 requires its password and keeps data (append-only file) across a restart"
}

check_nginx() {
  local c=$CHECK_PREFIX-nginx image=desafios/airgap-nginx:1
  dkq run --detach --name "$c" --user 101:101 "${LOCKED[@]}" --tmpfs /tmp \
    -v "$CLI_DIR/airgap/files/nginx/nonroot.conf:/etc/nginx/nginx.conf:ro" "$image"
  check_retry "$c" docker exec "$c" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8080 &&
    printf "GET / HTTP/1.0\r\n\r\n" >&3 && grep -q "200 OK" <&3'
  note "airgap-nginx:1 serves on 8080 as 101:101 with a read-only root"
}

main() {
  trap check_cleanup EXIT
  check_cleanup
  CHECK_DIR=$(mktemp -d)
  chmod 0755 "$CHECK_DIR"
  dkq network create "$CHECK_PREFIX-net"
  say "Checking the air-gapped images"
  check_jre
  check_postgres
  check_redis
  check_nginx
  say "All four air-gapped images passed"
}

main "$@"
