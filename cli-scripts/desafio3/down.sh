#!/usr/bin/env bash
# Challenge 3: removes its containers and network; keeps the data volumes and
# their passwords unless --volumes is given (then both go, together).
set -Eeuo pipefail
# shellcheck source=../lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
# shellcheck source=../secrets-lib.sh
source "$CLI_DIR/secrets-lib.sh"

main() {
  say "Challenge 3: removing containers and network"
  remove_containers desafio3-api desafio3-cache desafio3-db
  remove_networks desafio3-net
  if [[ ${1:-} == --volumes ]]; then
    say "Challenge 3: removing the volumes and their passwords (the data is gone)"
    remove_volumes desafio3-pgdata desafio3-redisdata
    show rm -rf "$(secrets_dir 3)"
    rm -rf "$(secrets_dir 3)"
  else
    note "volumes desafio3-pgdata, desafio3-redisdata and their passwords kept; down.sh --volumes removes them"
  fi
}

main "$@"
