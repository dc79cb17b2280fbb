#!/usr/bin/env bash
# The swarm's passwords and the docker secrets made from them, for up.sh: each
# password generated once into a root-only file (../secrets-lib.sh's
# new_password and write_secret), each docker secret created unless it
# exists. Source it after build-images.sh and swarm-lib.sh; it defines
# functions and runs nothing.

# Passwords generated once into files outside git (root only), from which the
# docker secrets are made: the data volumes outlive a swarm that down.sh leaves.
ensure_secrets() {
  # Each database volume is initialised with its password: one without the other is lost.
  local -A volume_of=([db_password]=swarm-pgdata [users_db_password]=swarm-users-data
    [orders_db_password]=swarm-orders-data [redis_password]='')
  local name
  for name in "${!volume_of[@]}"; do
    [[ -f $SWARM_SECRETS_DIR/$name ]] && continue
    [[ -z ${volume_of[$name]} ]] || ! docker volume inspect "${volume_of[$name]}" >/dev/null 2>&1 ||
      die "the volume ${volume_of[$name]} exists but its password $name is gone; remove it with swarm/down.sh --volumes"
    say "Generating the password $name into $SWARM_SECRETS_DIR (mode 0400, root only)"
    new_password | write_secret "$SWARM_SECRETS_DIR/$name" 0
  done
  local redis_password
  redis_password=$(<"$SWARM_SECRETS_DIR/redis_password")
  ensure_secret swarm-db-password <"$SWARM_SECRETS_DIR/db_password"
  ensure_secret swarm-redis-password <"$SWARM_SECRETS_DIR/redis_password"
  ensure_secret swarm-users-db-password <"$SWARM_SECRETS_DIR/users_db_password"
  ensure_secret swarm-orders-db-password <"$SWARM_SECRETS_DIR/orders_db_password"
  redis_config "$redis_password" | ensure_secret swarm-redis-conf
}

# A docker secret from stdin, unless it exists (secrets cannot change).
ensure_secret() {
  if docker secret inspect "$1" >/dev/null 2>&1; then
    note "secret $1 exists"
  else
    dkq secret create --label desafios.challenge=swarm "$1" -
  fi
}
