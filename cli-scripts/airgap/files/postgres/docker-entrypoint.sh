#!/usr/bin/env bash
# Entrypoint of desafios/airgap-postgres:15, following the official postgres
# image: POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), POSTGRES_USER
# (default postgres), POSTGRES_DB (default the user), PGDATA; the cluster is
# initialised only when PGDATA is empty, then postgres runs in the foreground.
# Started as root it fixes ownership and drops to the postgres user (999).
set -Eeo pipefail

pg_err() { printf 'error: %s\n' "$*" >&2; }

# file_env VAR [DEFAULT]: VAR from the environment or from the file in VAR_FILE.
pg_file_env() {
  local var=$1 file_var="${1}_FILE" def=${2:-} val
  if [[ -n ${!var:-} && -n ${!file_var:-} ]]; then
    pg_err "both $var and $file_var are set (but are exclusive)"; exit 1
  fi
  val=$def
  if [[ -n ${!var:-} ]]; then val=${!var}; elif [[ -n ${!file_var:-} ]]; then val=$(<"${!file_var}"); fi
  export "$var"="$val"
  unset "$file_var"
}

pg_setup_env() {
  pg_file_env POSTGRES_PASSWORD
  pg_file_env POSTGRES_USER postgres
  pg_file_env POSTGRES_DB "$POSTGRES_USER"
  pg_file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  export PGDATA=${PGDATA:-/var/lib/postgresql/data}
}

pg_create_dirs() {
  mkdir -p "$PGDATA" /var/run/postgresql
  if [[ $(id -u) == 0 ]]; then
    chown postgres:postgres "$PGDATA" /var/run/postgresql
    find "$PGDATA" \! -user postgres -exec chown postgres:postgres '{}' +
  fi
  if [[ -O $PGDATA ]]; then chmod 0700 "$PGDATA"; fi
}

pg_psql() { psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc "$@"; }

pg_init() {
  if [[ -z $POSTGRES_PASSWORD && $POSTGRES_HOST_AUTH_METHOD != trust ]]; then
    pg_err "the database is uninitialized and no superuser password is set:"
    pg_err "set POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE"; exit 1
  fi
  # shellcheck disable=SC2086 # POSTGRES_INITDB_ARGS holds several arguments
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
    $POSTGRES_INITDB_ARGS
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"
  # Local socket only while the database and the init scripts are set up.
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p 5432" -w start
  if [[ $POSTGRES_DB != postgres && -z $(pg_psql -d postgres -tA --set db="$POSTGRES_DB" \
    <<<"SELECT 1 FROM pg_database WHERE datname = :'db'") ]]; then
    pg_psql -d postgres --set db="$POSTGRES_DB" <<<'CREATE DATABASE :"db";'
  fi
  local f
  for f in /docker-entrypoint-initdb.d/*; do
    # shellcheck disable=SC1090 # the user's own scripts
    case $f in
      *.sh) printf 'running %s\n' "$f"; if [[ -x $f ]]; then "$f"; else source "$f"; fi ;;
      *.sql) printf 'running %s\n' "$f"; pg_psql -d "$POSTGRES_DB" -f "$f" ;;
      *.sql.gz) printf 'running %s\n' "$f"; gunzip -c "$f" | pg_psql -d "$POSTGRES_DB" ;;
    esac
  done
  pg_ctl -D "$PGDATA" -m fast -w stop
  printf 'PostgreSQL init process complete; ready for start up.\n'
}

main() {
  if [[ ${1:0:1} == - ]]; then set -- postgres "$@"; fi
  if [[ $1 == postgres ]]; then
    pg_setup_env
    pg_create_dirs
    if [[ $(id -u) == 0 ]]; then
      exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
    fi
    if [[ ! -s $PGDATA/PG_VERSION ]]; then
      pg_init
    else
      printf 'PostgreSQL database directory appears to contain a database; skipping initialization\n'
    fi
    # The server has no use for the password; keep it out of its environment.
    unset POSTGRES_PASSWORD
  fi
  exec "$@"
}

main "$@"
