#!/bin/sh
# Entrypoint of desafios/airgap-redis:7, as in the official redis image:
# options or a *.conf first mean redis-server; started as root it gives /data
# to the redis user (999) and drops to it; a umask of 0077 for new files.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
# The official binary has protected mode off by default (a container is
# reached through docker's networks); Debian's has it on.
if [ "$1" = redis-server ] && [ "$#" = 1 ]; then
  set -- redis-server --protected-mode no
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi
if [ "$(umask)" = 0022 ]; then
  umask 0077
fi
exec "$@"
