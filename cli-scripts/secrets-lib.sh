#!/usr/bin/env bash
# The secrets of the challenges: generated passwords, each written once into a
# root-only folder under $STATE_DIR (outside git), owned by the uid that reads
# it. Source it after lib.sh (setup.sh does); it defines functions and runs
# nothing.

# A challenge's secrets live outside git, in a directory only root can list.
secrets_dir() { printf '%s/secrets/desafio%s' "$STATE_DIR" "$1"; }

# A new random password: 32 letters and digits (safe in any config file).
new_password() {
  local chars
  chars=$(head -c 1024 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  printf '%s' "${chars:0:32}"
}

# Writes a secret file (content on stdin) owned by the uid that reads it,
# mode 0400: `printf %s "$pw" | write_secret FILE UID`.
write_secret() {
  local file=$1 uid=$2
  ((EUID == 0)) || die "writing $file owned by uid $uid needs root; run this script as root"
  mkdir -p "$(dirname "$file")"
  chmod 700 "$STATE_DIR/secrets" "$(dirname "$file")" 2>/dev/null || true
  (umask 077 && cat >"$file")
  chown "$uid:$uid" "$file"
  chmod 0400 "$file"
}

# A database password, written once in two copies, each owned by its reader:
# DIR/NAME.postgres (the database, uid 999) and DIR/NAME.service (the Java
# service, uid 1000): `ensure_db_password DIR NAME VOLUME`. A volume whose
# password is gone cannot be opened: one line says how to start afresh.
ensure_db_password() {
  local dir=$1 name=$2 volume=$3 password
  [[ -f $dir/$name.postgres && -f $dir/$name.service ]] && return 0
  if docker volume inspect "$volume" >/dev/null 2>&1; then
    die "the volume $volume exists but its password is gone; remove it with desafio$CHALLENGE/down.sh --volumes"
  fi
  say "Generating the password $dir/$name (mode 0400, owned by the reading uid)"
  password=$(new_password)
  printf '%s' "$password" | write_secret "$dir/$name.postgres" "$STORE_UID"
  printf '%s' "$password" | write_secret "$dir/$name.service" "$SERVICE_UID"
}
